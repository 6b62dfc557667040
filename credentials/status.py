"""Revocation published as a W3C Bitstring Status List.

Each issued credential gets an entry at a random index of a list (unique per list, so that
neighbouring entries tell nothing about each other). Which bits are set is never stored apart:
it is derived from the awards' revoked flag when the list credential is signed, so the list can
never disagree with the awards.
"""

from __future__ import annotations

import base64
import gzip
import secrets
import zlib

from django.db import transaction
from django.utils import timezone

from credentials.compose import CONTEXT, iso_utc, issuer_profile, status_list_url
from credentials.integrity import without_proof
from credentials.models import IssuedCredential, StatusList
from credentials.signing import sign_data_integrity

# A list is left for a new one when this share of it is used: random allocation stays fast.
FILL_LIMIT = 0.5
STATUS_LIST_TTL_SECONDS = 300


def encode_bitstring(indexes: set[int], size: int) -> str:
    """"u" + base64url(gzip(bits)), most significant bit first (index 0 is the first bit)."""
    bits = bytearray(size // 8)
    for index in indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    # mtime=0: the same bits always give the same list, whatever the time of signing.
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")


# Inflating stops here: anybody can sign a status list, gzip bombs included. Ours are 16 KiB.
MAX_BITSTRING_BYTES = 16 * 1024 * 1024


def decode_bitstring(encoded) -> bytes:
    """The bits of an encodedList, "u" + base64url(gzip(bits)); ValueError when it is not one
    or would inflate past MAX_BITSTRING_BYTES."""
    if not isinstance(encoded, str) or not encoded.startswith("u"):
        raise ValueError("encodedList must be multibase base64url (prefix u)")
    data = encoded[1:]
    compressed = base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))
    inflater = zlib.decompressobj(wbits=31)  # 31: a gzip header and trailer
    try:
        bits = inflater.decompress(compressed, MAX_BITSTRING_BYTES + 1)
    except zlib.error as exc:
        raise ValueError("encodedList is not gzip") from exc
    if len(bits) > MAX_BITSTRING_BYTES or not inflater.eof:
        raise ValueError("encodedList is too large or truncated")
    return bits


def bit_is_set(bits: bytes, index: int) -> bool:
    if index < 0 or index // 8 >= len(bits):
        raise ValueError("status index outside the list")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def status_list_current() -> StatusList:
    """The list new credentials go into; a new one once it is half full."""
    status_list = StatusList.objects.order_by("-created_at").first()
    if status_list is None or status_list.entries.count() >= status_list.size * FILL_LIMIT:
        status_list = StatusList.objects.create()
    return status_list


def status_index_allocate(status_list: StatusList, *, used: set[int] | None = None) -> int:
    """A random free index of the list. `used`: the indexes already taken, when the caller
    keeps track of them (a bulk run), instead of reading them from the database."""
    if used is None:
        used = set(status_list.entries.values_list("status_index", flat=True))
    while True:
        index = secrets.randbelow(status_list.size)
        if index not in used:
            return index


def revoked_indexes(status_list: StatusList) -> set[int]:
    return set(
        IssuedCredential.objects.filter(status_list=status_list, award__revoked=True)
        .values_list("status_index", flat=True)
    )


def status_list_credential_compose(status_list: StatusList) -> dict:
    url = status_list_url(status_list)
    return {
        "@context": CONTEXT[:1],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_profile()["id"],
        "validFrom": iso_utc(status_list.created_at),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": status_list.purpose,
            "encodedList": encode_bitstring(revoked_indexes(status_list), status_list.size),
        },
    }


def status_list_credential(status_list: StatusList) -> dict:
    """The signed list credential; signed again only when what it says has changed."""
    unsigned = status_list_credential_compose(status_list)
    cached = status_list.document
    if cached and without_proof(cached) == unsigned:
        return cached
    with transaction.atomic():
        status_list.document = sign_data_integrity(unsigned)
        status_list.signed_at = timezone.now()
        status_list.save(update_fields=["document", "signed_at", "updated_at"])
    return status_list.document
