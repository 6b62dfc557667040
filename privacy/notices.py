"""The draft notice to the Commission d'accès à l'information, written from a register entry.

It follows the items of s. 3 of the Regulation respecting confidentiality incidents, numbered
the same way, and adds what the persons concerned are offered (s. 5 (5)). It is text for the
privacy officer to check, complete and send through the Commission's own form: nothing is sent
from here. A missing item reads "[à compléter]" (or "[to be completed]") so that it stands out.
"""

from django.utils import translation
from django.utils.translation import gettext as _

from privacy.models import ConfidentialityIncident


def _or_todo(value) -> str:
    text = str(value).strip() if value not in (None, "") else ""
    return text or _("[à compléter]")


def _day(day) -> str:
    return day.isoformat() if day else _("[à compléter]")


def _when(incident: ConfidentialityIncident) -> str:
    if incident.occurred_to and incident.occurred_to != incident.occurred_from:
        text = _("du %(start)s au %(end)s") % {"start": _day(incident.occurred_from),
                                              "end": _day(incident.occurred_to)}
    else:
        text = _day(incident.occurred_from)
    if incident.occurred_approximate:
        text += " " + _("(approximatif)")
    return text


def _counts(incident: ConfidentialityIncident) -> str:
    text = _("%(total)s personne(s), dont %(quebec)s résidant au Québec") % {
        "total": incident.people_count,
        "quebec": _or_todo(incident.people_in_quebec_count),
    }
    if incident.people_count_approximate:
        text += " " + _("(nombres approximatifs)")
    return text


def _information(incident: ConfidentialityIncident) -> str:
    if incident.information_description.strip():
        return incident.information_description.strip()
    return _("Ne peut pas être décrit : %(reason)s") % {
        "reason": _or_todo(incident.information_undescribed_reason)}


def cai_notice_draft(*, incident: ConfidentialityIncident, language: str) -> str:
    """The notice as plain text in `language` ("fr" or "en"), ready to copy."""
    with translation.override(language):
        conclusion = (_("L'organisation conclut à un risque de préjudice sérieux.")
                      if incident.risk_serious
                      else _("L'organisation ne conclut pas à un risque de préjudice sérieux."))
        items = [
            (_("Organisation"), incident.organisation.name),
            (_("Numéro d'entreprise du Québec (NEQ), s'il y a lieu"), _("[à compléter]")),
            (_("Personne à contacter au sujet de l'incident"),
             f"{_or_todo(incident.contact_name)}, {_or_todo(incident.contact_details)}"),
            (_("Renseignements personnels visés"), _information(incident)),
            (_("Circonstances de l'incident et sa cause, si elle est connue"),
             _or_todo(incident.circumstances)),
            (_("Date ou période de l'incident"), _when(incident)),
            (_("Date où l'organisation a pris connaissance de l'incident"),
             _day(incident.learned_on)),
            (_("Nombre de personnes concernées et nombre de celles qui résident au Québec"),
             _counts(incident)),
            (_("Éléments qui mènent à conclure à un risque de préjudice sérieux"), "\n".join([
                "- " + _("Sensibilité des renseignements : %(text)s")
                % {"text": _or_todo(incident.risk_sensitivity)},
                "- " + _("Utilisations malveillantes possibles : %(text)s")
                % {"text": _or_todo(incident.risk_misuse)},
                "- " + _("Conséquences appréhendées : %(text)s")
                % {"text": _or_todo(incident.risk_consequences)},
                "- " + _("Probabilité d'une utilisation préjudiciable : %(text)s")
                % {"text": _or_todo(incident.risk_likelihood)},
                "- " + conclusion,
            ])),
            (_("Mesures pour aviser les personnes concernées et date de l'avis"),
             _("%(measures)s (avis envoyé le %(date)s)") % {
                 "measures": _or_todo(incident.people_notification_measures),
                 "date": _day(incident.people_notified_on)}),
            (_("Mesures prises ou prévues pour diminuer les risques de préjudice et éviter "
               "de nouveaux incidents"), "\n".join([
                "- " + _("Prises : %(text)s") % {"text": _or_todo(incident.measures_taken)},
                "- " + _("Prévues : %(text)s") % {"text": _or_todo(incident.measures_planned)},
            ])),
            (_("Mesures proposées aux personnes concernées pour diminuer le préjudice"),
             _or_todo(incident.measures_offered)),
            (_("Personne ou organisme hors Québec avisé, s'il y a lieu"),
             incident.other_authorities_notified.strip() or _("Aucun")),
        ]
        lines = [
            _("Avis à la Commission d'accès à l'information : incident de confidentialité"),
            _("(Règlement sur les incidents de confidentialité, article 3)"),
            "",
        ]
        for number, (label, value) in enumerate(items, start=1):
            lines.append(f"{number}. {label}")
            lines.extend("   " + line for line in str(value).splitlines() or [""])
            lines.append("")
        return "\n".join(lines).rstrip() + "\n"
