"""The issuer's identity: a did:web derived from SITE_URL, and its DID document.

did:web (W3C CCG did:web method): https://host:port/path -> did:web:host%3Aport:path, whose
document lives at /.well-known/did.json (no path) or /path/did.json.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import quote, unquote, urlsplit

from django.conf import settings

from core.exceptions import ApplicationError
from credentials.contexts import MULTIKEY_V1
from credentials.keys import ED25519, Keyring, SigningKey

DID_V1 = "https://www.w3.org/ns/did/v1"
JWK_V1 = "https://w3id.org/security/jwk/v1"
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}


class DidError(ApplicationError):
    pass


def did_web_from_url(site_url: str) -> str:
    parts = urlsplit(site_url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    segments = [quote(host, safe="")]
    segments += [quote(segment, safe="") for segment in parts.path.strip("/").split("/") if segment]
    return "did:web:" + ":".join(segments)


def did_web_document_url(did: str, *, allow_http_loopback: bool) -> str:
    """Where a did:web's document is; http only for loopback hosts, and only when allowed."""
    if not did.startswith("did:web:"):
        raise DidError(f"Not a did:web: {did}", code="not_did_web")
    segments = [unquote(segment) for segment in did[len("did:web:"):].split(":")]
    host, path = segments[0], segments[1:]
    if not host or "/" in host:
        raise DidError(f"Malformed did:web: {did}", code="malformed_did")
    hostname = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    scheme = "http" if allow_http_loopback and hostname in LOOPBACK_HOSTS else "https"
    tail = "/".join(path) + "/did.json" if path else ".well-known/did.json"
    return f"{scheme}://{host}/{tail}"


def issuer_did() -> str:
    return did_web_from_url(settings.SITE_URL)


def verification_method_id(key: SigningKey, did: str | None = None) -> str:
    return f"{did or issuer_did()}#{key.fragment}"


def did_document(keyring: Keyring, did: str | None = None) -> dict:
    """Every key of the keyring, the retired ones included: old credentials must still verify."""
    return _did_document(keyring, did or issuer_did())


@lru_cache(maxsize=8)
def _did_document(keyring: Keyring, did: str) -> dict:
    # Asked for at every verification of our own credentials: built once per keyring and
    # address (keyring_load returns the same Keyring while its text is unchanged). Callers
    # get the cached dict: they read it, never change it.
    methods = []
    for key in keyring.keys:
        method = {"id": verification_method_id(key, did), "controller": did}
        if key.type == ED25519:
            method.update(type="Multikey", publicKeyMultibase=key.public_multibase)
        else:
            method.update(type="JsonWebKey", publicKeyJwk=key.public_jwk)
        methods.append(method)
    ids = [method["id"] for method in methods]
    return {
        "@context": [DID_V1, MULTIKEY_V1, JWK_V1],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": ids,
    }
