"""Signing with the issuer's active keys: Data Integrity (Ed25519) and VC-JWT (RS256)."""

from __future__ import annotations

from datetime import datetime

import jwt
from django.utils import timezone

from credentials.compose import iso_utc
from credentials.did import verification_method_id
from credentials.integrity import proof_attach, without_proof
from credentials.keys import ED25519, RSA, keyring_load


def sign_data_integrity(document: dict) -> dict:
    key = keyring_load().active(ED25519)
    return proof_attach(document, private_key=key.private_key,
                        verification_method=verification_method_id(key),
                        created=iso_utc(timezone.now()))


def _epoch(value: str) -> int:
    return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp())


def sign_vc_jwt(document: dict) -> str:
    """OB 3.0 section 8.2: the credential is the JWT payload, with the registered claims that
    mirror its fields; the header names the key (kid) and carries its public JWK."""
    key = keyring_load().active(RSA)
    payload = without_proof(document)
    payload.update(iss=document["issuer"]["id"], jti=document["id"],
                   nbf=_epoch(document["validFrom"]))
    if "validUntil" in document:
        payload["exp"] = _epoch(document["validUntil"])
    subject_id = document.get("credentialSubject", {}).get("id")
    if subject_id:
        payload["sub"] = subject_id
    headers = {"kid": verification_method_id(key), "typ": "JWT", "jwk": key.public_jwk}
    return jwt.encode(payload, key.private_key, algorithm="RS256", headers=headers)
