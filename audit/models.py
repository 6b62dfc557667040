from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """One entry of the append-only, hash-chained audit log.

    Personal information: yes (the actor, the IP address and what was done to whom).
    Each entry's `digest` is an HMAC of its content and of the previous entry's digest, so
    changing, inserting or deleting an entry breaks the chain (`sexto audit verify`). Database
    triggers refuse UPDATE and DELETE on the table (migration 0002).
    """

    sequence = models.BigIntegerField(unique=True, editable=False)
    at = models.DateTimeField(editable=False, db_index=True)
    # DO_NOTHING, not SET_NULL: the table refuses UPDATE, and an opaque id left behind by a
    # deleted user is what the log keeps of everyone anyway. Reach it through select_related,
    # which gives None for a user who no longer exists.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING,
        related_name="+", db_constraint=False,
    )
    # The actor's id as hashed into the chain; `actor` is only there for joins.
    actor_ref = models.CharField(max_length=64, blank=True, editable=False)
    action = models.CharField(max_length=64, db_index=True, editable=False)
    target_type = models.CharField(max_length=64, blank=True, editable=False)
    target_id = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    ip_address = models.GenericIPAddressField(null=True, blank=True, editable=False)
    data = models.JSONField(default=dict, blank=True, editable=False)
    previous_digest = models.CharField(max_length=64, editable=False)
    digest = models.CharField(max_length=64, editable=False)

    class Meta:
        ordering = ["sequence"]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.target_type}:{self.target_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit events are append-only.")


class AuditChainHead(models.Model):
    """A single row locked while appending, so concurrent writers cannot fork the chain.

    Personal information: no.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    sequence = models.BigIntegerField(default=0)
    digest = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"audit head #{self.sequence}"
