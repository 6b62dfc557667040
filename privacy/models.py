"""Law 25 records: the register of confidentiality incidents and persons' access requests.

Legal references (Quebec):
- Regulation respecting confidentiality incidents (the "Regulation"): s. 3 (notice to the
  Commission d'accès à l'information), s. 5 (notice to the persons concerned), s. 11 (what the
  register holds and that entries are kept 5 years after the organisation learned of them).
- Access requests: Act respecting Access to documents held by public bodies and the Protection
  of personal information (school service centres) and the Act respecting the protection of
  personal information in the private sector (private schools).
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from cases.crypto import EncryptedTextField
from core.models import BaseModel

# Regulation, s. 11: entries are kept at least 5 years after the date the organisation
# learned of the incident; `sexto privacy purge` deletes them once that time has passed.
RETENTION_YEARS = 5

# The time to answer an access request, counted from its receipt. The private sector act gives
# 30 days (s. 32); the public bodies' act gives 20 days plus a 10-day extension (ss. 47, 49).
# One figure for every organisation: 30 days, the longest either act allows.
RESPONSE_DAYS = 30


def years_after(day: datetime.date, years: int) -> datetime.date:
    """The same calendar day `years` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


class ConfidentialityIncident(BaseModel):
    """One entry of an organisation's register of confidentiality incidents (Regulation, s. 11).

    Personal information: yes (the contact person's name and details; the free-text fields
    describe the information concerned and may name people despite the form's advice).
    Kept and read by the organisation's privacy officers only (privacy.access).
    """

    class Kind(models.TextChoices):
        # The four kinds of confidentiality incident the acts define.
        ACCESS = "access", _("Accès non autorisé par la loi")
        USE = "use", _("Utilisation non autorisée par la loi")
        DISCLOSURE = "disclosure", _("Communication non autorisée par la loi")
        LOSS = "loss", _("Perte ou autre atteinte à la protection")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="confidentiality_incidents",
        verbose_name=_("organisation"),
    )
    kind = models.CharField(_("nature de l'incident"), max_length=20, choices=Kind.choices)
    # s. 11 (1): the information concerned, or why it cannot be described.
    information_description = models.TextField(
        _("renseignements personnels visés"), blank=True,
    )
    information_undescribed_reason = models.TextField(
        _("raison pour laquelle les renseignements ne peuvent pas être décrits"), blank=True,
    )
    # s. 11 (2); s. 3 (4) asks for the cause too, when it is known.
    circumstances = models.TextField(_("circonstances de l'incident"))
    # s. 11 (3): a date or a period, possibly approximate.
    occurred_from = models.DateField(_("date de l'incident (ou début de la période)"))
    occurred_to = models.DateField(_("fin de la période"), null=True, blank=True)
    occurred_approximate = models.BooleanField(_("date ou période approximative"), default=False)
    # s. 11 (4): retention counts from this date.
    learned_on = models.DateField(_("date où l'organisation a pris connaissance de l'incident"))
    # s. 11 (5); s. 3 (7) also asks how many of them live in Quebec.
    people_count = models.PositiveIntegerField(_("nombre de personnes concernées"))
    people_in_quebec_count = models.PositiveIntegerField(
        _("nombre de personnes concernées qui résident au Québec"), null=True, blank=True,
    )
    people_count_approximate = models.BooleanField(_("nombres approximatifs"), default=False)
    # s. 11 (6): the risk of serious injury, and what the assessment rests on.
    risk_sensitivity = models.TextField(_("sensibilité des renseignements"))
    risk_misuse = models.TextField(_("utilisations malveillantes possibles"), blank=True)
    risk_consequences = models.TextField(_("conséquences appréhendées"))
    risk_likelihood = models.TextField(_("probabilité d'une utilisation préjudiciable"))
    risk_serious = models.BooleanField(_("risque qu'un préjudice sérieux soit causé"))
    # s. 11 (7): only when the risk is serious.
    cai_notified_on = models.DateField(
        _("date de l'avis à la Commission d'accès à l'information"), null=True, blank=True,
    )
    people_notified_on = models.DateField(
        _("date de l'avis aux personnes concernées"), null=True, blank=True,
    )
    public_notice_given = models.BooleanField(_("avis public donné"), default=False)
    public_notice_reason = models.TextField(_("raison de l'avis public"), blank=True)
    # s. 3 (9): how the persons concerned were or will be notified, and when.
    people_notification_measures = models.TextField(
        _("mesures pour aviser les personnes concernées"), blank=True,
    )
    # s. 11 (8); s. 3 (10) adds the planned ones; s. 5 (5) what the persons themselves can do.
    measures_taken = models.TextField(_("mesures prises pour diminuer les risques"))
    measures_planned = models.TextField(_("mesures prévues"), blank=True)
    measures_offered = models.TextField(_("mesures proposées aux personnes concernées"), blank=True)
    # s. 3 (11): an authority outside Quebec that was told, if any.
    other_authorities_notified = models.TextField(
        _("autorités hors Québec avisées"), blank=True,
    )
    # s. 3 (2): whom the Commission contacts about the incident.
    contact_name = models.CharField(_("personne à contacter"), max_length=200)
    contact_details = models.CharField(_("coordonnées de la personne à contacter"),
                                       max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-learned_on", "-created_at"]
        verbose_name = _("incident de confidentialité")
        verbose_name_plural = _("incidents de confidentialité")
        constraints = [
            models.CheckConstraint(
                condition=~Q(information_description="") | ~Q(information_undescribed_reason=""),
                name="incident_information_described_or_why_not",
                violation_error_message=_(
                    "Décrivez les renseignements visés ou expliquez pourquoi c'est impossible."),
            ),
            models.CheckConstraint(
                condition=Q(occurred_to__isnull=True) | Q(occurred_to__gte=F("occurred_from")),
                name="incident_period_in_order",
                violation_error_message=_("La fin de la période précède son début."),
            ),
            models.CheckConstraint(
                condition=Q(people_in_quebec_count__isnull=True)
                | Q(people_in_quebec_count__lte=F("people_count")),
                name="incident_quebec_count_within_total",
                violation_error_message=_(
                    "Le nombre de personnes résidant au Québec dépasse le nombre de personnes "
                    "concernées."),
            ),
            # Notices are for incidents with a risk of serious injury only.
            models.CheckConstraint(
                condition=Q(risk_serious=True)
                | Q(cai_notified_on__isnull=True, people_notified_on__isnull=True,
                    public_notice_given=False),
                name="incident_notices_only_if_serious",
                violation_error_message=_(
                    "Les avis ne se donnent que si le risque de préjudice est sérieux."),
            ),
            models.CheckConstraint(
                condition=Q(public_notice_given=False) | ~Q(public_notice_reason=""),
                name="incident_public_notice_has_reason",
                violation_error_message=_("Indiquez pourquoi un avis public a été donné."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.learned_on:%Y-%m-%d})"

    @property
    def kept_until(self) -> datetime.date:
        return years_after(self.learned_on, RETENTION_YEARS)


class AccessRequest(BaseModel):
    """A person's request for the personal information Sexto holds about them (demande d'accès).

    Personal information: yes (who asks, the person concerned, how their identity was checked;
    for a student, their name, encrypted like the case tool's names and shown only on the
    request's own page).
    The person concerned is either a Sexto account (`subject`) or a student of one of the
    organisation's schools (`subject_school` and `subject_student_name`), whose information
    the case tool holds; a check constraint holds that exactly one of them is filled.
    The package of information itself is never stored: it is assembled again from each app's
    `personal_data` selector whenever it is shown or downloaded, and only its SHA-256 is kept
    (`package_sha256` when assembled, `approved_sha256` when approved). A download whose
    package no longer has the approved hash is refused and the request goes back to
    "assembled", to be approved again: what leaves is always exactly what was approved, and no
    second copy of everyone's information sits in this table.
    """

    class Status(models.TextChoices):
        RECORDED = "recorded", _("Enregistrée")
        ASSEMBLED = "assembled", _("Renseignements rassemblés")
        APPROVED = "approved", _("Approuvée")
        DELIVERED = "delivered", _("Remise")

    class SubjectKind(models.TextChoices):
        USER = "user", _("Une personne qui a un compte Sexto")
        STUDENT = "student", _("Un élève d'une école de l'organisation")

    class Capacity(models.TextChoices):
        SELF = "self", _("La personne concernée elle-même")
        REPRESENTATIVE = "representative", _("Son représentant (mandataire, tuteur, héritier)")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="access_requests",
        verbose_name=_("organisation"),
    )
    subject_kind = models.CharField(_("la demande porte sur"), max_length=10,
                                    choices=SubjectKind.choices, default=SubjectKind.USER)
    # SET_NULL: a closed account must not erase the record that the request was answered.
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("personne concernée"),
    )
    # A student: found in the case tool by the keyed digest of school and name, never stored
    # in clear (cases.crypto).
    subject_school = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        limit_choices_to={"kind": "school"}, verbose_name=_("école de l'élève"),
    )
    subject_student_name = EncryptedTextField(_("nom de l'élève"), blank=True)
    requester_name = models.CharField(_("nom de la personne qui fait la demande"),
                                      max_length=200)
    requester_capacity = models.CharField(_("à quel titre"), max_length=20,
                                          choices=Capacity.choices, default=Capacity.SELF)
    received_on = models.DateField(_("date de réception"))
    identity_verification = models.TextField(_("vérification de l'identité"))
    language = models.CharField(_("langue de la réponse"), max_length=2,
                                choices=settings.LANGUAGES, default="fr")
    status = models.CharField(_("étape"), max_length=20, choices=Status.choices,
                              default=Status.RECORDED)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
    )
    assembled_at = models.DateTimeField(null=True, blank=True)
    assembled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    package_sha256 = models.CharField(max_length=64, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_sha256 = models.CharField(max_length=64, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-received_on", "-created_at"]
        verbose_name = _("demande d'accès")
        verbose_name_plural = _("demandes d'accès")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="recorded") | (Q(assembled_at__isnull=False)
                                                  & ~Q(package_sha256="")),
                name="access_request_assembled_has_hash",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["recorded", "assembled"])
                | (Q(approved_at__isnull=False) & ~Q(approved_sha256="")),
                name="access_request_approved_has_hash",
            ),
            models.CheckConstraint(
                condition=~Q(status="delivered") | Q(delivered_at__isnull=False),
                name="access_request_delivered_has_date",
            ),
            # A user (whose account may since have been closed) or a student, never both.
            models.CheckConstraint(
                condition=Q(subject_kind="user", subject_school__isnull=True,
                            subject_student_name="")
                | (Q(subject_kind="student", subject__isnull=True,
                     subject_school__isnull=False) & ~Q(subject_student_name="")),
                name="access_request_one_kind_of_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.requester_name} ({self.received_on:%Y-%m-%d})"

    @property
    def is_about_student(self) -> bool:
        return self.subject_kind == self.SubjectKind.STUDENT

    @property
    def due_on(self) -> datetime.date:
        return self.received_on + datetime.timedelta(days=RESPONSE_DAYS)

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.status != self.Status.DELIVERED and today > self.due_on
