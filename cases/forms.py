"""Forms of the case tool: shapes and input checks only; the rules are in cases.services.

No form here has a file field, and every free text refuses embedded data (cases.validators).
Each form of a step carries the case's `version`, so that a stale page is caught as a conflict.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from cases import grid
from cases.models import (
    RETENTION_DAYS_MAX,
    RETENTION_DAYS_MIN,
    Case,
    Channel,
    Entry,
    PoliceFollowUp,
    RetentionSchedule,
    SharedInformation,
    Student,
    SupportAction,
)
from cases.validators import reject_embedded_data, without_embedded_data
from core.exceptions import ApplicationError

TEXT_MAX = 10_000


def _text(label, *, required=True, rows=5, help_text="", max_length=TEXT_MAX):
    return forms.CharField(
        label=label, required=required, help_text=help_text, max_length=max_length,
        validators=[reject_embedded_data], widget=forms.Textarea(attrs={"rows": rows}),
    )


# The empty first option of every required choice: nothing is ever chosen for the person.
CHOOSE = _("— Choisir —")


def _choice(label, choices, *, required=True, blank_label=CHOOSE, **kwargs):
    # Radio buttons start with none checked; a select starts on its empty first option.
    widget = kwargs.get("widget")
    radios = isinstance(widget, forms.RadioSelect) or (
        isinstance(widget, type) and issubclass(widget, forms.RadioSelect))
    blank = [] if radios else [("", blank_label)]
    return forms.ChoiceField(label=label, required=required, choices=[*blank, *choices],
                             **kwargs)


def _line(label, *, required=True, max_length=200, help_text=""):
    return forms.CharField(label=label, required=required, max_length=max_length,
                           help_text=help_text, validators=[reject_embedded_data])


class _DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def _when(label, *, required=True):
    return forms.DateTimeField(
        label=label, required=required, widget=_DateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )


def _date(label, *, required=False):
    return forms.DateField(label=label, required=required,
                           widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class _EmbeddedDataShownWithout:
    """A field refused for embedded data is shown back without it: the rest of what was typed
    stays, and the page never sends the image back (cases/validators.py)."""

    def full_clean(self):
        super().full_clean()
        refused = [name for name, errors in self.errors.items() if name in self.fields and any(
            error.code == "embedded_data" for error in errors.as_data())]
        if refused:
            data = self.data.copy()
            for name in refused:
                key = self.add_prefix(name)
                data[key] = without_embedded_data(data.get(key, ""))
            self.data = data


class CaseForm(_EmbeddedDataShownWithout, forms.Form):
    """Base: no colon after labels, the case version, and service errors shown in place."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def add_application_error(self, error: ApplicationError) -> None:
        """The service's refusal, beside the field it names (a time out of order), else on top."""
        field = error.extra.get("field")
        self.add_error(field if field in self.fields else None, error.message)



class ReportForm(CaseForm):
    school = forms.ChoiceField(label=_("École"))
    told_at = _when(_("Quand vous a-t-on confié la situation?"))
    account = _text(
        _("Ce qu'on vous a dit"), rows=8,
        help_text=_("Décrivez avec vos mots ce qu'on vous a raconté. Ne regardez jamais les "
                    "images, ne les copiez pas et ne demandez pas à les voir : c'est une "
                    "infraction, même pour les conserver comme preuve."),
    )
    channels = forms.MultipleChoiceField(
        label=_("Canaux et applications en cause"), choices=Channel.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    apps_other = _line(_("Autres applications ou précisions"), required=False)
    still_spreading = _choice(_("Le contenu circule-t-il encore?"), Case.Spreading.choices)

    def __init__(self, *args, schools: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        # One school is no choice to make; with several, the person picks theirs.
        self.fields["school"].choices = schools if len(schools) == 1 else [("", CHOOSE),
                                                                            *schools]


class ReportEditForm(ReportForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, schools=[], **kwargs)
        del self.fields["school"]


class StudentForm(CaseForm):
    part = _choice(_("Rôle dans l'incident"), Student.Part.choices)
    name = _line(_("Nom de l'élève"), help_text=_(
        "Chiffré dans la base de données et masqué à l'écran : il ne s'affiche qu'à la demande, "
        "après une nouvelle authentification, et cette consultation est journalisée."))
    age = forms.IntegerField(label=_("Âge"), required=False, min_value=4, max_value=25)
    grade = _line(_("Niveau scolaire"), required=False, max_length=40)


class EntryForm(CaseForm):
    kind = _choice(_("Étape"), Entry.Kind.choices)
    student = forms.ChoiceField(label=_("Élève rencontré"), required=False)
    happened_at = _when(_("Date et heure"))
    notes = _text(_("Ce qui a été dit et fait"), rows=6)

    def __init__(self, *args, students: list[tuple[str, str]], kind: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["student"].choices = [("", _("— Aucun en particulier —"))] + students
        # Opened from a step of the case ("Noter la rencontre avec l'auteur présumé"): the
        # person chose the kind by choosing the step; the page's title says which.
        self.fixed_kind = dict(Entry.Kind.choices).get(kind, "")
        if self.fixed_kind:
            self.fields["kind"].initial = kind
            self.fields["kind"].widget = forms.HiddenInput()


class DeviceForm(CaseForm):
    description = _line(_("Description de l'appareil"), help_text=_(
        "Marque, couleur, étui. L'appareil est saisi éteint ou en mode avion, sans jamais "
        "regarder son contenu."))
    owner = forms.ChoiceField(label=_("Propriétaire"), required=False)
    seized_at = _when(_("Saisi le"))
    seized_by = _line(_("Saisi par"))
    envelope_number = _line(_("Numéro de l'enveloppe scellée"), max_length=60)
    locked_in = _line(_("Lieu où il est gardé sous clé"))

    def __init__(self, *args, students: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", _("— Non précisé —"))] + students


class CustodyTransferForm(CaseForm):
    handed_by = _line(_("Remis par"))
    handed_to = _line(_("Remis à"))
    handed_at = _when(_("Remis le"))


def _grid_field(question: grid.Question) -> forms.Field:
    # Nothing is required here: a grid may be saved half filled, and goes to the police only
    # once complete (services.handoff_send). An empty answer stays "Non répondu".
    if question.kind == "choice":
        # Radio buttons, none checked until someone answers: one click per answer, and
        # "Ne sait pas" is one of them, chosen like the others.
        return forms.ChoiceField(
            label=question.label, required=False, help_text=question.help_text,
            choices=question.choices, widget=forms.RadioSelect(attrs={"class": "choices-row"}))
    if question.kind == "age":
        return forms.IntegerField(label=question.label, required=False,
                                  min_value=grid.AGE_MIN, max_value=grid.AGE_MAX,
                                  help_text=question.help_text)
    if question.kind == "line":
        return _line(question.label, required=False, max_length=60,
                     help_text=question.help_text)
    return _text(question.label, required=False, rows=4, help_text=question.help_text)


class GridForm(CaseForm):
    """The grid's questions (cases/grid.py), in their order, each starting unanswered.

    A question kept from before answers started empty (`to_confirm`) shows no answer chosen
    and says which value was kept: choosing an answer confirms it; leaving it empty keeps the
    old value, still to be confirmed.
    """

    def __init__(self, *args, kept: dict | None = None, to_confirm=(), **kwargs):
        super().__init__(*args, **kwargs)
        for question in grid.QUESTIONS:
            field = _grid_field(question)
            if question.name in to_confirm and kept:
                kept_text = _("Réponse gardée d'une version antérieure de la grille : « "
                              "%(answer)s ». Choisissez la réponse pour la confirmer.") % {
                    "answer": question.display(kept.get(question.name))}
                field.help_text = f"{kept_text} {field.help_text}".strip()
            self.fields[question.name] = field


class DpjForm(CaseForm):
    made = forms.TypedChoiceField(
        label=_("Un signalement a-t-il été fait à la DPJ?"),
        choices=[("yes", _("Oui")), ("no", _("Non"))], coerce=lambda v: v == "yes",
        widget=forms.RadioSelect)
    reported_at = _when(_("Fait le"), required=False)
    reported_by = _line(_("Fait par"), required=False, help_text=_(
        "Le signalement est un devoir personnel : la personne qui a des motifs raisonnables "
        "le fait elle-même, sans délai."))
    reference = _line(_("Référence du signalement"), required=False, max_length=60)


class PoliceContactForm(CaseForm):
    contacted_at = _when(_("Corps de police contacté le"))
    officer = _line(_("Policier ou policière joint"))
    police_file_number = _line(_("Numéro de dossier de police"), required=False, max_length=60)


class HandoffForm(CaseForm):
    """Sending the hand-off: what the police will receive is shown above it, and the person
    confirms, knowing that it cannot be taken back."""

    confirm = forms.BooleanField(label=_(
        "J'ai relu ce que la police recevra et je confirme l'envoi. Une fois remis, le dossier "
        "ne peut pas être repris : une correction demande une nouvelle remise."))


class NoDeviceForm(CaseForm):
    reason = _choice(_("Pourquoi aucun appareil n'est saisi?"), Case.NoDevice.choices,
                     widget=forms.RadioSelect)


class NoImpactForm(CaseForm):
    directed_at = _when(_("Famille ou victime dirigée vers la police le"))
    summary = _text(_("Résumé"), rows=4, help_text=_(
        "Sans impact direct sur le milieu scolaire, la famille ou la victime est dirigée vers "
        "la police sans délai, et le volet de l'école se ferme."))


class SupportActionForm(CaseForm):
    kind = _choice(_("Type"), SupportAction.Kind.choices)
    resource = _choice(_("Ressource"), SupportAction.Resource.choices[1:], required=False,
                       blank_label=_("— Aucune —"))
    description = _text(_("Description"), rows=3)
    due_on = _date(_("Échéance"))


class CloseForm(CaseForm):
    summary = _text(_("Résumé de fermeture"), rows=5)
    confirm = forms.BooleanField(label=_(
        "Je confirme la fermeture. Elle ne peut pas être annulée : le dossier ne pourra plus "
        "être modifié, et le délai de conservation commence."))


class LegalHoldForm(CaseForm):
    hold = forms.BooleanField(label=_("Conservation obligatoire (rien n'est détruit)"),
                              required=False)
    reason = _line(_("Motif"), required=False)


class LeadForm(CaseForm):
    lead = forms.ChoiceField(label=_("Intervenant responsable"))

    def __init__(self, *args, interveners: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].choices = [("", CHOOSE), *interveners]


class FollowUpForm(_EmbeddedDataShownWithout, forms.ModelForm):
    notes = _text(_("Notes policières"), required=False, rows=4)

    class Meta:
        model = PoliceFollowUp
        fields = ["qualification", "qualified_at", "outcome", "awareness_meeting_on",
                  "images_destroyed_on", "device_returned_on", "police_file_closed", "notes"]
        widgets = {
            "qualified_at": _DateTimeInput(),
            "awareness_meeting_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "images_destroyed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "device_returned_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for name, choices in (("qualification", PoliceFollowUp.Qualification.choices),
                              ("outcome", PoliceFollowUp.Outcome.choices)):
            self.fields[name].choices = [("", grid.NOT_ANSWERED), *choices]

    def add_application_error(self, error: ApplicationError) -> None:
        field = error.extra.get("field")
        self.add_error(field if field in self.fields else None, error.message)


class ShareForm(CaseForm):
    purpose = forms.ChoiceField(label=_("Fin de la communication (LSJPA, art. 125)"),
                                choices=SharedInformation.Purpose.choices,
                                widget=forms.RadioSelect)
    content = _text(_("Renseignements communiqués à l'école"), rows=4, help_text=_(
        "Seulement ce qui est nécessaire à cette fin. L'école les garde à part et les détruit "
        "lorsqu'ils ne sont plus nécessaires."))


class DesignateForm(forms.Form):
    user = forms.ChoiceField(label=_("Membre du personnel"))

    def __init__(self, *args, staff: list[tuple[str, str]], **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [("", CHOOSE), *staff]


class RetentionScheduleForm(forms.ModelForm):
    """An organisation's own schedule; the bounds are the model's (cases.models).

    A schedule that would make the next purge destroy something the current one keeps is
    applied only once confirmed (`confirm_destruction`, shown when asked for).
    """

    confirm_destruction = forms.BooleanField(
        label=_("Je confirme : la prochaine destruction quotidienne détruira définitivement ces "
                "dossiers et ces renseignements."),
        required=False, widget=forms.HiddenInput,
    )

    class Meta:
        model = RetentionSchedule
        fields = ["closed_case_days", "police_information_days"]
        widgets = {
            "closed_case_days": forms.NumberInput(
                attrs={"min": RETENTION_DAYS_MIN, "max": RETENTION_DAYS_MAX}),
            "police_information_days": forms.NumberInput(
                attrs={"min": RETENTION_DAYS_MIN, "max": RETENTION_DAYS_MAX}),
        }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        bounds = _("Entre %(low)s et %(high)s jours.") % {
            "low": RETENTION_DAYS_MIN, "high": RETENTION_DAYS_MAX}
        for name in self.Meta.fields:
            field = self.fields[name]
            field.help_text = f"{field.help_text} {bounds}".strip()

    def ask_confirmation(self, impact) -> None:
        """Send the form back with what the change would destroy, and the box to confirm it."""
        self.fields["confirm_destruction"].widget = forms.CheckboxInput()
        self.add_error("confirm_destruction", _(
            "Ce calendrier plus court rendrait dus dès la prochaine destruction quotidienne "
            "(dossiers fermés : %(cases)s ; renseignements reçus de la police : %(police)s). "
            "Ils seraient détruits définitivement. Cochez la case pour confirmer."
        ) % {"cases": impact.cases, "police": impact.police_information})
