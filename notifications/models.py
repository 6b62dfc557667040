from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel


class Notification(BaseModel):
    """A notice to one person that something needs them, in the app and by one email.

    Personal information: yes (who was told that something happened, when, and when they read
    it). Never content: a kind code (notifications.kinds) and a link kept as a URL name and
    opaque ids, built at reading time in the reader's language.
    `key` names the event (and the delay, for a reminder): unique per recipient, so the same
    notice is never made, nor emailed, twice.
    """

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="notifications", verbose_name=_("destinataire"))
    kind = models.CharField(_("type"), max_length=60)
    url_name = models.CharField(max_length=100)
    url_args = models.JSONField(default=list, blank=True)
    key = models.CharField(max_length=200)
    read_at = models.DateTimeField(_("lue le"), null=True, blank=True)
    # Set when the email is handed to the mail server (claimed just before, released on a
    # failure): a notice whose email failed is sent again by the periodic job, never twice.
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"],
                                    name="one_notification_per_recipient_and_key"),
        ]
        # The navigation counts a person's unread notices on every page.
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.kind
