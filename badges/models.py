from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel

# Levels with artwork of their own; the higher levels share the Architecte artwork for now. The
# files are static (credentials/static/credentials/badges/): the pages show them, the
# credentials name them and the baked images start from them.
LEVEL_ARTWORK = {"explorateur": "sexto-explorateur", "architecte": "sexto-architecte"}


def level_artwork(level_kind: str, extension: str = "png") -> str:
    """The static file name of the artwork of a badge of level `level_kind`."""
    return f"credentials/badges/{LEVEL_ARTWORK.get(level_kind, 'sexto-architecte')}.{extension}"


class BadgeClass(BaseModel):
    """A badge that can be earned: one per program level that declares one.

    Personal information: no. Synced from the content files (see `sexto content load`).
    """

    slug = models.SlugField(max_length=80, unique=True)
    program_slug = models.SlugField(max_length=80)
    level_kind = models.CharField(max_length=20)
    name = models.JSONField()
    description = models.JSONField()
    criteria = models.JSONField()
    # Granted on completion, with no review (for levels without evidence questions).
    auto_grant = models.BooleanField(default=False)
    # The Sexto badge is attributed only where the school's police force has a DPCP agreement.
    requires_agreement = models.BooleanField(default=True)
    validity_days = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["program_slug", "slug"]
        verbose_name = _("classe de badge")
        verbose_name_plural = _("classes de badges")

    def __str__(self) -> str:
        return self.slug

    @property
    def artwork(self) -> str:
        """Its image's static file name (PNG), for `{% static %}`."""
        return level_artwork(self.level_kind)


class BadgeRequest(BaseModel):
    """A learner's request for a badge, with their reflective answers as evidence.

    Personal information: yes (the learner, their answers, the reviewer's reasons).
    `answers` is [{"id", "title": {fr, en}, "prompt": {fr, en}, "answer": str, "lang": "fr" or
    "en"}], a snapshot of the questions as they were asked so that later content changes never
    alter evidence; "lang" is the language the answer was typed in.
    """

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Demandé")
        REVISION_REQUESTED = "revision_requested", _("Révision demandée")
        GRANTED = "granted", _("Accordé")
        REJECTED = "rejected", _("Refusé")

    badge_class = models.ForeignKey(BadgeClass, on_delete=models.PROTECT, related_name="requests")
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="badge_requests")
    level = models.ForeignKey("training.Level", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.REQUESTED)
    answers = models.JSONField(default=list)
    submitted_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["submitted_at"]
        constraints = [
            # At most one open request per person and badge.
            models.UniqueConstraint(
                fields=["applicant", "badge_class"],
                condition=Q(status__in=["requested", "revision_requested"]),
                name="one_open_request_per_badge",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["rejected", "revision_requested"])
                | ~Q(decision_reason=""),
                name="reason_required_for_reject_and_revision",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.badge_class} for {self.applicant} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.REQUESTED, self.Status.REVISION_REQUESTED)


class BadgeRequestEvent(BaseModel):
    """One step in a request's history, shown to the learner and the reviewer.

    Personal information: yes (who decided, and why).
    """

    request = models.ForeignKey(BadgeRequest, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.from_status or '∅'} → {self.to_status}"


class Award(BaseModel):
    """A granted badge. Personal information: yes (the recipient and their evidence).

    Private by default (Law 25): only the recipient and staff see it until the recipient
    publishes it; `answers_published` chooses between publishing the answers or only the
    question titles.
    """

    badge_class = models.ForeignKey(BadgeClass, on_delete=models.PROTECT, related_name="awards")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="awards")
    request = models.OneToOneField(BadgeRequest, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="award")
    granted_at = models.DateTimeField()
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    evidence = models.JSONField(default=list, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revocation_reason = models.TextField(blank=True)
    published = models.BooleanField(default=False)
    answers_published = models.BooleanField(default=False)
    # Whether the recipient has answered the "publish this badge?" question at grant time.
    visibility_chosen = models.BooleanField(default=False)

    class Meta:
        ordering = ["granted_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(revoked=False) | ~Q(revocation_reason=""),
                name="revocation_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.badge_class} → {self.recipient}"

    class Status(models.TextChoices):
        GRANTED = "granted", _("Valide")
        REVOKED = "revoked", _("Révoqué")
        EXPIRED = "expired", _("Expiré")

    def status_on(self, moment=None) -> str:
        moment = moment or timezone.now()
        if self.revoked:
            return self.Status.REVOKED
        if self.expires_at is not None and self.expires_at <= moment:
            return self.Status.EXPIRED
        return self.Status.GRANTED

    @property
    def status(self) -> str:
        return self.status_on()

    @property
    def status_label(self) -> str:
        return self.Status(self.status).label
