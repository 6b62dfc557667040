"""Forms of the privacy app: shapes and field-level checks; the rules are in privacy.services."""

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, User
from core.exceptions import ApplicationError
from privacy.models import AccessRequest, ConfidentialityIncident
from privacy.selectors import organisation_members, organisation_schools


class _LabelsAsSentences:
    def __init__(self, *args, **kwargs):
        # Labels are written as sentences; no trailing colon.
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def add_application_error(self, error: ApplicationError) -> None:
        fields = [name for name in (error.extra.get("fields") or {}) if name in self.fields]
        for name in fields:
            self.add_error(name, error.message)
        if not fields:
            self.add_error(None, error.message)


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _text(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


YES_NO = [("yes", _("Oui")), ("no", _("Non"))]


class IncidentForm(_LabelsAsSentences, forms.ModelForm):
    """One register entry, grouped as s. 11 of the Regulation lists its items."""

    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), empty_label=None,
    )
    risk_serious = forms.TypedChoiceField(
        label=_("L'incident présente-t-il un risque qu'un préjudice sérieux soit causé ?"),
        choices=YES_NO, coerce=lambda value: value == "yes", widget=forms.RadioSelect,
        error_messages={"required": _("Indiquez si le risque de préjudice est sérieux.")},
    )

    # Sections of the page: (legend, fields).
    SECTIONS = [
        (_("L'incident"), ["organisation", "kind", "circumstances"]),
        (_("Renseignements personnels visés"),
         ["information_description", "information_undescribed_reason"]),
        (_("Dates"), ["occurred_from", "occurred_to", "occurred_approximate", "learned_on"]),
        (_("Personnes concernées"),
         ["people_count", "people_in_quebec_count", "people_count_approximate"]),
        (_("Évaluation du risque de préjudice"),
         ["risk_sensitivity", "risk_misuse", "risk_consequences", "risk_likelihood",
          "risk_serious"]),
        (_("Avis (seulement si le risque est sérieux)"),
         ["cai_notified_on", "people_notified_on", "people_notification_measures",
          "public_notice_given", "public_notice_reason"]),
        (_("Mesures"),
         ["measures_taken", "measures_planned", "measures_offered",
          "other_authorities_notified"]),
        (_("Personne à contacter"), ["contact_name", "contact_details"]),
    ]

    class Meta:
        model = ConfidentialityIncident
        fields = [
            "kind", "information_description", "information_undescribed_reason",
            "circumstances", "occurred_from", "occurred_to", "occurred_approximate",
            "learned_on", "people_count", "people_in_quebec_count", "people_count_approximate",
            "risk_sensitivity", "risk_misuse", "risk_consequences", "risk_likelihood",
            "risk_serious", "cai_notified_on", "people_notified_on", "public_notice_given",
            "public_notice_reason", "people_notification_measures", "measures_taken",
            "measures_planned", "measures_offered", "other_authorities_notified",
            "contact_name", "contact_details",
        ]
        widgets = {
            "kind": forms.RadioSelect,
            "information_description": _text(),
            "information_undescribed_reason": _text(2),
            "circumstances": _text(5),
            "occurred_from": _DateInput(),
            "occurred_to": _DateInput(),
            "learned_on": _DateInput(),
            "cai_notified_on": _DateInput(),
            "people_notified_on": _DateInput(),
            "risk_sensitivity": _text(),
            "risk_misuse": _text(),
            "risk_consequences": _text(),
            "risk_likelihood": _text(),
            "public_notice_reason": _text(2),
            "people_notification_measures": _text(2),
            "measures_taken": _text(),
            "measures_planned": _text(),
            "measures_offered": _text(),
            "other_authorities_notified": _text(2),
            "people_count": forms.NumberInput(attrs={"min": 0}),
            "people_in_quebec_count": forms.NumberInput(attrs={"min": 0}),
        }
        labels = {
            "information_description": _("Description des renseignements"),
        }
        help_texts = {
            "information_description": _(
                "Les catégories de renseignements (ex. : noms et courriels, réponses "
                "réflexives), sans recopier les renseignements eux-mêmes."),
            "information_undescribed_reason": _(
                "À remplir seulement si les renseignements ne peuvent pas être décrits."),
            "circumstances": _("Ce qui s'est passé et, si elle est connue, la cause."),
            "occurred_to": _("Laissez vide si l'incident a eu lieu un seul jour."),
            "people_count": _("Un nombre approximatif si le nombre exact n'est pas connu."),
            "people_notification_measures": _(
                "Comment les personnes ont été ou seront avisées, et quand."),
            "public_notice_reason": _("Obligatoire si un avis public a été donné."),
            "contact_details": _("Courriel ou téléphone où la Commission peut joindre "
                                 "cette personne."),
        }

    def __init__(self, *args, organisations: QuerySet[Organisation] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # BaseModel gives a new instance its uuid at once: `_state.adding` tells new from saved.
        adding = self.instance._state.adding
        if adding and organisations is not None:
            self.fields["organisation"].queryset = organisations
            if self.initial.get("organisation") is None and len(organisations) == 1:
                self.initial["organisation"] = organisations[0].pk
        else:
            # An entry stays in the register it was recorded in.
            del self.fields["organisation"]
        self.fields["kind"].choices = ConfidentialityIncident.Kind.choices
        if not adding:
            self.initial["risk_serious"] = "yes" if self.instance.risk_serious else "no"
        self.sections = [
            (legend, [self[name] for name in names if name in self.fields])
            for legend, names in self.SECTIONS
        ]

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        for name in ("occurred_from", "occurred_to", "learned_on", "cai_notified_on",
                     "people_notified_on"):
            if data.get(name) and data[name] > today:
                self.add_error(name, _("Cette date ne peut pas être dans le futur."))
        if not (data.get("information_description") or "").strip() and not (
            data.get("information_undescribed_reason") or ""
        ).strip() and "information_description" not in self.errors:
            self.add_error("information_description", _(
                "Décrivez les renseignements visés ou expliquez pourquoi c'est impossible."))
        start, end = data.get("occurred_from"), data.get("occurred_to")
        if start and end and end < start:
            self.add_error("occurred_to", _("La fin de la période précède son début."))
        learned = data.get("learned_on")
        if start and learned and learned < start:
            self.add_error("learned_on", _(
                "L'organisation ne peut pas avoir pris connaissance de l'incident avant "
                "qu'il ait lieu."))
        total, in_quebec = data.get("people_count"), data.get("people_in_quebec_count")
        if total is not None and in_quebec is not None and in_quebec > total:
            self.add_error("people_in_quebec_count", _(
                "Ce nombre ne peut pas dépasser le nombre de personnes concernées."))
        if data.get("risk_serious") is False:
            for name in ("cai_notified_on", "people_notified_on"):
                if data.get(name):
                    self.add_error(name, _(
                        "Les avis ne s'envoient que si le risque de préjudice est sérieux."))
            if data.get("public_notice_given"):
                self.add_error("public_notice_given", _(
                    "Un avis public ne se donne que si le risque de préjudice est sérieux."))
        for name in ("cai_notified_on", "people_notified_on"):
            if learned and data.get(name) and data[name] < learned:
                self.add_error(name, _(
                    "Un avis ne peut pas précéder la date où l'organisation a pris "
                    "connaissance de l'incident."))
        if data.get("public_notice_given") and not (
            data.get("public_notice_reason") or ""
        ).strip():
            self.add_error("public_notice_reason", _("Indiquez pourquoi un avis public a été "
                                                     "donné."))
        return data

    def model_data(self) -> dict:
        """The cleaned fields that belong to the model, for privacy.services."""
        return {name: value for name, value in self.cleaned_data.items()
                if name in self.Meta.fields}


class _SubjectChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.full_name} ({obj.email})"


class AccessRequestForm(_LabelsAsSentences, forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation qui reçoit la demande"), queryset=Organisation.objects.none(),
        empty_label=None,
    )
    # Not required: a form sent without it (as before students could be asked about) is about
    # an account; a browser always sends the checked choice.
    subject_kind = forms.ChoiceField(
        label=_("Sur qui porte la demande ?"), choices=AccessRequest.SubjectKind.choices,
        initial=AccessRequest.SubjectKind.USER, widget=forms.RadioSelect, required=False,
    )
    subject = _SubjectChoiceField(
        label=_("Personne concernée (compte Sexto)"), queryset=User.objects.none(),
        required=False, empty_label=_("Choisissez une personne"),
        help_text=_("Les membres de l'organisation et de ses écoles."),
        error_messages={"invalid_choice": _("Choisissez une personne de la liste.")},
    )
    subject_school = forms.ModelChoiceField(
        label=_("École de l'élève"), queryset=Organisation.objects.none(), required=False,
        empty_label=_("Choisissez une école"),
        error_messages={"invalid_choice": _("Choisissez une école de la liste.")},
    )
    subject_student_name = forms.CharField(
        label=_("Nom de l'élève"), max_length=200, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_("Son nom complet, tel que l'école l'a inscrit dans ses dossiers : ils "
                    "sont retrouvés par ce nom exact (majuscules et espaces mis à part), une "
                    "autre graphie ne les retrouve pas. Le nom est chiffré et n'apparaît pas "
                    "dans la liste des demandes."),
    )
    requester_name = forms.CharField(
        label=_("Nom de la personne qui fait la demande"), max_length=200,
        error_messages={"required": _("Indiquez qui fait la demande.")},
    )
    requester_capacity = forms.ChoiceField(
        label=_("À quel titre fait-elle la demande ?"), choices=AccessRequest.Capacity.choices,
        initial=AccessRequest.Capacity.SELF, widget=forms.RadioSelect,
    )
    received_on = forms.DateField(
        label=_("Date de réception de la demande"), widget=_DateInput(),
        help_text=_("La réponse est due 30 jours plus tard."),
        error_messages={"required": _("Indiquez la date de réception."),
                        "invalid": _("Saisissez une date valide (AAAA-MM-JJ).")},
    )
    identity_verification = forms.CharField(
        label=_("Comment l'identité a-t-elle été vérifiée ?"), widget=_text(3),
        max_length=2000,
        help_text=_("Par exemple : pièce d'identité avec photo présentée en personne. "
                    "N'inscrivez pas le numéro de la pièce. Pour un élève, vérifiez aussi "
                    "le lien du parent ou du tuteur avec l'élève."),
        error_messages={"required": _("Indiquez comment l'identité a été vérifiée.")},
    )
    language = forms.ChoiceField(
        label=_("Langue de la réponse"), choices=settings.LANGUAGES, initial="fr",
        widget=forms.RadioSelect,
    )

    # Sections of the page: (legend, fields).
    SECTIONS = [
        (_("La demande"), ["organisation", "subject_kind"]),
        (_("Demande au sujet d'un compte Sexto"), ["subject"]),
        (_("Demande au sujet d'un élève"), ["subject_school", "subject_student_name"]),
        (_("Qui la fait et comment y répondre"),
         ["requester_name", "requester_capacity", "received_on", "identity_verification",
          "language"]),
    ]

    def __init__(self, *args, organisations: QuerySet[Organisation], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["subject"].queryset = organisation_members(organisations)
        self.fields["subject_school"].queryset = organisation_schools(organisations)
        if len(organisations) == 1:
            self.fields["organisation"].initial = organisations[0].pk
        self.fields["received_on"].initial = timezone.localdate()
        self.sections = [(legend, [self[name] for name in names])
                         for legend, names in self.SECTIONS]

    def clean_subject_kind(self):
        return self.cleaned_data.get("subject_kind") or AccessRequest.SubjectKind.USER

    def clean_subject_student_name(self):
        return " ".join((self.cleaned_data.get("subject_student_name") or "").split())

    def clean_received_on(self):
        received_on = self.cleaned_data["received_on"]
        if received_on > timezone.localdate():
            raise forms.ValidationError(_("La date de réception ne peut pas être dans le futur."))
        return received_on

    def clean(self):
        data = super().clean()
        organisation = data.get("organisation")
        if data.get("subject_kind") == AccessRequest.SubjectKind.STUDENT:
            # What was chosen for the other kind of request does not count.
            self._errors.pop("subject", None)
            data["subject"] = None
            school = data.get("subject_school")
            if school is None and "subject_school" not in self.errors:
                self.add_error("subject_school", _("Choisissez l'école de l'élève."))
            elif organisation and school and not organisation_schools(
                Organisation.objects.filter(pk=organisation.pk)
            ).filter(pk=school.pk).exists():
                self.add_error("subject_school", _(
                    "Cette école n'est pas l'organisation choisie ni une de ses écoles."))
            if not data.get("subject_student_name") and "subject_student_name" not in self.errors:
                self.add_error("subject_student_name", _("Indiquez le nom de l'élève."))
            return data
        for name in ("subject_school", "subject_student_name"):
            self._errors.pop(name, None)
        data["subject_school"], data["subject_student_name"] = None, ""
        subject = data.get("subject")
        if subject is None:
            if "subject" not in self.errors:
                self.add_error("subject", _("Choisissez la personne concernée."))
        elif organisation and not organisation_members(
            Organisation.objects.filter(pk=organisation.pk)
        ).filter(pk=subject.pk).exists():
            self.add_error("subject", _(
                "Cette personne n'est pas membre de l'organisation choisie ni d'une de ses "
                "écoles."))
        return data


class ApproveForm(_LabelsAsSentences, forms.Form):
    # The hash of the package shown on the page: the approval covers exactly that package.
    sha256 = forms.CharField(widget=forms.HiddenInput, max_length=64)
    reviewed = forms.BooleanField(
        label=_("J'ai examiné ces renseignements et j'approuve leur communication."),
        error_messages={"required": _("Confirmez que vous avez examiné les renseignements.")},
    )


class NoticeLanguageForm(forms.Form):
    langue = forms.ChoiceField(choices=settings.LANGUAGES, required=False)

    def language(self, default: str) -> str:
        if self.is_valid() and self.cleaned_data["langue"]:
            return self.cleaned_data["langue"]
        return default
