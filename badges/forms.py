"""Forms of the badges app: shapes only; the rules are in badges.services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from badges.models import BadgeClass, BadgeRequest
from badges.services import ANSWER_MAX_LENGTH
from core.exceptions import ApplicationError
from core.text import localized


class _Form(forms.Form):
    def __init__(self, *args, **kwargs):
        # Labels are written as sentences; no trailing colon.
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class EvidenceForm(_Form):
    """One textarea per evidence question: its title as label, its prompt as help text."""

    def __init__(self, *args, questions: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        for question in questions:
            self.fields[question["id"]] = forms.CharField(
                label=localized(question["title"]),
                help_text=localized(question.get("prompt")),
                widget=forms.Textarea(attrs={"rows": 8}),
                max_length=ANSWER_MAX_LENGTH,
                strip=True,
                error_messages={"required": _("Répondez à cette question.")},
            )

    def add_application_error(self, error: ApplicationError) -> None:
        fields = error.extra.get("fields") or {}
        for name, message in fields.items():
            if name in self.fields:
                self.add_error(name, message)
        if not fields:
            self.add_error(None, error.message)


class ReviewDecisionForm(_Form):
    decision = forms.ChoiceField(
        label=_("Décision"),
        choices=[
            ("grant", _("Accorder le badge")),
            ("revise", _("Demander une révision")),
            ("reject", _("Refuser la demande")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Motif"),
        help_text=_(
            "Obligatoire pour un refus ou une demande de révision ; la personne le lira."
        ),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=5000,
    )

    def add_application_error(self, error: ApplicationError) -> None:
        self.add_error("reason" if error.code == "reason_required" else None, error.message)


class ReviewQueueFilterForm(_Form):
    ALL = "all"

    status = forms.ChoiceField(label=_("Statut"), required=False)
    badge_class = forms.ChoiceField(label=_("Badge"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            *BadgeRequest.Status.choices, (self.ALL, _("Tous les statuts"))
        ]
        self.fields["badge_class"].choices = [("", _("Tous les badges"))] + [
            (str(b.pk), localized(b.name)) for b in BadgeClass.objects.all()
        ]

    def filters(self) -> dict:
        """Filters for badges.selectors.badge_requests_for_review (bad input: the defaults)."""
        status = BadgeRequest.Status.REQUESTED
        badge_class = None
        if self.is_valid():
            chosen = self.cleaned_data.get("status") or BadgeRequest.Status.REQUESTED
            status = None if chosen == self.ALL else chosen
            if self.cleaned_data.get("badge_class"):
                badge_class = BadgeClass.objects.filter(
                    pk=self.cleaned_data["badge_class"]
                ).first()
        return {"status": status, "badge_class": badge_class}


class AwardRevokeForm(_Form):
    reason = forms.CharField(
        label=_("Motif de la révocation"),
        help_text=_("Visible par la personne titulaire et l'équipe d'évaluation seulement, "
                    "jamais par le public."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("Indiquez le motif de la révocation.")},
    )
    # Revoking cannot be undone: one click is not enough.
    confirm = forms.BooleanField(
        label=_("Je confirme la révocation, qui ne peut pas être annulée."),
        error_messages={"required": _("Cochez la case pour confirmer la révocation.")},
    )


class AwardVisibilityForm(_Form):
    visibility = forms.ChoiceField(
        label=_("Qui peut voir ce badge ?"),
        choices=[
            ("private", _("Garder privé : vous seul le voyez")),
            ("with_answers", _("Publier avec mes réponses")),
            ("titles_only", _("Publier seulement les titres des questions")),
        ],
        widget=forms.RadioSelect,
    )


class ProfileVisibilityForm(_Form):
    published = forms.BooleanField(label=_("Rendre mon profil public"), required=False)
