"""Sexto case files: the method's steps, the grid, device custody, the police hand-off.

Nothing here holds an image or a file: there is no FileField in this app, by design (a test
holds that). Narrative fields and students' names are EncryptedTextField: a person reading the
database sees tokens. Access rules live in cases/access.py; writes go through cases/services.py.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from cases import grid
from cases.crypto import EncryptedTextField
from core.models import BaseModel

# Bounds of a retention schedule: at least a day (zero would destroy police information before
# the school could read it), at most twenty years (longer is a typing error, not a schedule).
RETENTION_DAYS_MIN = 1
RETENTION_DAYS_MAX = 7300
_retention_bounds = [MinValueValidator(RETENTION_DAYS_MIN), MaxValueValidator(RETENTION_DAYS_MAX)]


class RetentionSchedule(BaseModel):
    """An organisation's retention schedule (calendrier de conservation) for case files.

    Personal information: no.
    A school uses its own schedule, else its service centre's or network's, else the defaults.
    """

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="case_retention",
        verbose_name=_("organisation"),
    )
    closed_case_days = models.PositiveIntegerField(
        _("conservation d'un dossier fermé (jours)"), default=730, validators=_retention_bounds,
        help_text=_("Après la fermeture, le dossier est détruit au terme de ce délai."),
    )
    police_information_days = models.PositiveIntegerField(
        _("conservation des renseignements reçus de la police (jours)"), default=365,
        validators=_retention_bounds,
        help_text=_("Loi sur le système de justice pénale pour les adolescents, art. 125 : "
                    "détruits dès qu'ils ne sont plus nécessaires."),
    )

    class Meta:
        verbose_name = _("calendrier de conservation")
        verbose_name_plural = _("calendriers de conservation")

    def __str__(self) -> str:
        return str(self.organisation)


class Channel(models.TextChoices):
    SNAPCHAT = "snapchat", "Snapchat"
    INSTAGRAM = "instagram", "Instagram"
    TIKTOK = "tiktok", "TikTok"
    MESSAGES = "messages", _("Messagerie texte (SMS, iMessage)")
    DISCORD = "discord", "Discord"
    GROUP_CHAT = "group_chat", _("Conversation de groupe")
    OTHER = "other", _("Autre")


class Case(BaseModel):
    """One incident reported in a school, followed along the Sexto method.

    Personal information: yes (what was told about minors, encrypted; who reported and leads).
    `version` grows at each change: a form sent from an older version is refused with a
    conflict message instead of overwriting someone else's work.
    """

    class Status(models.TextChoices):
        REPORTED = "reported", _("Déclaré")
        IN_PROGRESS = "in_progress", _("En cours")
        WITH_POLICE = "with_police", _("Remis à la police")
        DIRECTED_TO_POLICE = "directed", _("Famille dirigée vers la police")
        CLOSED = "closed", _("Fermé")

    class Spreading(models.TextChoices):
        YES = "yes", _("Oui")
        NO = "no", _("Non")
        UNKNOWN = "unknown", _("Ne sait pas")

    class NoDevice(models.TextChoices):
        """Why step 4 seized nothing: the step is then done, with its reason."""

        NOT_AT_SCHOOL = "not_at_school", _("L'appareil n'est pas à l'école")
        NONE_IDENTIFIED = "none_identified", _("Aucun appareil n'a été identifié")

    reference = models.CharField(_("numéro de dossier"), max_length=20, unique=True)
    school = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="cases",
        limit_choices_to={"kind": "school"}, verbose_name=_("école"),
    )
    status = models.CharField(
        _("état"), max_length=20, choices=Status.choices, default=Status.REPORTED, db_index=True
    )
    version = models.PositiveIntegerField(default=1)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("déclaré par"),
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("intervenant responsable"),
    )
    told_at = models.DateTimeField(_("moment où la situation a été confiée"))
    account = EncryptedTextField(_("ce qui a été confié"))
    channels = models.JSONField(_("canaux et applications"), default=list, blank=True)
    apps_other = EncryptedTextField(_("autres applications ou précisions"), blank=True)
    still_spreading = models.CharField(
        _("le contenu circule-t-il encore?"), max_length=10, choices=Spreading.choices,
        default=Spreading.UNKNOWN,
    )
    no_device_reason = models.CharField(_("aucun appareil saisi"), max_length=20,
                                        choices=NoDevice.choices, blank=True)
    # Step 7: no direct impact on the school community.
    directed_to_police_at = models.DateTimeField(
        _("famille ou victime dirigée vers la police le"), null=True, blank=True
    )
    # Step 5: the youth protection report (signalement) is a personal duty; the tool records.
    dpj_report_made = models.BooleanField(_("signalement fait à la DPJ"), null=True, blank=True)
    dpj_reported_at = models.DateTimeField(_("signalement fait le"), null=True, blank=True)
    dpj_reported_by = EncryptedTextField(_("signalement fait par"), blank=True)
    dpj_reference = EncryptedTextField(_("référence du signalement"), blank=True)
    closed_at = models.DateTimeField(_("fermé le"), null=True, blank=True, db_index=True)
    closure_summary = EncryptedTextField(_("résumé de fermeture"), blank=True)
    legal_hold = models.BooleanField(
        _("conservation obligatoire"), default=False,
        help_text=_("Dossier de police ouvert ou demande en cours : rien n'est détruit."),
    )
    legal_hold_reason = models.CharField(_("motif de la conservation"), max_length=200,
                                         blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        # The case list: a school's newest cases, all or by state.
        indexes = [models.Index(fields=["school", "-created_at"]),
                   models.Index(fields=["school", "status", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | Q(status="closed"),
                name="case_closed_at_only_when_closed",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    # Set by the tool itself while a police file is open; shown in the reader's language.
    HOLD_POLICE_FILE = "police_file_open"

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    @property
    def channel_labels(self) -> str:
        labels = dict(Channel.choices)
        return ", ".join(str(labels.get(code, code)) for code in self.channels) or "—"

    @property
    def legal_hold_reason_display(self) -> str:
        if self.legal_hold_reason == self.HOLD_POLICE_FILE:
            return str(_("Dossier de police ouvert"))
        return self.legal_hold_reason


class Student(BaseModel):
    """A student involved in one case, linked only where the incident involves them.

    Personal information: yes (a minor's name, encrypted and never sent to a browser before a
    logged reveal; `index` is a keyed digest of school and name for the per-student chronology).
    """

    class Part(models.TextChoices):
        VICTIM = "victim", _("Élève victime")
        REPORTING = "reporting", _("Élève qui a dénoncé")
        ALLEGED = "alleged", _("Auteur présumé")
        OTHER = "other", _("Autre élève concerné")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="students")
    part = models.CharField(_("rôle dans l'incident"), max_length=12, choices=Part.choices)
    name = EncryptedTextField(_("nom de l'élève"))
    index = models.CharField(max_length=64, db_index=True, editable=False)
    age = models.PositiveSmallIntegerField(_("âge"), null=True, blank=True)
    grade = models.CharField(_("niveau scolaire"), max_length=40, blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("élève")
        verbose_name_plural = _("élèves")

    def __str__(self) -> str:
        return f"{self.get_part_display()} ({self.pk})"

    @property
    def label(self) -> str:
        """What screens show before a reveal: the part and a short opaque mark, no name."""
        return f"{self.get_part_display()} · {str(self.pk)[:4].upper()}"


class Entry(BaseModel):
    """One dated step of a case's chronology (meetings, support offered, contacts).

    Personal information: yes (notes about minors, encrypted).
    """

    class Kind(models.TextChoices):
        MEETING_VICTIM = "meeting_victim", _("Rencontre avec l'élève victime ou qui dénonce")
        MEETING_ALLEGED = "meeting_alleged", _("Rencontre avec l'auteur présumé")
        SUPPORT_OFFERED = "support_offered", _("Soutien offert")
        PARENTS_CONTACTED = "parents_contacted", _("Parents contactés")
        NOTE = "note", _("Note")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    student = models.ForeignKey(
        Student, null=True, blank=True, on_delete=models.CASCADE, related_name="entries",
        verbose_name=_("élève"),
    )
    happened_at = models.DateTimeField(_("date et heure"))
    notes = EncryptedTextField(_("notes"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["happened_at", "created_at"]
        verbose_name = _("étape")
        verbose_name_plural = _("étapes")

    def __str__(self) -> str:
        return f"{self.case} · {self.get_kind_display()}"


class Device(BaseModel):
    """A device seized without anyone looking at what it holds (step 4).

    Personal information: yes (whose device it is, encrypted description).
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="devices")
    description = EncryptedTextField(_("description de l'appareil"))
    owner = models.ForeignKey(
        Student, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("propriétaire"),
    )
    seized_at = models.DateTimeField(_("saisi le"))
    seized_by = models.CharField(_("saisi par"), max_length=200)
    envelope_number = models.CharField(_("numéro de l'enveloppe scellée"), max_length=60)
    locked_in = models.CharField(_("lieu où il est sous clé"), max_length=200)
    returned_at = models.DateTimeField(_("rendu le"), null=True, blank=True)

    class Meta:
        ordering = ["seized_at"]
        verbose_name = _("appareil")
        verbose_name_plural = _("appareils")

    def __str__(self) -> str:
        return f"{self.case} · {self.envelope_number}"


class CustodyTransfer(BaseModel):
    """One hand-over in a device's chain of custody.

    Personal information: yes (names of the staff or officers handing it over).
    """

    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="transfers")
    handed_by = models.CharField(_("remis par"), max_length=200)
    handed_to = models.CharField(_("remis à"), max_length=200)
    handed_at = models.DateTimeField(_("remis le"))
    acknowledged_at = models.DateTimeField(_("réception confirmée le"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["handed_at"]
        verbose_name = _("remise de l'appareil")
        verbose_name_plural = _("remises de l'appareil")

    def __str__(self) -> str:
        return f"{self.device} → {self.handed_to}"


def _grid_choice(name: str) -> models.CharField:
    """A question of the grid answered by a choice; empty until someone answers it."""
    question = grid.BY_NAME[name]
    return models.CharField(question.label, max_length=12, choices=question.choices,
                            blank=True, default="")


class Grid(BaseModel):
    """The incident evaluation grid (step 5): filled once, sent to the police with the facts.

    Personal information: yes (ages and circumstances about minors; notes encrypted).
    Its questions, their choices and the youth-protection rule are in cases/grid.py; an empty
    answer is a question nobody answered. `to_confirm` lists the questions whose values were
    kept from before answers started empty (migration 0004): they count only once answered
    again. `completed_at` is when the grid was last saved complete (a grid kept from before
    may hold one while answers are still to confirm: `is_complete` is what counts).
    """

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="grid")
    victim_age = models.PositiveSmallIntegerField(grid.label("victim_age"), null=True,
                                                  blank=True)
    alleged_ages = models.CharField(grid.label("alleged_ages"), max_length=60, blank=True)
    relationship = _grid_choice("relationship")
    consent_to_creation = _grid_choice("consent_to_creation")
    consent_to_sharing = _grid_choice("consent_to_sharing")
    pressure_or_threats = _grid_choice("pressure_or_threats")
    adult_involved = _grid_choice("adult_involved")
    recipients = _grid_choice("recipients")
    intent_to_harm = _grid_choice("intent_to_harm")
    school_impact = _grid_choice("school_impact")
    notes = EncryptedTextField(grid.label("notes"), blank=True)
    to_confirm = models.JSONField(_("réponses à confirmer"), default=list, blank=True)
    completed_at = models.DateTimeField(_("remplie le"), null=True, blank=True)

    class Meta:
        verbose_name = _("grille d'évaluation")
        verbose_name_plural = _("grilles d'évaluation")

    def __str__(self) -> str:
        return f"{self.case} · grid"

    @property
    def answers(self) -> dict:
        return grid.grid_answers(self)

    @property
    def unanswered(self) -> list[grid.Question]:
        return grid.unanswered(self.answers, to_confirm=self.to_confirm)

    @property
    def is_complete(self) -> bool:
        return not self.unanswered

    @property
    def youth_protection_signs(self) -> list[str]:
        return grid.youth_protection_signs(self.answers, to_confirm=self.to_confirm)


class PoliceHandoff(BaseModel):
    """Step 6: the police force contacted and what was handed to its liaison officers.

    Personal information: yes (the officer's name; the snapshot of grid and facts, encrypted).
    The snapshot is what the police read: later edits to the case do not change what was sent.
    """

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="handoff")
    force = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="case_handoffs",
        limit_choices_to={"kind": "police_force"}, verbose_name=_("corps de police"),
    )
    contacted_at = models.DateTimeField(_("corps de police contacté le"))
    officer = models.CharField(_("policier ou policière joint"), max_length=200)
    police_file_number = models.CharField(_("numéro de dossier de police"), max_length=60,
                                          blank=True)
    snapshot = EncryptedTextField(blank=True)
    sent_at = models.DateTimeField(_("remis à la police le"), null=True, blank=True,
                                   db_index=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("réception confirmée le"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("remise à la police")
        verbose_name_plural = _("remises à la police")

    def __str__(self) -> str:
        return f"{self.case} → {self.force}"


class PoliceFollowUp(BaseModel):
    """Step 8, the police part of the file: written by the force's liaison officers only.

    Personal information: yes (the outcome of a criminal matter about minors; notes encrypted).
    The school never reads this record; it reads only what the liaison shares (SharedInformation).
    """

    class Qualification(models.TextChoices):
        IMPULSIVE = "impulsive", _("Impulsif")
        MALICIOUS = "malicious", _("Malveillant")

    class Outcome(models.TextChoices):
        AWARENESS = "awareness", _("Rencontre de sensibilisation Sexto")
        INVESTIGATION = "investigation", _("Enquête criminelle")

    handoff = models.OneToOneField(PoliceHandoff, on_delete=models.CASCADE,
                                   related_name="follow_up")
    qualification = models.CharField(_("qualification du DPCP"), max_length=10,
                                     choices=Qualification.choices, blank=True)
    qualified_at = models.DateTimeField(_("qualifié le"), null=True, blank=True)
    outcome = models.CharField(_("suite donnée"), max_length=14, choices=Outcome.choices,
                               blank=True)
    awareness_meeting_on = models.DateField(_("rencontre de sensibilisation le"), null=True,
                                            blank=True)
    images_destroyed_on = models.DateField(_("images détruites le"), null=True, blank=True)
    device_returned_on = models.DateField(_("appareil rendu le"), null=True, blank=True)
    police_file_closed = models.BooleanField(_("dossier de police fermé"), default=False)
    notes = EncryptedTextField(_("notes policières"), blank=True)

    class Meta:
        verbose_name = _("suivi policier")
        verbose_name_plural = _("suivis policiers")

    def __str__(self) -> str:
        return f"{self.handoff} · follow-up"


class SharedInformation(BaseModel):
    """What the police liaison shares with the school (YCJA s. 125(6)), kept apart.

    Personal information: yes (information about a young person from the police, encrypted).
    Shown only in its own section of the case, never in a student's chronology, and destroyed
    when the retention schedule says it is no longer needed.
    """

    class Purpose(models.TextChoices):
        SAFETY = "safety", _("Assurer la sécurité du personnel, des élèves ou d'autres personnes")
        FOLLOW_UP = "follow_up", _("Assurer le suivi de l'adolescent ou de l'adolescente")

    handoff = models.ForeignKey(PoliceHandoff, on_delete=models.CASCADE, related_name="shared")
    purpose = models.CharField(_("fin de la communication"), max_length=10,
                               choices=Purpose.choices)
    content = EncryptedTextField(_("renseignements communiqués"))
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("renseignement communiqué par la police")
        verbose_name_plural = _("renseignements communiqués par la police")

    def __str__(self) -> str:
        return f"{self.handoff} · {self.get_purpose_display()}"


class SupportAction(BaseModel):
    """Step 9: one action, referral or follow-up of the victim's support plan.

    Personal information: yes (support given to a minor, encrypted description).
    """

    class Kind(models.TextChoices):
        ACTION = "action", _("Action")
        REFERRAL = "referral", _("Orientation")
        FOLLOW_UP = "follow_up", _("Suivi")

    class Resource(models.TextChoices):
        NONE = "", _("—")
        CYBERTIP = "cybertip", _("Cyberaide.ca")
        NEEDHELPNOW = "needhelpnow", _("AidezMoiSVP.ca")
        TAKE_IT_DOWN = "take_it_down", "Take It Down"
        SCHOOL_PROFESSIONAL = "school_professional", _("Professionnel de l'école")
        VICTIM_ASSISTANCE = "victim_assistance", _("Aide aux victimes (CAVAC)")
        OTHER = "other", _("Autre ressource")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="support_actions")
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    resource = models.CharField(_("ressource"), max_length=20, choices=Resource.choices,
                                blank=True)
    description = EncryptedTextField(_("description"))
    due_on = models.DateField(_("échéance"), null=True, blank=True, db_index=True)
    done_at = models.DateTimeField(_("fait le"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "created_at"]
        verbose_name = _("action de soutien")
        verbose_name_plural = _("actions de soutien")

    def __str__(self) -> str:
        return f"{self.case} · {self.get_kind_display()}"


class DestructionRecord(BaseModel):
    """What `sexto cases purge` destroyed: opaque ids, dates and the rule applied; no content,
    no name. The organisation's privacy officer reads them (cases.views.retention).

    Personal information: no.
    """

    class What(models.TextChoices):
        CASE = "case", _("dossier entier")
        POLICE_INFORMATION = "police_information", _("renseignements reçus de la police")

    case_id_destroyed = models.UUIDField(_("dossier détruit"), db_index=True)
    school = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    opened_on = models.DateField(_("ouvert le"))
    closed_on = models.DateField(_("fermé le"), null=True, blank=True)
    what = models.CharField(_("ce qui a été détruit"), max_length=40, choices=What.choices)
    # The rule, as data rather than a sentence, so that each reader gets it in their language:
    # whose schedule (an organisation's code, which outlives a renaming; empty for the
    # defaults) and the retention period it set.
    schedule_code = models.CharField(_("calendrier appliqué"), max_length=60, blank=True)
    kept_days = models.PositiveIntegerField(_("durée de conservation (jours)"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("destruction")
        verbose_name_plural = _("destructions")

    def __str__(self) -> str:
        return f"{self.case_id_destroyed} · {self.what}"
