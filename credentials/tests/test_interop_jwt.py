"""Our VC-JWTs in an independent JOSE implementation: jose (panva), run by Node.js
(credentials/tests/interop/jwt.mjs, pinned in its package-lock.json).

OB 3.0 section 8 asks a verifier to check the signature by the issuer's key, `iss`, and the
validity period (nbf, exp), and the credential subject's id as `sub`. Every demo award's JWT
passes, with the key as the issuer's DID document publishes it; a changed token, another
issuer, or a date outside the badge's validity fails.
"""

import json

import pytest

from credentials.did import did_document
from credentials.keys import keyring_load
from credentials.services import credential_for_award, credential_jwt
from credentials.tests.interop import node_jwt_verify, require_node
from credentials.tests.test_demo_awards import demo_awards  # noqa: F401 - a fixture

pytestmark = pytest.mark.subprocess


def _published_keys(did: str) -> list[dict]:
    """The RSA keys of the issuer's DID document, as a verifier resolving it reads them: the
    token's `kid` names a verification method, whose publicKeyJwk is the key."""
    document = did_document(keyring_load(), did)
    return [{**method["publicKeyJwk"], "kid": method["id"]}
            for method in document["verificationMethod"] if "publicKeyJwk" in method]


def test_every_demo_award_s_jwt_verifies_in_jose(demo_awards):  # noqa: F811
    require_node()
    for award in demo_awards:
        document = credential_for_award(award=award).document
        did = document["issuer"]["id"]
        outcome = node_jwt_verify(credential_jwt(award=award), keys=_published_keys(did),
                                  issuer=did)
        assert outcome["verified"] is True, (award.pk, outcome)
        payload = outcome["payload"]
        assert payload["sub"] == document["credentialSubject"]["id"]
        assert payload["jti"] == document["id"]
        assert payload["credentialSubject"]["achievement"] == (
            document["credentialSubject"]["achievement"])
        assert outcome["header"]["alg"] == "RS256"
        assert outcome["header"]["kid"].startswith(f"{did}#")


def test_jose_refuses_a_changed_token_another_issuer_and_a_date_outside_validity(award):
    require_node()
    token = credential_jwt(award=award)
    did = credential_for_award(award=award).document["issuer"]["id"]
    keys = _published_keys(did)

    header, payload, signature = token.split(".")
    import base64

    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = "urn:uuid:00000000-0000-4000-8000-000000000000"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    changed = node_jwt_verify(f"{header}.{forged}.{signature}", keys=keys, issuer=did)
    assert changed["verified"] is False
    assert changed["code"] == "ERR_JWS_SIGNATURE_VERIFICATION_FAILED"

    other = node_jwt_verify(token, keys=keys, issuer="did:web:autre.example")
    assert other["verified"] is False and other["code"] == "ERR_JWT_CLAIM_VALIDATION_FAILED"

    before = node_jwt_verify(token, keys=keys, issuer=did, now=claims["nbf"] - 3600)
    assert before["verified"] is False and before["code"] == "ERR_JWT_CLAIM_VALIDATION_FAILED"
    after = node_jwt_verify(token, keys=keys, issuer=did, now=claims["exp"] + 3600)
    assert after["verified"] is False and after["code"] == "ERR_JWT_EXPIRED"
