"""RDFC-1.0 canonical N-Quads for the documents we compose, without a JSON-LD processor.

pyld expands a credential against its contexts, builds a node map, converts it to RDF and runs
URDNA2015 on it: 3 to 4 ms a credential, most of our signing and verifying time. The documents
we sign have three fixed shapes, so their RDF is known in advance:

- an OpenBadgeCredential as credentials.compose.open_badge_credential makes it
  (@context [credentials v2, OB 3.0.3]);
- a BitstringStatusListCredential as credentials.status.status_list_credential_compose makes it
  (@context [credentials v2]);
- the proof options that credentials.integrity._hash_data canonicalizes (a DataIntegrityProof
  without proofValue, carrying either of those @context lists).

`fast_nquads` checks a document against these shapes key by key and JSON type by JSON type,
writes the quads each key gives (predicate, IRI or literal, datatype: what pyld makes of our
vendored contexts, written out below and checked against pyld by credentials/tests/
test_canon.py), then labels blank nodes as RDFC-1.0 does. Anything else (another key, another
JSON type, another @context, an IRI we do not recognise as absolute) gives None, and the caller
canonicalizes with pyld: a wrong answer here would make signatures fail, None never does.

Blank nodes: each gets its first-degree hash (SHA-256 of its sorted quads, itself written _:a
and any other blank node _:z). Nodes with unique hashes are labelled _:c14n0, _:c14n1, ... in
hash order. Nodes sharing a hash go next, group by group in hash order. We only do this when
none of the nodes of the group touches another blank node: their quads are then identical but
for the node itself (two identical evidence items), any order of labels gives the same output,
and the N-degree hashing RDFC-1.0 would run cannot change it. Shared hashes among nodes that
touch other blank nodes (which our composer never makes) give None.

Strings are escaped by credentials.rdfc_escape, the same function pyld's N-Quads writer is
given; text with a lone surrogate (not encodable as UTF-8) gives None.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from credentials.contexts import CREDENTIALS_V2, OB_V3P0_3_0_3
from credentials.rdfc_escape import rdfc_escape

OB = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#"
CRED = "https://www.w3.org/2018/credentials#"
STATUS = "https://www.w3.org/ns/credentials/status#"
SEC = "https://w3id.org/security#"
SCHEMA = "https://schema.org/"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
XSD_DATE_TIME = "http://www.w3.org/2001/XMLSchema#dateTime"

OB_CONTEXT = (CREDENTIALS_V2, OB_V3P0_3_0_3)
VC_CONTEXT = (CREDENTIALS_V2,)

# Absolute IRIs that every context we accept leaves as they are: "http(s)://" (pyld returns
# any value whose part after the scheme starts with "//"), or urn: and did: (no context we
# accept defines "urn" or "did" as a prefix); RFC 3986 characters only (no space, no <>"{}|\^`,
# nothing pyld would drop as relative or that N-Quads would need to escape).
_IRI = re.compile(r"(?:https?://|urn:|did:)[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+\Z")


class _Unsupported(Exception):
    """The document is not of a shape we canonicalize here."""


# What a key of a node gives. `predicate` is written as in N-Quads, <...>.

@dataclass(frozen=True)
class Literal:
    """A string: a literal, typed when the context gives the term a datatype."""
    predicate: str
    datatype: str | None = None  # None: xsd:string, written without a datatype


@dataclass(frozen=True)
class Boolean:
    """A JSON true or false: "true" / "false" with the term's datatype."""
    predicate: str
    datatype: str


@dataclass(frozen=True)
class Iri:
    """A string the context types as @id: the object is that IRI."""
    predicate: str


@dataclass(frozen=True)
class Vocab:
    """A string the context types as @vocab, among the terms we know: the object is an IRI."""
    predicate: str
    terms: dict[str, str]


@dataclass(frozen=True)
class Embedded:
    """An object (a node of its own) or, when `count` is given, a list of min..max objects."""
    predicate: str
    node: Node
    count: tuple[int, int] | None = None


@dataclass(frozen=True)
class Node:
    """An object of the document: its exact "type", whether it has an "id" (an IRI node) or not
    (a blank node), and what each of its other keys gives."""
    type_value: str | tuple[str, ...] | None  # a tuple stands for a JSON list; None: no "type"
    types: tuple[str, ...]  # the IRIs of those types
    identified: bool
    required: dict[str, Literal | Boolean | Iri | Vocab | Embedded]
    optional: dict[str, Literal | Boolean | Iri | Vocab | Embedded] = field(default_factory=dict)


def _p(iri: str) -> str:
    return f"<{iri}>"


IMAGE = Node("Image", (OB + "Image",), identified=True, required={})
CAPTIONED_IMAGE = Node("Image", (OB + "Image",), identified=True, required={
    "caption": Literal(_p(SCHEMA + "caption")),
})
PROFILE = Node(("Profile",), (OB + "Profile",), identified=True, required={
    "name": Literal(_p(SCHEMA + "name")),
    "url": Literal(_p(SCHEMA + "url"), "https://www.w3.org/2001/XMLSchema#anyURI"),
    "email": Literal(_p(SCHEMA + "email")),
    "image": Embedded(_p(OB + "image"), IMAGE),
})
CRITERIA = Node(None, (), identified=False, required={
    "narrative": Literal(_p(OB + "narrative")),
})
RELATED = Node(("Related",), (OB + "Related",), identified=True, required={
    "inLanguage": Literal(_p(SCHEMA + "inLanguage")),
})
ACHIEVEMENT = Node(("Achievement",), (OB + "Achievement",), identified=True, required={
    "achievementType": Literal(_p(OB + "achievementType")),
    "name": Literal(_p(SCHEMA + "name")),
    "description": Literal(_p(SCHEMA + "description")),
    "criteria": Embedded(_p(OB + "Criteria"), CRITERIA),
    "image": Embedded(_p(OB + "image"), CAPTIONED_IMAGE),
    "inLanguage": Literal(_p(SCHEMA + "inLanguage")),
    "related": Embedded(_p(OB + "related"), RELATED, (1, 1)),
})
IDENTITY_OBJECT = Node("IdentityObject", (OB + "IdentityObject",), identified=False, required={
    "identityHash": Literal(_p(OB + "identityHash")),
    "identityType": Literal(_p(OB + "identityType")),
    "hashed": Boolean(_p(OB + "hashed"), "https://www.w3.org/2001/XMLSchema#boolean"),
    "salt": Literal(_p(OB + "salt")),
})
ACHIEVEMENT_SUBJECT = Node(("AchievementSubject",), (OB + "AchievementSubject",),
                           identified=True, required={
    "identifier": Embedded(_p(OB + "identifier"), IDENTITY_OBJECT, (1, 1)),
    "achievement": Embedded(_p(OB + "achievement"), ACHIEVEMENT),
})
STATUS_ENTRY = Node("BitstringStatusListEntry", (STATUS + "BitstringStatusListEntry",),
                    identified=True, required={
    "statusPurpose": Literal(_p(STATUS + "statusPurpose")),
    "statusListIndex": Literal(_p(STATUS + "statusListIndex")),
    "statusListCredential": Iri(_p(STATUS + "statusListCredential")),
})
EVIDENCE = Node(("Evidence",), (OB + "Evidence",), identified=False, required={
    "name": Literal(_p(SCHEMA + "name")),
}, optional={
    "narrative": Literal(_p(OB + "narrative")),
})
OPEN_BADGE_CREDENTIAL = Node(
    ("VerifiableCredential", "OpenBadgeCredential"),
    (CRED + "VerifiableCredential", OB + "OpenBadgeCredential"),
    identified=True,
    required={
        "issuer": Embedded(_p(CRED + "issuer"), PROFILE),
        "validFrom": Literal(_p(CRED + "validFrom"), XSD_DATE_TIME),
        # The OB 3.0.3 context types awardedDate "xsd:dateTime" where no xsd prefix is
        # defined: pyld (and jsonld.js) write that relative datatype as it is.
        "awardedDate": Literal(_p(OB + "awardedDate"), "xsd:dateTime"),
        "name": Literal(_p(SCHEMA + "name")),
        "credentialSubject": Embedded(_p(CRED + "credentialSubject"), ACHIEVEMENT_SUBJECT),
        "credentialStatus": Embedded(_p(CRED + "credentialStatus"), STATUS_ENTRY),
    },
    optional={
        "validUntil": Literal(_p(CRED + "validUntil"), XSD_DATE_TIME),
        # The composer leaves evidence out rather than write an empty list.
        "evidence": Embedded(_p(CRED + "evidence"), EVIDENCE, (1, 10_000)),
    },
)
STATUS_LIST = Node("BitstringStatusList", (STATUS + "BitstringStatusList",), identified=True,
                   required={
    "statusPurpose": Literal(_p(STATUS + "statusPurpose")),
    "encodedList": Literal(_p(STATUS + "encodedList"), SEC + "multibase"),
})
STATUS_LIST_CREDENTIAL = Node(
    ("VerifiableCredential", "BitstringStatusListCredential"),
    (CRED + "VerifiableCredential", STATUS + "BitstringStatusListCredential"),
    identified=True,
    required={
        "issuer": Iri(_p(CRED + "issuer")),
        "validFrom": Literal(_p(CRED + "validFrom"), XSD_DATE_TIME),
        "credentialSubject": Embedded(_p(CRED + "credentialSubject"), STATUS_LIST),
    },
)
PROOF_OPTIONS = Node("DataIntegrityProof", (SEC + "DataIntegrityProof",), identified=False,
                     required={
    "created": Literal(_p("http://purl.org/dc/terms/created"), XSD_DATE_TIME),
    "verificationMethod": Iri(_p(SEC + "verificationMethod")),
    "cryptosuite": Literal(_p(SEC + "cryptosuite"), SEC + "cryptosuiteString"),
    "proofPurpose": Vocab(_p(SEC + "proofPurpose"),
                          {"assertionMethod": _p(SEC + "assertionMethod")}),
})

# (@context, "type") of a document -> the shape of its root node.
ROOTS: dict[tuple[tuple[str, ...], str | tuple[str, ...]], Node] = {
    (OB_CONTEXT, OPEN_BADGE_CREDENTIAL.type_value): OPEN_BADGE_CREDENTIAL,
    (VC_CONTEXT, STATUS_LIST_CREDENTIAL.type_value): STATUS_LIST_CREDENTIAL,
    (OB_CONTEXT, PROOF_OPTIONS.type_value): PROOF_OPTIONS,
    (VC_CONTEXT, PROOF_OPTIONS.type_value): PROOF_OPTIONS,
}

# A term of a quad: "<iri>" or a literal, written as in N-Quads; an int is a blank node.
Term = str | int
Quad = tuple[Term, str, Term]


def fast_nquads(document: dict) -> str | None:
    """The RDFC-1.0 canonical N-Quads of one of our documents, byte for byte what pyld gives;
    None when the document is not of one of the shapes above."""
    if not isinstance(document, dict):
        return None
    context = document.get("@context")
    kind = document.get("type")
    if not isinstance(context, list) or not all(isinstance(item, str) for item in context):
        return None
    if isinstance(kind, list):
        if not all(isinstance(item, str) for item in kind):
            return None
        kind = tuple(kind)
    elif not isinstance(kind, str):
        return None
    root = ROOTS.get((tuple(context), kind))
    if root is None:
        return None
    quads: set[Quad] = set()
    blank_nodes = [0]
    try:
        _node(root, document, quads, blank_nodes, root=True)
        return _canonical(quads, blank_nodes[0])
    except (_Unsupported, UnicodeEncodeError):
        return None


def _node(spec: Node, value: object, quads: set[Quad], blank_nodes: list[int],
          root: bool = False) -> Term:
    """Add the quads of one object; its subject term."""
    if not isinstance(value, dict):
        raise _Unsupported
    for key in value:
        if not (key in spec.required or key in spec.optional
                or (key == "type" and spec.type_value is not None)
                or (key == "id" and spec.identified) or (key == "@context" and root)):
            raise _Unsupported
    if not all(key in value for key in spec.required):
        raise _Unsupported
    if spec.type_value is not None:
        kind = value.get("type")
        if isinstance(spec.type_value, tuple):
            if not isinstance(kind, list) or tuple(kind) != spec.type_value:
                raise _Unsupported
        elif not isinstance(kind, str) or kind != spec.type_value:
            raise _Unsupported
    subject: Term
    if spec.identified:
        subject = _iri(value.get("id"))
    else:
        subject = blank_nodes[0]
        blank_nodes[0] += 1
    for type_iri in spec.types:
        quads.add((subject, RDF_TYPE, f"<{type_iri}>"))
    for key, item in value.items():
        term = spec.required.get(key) or spec.optional.get(key)
        if term is None:  # id, type, @context: done above
            continue
        if isinstance(term, Literal):
            if not isinstance(item, str):
                raise _Unsupported
            literal = '"' + rdfc_escape(item) + '"'
            if term.datatype is not None:
                literal += f"^^<{term.datatype}>"
            quads.add((subject, term.predicate, literal))
        elif isinstance(term, Embedded):
            if term.count is None:
                items = (item,)
            else:
                if not isinstance(item, list) or not term.count[0] <= len(item) <= term.count[1]:
                    raise _Unsupported
                items = item
            for child in items:
                quads.add((subject, term.predicate, _node(term.node, child, quads, blank_nodes)))
        elif isinstance(term, Iri):
            quads.add((subject, term.predicate, _iri(item)))
        elif isinstance(term, Boolean):
            if type(item) is not bool:
                raise _Unsupported
            quads.add((subject, term.predicate,
                       f'"{"true" if item else "false"}"^^<{term.datatype}>'))
        elif isinstance(term, Vocab):
            if not isinstance(item, str) or item not in term.terms:
                raise _Unsupported
            quads.add((subject, term.predicate, term.terms[item]))
        else:  # pragma: no cover - every kind is handled above
            raise _Unsupported
    return subject


def _iri(value: object) -> str:
    if not isinstance(value, str) or _IRI.match(value) is None:
        raise _Unsupported
    return f"<{value}>"


def _canonical(quads: set[Quad], count: int) -> str | None:
    """RDFC-1.0 on quads whose blank nodes are 0..count-1, all in the default graph."""
    if count == 0:
        return _checked("".join(sorted(f"{s} {p} {o} .\n" for s, p, o in quads)))
    mentions: list[list[Quad]] = [[] for _ in range(count)]
    for quad in quads:
        subject, _, obj = quad
        if type(subject) is int:
            mentions[subject].append(quad)
        if type(obj) is int:
            mentions[obj].append(quad)  # never the subject too: our shapes have no loops
    by_hash: dict[str, list[int]] = {}
    isolated = [True] * count
    for node, node_quads in enumerate(mentions):
        lines = []
        for subject, predicate, obj in node_quads:
            if type(subject) is int:
                if subject != node:
                    isolated[node] = False
                subject = "_:a" if subject == node else "_:z"
            if type(obj) is int:
                if obj != node:
                    isolated[node] = False
                obj = "_:a" if obj == node else "_:z"
            lines.append(f"{subject} {predicate} {obj} .\n")
        lines.sort()
        digest = hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()
        by_hash.setdefault(digest, []).append(node)
    labels: list[str] = [""] * count
    issued = 0
    ordered = sorted(by_hash.items())
    for _digest, nodes in ordered:
        if len(nodes) == 1:
            labels[nodes[0]] = f"_:c14n{issued}"
            issued += 1
    for _digest, nodes in ordered:
        if len(nodes) > 1:
            if not all(isolated[node] for node in nodes):
                return None  # would need N-degree hashing: left to pyld
            for node in nodes:
                labels[node] = f"_:c14n{issued}"
                issued += 1
    lines = []
    for subject, predicate, obj in quads:
        if type(subject) is int:
            subject = labels[subject]
        if type(obj) is int:
            obj = labels[obj]
        lines.append(f"{subject} {predicate} {obj} .\n")
    lines.sort()
    return _checked("".join(lines))


def _checked(output: str) -> str:
    output.encode("utf-8")  # text with a lone surrogate: UnicodeEncodeError, left to pyld
    return output
