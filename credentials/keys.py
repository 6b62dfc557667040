"""The issuer's signing keys: a keyring read from the environment, never from the database.

The keyring is JSON, given as SEXTO_SIGNING_KEYS or as a file named by SEXTO_SIGNING_KEYS_FILE (see
README, "Signing keys"; config/settings.py reads both); with DEBUG on and neither set, the demo
keyring under var/ is used. It holds Ed25519 keys (Data Integrity proofs) and RSA keys (VC-JWT,
RS256). The newest key of each type signs; older ones stay listed in the DID document so that what
they signed still verifies after a rotation.

    {"keys": [{"type": "Ed25519", "created": "2026-11-25T10:00:00Z", "private_key": "PEM"}, ...]}
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from django.conf import settings
from django.utils import timezone

from core.exceptions import ApplicationError
from credentials.multibase import ed25519_public_multikey

ED25519 = "Ed25519"
RSA = "RSA"
RSA_KEY_BITS = 3072


class KeyringError(ApplicationError):
    pass


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _int_b64url(number: int) -> str:
    return _b64url(number.to_bytes((number.bit_length() + 7) // 8, "big"))


@dataclass(frozen=True)
class SigningKey:
    type: str
    created: str
    private_key: ed25519.Ed25519PrivateKey | rsa.RSAPrivateKey

    # Derived from the private key, which never changes: computed once per key.
    @cached_property
    def fragment(self) -> str:
        """The key's name inside the DID document: stable, derived from the public key."""
        if self.type == ED25519:
            return self.public_multibase
        # RFC 7638 thumbprint: the same key always gets the same name.
        jwk = self.public_jwk
        canonical = json.dumps({k: jwk[k] for k in ("e", "kty", "n")}, separators=(",", ":"))
        return "rsa-" + _b64url(hashlib.sha256(canonical.encode()).digest())

    @cached_property
    def public_multibase(self) -> str:
        raw = self.private_key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return ed25519_public_multikey(raw)

    @cached_property
    def public_jwk(self) -> dict:
        numbers = self.private_key.public_key().public_numbers()
        return {"kty": "RSA", "n": _int_b64url(numbers.n), "e": _int_b64url(numbers.e)}

    def to_json(self) -> dict:
        pem = self.private_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode("ascii")
        return {"type": self.type, "created": self.created, "private_key": pem}


@dataclass(frozen=True)
class Keyring:
    keys: tuple[SigningKey, ...]

    def active(self, key_type: str) -> SigningKey:
        candidates = [key for key in self.keys if key.type == key_type]
        if not candidates:
            raise KeyringError(f"The keyring has no {key_type} key", code="no_key")
        return candidates[-1]

    def to_json(self) -> str:
        return json.dumps({"keys": [key.to_json() for key in self.keys]}, indent=2) + "\n"


def key_generate(key_type: str) -> SigningKey:
    if key_type == ED25519:
        private_key = ed25519.Ed25519PrivateKey.generate()
    elif key_type == RSA:
        private_key = rsa.generate_private_key(public_exponent=65537, key_size=RSA_KEY_BITS)
    else:
        raise KeyringError(f"Unknown key type {key_type}", code="key_type")
    created = timezone.now().replace(microsecond=0).isoformat().replace("+00:00", "Z")
    return SigningKey(type=key_type, created=created, private_key=private_key)


def keyring_generate() -> Keyring:
    return Keyring(keys=(key_generate(ED25519), key_generate(RSA)))


def keyring_rotate(keyring: Keyring) -> Keyring:
    """A new active key of each type; the old ones stay for verification."""
    return Keyring(keys=(*keyring.keys, key_generate(ED25519), key_generate(RSA)))


def keyring_parse(text: str) -> Keyring:
    try:
        data = json.loads(text)
        keys = []
        for entry in data["keys"]:
            private_key = serialization.load_pem_private_key(
                entry["private_key"].encode("ascii"), password=None)
            expected = ed25519.Ed25519PrivateKey if entry["type"] == ED25519 else rsa.RSAPrivateKey
            if not isinstance(private_key, expected):
                raise ValueError(f"a {entry['type']} entry holds another kind of key")
            keys.append(SigningKey(type=entry["type"], created=entry["created"],
                                   private_key=private_key))
    except (ValueError, KeyError, TypeError) as exc:
        raise KeyringError(f"The signing keyring is malformed: {exc}", code="malformed") from exc
    return Keyring(keys=tuple(keys))


def keyring_file() -> Path | None:
    """The file the keyring is read from (and `sexto keys rotate` writes), if any."""
    path = settings.SEXTO_SIGNING_KEYS_FILE
    if path:
        return Path(path)
    if settings.DEBUG and not settings.SEXTO_SIGNING_KEYS:
        return Path(settings.VAR_DIR) / "signing-keys.json"
    return None


def keyring_configured() -> bool:
    path = keyring_file()
    return bool(settings.SEXTO_SIGNING_KEYS) or (path is not None and path.exists())


def keyring_write(keyring: Keyring, path: Path) -> None:
    """Write a keyring file readable by its owner only, replacing it in one step."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(keyring.to_json())
    os.replace(temporary, path)


@lru_cache(maxsize=4)  # the current keyring and, across a rotation, the previous one
def _keyring_from(text: str) -> Keyring:
    return keyring_parse(text)


def keyring_load() -> Keyring:
    """The configured keyring (parsed once per distinct content)."""
    path = keyring_file()
    if settings.SEXTO_SIGNING_KEYS and not settings.SEXTO_SIGNING_KEYS_FILE:
        text = settings.SEXTO_SIGNING_KEYS
    else:
        if path is None or not path.exists():
            raise KeyringError(
                "No signing key is configured: set SEXTO_SIGNING_KEYS_FILE (see `sexto keys "
                "generate`).", code="no_keyring")
        text = path.read_text(encoding="utf-8").strip()
    return _keyring_from(text)


def keyring_ensure_demo() -> Path | None:
    """`sexto demo`: a demo keyring under var/, created once and kept."""
    if settings.SEXTO_SIGNING_KEYS:
        return None  # a keyring given in the environment wins
    path = keyring_file()
    if path is None:
        raise KeyringError("The demo keyring needs DEBUG on", code="not_debug")
    if not path.exists():
        keyring_write(keyring_generate(), path)
    return path
