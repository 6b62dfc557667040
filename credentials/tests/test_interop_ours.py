"""Our credentials against the independent JavaScript stack (digitalbazaar), both directions.

What we sign, it must verify: with our DID document given, then resolving our did:web over HTTP
from a live server. What it signs, we must verify. Any change must fail on both sides. And,
Ed25519 being deterministic, both must write the same proofValue for the same credential, key
and date: the strongest check that both canonicalize (RDFC-1.0) to the same bytes, run on
credentials whose evidence holds accents, line breaks, quotes, Markdown and emoji.

Control characters in a literal (RDFC-1.0 writes them escaped) are checked at the end: pyld
alone writes them raw, credentials/rdfc_escape.py fixes that.

The harness is credentials/tests/interop.py (checked on 1EdTech's vector by
test_interop_vector.py); these tests skip where Node.js is absent, never in CI.
"""

import copy
import difflib
import json
from types import SimpleNamespace
from urllib.request import urlopen

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from credentials.did import did_document, did_web_document_url, did_web_from_url, issuer_did
from credentials.integrity import ProofError, canonical_nquads, proof_attach, proof_verify
from credentials.keys import ED25519, keyring_load
from credentials.multibase import ed25519_public_multikey
from credentials.services import credential_for_award
from credentials.tests.interop import (
    node_canonize,
    node_sign,
    node_verify,
    require_node,
)
from credentials.verify import INVALID, OK, VALID, verify

# Each test runs the JavaScript stack in a process of its own: once, in the SQLite pass (what it
# checks, our signatures and canonical form, does not depend on the database).
pytestmark = pytest.mark.subprocess

CREATED = "2026-01-15T10:20:30Z"
STATUS_WARNING = "credentialStatus present but not checked."
RAW = serialization.Encoding.Raw


@pytest.fixture(autouse=True)
def _node():
    require_node()


def _no_fetch(url: str) -> bytes:
    pytest.fail(f"Nothing needs fetching here, yet {url} was asked for")


def _unsigned(document: dict) -> dict:
    return {key: value for key, value in document.items() if key != "proof"}


def _changed(document: dict, path: tuple, value) -> dict:
    """A copy of the document with the value at `path` (keys and list indexes) replaced."""
    changed = copy.deepcopy(document)
    target = changed
    for step in path[:-1]:
        target = target[step]
    assert target[path[-1]] != value
    target[path[-1]] = value
    return changed


def _our_dids() -> dict:
    return {issuer_did(): did_document(keyring_load())}


def _raw_key(private_key: ed25519.Ed25519PrivateKey, method: str) -> dict:
    """The key as node_sign takes it: raw seed and public key, and its verification method."""
    return {
        "publicKeyHex": private_key.public_key().public_bytes(
            RAW, serialization.PublicFormat.Raw).hex(),
        "privateKeyHex": private_key.private_bytes(
            RAW, serialization.PrivateFormat.Raw, serialization.NoEncryption()).hex(),
        "controller": method.split("#", 1)[0],
        "id": method,
    }


def _throwaway_did_key() -> SimpleNamespace:
    private_key = ed25519.Ed25519PrivateKey.generate()
    public = private_key.public_key().public_bytes(RAW, serialization.PublicFormat.Raw)
    multikey = ed25519_public_multikey(public)
    did = f"did:key:{multikey}"
    method = f"{did}#{multikey}"
    return SimpleNamespace(private_key=private_key, public=public, did=did, method=method,
                           node=_raw_key(private_key, method))


def _assert_same_canonical_form(document: dict) -> None:
    ours, theirs = canonical_nquads(document), node_canonize(document)
    if ours != theirs:
        # Split on line feeds only: a literal may hold other line breaks, raw.
        diff = difflib.unified_diff(ours.split("\n"), theirs.split("\n"), "ours", "node",
                                    lineterm="", n=0)
        pytest.fail("Our canonical N-Quads differ from the JavaScript stack's:\n"
                    + "\n".join(ascii(line) for line in diff))


# --- 1. The JavaScript stack verifies ours ---------------------------------------------------


def test_node_verifies_our_credential(award):
    document = credential_for_award(award=award).document
    assert document["evidence"][0]["narrative"]  # the answers are published, hence signed

    result = node_verify(document, dids=_our_dids())

    assert result == {"verified": True, "errors": [], "warnings": [STATUS_WARNING]}


def test_node_resolves_our_did_web_from_the_live_server(live_server, settings, award):
    settings.SITE_URL = live_server.url
    did = did_web_from_url(live_server.url)
    assert did.startswith(("did:web:localhost%3A", "did:web:127.0.0.1%3A"))
    # Where our resolver, and the JavaScript one (common.mjs didWebUrl), look for it.
    assert did_web_document_url(did, allow_http_loopback=True) == (
        f"{live_server.url}/.well-known/did.json")
    document = credential_for_award(award=award).document  # signed again for the new address
    assert document["issuer"]["id"] == did
    assert document["proof"][0]["verificationMethod"].startswith(f"{did}#")
    with urlopen(f"{live_server.url}/.well-known/did.json", timeout=10) as response:  # noqa: S310
        assert json.loads(response.read()) == did_document(keyring_load(), did)

    # Without the network the key is unknown: the verdict below comes from the served document.
    assert node_verify(document)["verified"] is False
    result = node_verify(document, fetch_did_web=True)

    assert result == {"verified": True, "errors": [], "warnings": [STATUS_WARNING]}


# --- 2. Any change to ours fails, there and here ---------------------------------------------


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("name",), "Un autre badge"),
        (("evidence", 0, "narrative"), "Une réponse réécrite après coup."),
        (("validFrom",), "2020-01-01T00:00:00Z"),
        (("credentialSubject", "identifier", 0, "identityHash"), "sha256$" + "0" * 64),
        (("credentialSubject", "achievement", "name"), "Une autre réalisation"),
        (("proof", 0, "created"), "2020-01-01T00:00:00Z"),
        (("issuer", "id"), "did:web:issuer.example"),
    ],
    ids=["name", "evidence-narrative", "validFrom", "identity-hash", "achievement-name",
         "proof-created", "issuer-id"],
)
def test_any_change_to_our_credential_fails_in_node_and_here(award, path, value):
    document = credential_for_award(award=award).document
    changed = _changed(document, path, value)

    result = node_verify(changed, dids=_our_dids())

    assert result["verified"] is False
    assert result["errors"]
    assert verify(text=json.dumps(changed), fetch=_no_fetch).verdict == INVALID


# --- 3. We verify what the JavaScript stack signs --------------------------------------------


def _from_our_credential(award, did: str) -> dict:
    """Our composed credential, unsigned, as if issued by `did` (no status list: ours is ours)."""
    unsigned = _unsigned(credential_for_award(award=award).document)
    unsigned.pop("credentialStatus")
    unsigned["issuer"] = {**unsigned["issuer"], "id": did}
    return unsigned


def _by_hand(award, did: str) -> dict:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2",
                     "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": "urn:uuid:2f6c1a0e-8b1d-4c55-9d8e-0a7d3f4b5c6d",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": did, "type": ["Profile"], "name": "Émetteur d'essai"},
        "validFrom": "2025-03-01T08:00:00Z",
        "name": "Badge d'essai",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [{"type": "IdentityObject", "identityType": "emailAddress",
                            "hashed": False, "identityHash": "personne@example.org"}],
            "achievement": {
                "id": "https://issuer.example/achievements/essai",
                "type": ["Achievement"],
                "name": "Réalisation d'essai",
                "description": "Décrite « à la main ».",
                "criteria": {"narrative": "Réussir l'essai.\n\n- **vite**\n- bien 👍"},
            },
        },
    }


@pytest.fixture(params=[_from_our_credential, _by_hand], ids=["our-composition", "by-hand"])
def node_signed(request, award):
    key = _throwaway_did_key()
    unsigned = request.param(award, key.did)
    signed = node_sign(unsigned, key=key.node, created=CREATED)
    assert _unsigned(signed) == unsigned
    assert signed["proof"]["verificationMethod"] == key.method
    assert signed["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    return SimpleNamespace(key=key, document=signed)


def test_we_verify_what_node_signs(node_signed):
    report = verify(text=json.dumps(node_signed.document), fetch=_no_fetch)

    assert report.verdict == VALID, report.as_dict()
    assert [c.outcome for c in report.checks if c.name == "signature"] == [OK]


def test_our_proof_check_accepts_what_node_signs(node_signed):
    key = node_signed.key

    def resolve(method: str) -> bytes:
        assert method == key.method
        return key.public

    check = proof_verify(node_signed.document, resolve_key=resolve)

    assert (check.verification_method, check.created) == (key.method, CREATED)


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("name",), "Un autre badge"),
        (("credentialSubject", "achievement", "name"), "Une autre réalisation"),
        (("validFrom",), "2025-03-01T08:00:01Z"),
        (("proof", "created"), "2026-01-15T10:20:31Z"),
    ],
    ids=["name", "achievement-name", "validFrom", "proof-created"],
)
def test_we_refuse_a_changed_node_signed_credential(node_signed, path, value):
    changed = _changed(node_signed.document, path, value)

    assert verify(text=json.dumps(changed), fetch=_no_fetch).verdict == INVALID
    with pytest.raises(ProofError):
        proof_verify(changed, resolve_key=lambda _method: node_signed.key.public)


def test_we_refuse_a_node_signed_credential_claiming_another_issuer(node_signed):
    # Signed by a did:key, but now naming another did:key as issuer: not its key.
    changed = _changed(node_signed.document, ("issuer", "id"), _throwaway_did_key().did)

    report = verify(text=json.dumps(changed), fetch=_no_fetch)

    assert report.verdict == INVALID
    assert [c.outcome for c in report.checks if c.name == "signature"] == ["fail"]


# --- 4. Same credential, key and date: the same proofValue -----------------------------------

TRICKY_ANSWERS = {
    "accents": {
        "q1": "Élève, théâtre, façade, œuvre, naïve, Noël ; « guillemets » à l'École ÇA VA.",
        "q2": "Ångström, señor, Straße, İstanbul, ﬁ ligature, ½ et ², 中文, العربية, עברית.",
    },
    "line-breaks": {
        "q1": "Première ligne\nDeuxième ligne\r\nTroisième\rQuatrième\n\n\nAprès trois sauts.",
        "q2": "Ligne\u2028séparateur Unicode\u2029paragraphe\u0085NEL.",
    },
    "quotes-and-backslashes": {
        "q1": 'Il a dit "non", puis \'peut-être\', puis ‘oui’ et “enfin”.',
        "q2": "Barre \\ oblique inverse, \\n littéral, \\\" échappé, `accent grave`, \\u00e9.",
    },
    "markdown-and-html": {
        "q1": "# Titre\n\n1. **Rencontrer** l'élève\n2. _Confisquer_ sans regarder\n\n"
              "> citation\n\n- [lien](https://example.org/a?b=1&c=2#d)\n\n```\ncode\n```",
        "q2": "<script>alert('x')</script> &amp; &lt;b&gt; <https://example.org/> | a | b |",
    },
    "emoji": {
        "q1": "Bravo 👩‍🏫🚓✅ 🇨🇦 👍🏽 ❤️ 🫶",
        "q2": "Mathématiques 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝟙𝟚𝟛 et 🀄 hors du plan de base.",
    },
    "spaces-and-invisibles": {
        "q1": "Tab\tinterne,\t\tdeux, insécable\u00a0: fine\u202f; zéro\u200blargeur.",
        "q2": "BOM\ufeff au milieu, joint\u200d, e\u0301 décomposé, e\u0301\u0301 doublé.",
    },
    "long": {
        "q1": ("Une réponse longue, « citée », avec des sauts.\n" * 200).strip(),
        "q2": "x" * 9_999,
    },
}


def _same_proof_value_as_node(award) -> None:
    credential = credential_for_award(award=award)
    document = credential.document
    unsigned = _unsigned(document)
    _assert_same_canonical_form(unsigned)

    # Our real issuing key, method and date: node must write our very signature.
    key = keyring_load().active(ED25519)
    ours = proof_attach(unsigned, private_key=key.private_key,
                        verification_method=document["proof"][0]["verificationMethod"],
                        created=document["proof"][0]["created"])
    theirs = node_sign(unsigned, key=_raw_key(key.private_key,
                                              document["proof"][0]["verificationMethod"]),
                       created=document["proof"][0]["created"])

    assert ours == document
    # digitalbazaar writes a lone proof as an object, ours is an array of one: same proof.
    assert theirs["proof"]["proofValue"] == ours["proof"][0]["proofValue"]
    assert {**theirs, "proof": [theirs["proof"]]} == ours
    assert node_verify(document, dids=_our_dids())["verified"] is True


@pytest.mark.parametrize("answers", list(TRICKY_ANSWERS.values()), ids=list(TRICKY_ANSWERS))
def test_node_and_we_write_the_same_proof_value(award, answers):
    assert [item["narrative"] for item in credential_for_award(award=award).document[
        "evidence"]] == [answers["q1"].strip(), answers["q2"].strip()]
    _same_proof_value_as_node(award)


def test_same_proof_value_with_a_throwaway_did_key(award):
    key = _throwaway_did_key()
    unsigned = _from_our_credential(award, key.did)

    ours = proof_attach(unsigned, private_key=key.private_key, verification_method=key.method,
                        created=CREATED)
    theirs = node_sign(unsigned, key=key.node, created=CREATED)

    assert {**theirs, "proof": [theirs["proof"]]} == ours  # theirs: a lone proof object


# C0 controls (except tab, line feed, carriage return) and DEL inside a literal: a learner may
# paste them (a vertical tab is a line break copied from Word or PowerPoint).


@pytest.mark.parametrize(
    "answers",
    [{"q1": f"Avant{char}après.", "q2": "Sans rien."} for char in "\x0b\x0c\x08\x01\x1f\x7f"],
    ids=["vertical-tab", "form-feed", "backspace", "U+0001", "U+001F", "DEL"],
)
def test_node_verifies_our_credential_with_control_characters(award, answers):
    document = credential_for_award(award=award).document
    _assert_same_canonical_form(_unsigned(document))  # fails first, showing the lines
    assert node_verify(document, dids=_our_dids())["verified"] is True
    _same_proof_value_as_node(award)


def test_we_verify_node_signed_control_characters(award):
    key = _throwaway_did_key()
    unsigned = _from_our_credential(award, key.did)
    unsigned["name"] = "Saut de ligne\x0bcopié de Word"
    signed = node_sign(unsigned, key=key.node, created=CREATED)

    _assert_same_canonical_form(unsigned)
    assert verify(text=json.dumps(signed), fetch=_no_fetch).verdict == VALID
