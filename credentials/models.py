from django.db import models

from core.models import BaseModel

STATUS_LIST_SIZE = 131_072  # Bitstring Status List's minimum, so that one entry hides in many


class StatusList(BaseModel):
    """A Bitstring Status List of revocations, published as a signed credential.

    Personal information: no. Which entries are set is derived from the awards' revoked flag
    each time the list is signed; `document` caches the last signed list credential.
    """

    purpose = models.CharField(max_length=20, default="revocation")
    size = models.PositiveIntegerField(default=STATUS_LIST_SIZE)
    document = models.JSONField(null=True, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.purpose} list {self.id}"


class IssuedCredential(BaseModel):
    """The Open Badges 3.0 credential issued for an award, signed.

    Personal information: yes (the salted hash of the recipient's email and, when the member
    published them, their answers as evidence). `document` is the signed credential; it is
    signed again whenever what it says changes (the site address, what the member publishes).
    """

    award = models.OneToOneField("badges.Award", on_delete=models.CASCADE,
                                 related_name="credential")
    status_list = models.ForeignKey(StatusList, on_delete=models.PROTECT,
                                    related_name="entries")
    status_index = models.PositiveIntegerField()
    # Random per credential, published inside it: the identity hash cannot be matched across
    # credentials or looked up in a table of hashed emails.
    identity_salt = models.CharField(max_length=64)
    document = models.JSONField()
    # The VC-JWT form, signed on first request (RSA signing is the costly part of bulk issuing).
    jwt = models.TextField(blank=True)
    signed_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["status_list", "status_index"],
                                    name="one_credential_per_status_entry"),
        ]

    def __str__(self) -> str:
        return f"credential for award {self.award_id}"
