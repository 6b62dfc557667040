"""Issuing credentials: the one pipeline every award goes through.

credential_for_award: compose the OpenBadgeCredential, sign it (Data Integrity, checked
against the public key before it leaves), store it; credential_jwt gives its VC-JWT form. A
stored credential is reused as long as what it says is unchanged; a new site address or a
change of what the member publishes signs it again. Revocation is the award's flag (badges),
which the status lists follow.
"""

from __future__ import annotations

import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone

from credentials.compose import open_badge_credential
from credentials.integrity import without_proof
from credentials.models import IssuedCredential
from credentials.signing import sign_data_integrity, sign_vc_jwt
from credentials.status import status_index_allocate, status_list_current


def _sign_into(credential: IssuedCredential, unsigned: dict) -> None:
    credential.document = sign_data_integrity(unsigned)
    credential.jwt = ""  # signed again when first asked for (credential_jwt)
    credential.signed_at = timezone.now()


def credential_for_award(*, award) -> IssuedCredential:
    """The award's signed credential, issued on first use and kept current."""
    credential = IssuedCredential.objects.filter(award=award).select_related(
        "status_list").first()
    if credential is not None:
        unsigned = open_badge_credential(
            award=award, status_list=credential.status_list,
            status_index=credential.status_index, salt=credential.identity_salt)
        # Signed again when what it says changed, or when its proof is still the single
        # object of credentials signed before proofs became an array (credentials.integrity).
        if (without_proof(credential.document) != unsigned
                or not isinstance(credential.document.get("proof"), list)):
            _sign_into(credential, unsigned)
            credential.save(update_fields=["document", "jwt", "signed_at", "updated_at"])
        return credential
    # Two requests may race to issue the same award, or for the same random index: the
    # database's unique constraints decide, and the loser takes what the winner stored.
    for _attempt in range(5):
        status_list = status_list_current()
        credential = IssuedCredential(
            award=award, status_list=status_list,
            status_index=status_index_allocate(status_list),
            identity_salt=secrets.token_hex(16),
        )
        _sign_into(credential, open_badge_credential(
            award=award, status_list=status_list, status_index=credential.status_index,
            salt=credential.identity_salt))
        try:
            with transaction.atomic():
                credential.save()
            return credential
        except IntegrityError:
            existing = IssuedCredential.objects.filter(award=award).first()
            if existing is not None:
                return existing
    raise IntegrityError("No free status list index after five attempts")


def credential_jwt(*, award) -> str:
    """The award's credential as a VC-JWT (RS256), signed on first use and kept."""
    credential = credential_for_award(award=award)
    if not credential.jwt:
        credential.jwt = sign_vc_jwt(without_proof(credential.document))
        credential.save(update_fields=["jwt", "updated_at"])
    return credential.jwt
