"""verify(): our own credentials in every form, tampering, revocation, expiry, other issuers
(did:web, did:key, their status lists) and garbage, which must never crash it."""

import base64
import copy
import gzip
import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from django.conf import settings
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from credentials.baking import png_bake, svg_bake
from credentials.contexts import CREDENTIALS_V2, OB_V3P0_3_0_3
from credentials.fetch import FetchError
from credentials.integrity import proof_attach
from credentials.multibase import ed25519_public_multikey
from credentials.services import credential_for_award, credential_jwt
from credentials.status import encode_bitstring
from credentials.verify import EXIT_CODES, verify

BADGES = Path(settings.BASE_DIR) / "credentials" / "static" / "credentials" / "badges"
CREATED = "2026-01-01T00:00:00Z"


# --- Helpers ---------------------------------------------------------------------------------


def no_fetch(url: str) -> bytes:
    """A network that reaches nothing."""
    raise FetchError("unreachable", code="unreachable")


def must_not_fetch(url: str) -> bytes:
    raise AssertionError(f"fetched {url}")


def fetcher(documents: dict[str, dict]):
    """A network that serves `documents` (URL -> JSON) and reaches nothing else."""
    def fetch(url: str) -> bytes:
        if url not in documents:
            raise FetchError("unreachable", code="unreachable")
        return json.dumps(documents[url]).encode()
    return fetch


def client_fetcher(client: Client):
    """Our own site, through the test client: SITE_URL's documents as a verifier sees them."""
    def fetch(url: str) -> bytes:
        if not url.startswith(settings.SITE_URL):
            raise FetchError("unreachable", code="unreachable")
        response = client.get(url[len(settings.SITE_URL):])
        if response.status_code != 200:
            raise FetchError("status", code="http_status",
                             extra={"status": response.status_code})
        return response.content
    return fetch


def checks(report, name: str) -> list[str]:
    return [check.outcome for check in report.checks if check.name == name]


def as_text(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False)


def unsigned(document: dict) -> dict:
    return {key: value for key, value in copy.deepcopy(document).items() if key != "proof"}


class Issuer:
    """Somebody else issuing credentials: a throwaway Ed25519 key under `did`."""

    def __init__(self, did: str = ""):
        self.key = ed25519.Ed25519PrivateKey.generate()
        raw = self.key.public_key().public_bytes(serialization.Encoding.Raw,
                                                 serialization.PublicFormat.Raw)
        self.multikey = ed25519_public_multikey(raw)
        self.did = did or f"did:key:{self.multikey}"
        self.method = f"{self.did}#{self.multikey}"

    def sign(self, document: dict, *, method: str = "") -> dict:
        return proof_attach(document, private_key=self.key,
                            verification_method=method or self.method, created=CREATED)

    def did_document(self) -> dict:
        return {"@context": ["https://www.w3.org/ns/did/v1"], "id": self.did,
                "verificationMethod": [{"id": self.method, "type": "Multikey",
                                        "controller": self.did,
                                        "publicKeyMultibase": self.multikey}],
                "assertionMethod": [self.method]}

    def status_list(self, url: str, *, revoked: set[int] = frozenset(), issuer: str = "",
                    encoded: str = "") -> dict:
        return self.sign({
            "@context": [CREDENTIALS_V2],
            "id": url,
            "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "issuer": issuer or self.did,
            "validFrom": CREATED,
            "credentialSubject": {
                "id": f"{url}#list", "type": "BitstringStatusList",
                "statusPurpose": "revocation",
                "encodedList": encoded or encode_bitstring(set(revoked), 131072),
            },
        })


@pytest.fixture
def document(award):
    return copy.deepcopy(credential_for_award(award=award).document)


def foreign_credential(ours: dict, issuer: Issuer, *, status_url: str = "",
                       index: int = 7) -> dict:
    """Our credential's content, issued by `issuer` (with a status entry at `status_url`)."""
    content = unsigned(ours)
    content["issuer"] = {"id": issuer.did, "type": ["Profile"], "name": "Autre émetteur"}
    content.pop("credentialStatus")
    if status_url:
        content["credentialStatus"] = {
            "id": f"{status_url}#{index}", "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation", "statusListIndex": str(index),
            "statusListCredential": status_url,
        }
    return issuer.sign(content)


# --- Our own credentials ---------------------------------------------------------------------


def test_our_credential_is_valid_with_every_check_passed(document):
    report = verify(text=as_text(document), fetch=must_not_fetch)
    assert report.verdict == "valid" and report.exit_code == 0, report.as_dict()
    assert report.format == "ob3"
    assert {c.name for c in report.checks} == {"format", "signature", "dates", "status"}
    assert report.summary["name"] == document["name"]
    assert report.summary["issuer_id"] == document["issuer"]["id"]
    assert report.summary["evidence"] and report.summary["evidence"][0]["narrative"]
    assert json.loads(json.dumps(report.as_dict()))["verdict"] == "valid"


def _replace_narrative(d):
    d["evidence"][0]["narrative"] += " (modifié)"


def _replace_proof_value(d):
    value = d["proof"][0]["proofValue"]
    d["proof"][0]["proofValue"] = value[:-2] + ("2" if value[-2] != "2" else "3") + value[-1]


@pytest.mark.parametrize("tamper", [
    lambda d: d.update(name="Badge inventé"),
    _replace_narrative,
    lambda d: d.update(validFrom="2020-01-01T00:00:00Z"),
    lambda d: d["credentialSubject"]["achievement"].update(id="https://evil.example/a"),
    lambda d: d["issuer"].update(id="did:web:evil.example"),
    lambda d: d["issuer"].update(name="Autre émetteur"),
    _replace_proof_value,
    lambda d: d.pop("proof"),
    lambda d: d["proof"][0].update(verificationMethod="did:web:evil.example#key"),
    lambda d: d.pop("credentialStatus"),
], ids=["name", "narrative", "validFrom", "achievement-id", "issuer-id", "issuer-name",
        "proofValue", "no-proof", "foreign-key", "status-removed"])
def test_any_tampering_is_invalid(document, tamper):
    tamper(document)
    report = verify(text=as_text(document), fetch=must_not_fetch)
    assert report.verdict == "invalid" and report.exit_code == 1, report.as_dict()
    assert checks(report, "signature") == ["fail"]
    # Nothing is fetched for a credential whose signature fails.
    assert checks(report, "status") in ([], ["warning"], ["ok"])


def test_wrong_proof_type_and_unknown_context_are_explained(document):
    document["proof"][0]["type"] = "Ed25519Signature2020"
    report = verify(text=as_text(document))
    assert report.verdict == "invalid"
    assert "DataIntegrityProof" in next(c.message for c in report.checks if c.name == "signature")
    document["@context"].append("https://evil.example/context.json")
    report = verify(text=as_text(document))
    assert checks(report, "format") == ["fail"]
    assert "https://evil.example/context.json" in report.checks[0].message


def test_revoked_credential_is_invalid_by_its_status(award, document):
    award.revoked, award.revoked_at, award.revocation_reason = True, timezone.now(), "x"
    award.save()
    report = verify(text=as_text(document), fetch=must_not_fetch)
    assert report.verdict == "invalid"
    assert checks(report, "signature") == ["ok"] and checks(report, "status") == ["fail"]
    assert "révoqué" in report.checks[-1].message


def test_expired_and_not_yet_valid_credentials_are_invalid(award, document):
    later = datetime.now(UTC) + timedelta(days=1)
    assert verify(text=as_text(document), now=later).verdict == "valid"  # no expiry date
    earlier = datetime.fromisoformat(document["validFrom"].replace("Z", "+00:00"))
    report = verify(text=as_text(document), now=earlier - timedelta(days=1))
    assert report.verdict == "invalid" and checks(report, "dates") == ["fail"]
    award.expires_at = timezone.now() - timedelta(days=1)
    award.save()
    expired = credential_for_award(award=award)
    report = verify(text=as_text(expired.document))
    assert report.verdict == "invalid" and checks(report, "dates") == ["fail"]
    assert "expiré" in next(c.message for c in report.checks if c.name == "dates")
    assert verify(text=credential_jwt(award=award)).verdict == "invalid"


def test_people_get_translated_reasons_not_developer_english(document):
    from django.utils import translation
    from django.utils.translation import gettext

    document["proof"][0].pop("proofValue")
    for language in ("fr", "en"):
        with translation.override(language):
            report = verify(text=as_text(document))
            expected = gettext("la preuve n'indique pas sa clé ou sa valeur.")
        message = next(c.message for c in report.checks if c.name == "signature")
        assert expected in message and "The proof lacks" not in message


# --- VC-JWT ----------------------------------------------------------------------------------


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _payload(token: str) -> dict:
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def test_our_jwt_is_valid(award):
    token = credential_jwt(award=award)
    report = verify(text=token, fetch=must_not_fetch)
    assert report.verdict == "valid" and report.format == "ob3-jwt", report.as_dict()
    assert report.summary["name"]


def test_tampered_jwts_are_invalid(award):
    token = credential_jwt(award=award)
    header, payload, signature = token.split(".")
    changed = _payload(token)
    changed["name"] = "Badge inventé"
    flipped = signature[:10] + ("A" if signature[10] != "A" else "B") + signature[11:]
    header_none = _b64({"alg": "none", "typ": "JWT"})
    header_data = json.loads(base64.urlsafe_b64decode(header + "=="))
    hs256 = jwt.encode(_payload(token), "a-shared-secret-of-at-least-32-bytes",
                       algorithm="HS256", headers={"kid": header_data["kid"]})
    stranger = Issuer()
    foreign_kid = jwt.encode(_payload(token), stranger.key, algorithm="EdDSA",
                             headers={"kid": stranger.method})
    for forged in (f"{header}.{_b64(changed)}.{signature}",
                   f"{header}.{payload}.{flipped}",
                   f"{header_none}.{payload}.",
                   f"{header_none}.{_b64(changed)}.",
                   hs256, foreign_kid):
        report = verify(text=forged, fetch=must_not_fetch)
        assert report.verdict == "invalid", (forged[:40], report.as_dict())
        assert checks(report, "signature") == ["fail"]


def test_a_jwt_whose_exp_has_passed_is_expired(award):
    token = credential_jwt(award=award)
    payload = _payload(token)
    later = datetime.now(UTC) + timedelta(days=3)
    assert verify(text=token, now=later).verdict == "valid"
    stranger = Issuer()
    payload["issuer"] = {"id": stranger.did, "type": ["Profile"]}
    payload["iss"] = stranger.did
    payload.pop("credentialStatus")
    payload["exp"] = int((later - timedelta(days=1)).timestamp())
    token = jwt.encode(payload, stranger.key, algorithm="EdDSA", headers={"kid": stranger.method})
    report = verify(text=token, now=later, fetch=must_not_fetch)
    assert checks(report, "signature") == ["ok"] and "fail" in checks(report, "dates")


# --- Baked images and OB 2.0 -----------------------------------------------------------------


def test_baked_png_and_svg_are_valid(award, document):
    png = png_bake((BADGES / "sexto-architecte.png").read_bytes(),
                   keyword="openbadgecredential", text=as_text(document))
    svg = svg_bake((BADGES / "sexto-architecte.svg").read_text(encoding="utf-8"),
                   credential=credential_jwt(award=award))
    for data in (png, svg.encode()):
        report = verify(data=data, fetch=must_not_fetch)
        assert report.verdict == "valid", report.as_dict()
    tampered = png_bake((BADGES / "sexto-architecte.png").read_bytes(),
                        keyword="openbadgecredential",
                        text=as_text({**document, "name": "Badge inventé"}))
    assert verify(data=tampered).verdict == "invalid"


def test_ob2_hosted_assertion_is_checked_at_its_address(client, award):
    from credentials import ob2

    fetch = client_fetcher(client)
    url = ob2.assertion_url(award)
    report = verify(text=url, fetch=fetch)
    assert report.format == "ob2" and report.verdict == "valid", report.as_dict()
    assert report.summary["achievement"].startswith(settings.SITE_URL)
    document = json.loads(fetch(url))
    award.revoked, award.revoked_at, award.revocation_reason = True, timezone.now(), "x"
    award.save()
    report = verify(text=json.dumps(document), fetch=fetch)
    assert report.verdict == "invalid" and checks(report, "status") == ["fail"]
    assert verify(text=json.dumps(document), fetch=no_fetch).verdict == "incomplete"


# --- Other issuers ---------------------------------------------------------------------------


def test_did_key_issuer_verifies_without_any_fetch(document):
    stranger = Issuer()
    credential = foreign_credential(document, stranger)
    report = verify(text=as_text(credential), fetch=must_not_fetch)
    assert report.verdict == "valid", report.as_dict()
    assert report.summary["issuer"] == "Autre émetteur"
    credential["name"] = "Badge inventé"
    assert verify(text=as_text(credential), fetch=must_not_fetch).verdict == "invalid"


def test_did_web_issuer_is_resolved_and_must_list_the_key(document):
    stranger = Issuer("did:web:issuer.example")
    credential = foreign_credential(document, stranger)
    did_url = "https://issuer.example/.well-known/did.json"
    report = verify(text=as_text(credential), fetch=fetcher({did_url: stranger.did_document()}))
    assert report.verdict == "valid", report.as_dict()
    not_for_assertions = {**stranger.did_document(), "assertionMethod": []}
    assert verify(text=as_text(credential),
                  fetch=fetcher({did_url: not_for_assertions})).verdict == "invalid"
    somebody_else = {**stranger.did_document(), "id": "did:web:other.example"}
    assert verify(text=as_text(credential),
                  fetch=fetcher({did_url: somebody_else})).verdict == "invalid"


def test_unreachable_did_is_incomplete(document):
    stranger = Issuer("did:web:unreachable.example")
    credential = foreign_credential(document, stranger, status_url="https://unreachable.example/s")
    report = verify(text=as_text(credential), fetch=no_fetch)
    assert report.verdict == "incomplete" and report.exit_code == 3, report.as_dict()
    assert checks(report, "signature") == ["warning"]
    assert "unreachable.example" in next(c.message for c in report.checks
                                         if c.name == "signature")


def test_status_lists_of_other_issuers(document):
    stranger = Issuer()
    url = "https://status.example/list/1"
    credential = as_text(foreign_credential(document, stranger, status_url=url, index=7))
    # Out of reach: the signature holds, revocation could not be checked.
    report = verify(text=credential, fetch=no_fetch)
    assert report.verdict == "incomplete" and report.exit_code == 3, report.as_dict()
    assert checks(report, "signature") == ["ok"] and checks(report, "status") == ["warning"]
    # Reachable, signed by the issuer: not revoked, then revoked.
    assert verify(text=credential,
                  fetch=fetcher({url: stranger.status_list(url)})).verdict == "valid"
    revoked = verify(text=credential, fetch=fetcher({url: stranger.status_list(url, revoked={7})}))
    assert revoked.verdict == "invalid" and checks(revoked, "status") == ["fail"]
    # A list published by somebody else, or claiming the issuer but signed by somebody else.
    impostor = Issuer()
    for status_list in (impostor.status_list(url),
                        impostor.status_list(url, issuer=stranger.did),
                        {**stranger.status_list(url), "proof": None}):
        report = verify(text=credential, fetch=fetcher({url: status_list}))
        assert report.verdict == "invalid" and checks(report, "status") == ["fail"], \
            report.as_dict()


def test_a_status_list_that_inflates_too_far_is_refused(document):
    stranger = Issuer()
    url = "https://status.example/bomb"
    bomb = "u" + base64.urlsafe_b64encode(
        gzip.compress(bytes(20 * 1024 * 1024), mtime=0)).rstrip(b"=").decode()
    credential = as_text(foreign_credential(document, stranger, status_url=url))
    report = verify(text=credential, fetch=fetcher({url: stranger.status_list(url,
                                                                              encoded=bomb)}))
    assert report.verdict == "invalid" and checks(report, "status") == ["fail"]


def _alike(parents: int, children: int) -> list[dict]:
    return [{"type": ["Evidence"], "name": "e",
             "audience": [{"type": ["Evidence"], "name": "a"} for _ in range(children)]}
            for _ in range(parents)]


@pytest.mark.parametrize("evidence", [
    _alike(2, 6),  # permutations: minutes for pyld at 2 x 10
    _alike(1000, 0),  # quadratic: 20 seconds at 10,000
    [{"type": ["Evidence"], "id": "_:b0", "name": "cycles need named blank nodes"}],
    [{"type": ["Evidence"], "name": "deep", "audience": json.loads("[" * 40 + "]" * 40)}],
], ids=["tied-blank-nodes", "too-many-objects", "blank-node-id", "too-deep"])
def test_documents_too_costly_to_canonicalize_are_refused(document, evidence):
    stranger = Issuer()
    content = unsigned(document)
    content["evidence"] = evidence
    credential = foreign_credential(content, stranger)
    report = verify(text=as_text(credential), fetch=must_not_fetch)
    assert report.verdict == "invalid" and checks(report, "format") == ["fail"]
    assert "trop complexe" in report.checks[0].message


def test_a_few_alike_blank_nodes_are_fine(document):
    content = unsigned(document)
    content["evidence"] = _alike(2, 5)
    credential = foreign_credential(content, Issuer())
    assert verify(text=as_text(credential), fetch=must_not_fetch).verdict == "valid"


# --- What is not a badge ---------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "", "   ", "hello", "{", "[]", "null", "42", '"text"', '{"a": 1}', "[" * 100_000,
    '{"type": "Assertion"', "eyJhbGciOi.eyJ.x", "ftp://example.org/badge.json",
])
def test_garbage_text_is_unusable(text):
    report = verify(text=text, fetch=must_not_fetch)
    assert report.verdict == "unusable" and report.exit_code == 2, report.as_dict()
    assert report.checks[0].name == "input" and report.checks[0].message


def test_garbage_files_are_unusable(document):
    plain_png = (BADGES / "sexto-architecte.png").read_bytes()
    dtd_svg = (b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x "y">]>'
               b'<svg xmlns="http://www.w3.org/2000/svg">&x;</svg>')
    truncated = as_text(document)[:500].encode()
    inputs = {
        "random": random.Random(4).randbytes(4096),
        "plain-png": plain_png,
        "broken-png": plain_png[:200],
        "plain-svg": (BADGES / "sexto-architecte.svg").read_bytes(),
        "svg-with-dtd": dtd_svg,
        "truncated-json": truncated,
        "huge": b"{" + b" " * (3 * 1024 * 1024) + b"}",
    }
    messages = {}
    for name, data in inputs.items():
        report = verify(data=data, fetch=must_not_fetch)
        assert report.verdict == "unusable" and report.exit_code == 2, (name, report.as_dict())
        messages[name] = report.checks[0].message
    assert "PNG" in messages["plain-png"] and "DTD" in messages["svg-with-dtd"]
    assert "JSON" in messages["truncated-json"] and "2 Mo" in messages["huge"]


def test_an_unreachable_url_is_unusable():
    report = verify(text="https://nowhere.example/badge.json", fetch=no_fetch)
    assert report.verdict == "unusable" and report.checks[0].message == "unreachable"


def test_every_verdict_has_its_exit_code():
    assert EXIT_CODES == {"valid": 0, "invalid": 1, "unusable": 2, "incomplete": 3}


# --- Whatever is thrown at it, verify() answers ----------------------------------------------

VERDICTS = {"valid", "invalid", "unusable", "incomplete"}
FUZZ = hypothesis_settings(max_examples=150, deadline=None,
                           suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                  HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
    | st.sampled_from(["OpenBadgeCredential", "VerifiableCredential", "Assertion",
                       "BitstringStatusListEntry", "did:web:x", "did:key:z6Mk", "u",
                       "https://status.example/1", CREDENTIALS_V2, "2026-01-01T00:00:00Z"]),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12,
)


def assert_answers(report) -> None:
    assert report.verdict in VERDICTS
    assert report.exit_code in (0, 1, 2, 3)
    json.dumps(report.as_dict())
    # "error" is the last-resort guard's check: seeing it here means a crash was caught.
    assert "error" not in {check.name for check in report.checks}, report.as_dict()


def _paths(value, prefix=()):
    """Every place in a JSON document, as key/index paths."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*prefix, index))


def _mutate(document: dict, path: tuple, replacement, delete: bool) -> dict:
    document = copy.deepcopy(document)
    if not path:
        return document
    parent = document
    for step in path[:-1]:
        parent = parent[step]
    if delete:
        del parent[path[-1]]
    else:
        parent[path[-1]] = replacement
    return document


@FUZZ
@given(value=json_values)
def test_random_json_never_crashes(value):
    assert_answers(verify(text=json.dumps(value), fetch=no_fetch))


@FUZZ
@given(data=st.data())
def test_our_credential_damaged_at_random_never_crashes(document, data):
    damaged = document
    for _round in range(data.draw(st.integers(1, 3))):
        paths = list(_paths(damaged))
        path = data.draw(st.sampled_from(paths))
        damaged = _mutate(damaged, path, data.draw(json_values), data.draw(st.booleans()))
    report = verify(text=json.dumps(damaged), fetch=no_fetch)
    assert_answers(report)
    if damaged != document:
        assert report.verdict != "valid" or unsigned(damaged) == unsigned(document)


@FUZZ
@given(header=json_values, payload=json_values, signature=st.text(max_size=20))
def test_random_jwts_never_crash(header, payload, signature):
    token = ".".join([_b64(header), _b64(payload),
                      base64.urlsafe_b64encode(signature.encode()).decode().rstrip("=")])
    assert_answers(verify(text=token, fetch=no_fetch))


@FUZZ
@given(text=st.text(), prefix=st.sampled_from(["", "{", "[", "ey", "https://", "<svg"]))
def test_random_text_never_crashes(text, prefix):
    assert_answers(verify(text=prefix + text, fetch=no_fetch))


@FUZZ
@given(data=st.binary(max_size=2048),
       prefix=st.sampled_from([b"", b"\x89PNG\r\n\x1a\n", b"<svg", b"\xef\xbb\xbf{", b"<?xml"]))
def test_random_bytes_never_crash(data, prefix):
    assert_answers(verify(data=prefix + data, fetch=no_fetch))


def test_an_unforeseen_error_is_reported_never_raised(document, monkeypatch, caplog):
    import credentials.verify as verify_module

    def broken(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(verify_module, "_check_dates", broken)
    report = verify(text=as_text(document), fetch=must_not_fetch)
    assert report.verdict == "incomplete" and checks(report, "error") == ["warning"]
    assert "Unexpected error" in caplog.text
    monkeypatch.setattr(verify_module, "_check_ob3_shape", broken)
    assert verify(text=as_text(document)).verdict == "invalid"


def test_a_deeply_nested_jwt_is_read_without_recursion(award):
    stranger = Issuer()
    payload = {"@context": [CREDENTIALS_V2, OB_V3P0_3_0_3],
               "type": ["VerifiableCredential", "OpenBadgeCredential"],
               "issuer": {"id": stranger.did}, "validFrom": CREATED,
               "name": json.loads("[" * 900 + "]" * 900),
               "credentialSubject": {"achievement": {"name": json.loads("[" * 900 + "]" * 900)}}}
    token = jwt.encode(payload, stranger.key, algorithm="EdDSA", headers={"kid": stranger.method})
    report = verify(text=token, fetch=must_not_fetch)
    assert_answers(report)
    assert report.verdict == "valid" and report.summary["name"] == ""


def test_es256_jwt_from_another_did_web_issuer_is_valid(award):
    """ES256 is one of the VC-JWT algorithms verifiers meet; the key comes from a DID document
    that the (fake, offline) network serves for did:web:issuer.example."""
    from cryptography.hazmat.primitives.asymmetric import ec
    from jwt.algorithms import ECAlgorithm

    key = ec.generate_private_key(ec.SECP256R1())
    did, method = "did:web:issuer.example", "did:web:issuer.example#key-1"
    public_jwk = json.loads(ECAlgorithm.to_jwk(key.public_key()))
    did_doc = {"@context": ["https://www.w3.org/ns/did/v1"], "id": did,
               "verificationMethod": [{"id": method, "type": "JsonWebKey", "controller": did,
                                       "publicKeyJwk": public_jwk}],
               "assertionMethod": [method]}

    def fetch(url: str) -> bytes:
        assert url == "https://issuer.example/.well-known/did.json"
        return json.dumps(did_doc).encode()

    payload = _payload(credential_jwt(award=award))
    payload["issuer"] = {"id": did, "type": ["Profile"], "name": "Autre émetteur"}
    payload["iss"] = did
    payload.pop("credentialStatus")
    token = jwt.encode(payload, key, algorithm="ES256", headers={"kid": method})
    report = verify(text=token, fetch=fetch)
    assert report.verdict == "valid", report.as_dict()
    assert "ES256" in [c.message for c in report.checks if c.name == "signature"][0]
    payload["name"] = "Changé"
    forged = token.split(".")[0] + "." + _b64(payload) + "." + token.split(".")[2]
    assert verify(text=forged, fetch=fetch).verdict == "invalid"


def test_the_verifier_s_day_is_the_attestation_s_day_in_the_evening(client, award):
    """21:30 in Montréal is already tomorrow in UTC: the verifier says the day the attestation
    page and its PDF show, not the UTC date (issue 11: "differs by a day")."""
    import datetime

    from django.urls import reverse

    from credentials.services import credential_for_award

    award.granted_at = datetime.datetime(2026, 5, 15, 1, 30, tzinfo=datetime.UTC)
    award.save(update_fields=["granted_at"])
    document = credential_for_award(award=award).document
    assert document["validFrom"] == "2026-05-15T01:30:00Z"
    report = verify(text=json.dumps(document))
    dates = next(c for c in report.as_dict()["checks"] if c["name"] == "dates")
    assert "2026-05-14" in dates["message"] and "2026-05-15" not in dates["message"]
    page = client.get(reverse("credential_pages:attestation", args=[award.pk])).content.decode()
    assert "2026-05-14 21:30:00" in page
