"""credentials.canon gives, for the documents we compose, exactly pyld's canonical N-Quads.

The fast canonicalizer is only worth having if it never disagrees with pyld: a single different
byte and a signature fails. So every test here compares both, over documents generated through
our real composer and over the same shapes with any values, and checks that what the fast path
does not recognise is left to pyld (None), never guessed.
"""

import copy
import datetime
from types import SimpleNamespace

import pytest
from django.test import override_settings
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from pyld import jsonld

from credentials import canon, integrity
from credentials.canon import fast_nquads
from credentials.compose import open_badge_credential
from credentials.contexts import CREDENTIALS_V2, OB_V3P0_3_0_3
from credentials.integrity import canonical_nquads, canonical_nquads_pyld, proof_attach
from credentials.status import encode_bitstring

CHECKS = hypothesis_settings(max_examples=200, deadline=None,
                             suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                    HealthCheck.too_slow])

# Text our learners and staff may write: anything, and the troublesome cases for sure.
TRICKY = [
    "", " ", "a\nb", "a\r\nb", "\t", 'quote " and \\ backslash', "\\n is not a newline",
    "\x00\x01\x07\x08\x0b\x0c\x1b\x1f\x7f", "\x85\u2028\u2029\ufeff", "emoji 😀👩🏽‍🏫",
    "עברית مرحبا بالعالم", "\u202eRTL override", "e\u0301 NFD", "日本語のテキスト", "Ω≈ç√∫",
    "<b>html</b> & <script>", "_:b0", "@id", "https://example.org/x", '"', "\\",
]
text = st.one_of(st.text(), st.sampled_from(TRICKY),
                 st.lists(st.sampled_from(TRICKY), max_size=4).map("".join))

# Absolute IRIs of the kinds we issue, with every character RFC 3986 allows; drawn from a
# small pool at times, so that two nodes of a document share an IRI (pyld merges them).
IRI_CHARS = "abcXYZ019-._~:/?#[]@!$&'()*+,;=%"
iri = st.builds(
    lambda scheme, rest: scheme + rest,
    st.sampled_from(["https://", "http://", "urn:uuid:", "did:web:", "urn:", "did:"]),
    st.text(alphabet=IRI_CHARS, min_size=1, max_size=30))
SHARED_IRIS = ["https://example.org/", "https://example.org/a", "did:web:example.org",
               "urn:uuid:0b0e1f06-3c59-4a5e-9d3b-4f1b7bb0a0c1",
               # pyld keeps absolute IRIs as written: no dot-segment removal, no case folding
               "https://example.org/a/../b/./c", "did:web:x%3A80:a#k?q=1&r=[2]",
               "https://u:p@Example.ORG:1/p;x=1?q#f"]
some_iri = st.one_of(iri, st.sampled_from(SHARED_IRIS))


def both_ways(document: dict) -> str:
    """The fast canonical form, after checking that it is pyld's."""
    fast = fast_nquads(document)
    assert fast is not None, "an ordinary document fell back to pyld"
    assert fast == canonical_nquads_pyld(copy.deepcopy(document))
    return fast


def proof_options(context: list, *, created: str, method: str) -> dict:
    return {"type": "DataIntegrityProof", "created": created, "verificationMethod": method,
            "cryptosuite": "eddsa-rdfc-2022", "proofPurpose": "assertionMethod",
            "@context": context}


# --- (1) OpenBadgeCredentials from the real composer -----------------------------------------

localized_text = st.one_of(st.none(), text,
                           st.fixed_dictionaries({"fr": text}, optional={"en": text}))
moments = st.datetimes(min_value=datetime.datetime(1970, 1, 2),
                       max_value=datetime.datetime(2200, 1, 1),
                       timezones=st.just(datetime.UTC))


@st.composite
def awards(draw):
    items = draw(st.lists(st.fixed_dictionaries(
        {"title": localized_text}, optional={"answer": st.one_of(text, st.none())}),
        max_size=6))
    if items and draw(st.booleans()):  # the same question answered the same way again
        items += [copy.deepcopy(draw(st.sampled_from(items)))
                  for _ in range(draw(st.integers(1, 3)))]
    badge_class = SimpleNamespace(
        name=draw(localized_text), description=draw(localized_text),
        criteria=draw(localized_text),
        slug=draw(st.from_regex(r"[a-z0-9][a-z0-9-]{0,30}", fullmatch=True)),
        level_kind=draw(st.sampled_from(["explorateur", "architecte", "expert"])))
    return SimpleNamespace(
        pk=draw(st.uuids()), badge_class=badge_class,
        recipient=SimpleNamespace(email=draw(text)),
        granted_at=draw(moments), expires_at=draw(st.one_of(st.none(), moments)),
        evidence=items, answers_published=draw(st.booleans()))


site_urls = st.builds(
    lambda scheme, host, port, path: f"{scheme}://{host}{port}{path}",
    st.sampled_from(["https", "http"]),
    st.from_regex(r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?(\.[a-z]{2,6}){0,2}", fullmatch=True),
    st.sampled_from(["", ":8000", ":443"]),
    st.sampled_from(["", "/sexto", "/a/b"]))


@CHECKS
@given(award=awards(), site_url=site_urls, issuer_name=text, issuer_email=text,
       salt=st.one_of(st.text(alphabet="0123456789abcdef", min_size=32, max_size=32), text),
       status_index=st.integers(0, 131_071), list_id=st.uuids())
def test_composed_credentials_canonicalize_as_pyld_does(award, site_url, issuer_name,
                                                        issuer_email, salt, status_index,
                                                        list_id):
    with override_settings(SITE_URL=site_url, SEXTO_ISSUER_NAME=issuer_name,
                           SEXTO_ISSUER_EMAIL=issuer_email):
        document = open_badge_credential(award=award, status_list=SimpleNamespace(pk=list_id),
                                         status_index=status_index, salt=salt)
        canonical = both_ways(document)
        both_ways(proof_options(document["@context"], created=document["validFrom"],
                                method=document["issuer"]["id"] + "#z6Mkkey"))
    assert canonical.count("<https://www.w3.org/2018/credentials#evidence>") == len(
        award.evidence)


# --- (1) The same shape with any values ------------------------------------------------------

@st.composite
def evidence_lists(draw):
    items = draw(st.lists(st.fixed_dictionaries(
        {"type": st.just(["Evidence"]), "name": text}, optional={"narrative": text}),
        min_size=1, max_size=6))
    if draw(st.booleans()):
        items += [copy.deepcopy(draw(st.sampled_from(items)))
                  for _ in range(draw(st.integers(1, 3)))]
    return draw(st.permutations(items))


@st.composite
def open_badge_credentials(draw):
    image = {"id": draw(some_iri), "type": "Image"}
    document = {
        "@context": [CREDENTIALS_V2, OB_V3P0_3_0_3],
        "id": draw(some_iri),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": draw(some_iri), "type": ["Profile"], "name": draw(text),
                   "url": draw(text), "email": draw(text), "image": image},
        "validFrom": draw(text),
        "awardedDate": draw(text),
        "name": draw(text),
        "credentialSubject": {
            "id": draw(some_iri),
            "type": ["AchievementSubject"],
            "identifier": [{"type": "IdentityObject", "identityHash": draw(text),
                            "identityType": draw(st.sampled_from(["emailAddress", ""]) | text),
                            "hashed": draw(st.booleans()), "salt": draw(text)}],
            "achievement": {
                "id": draw(some_iri), "type": ["Achievement"],
                "achievementType": draw(st.sampled_from(["Badge", "Certificate"]) | text),
                "name": draw(text), "description": draw(text),
                "criteria": {"narrative": draw(text)},
                "image": {"id": draw(some_iri), "type": "Image", "caption": draw(text)},
                "inLanguage": draw(st.sampled_from(["fr", "en"]) | text),
                "related": [{"id": draw(some_iri), "type": ["Related"],
                             "inLanguage": draw(st.sampled_from(["fr", "en"]) | text)}],
            },
        },
        "credentialStatus": {"id": draw(some_iri), "type": "BitstringStatusListEntry",
                             "statusPurpose": draw(text), "statusListIndex": draw(text),
                             "statusListCredential": draw(some_iri)},
    }
    if draw(st.booleans()):
        document["validUntil"] = draw(text)
    if draw(st.booleans()):
        document["evidence"] = draw(evidence_lists())
    return dict(draw(st.permutations(list(document.items()))))  # any key order


@CHECKS
@given(document=open_badge_credentials())
def test_any_values_in_our_credential_shape_canonicalize_as_pyld_does(document):
    both_ways(document)


# --- (2) Status list credentials and proof options -------------------------------------------

@CHECKS
@given(list_url=some_iri, issuer=some_iri, valid_from=text, purpose=text,
       indexes=st.sets(st.integers(0, 131_071), max_size=20), encoded=st.none() | text)
def test_status_list_credentials_canonicalize_as_pyld_does(list_url, issuer, valid_from,
                                                           purpose, indexes, encoded):
    both_ways({
        "@context": [CREDENTIALS_V2],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": valid_from,
        "credentialSubject": {
            "id": f"{list_url}#list", "type": "BitstringStatusList", "statusPurpose": purpose,
            "encodedList": encode_bitstring(indexes, 131_072) if encoded is None else encoded,
        },
    })


@CHECKS
@given(context=st.sampled_from([[CREDENTIALS_V2, OB_V3P0_3_0_3], [CREDENTIALS_V2]]),
       created=text, method=some_iri, suite=st.sampled_from(["eddsa-rdfc-2022"]) | text)
def test_proof_options_canonicalize_as_pyld_does(context, created, method, suite):
    options = proof_options(context, created=created, method=method)
    options["cryptosuite"] = suite
    both_ways(options)


# --- (3) Anything else is left to pyld -------------------------------------------------------

def ob_credential() -> dict:
    return {
        "@context": [CREDENTIALS_V2, OB_V3P0_3_0_3],
        "id": "urn:uuid:6f1a2b4e-0000-4000-8000-000000000001",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "did:web:example.org", "type": ["Profile"], "name": "Sexto",
                   "url": "https://example.org/", "email": "badges@example.org",
                   "image": {"id": "https://example.org/issuer.png", "type": "Image"}},
        "validFrom": "2025-01-01T00:00:00Z",
        "awardedDate": "2025-01-01T00:00:00Z",
        "name": "Badge",
        "credentialSubject": {
            "id": "urn:uuid:00000000-0000-4000-8000-000000000000",
            "type": ["AchievementSubject"],
            "identifier": [{"type": "IdentityObject", "identityHash": "sha256$00",
                            "identityType": "emailAddress", "hashed": True, "salt": "ab"}],
            "achievement": {
                "id": "https://example.org/a/", "type": ["Achievement"],
                "achievementType": "Badge", "name": "Badge", "description": "D",
                "criteria": {"narrative": "C"},
                "image": {"id": "https://example.org/a.png", "type": "Image", "caption": "B"},
                "inLanguage": "fr",
                "related": [{"id": "https://example.org/a/en/", "type": ["Related"],
                             "inLanguage": "en"}],
            },
        },
        "credentialStatus": {"id": "https://example.org/s/#7", "type": "BitstringStatusListEntry",
                             "statusPurpose": "revocation", "statusListIndex": "7",
                             "statusListCredential": "https://example.org/s/"},
        "validUntil": "2026-01-01T00:00:00Z",
        "evidence": [{"type": ["Evidence"], "name": "Q1", "narrative": "A1"},
                     {"type": ["Evidence"], "name": "Q2"}],
    }


def status_list_credential() -> dict:
    return {"@context": [CREDENTIALS_V2], "id": "https://example.org/s/",
            "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "issuer": "did:web:example.org", "validFrom": "2025-01-01T00:00:00Z",
            "credentialSubject": {"id": "https://example.org/s/#list",
                                  "type": "BitstringStatusList", "statusPurpose": "revocation",
                                  "encodedList": "uH4sIAAAAAAAAA"}}


def test_the_reference_documents_take_the_fast_path():
    for document in (ob_credential(), status_list_credential(),
                     proof_options([CREDENTIALS_V2, OB_V3P0_3_0_3], created="2025-01-01T00:00:00Z",
                                   method="did:web:example.org#key")):
        both_ways(document)


def _set(path, value):
    def change(document):
        target = document
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return change


def _delete(path):
    def change(document):
        target = document
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]
    return change


SUBJECT = ("credentialSubject",)
ACHIEVEMENT = (*SUBJECT, "achievement")
UNEXPECTED = {
    "extra top-level key": _set(("description",), "x"),
    "extra key in the issuer": _set(("issuer", "phone"), "1"),
    "extra key in an evidence item": _set(("evidence", 0, "id"), "https://example.org/e"),
    "nested unknown object": _set(("credentialSubject", "result"), [{"type": ["Result"]}]),
    "keyword key": _set(("@id",), "urn:x:y"),
    "@context inside a node": _set(("issuer", "@context"), {"name": "https://x.org/n"}),
    "other context": _set(("@context",), [CREDENTIALS_V2]),
    "older OB context": _set(("@context",), [CREDENTIALS_V2,
                                             "https://purl.imsglobal.org/spec/ob/v3p0/context.json"]),
    "context object": _set(("@context",), [CREDENTIALS_V2, OB_V3P0_3_0_3, {"x": "urn:x"}]),
    "context string": _set(("@context",), CREDENTIALS_V2),
    "other type": _set(("type",), ["VerifiableCredential", "AchievementCredential"]),
    "type as a string": _set(("type",), "OpenBadgeCredential"),
    "evidence type as a string": _set(("evidence", 0, "type"), "Evidence"),
    "list where a string is expected": _set(("name",), ["Badge"]),
    "object where a string is expected": _set(("name",), {"@value": "B", "@language": "fr"}),
    "number where a string is expected": _set(("credentialStatus", "statusListIndex"), 7),
    "null value": _set(("name",), None),
    "string where a boolean is expected": _set((*SUBJECT, "identifier", 0, "hashed"), "true"),
    "number where a boolean is expected": _set((*SUBJECT, "identifier", 0, "hashed"), 1),
    "object where a list is expected": _set(("evidence",), {"type": ["Evidence"], "name": "Q"}),
    "empty evidence list": _set(("evidence",), []),
    "two identifiers": _set((*SUBJECT, "identifier"),
                            [{"type": "IdentityObject", "identityHash": "h",
                              "identityType": "emailAddress", "hashed": True, "salt": "s"}] * 2),
    "missing id": _delete(("id",)),
    "missing required key": _delete((*ACHIEVEMENT, "criteria")),
    "relative IRI": _set(("id",), "badge/1"),
    "blank node id": _set(("credentialStatus", "id"), "_:b0"),
    "IRI with a space": _set((*ACHIEVEMENT, "id"), "https://example.org/a b"),
    "IRI with a non-ASCII character": _set((*ACHIEVEMENT, "id"), "https://exemple.org/é"),
    "compact IRI": _set(("issuer", "id"), "xsd:string"),
    "other scheme": _set(("issuer", "id"), "mailto:badges@example.org"),
    "lone surrogate": _set(("name",), "\ud800"),
}


@pytest.mark.parametrize("change", UNEXPECTED.values(), ids=UNEXPECTED.keys())
def test_unexpected_shapes_are_left_to_pyld(change):
    document = ob_credential()
    change(document)
    assert fast_nquads(document) is None


@pytest.mark.parametrize("change", [
    _set(("issuer",), {"id": "did:web:example.org"}),
    _set(("credentialSubject", "encodedList"), 12),
    _set(("credentialSubject", "statusSize"), 1),
    _set(("credentialSubject", "type"), ["BitstringStatusList"]),
    _set(("@context",), [CREDENTIALS_V2, "https://www.w3.org/ns/credentials/status/v1"]),
    _set(("validUntil",), "2026-01-01T00:00:00Z"),
], ids=["issuer object", "number", "extra key", "type list", "other context", "validUntil"])
def test_unexpected_status_lists_are_left_to_pyld(change):
    document = status_list_credential()
    change(document)
    assert fast_nquads(document) is None


@pytest.mark.parametrize("change", [
    _set(("proofPurpose",), "authentication"),
    _set(("proofValue",), "z3F"),
    _set(("id",), "urn:uuid:1"),
    _set(("type",), "Ed25519Signature2020"),
    _set(("type",), ["DataIntegrityProof"]),
    _set(("challenge",), "c"),
    _set(("created",), 2025),
    _delete(("created",)),
    _set(("@context",), [CREDENTIALS_V2, "https://w3id.org/security/data-integrity/v2"]),
], ids=["purpose", "proofValue", "id", "other type", "type list", "challenge",
        "number", "no created", "other context"])
def test_unexpected_proof_options_are_left_to_pyld(change):
    document = proof_options([CREDENTIALS_V2], created="2025-01-01T00:00:00Z",
                             method="did:web:example.org#key")
    change(document)
    assert fast_nquads(document) is None


@pytest.mark.parametrize("document", [None, [], "text", {}, {"@context": [CREDENTIALS_V2]}])
def test_non_documents_are_left_to_pyld(document):
    assert fast_nquads(document) is None


def test_the_fallback_still_canonicalizes():
    document = ob_credential()
    document["description"] = "x"
    assert canonical_nquads(document) == canonical_nquads_pyld(document)


# --- Blank node labelling against pyld's URDNA2015, on any small graph ----------------------

PREDICATES = ["<http://ex.org/p>", "<http://ex.org/q>"]
OBJECTS = ["<http://ex.org/a>", "<http://ex.org/b>", '"x"', '"y"^^<http://ex.org/dt>']


@st.composite
def graphs(draw):
    count = draw(st.integers(1, 5))
    node = st.integers(0, count - 1)
    quads = draw(st.sets(st.tuples(
        node | st.sampled_from(OBJECTS[:2]), st.sampled_from(PREDICATES),
        node | st.sampled_from(OBJECTS)), min_size=1, max_size=12))
    quads = {(s, p, o) for s, p, o in quads if not (type(s) is int and s == o)}
    used = sorted({t for quad in quads for t in quad if type(t) is int})
    number = {old: new for new, old in enumerate(used)}
    return {tuple(number.get(t, t) if type(t) is int else t for t in quad)
            for quad in quads}, len(used)


@hypothesis_settings(max_examples=300, deadline=None)
@given(graph=graphs())
def test_blank_node_labels_are_pyld_s(graph):
    quads, count = graph
    ours = canon._canonical(set(quads), count)
    if ours is None:  # nodes sharing a first-degree hash with blank neighbours
        return
    text = "".join(f"{f'_:n{s}' if type(s) is int else s} {p} "
                   f"{f'_:n{o}' if type(o) is int else o} .\n" for s, p, o in quads)
    assert ours == jsonld.normalize(text, {"algorithm": "URDNA2015",
                                           "inputFormat": "application/n-quads",
                                           "format": "application/n-quads"})


def test_twins_with_blank_neighbours_are_left_to_pyld():
    # Two identical nodes each pointing to a blank node of its own: N-degree hashing needed.
    quads = {("<http://ex.org/a>", PREDICATES[0], 0), ("<http://ex.org/a>", PREDICATES[0], 1),
             (0, PREDICATES[1], 2), (1, PREDICATES[1], 3),
             (2, PREDICATES[0], '"x"'), (3, PREDICATES[0], '"x"')}
    assert canon._canonical(quads, 4) is None


# --- (4) A real issued credential ------------------------------------------------------------

def test_an_issued_credential_takes_the_fast_path_and_verifies(award, monkeypatch):
    from credentials.keys import ED25519, keyring_load
    from credentials.services import credential_for_award
    from credentials.status import status_list_credential_compose

    credential = credential_for_award(award=award)
    document = credential.document
    unsigned = {key: value for key, value in document.items() if key != "proof"}
    assert unsigned["evidence"] and "narrative" in unsigned["evidence"][0]
    both_ways(unsigned)
    options = {key: value for key, value in document["proof"][0].items() if key != "proofValue"}
    both_ways({**options, "@context": document["@context"]})
    status_list = status_list_credential_compose(credential.status_list)
    both_ways(status_list)
    both_ways({**options, "@context": status_list["@context"]})

    # Signing and verifying now never reach pyld for our documents.
    def no_pyld(document):
        raise AssertionError("pyld was used")

    monkeypatch.setattr(integrity, "canonical_nquads_pyld", no_pyld)
    key = keyring_load().active(ED25519)
    public = key.private_key.public_key().public_bytes_raw()
    integrity.proof_verify(document, resolve_key=lambda method: public)
    signed = proof_attach(unsigned, private_key=key.private_key,
                          verification_method=document["proof"][0]["verificationMethod"],
                          created=document["proof"][0]["created"])
    assert signed == document
