"""Encryption of case content at rest: students' names and every narrative field.

Keys come from the environment (read by config/settings.py), never the database: SEXTO_CASE_KEYS
(or SEXTO_CASE_KEYS_FILE), a comma-separated list of Fernet keys, newest first. The newest
encrypts; every key listed decrypts, so a new key can be put in front and `sexto cases rotate-keys`
re-encrypts at leisure. With DEBUG on and no key set, a key derived from SECRET_KEY is used (demo
only; the system check cases.E001 refuses that in production).

A superuser reading the database sees tokens, not content. A keyed blind index (HMAC) lets a
student's chronology be found across cases without decrypting or storing a name in clear.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import unicodedata
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


def _derive(secret: str, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(
        secret.encode()
    )


def configured_keys() -> list[str]:
    return list(settings.SEXTO_CASE_KEYS)


@lru_cache(maxsize=4)
def _fernet_for(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def case_keys() -> tuple[str, ...]:
    keys = configured_keys()
    if keys:
        return tuple(keys)
    if settings.DEBUG:
        derived = _derive(settings.SECRET_KEY, b"sexto case keys")
        return (base64.urlsafe_b64encode(derived).decode(),)
    raise ImproperlyConfigured("SEXTO_CASE_KEYS (or SEXTO_CASE_KEYS_FILE) must be set.")


def fernet() -> MultiFernet:
    return _fernet_for(case_keys())


def encrypt(text: str) -> str:
    if not text:
        return ""
    return fernet().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken as exc:
        # Never show the token: a missing key must be fixed in the configuration.
        raise ImproperlyConfigured(
            "A case field cannot be decrypted with the keys in SEXTO_CASE_KEYS."
        ) from exc


def reencrypt(token: str) -> str:
    """The same content under the newest key (for `sexto cases rotate-keys`)."""
    return fernet().rotate(token.encode("ascii")).decode("ascii") if token else ""


def blind_index(*parts: str) -> str:
    """A keyed digest of normalised text: equal names give equal digests, nothing else leaks."""
    # The newest key: `sexto cases rotate-keys` recomputes every index after a new key.
    key = _derive(case_keys()[0], b"sexto student index")
    text = "\x1f".join(
        " ".join(unicodedata.normalize("NFKC", part).casefold().split()) for part in parts
    )
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """A text field stored encrypted. Not searchable, not orderable: only read and written."""

    description = "Text encrypted at rest (Fernet)"

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value else ""

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return encrypt(value) if value else ""
