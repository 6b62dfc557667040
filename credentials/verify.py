"""Verifying any Open Badge: ours or anybody's, OB 3.0 (Data Integrity or VC-JWT) or OB 2.0.

One pipeline for the public page and `sexto verify`: read the input (JSON, JWT, URL, baked PNG
or SVG), then check the format, the signature and the issuer's key, the dates and the
revocation status. Each check says what it found in plain words; a check that could not be
completed (a DID or a status list out of reach) is a warning, never a crash. Nothing from the
credential is trusted before its signature is: callers show what it says as text only.

The input comes from anybody, so every value read from it is type-checked before use, and
`verify()` itself never raises: whatever slips through becomes a failed check (and a log entry).
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import jwt
from django.conf import settings
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.translation import gettext as _
from pyld import jsonld

from core.exceptions import ApplicationError
from credentials.baking import (
    PNG_KEYWORD_OB2,
    PNG_KEYWORD_OB3,
    BakingError,
    png_extract,
    svg_extract,
)
from credentials.canon import fast_nquads
from credentials.contexts import CREDENTIALS_V2, FILES, document_loader
from credentials.did import DidError, did_document, did_web_document_url, issuer_did
from credentials.fetch import FetchError, fetch_url
from credentials.integrity import ProofError, proof_verify, without_proof
from credentials.keys import keyring_load
from credentials.models import StatusList
from credentials.multibase import MultibaseError, ed25519_public_from_multikey
from credentials.status import bit_is_set, decode_bitstring, status_list_credential

logger = logging.getLogger(__name__)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
OB3_CONTEXT_PREFIX = "https://purl.imsglobal.org/spec/ob/v3p0/context"
OB3_TYPES = {"OpenBadgeCredential", "AchievementCredential"}
JWT_ALGORITHMS = ["RS256", "ES256", "EdDSA"]
MAX_INPUT_BYTES = 2 * 1024 * 1024
# The URL given, then the OB 2.0 assertion URL a fetched baked image may hold: no more, so a
# document cannot send the verifier from address to address.
MAX_FETCH_HOPS = 2
# RDF canonicalization (RDFC-1.0) has no bound of its own, and pyld sets none: blank nodes that
# look alike ("tied") are told apart by trying their permutations. Two identical evidence
# objects holding ten identical objects each (22 objects in all) keep pyld busy for minutes;
# 10,000 identical evidence objects, 20 seconds. So before canonicalizing anybody's document:
# no explicit blank node identifier ("_:x", which cyclic "poison" graphs need), a bounded size
# and depth, and few tied blank nodes (12 cost milliseconds; our credentials have none).
MAX_JSON_OBJECTS = 1000
MAX_JSON_DEPTH = 32
MAX_TIED_BLANK_NODES = 12

OK, FAIL, WARNING = "ok", "fail", "warning"
VALID, INVALID, UNUSABLE, INCOMPLETE = "valid", "invalid", "unusable", "incomplete"
EXIT_CODES = {VALID: 0, INVALID: 1, UNUSABLE: 2, INCOMPLETE: 3}


class Unusable(ApplicationError):
    """The input is not something we can verify at all (not a credential, unreadable)."""


class Unreachable(ApplicationError):
    """A document the check needs (DID document, status list) could not be had."""


@dataclass
class Check:
    name: str
    outcome: str
    message: str


@dataclass
class Report:
    """What the verifier found. `summary` holds what the badge says, as plain strings."""

    format: str = ""
    checks: list[Check] = field(default_factory=list)
    summary: dict = field(default_factory=dict)

    def add(self, name: str, outcome: str, message: str) -> None:
        self.checks.append(Check(name, outcome, message))

    def passed(self, name: str) -> bool:
        return any(check.name == name and check.outcome == OK for check in self.checks)

    @property
    def verdict(self) -> str:
        outcomes = {check.outcome for check in self.checks}
        if not self.format:
            return UNUSABLE
        if FAIL in outcomes:
            return INVALID
        if WARNING in outcomes:
            return INCOMPLETE
        return VALID

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.verdict]

    def as_dict(self) -> dict:
        return {
            "verdict": self.verdict,
            "format": self.format,
            "checks": [check.__dict__ for check in self.checks],
            "summary": self.summary,
        }


# Words for people, shared by the page and `sexto verify`; built at each call so that they are
# in the language active then.
def verdict_label(verdict: str) -> str:
    return {
        VALID: _("Badge valide"),
        INVALID: _("Badge invalide"),
        INCOMPLETE: _("Vérification incomplète"),
        UNUSABLE: _("Ce n'est pas un badge vérifiable"),
    }[verdict]


def outcome_label(outcome: str) -> str:
    return {OK: _("Réussi"), FAIL: _("Échec"), WARNING: _("Non vérifié")}[outcome]


def check_label(name: str) -> str:
    return {
        "input": _("Lecture"),
        "format": _("Format"),
        "signature": _("Signature"),
        "dates": _("Dates de validité"),
        "status": _("Révocation"),
        "error": _("Erreur"),
    }.get(name, name)


# How documents from elsewhere are fetched: replaced in tests, guarded against SSRF otherwise.
Fetcher = Callable[[str], bytes]


def default_fetcher(url: str) -> bytes:
    # Loopback addresses only while developing (the demo serves its DID on 127.0.0.1).
    return fetch_url(url, allow_loopback=settings.DEBUG,
                     accept="application/json, application/ld+json").body


# --- Reading values of unknown shape ------------------------------------------------------------


def _text(value, *, in_list: bool = False) -> str:
    """A plain string from a JSON value: a string, a JSON-LD value object's @value, or the
    first of a list of those (language editions); one level deep, whatever the nesting."""
    if isinstance(value, dict):
        value = value.get("@value")
    elif isinstance(value, list) and not in_list:
        value = next((text for text in (_text(v, in_list=True) for v in value) if text), "")
    return value if isinstance(value, str) else ""


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value) -> list:
    """JSON-LD lets one value stand for a list of one."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _types(value) -> set[str]:
    return {item for item in _list(value) if isinstance(item, str)}


def _issuer_id(document: dict) -> str:
    issuer = document.get("issuer")
    return _text(issuer.get("id")) if isinstance(issuer, dict) else _text(issuer)


def _too_complex(document: dict) -> bool:
    """True when canonicalizing `document` could take the server too long (see above)."""
    if _too_large_for_json_ld(document):
        return True
    if fast_nquads(without_proof(document)) is not None:
        return False  # a shape we compose: canonicalized without pyld, in linear time
    return _tied_blank_nodes(document) > MAX_TIED_BLANK_NODES


def _too_large_for_json_ld(document: dict) -> bool:
    objects, stack = 0, [(document, 0)]
    while stack:  # no recursion: the document may be as deep as the JSON parser allowed
        value, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            return True
        if isinstance(value, dict):
            objects += 1
            if objects > MAX_JSON_OBJECTS or any(key.startswith("_:") for key in value):
                return True
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
        elif isinstance(value, str) and value.startswith("_:"):
            return True
    return False


def _tied_blank_nodes(document: dict) -> int:
    """How many blank nodes share their first-degree hash input (RDFC-1.0, 4.6) with another:
    the ones canonicalization must tell apart by permutations. Cheap: one RDF conversion."""
    try:
        dataset = jsonld.to_rdf(document, {"documentLoader": document_loader})
    except (jsonld.JsonLdError, ValueError, TypeError, KeyError, AttributeError, IndexError,
            RecursionError):
        return 0  # not valid JSON-LD: canonicalization will say so, quickly

    def term(node: dict, blank: str) -> tuple:
        if node["type"] == "blank node":
            return ("_:a",) if node["value"] == blank else ("_:z",)
        return (node["type"], node["value"], node.get("datatype"), node.get("language"))

    mentions: dict[str, list[tuple]] = {}
    for graph, triples in dataset.items():
        graph_node = {"type": "blank node" if graph.startswith("_:") else "IRI", "value": graph}
        for triple in triples:
            nodes = (triple["subject"], triple["predicate"], triple["object"], graph_node)
            for blank in {n["value"] for n in nodes if n["type"] == "blank node"}:
                mentions.setdefault(blank, []).append(nodes)
    signatures: dict[tuple, int] = {}
    for blank, quads in mentions.items():
        key = tuple(sorted(tuple(term(n, blank) for n in quad) for quad in quads))
        signatures[key] = signatures.get(key, 0) + 1
    return sum(count for count in signatures.values() if count > 1)


# --- Reading the input -----------------------------------------------------------------------


@dataclass(frozen=True)
class Parsed:
    format: str  # "ob3", "ob3-jwt", "ob2"
    document: dict
    token: str = ""


def _json_object(text: str) -> dict:
    try:
        document = json.loads(text)
    except (ValueError, RecursionError) as exc:  # RecursionError: "[[[[..." nested too deep
        raise Unusable(_("Ce texte n'est pas du JSON valide."), code="json") from exc
    if not isinstance(document, dict):
        raise Unusable(_("Ce JSON n'est pas un justificatif."), code="not_credential")
    return document


def _looks_like_jwt(text: str) -> bool:
    parts = text.split(".")
    return len(parts) == 3 and all(parts[:2]) and text[:2] == "ey"


def _classify(document: dict, *, token: str = "") -> Parsed:
    types = _types(document.get("type"))
    if types & OB3_TYPES or "VerifiableCredential" in types:
        return Parsed("ob3-jwt" if token else "ob3", document, token)
    if "Assertion" in types or document.get("verify") or document.get("verification"):
        return Parsed("ob2", document)
    raise Unusable(_("Ce document n'est ni un badge Open Badges 3.0 ni une assertion Open "
                     "Badges 2.0."), code="not_credential")


def _from_text(text: str, *, fetch: Fetcher, hops: int) -> Parsed:
    text = text.strip().lstrip("\ufeff")  # a byte order mark, as some editors save JSON
    if text.startswith(("{", "[")):
        return _classify(_json_object(text))
    if _looks_like_jwt(text):
        try:
            # Read only, nothing checked yet; PyJWT would otherwise still refuse an expired one.
            payload = jwt.decode(text, options={
                "verify_signature": False, "verify_exp": False, "verify_nbf": False,
                "verify_iat": False, "verify_aud": False, "verify_iss": False})
        except (jwt.PyJWTError, ValueError, TypeError) as exc:
            raise Unusable(_("Ce jeton JWT est illisible."), code="jwt") from exc
        # VC-JWT as OB 3.0 writes it (the credential is the payload), or VCDM 1.1's vc claim.
        document = payload.get("vc") if isinstance(payload.get("vc"), dict) else payload
        return _classify(document, token=text)
    if text.startswith(("http://", "https://")) and "\n" not in text:
        if hops >= MAX_FETCH_HOPS:
            raise Unusable(_("Ce badge renvoie vers une autre adresse de trop."),
                           code="too_many_hops")
        try:
            body = fetch(text)
        except FetchError as exc:
            raise Unusable(exc.message, code="fetch") from exc
        # Whatever the address serves is read like an uploaded file: JSON, JWT, PNG or SVG.
        return _from_bytes(body, fetch=fetch, hops=hops + 1)
    raise Unusable(_("Collez un justificatif (JSON ou JWT), son adresse, ou déposez l'image du "
                     "badge (PNG ou SVG)."), code="unknown_input")


def _from_bytes(data: bytes, *, fetch: Fetcher, hops: int) -> Parsed:
    if len(data) > MAX_INPUT_BYTES:
        raise Unusable(_("Ce fichier est trop volumineux (2 Mo au plus)."), code="too_large")
    try:
        if data.startswith(PNG_SIGNATURE):
            baked = (png_extract(data, keyword=PNG_KEYWORD_OB3)
                     or png_extract(data, keyword=PNG_KEYWORD_OB2))
            if baked is None:
                raise Unusable(_("Cette image PNG ne contient aucun badge."), code="no_badge")
            return _from_text(baked, fetch=fetch, hops=hops)
        if data[:512].lstrip().removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"<"):
            baked_svg = svg_extract(data)
            if baked_svg is None:
                raise Unusable(_("Cette image SVG ne contient aucun badge."), code="no_badge")
            return _from_text(baked_svg.text, fetch=fetch, hops=hops)
    except BakingError as exc:
        raise Unusable(exc.message, code=exc.code) from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Unusable(_("Ce fichier n'est ni un justificatif ni une image de badge."),
                       code="binary") from exc
    return _from_text(text, fetch=fetch, hops=hops)


def read_input(*, text: str = "", data: bytes = b"", fetch: Fetcher = default_fetcher) -> Parsed:
    """Whatever was given, the credential it holds; Unusable when it holds none."""
    if data:
        return _from_bytes(data, fetch=fetch, hops=0)
    if len(text) > MAX_INPUT_BYTES:
        raise Unusable(_("Ce fichier est trop volumineux (2 Mo au plus)."), code="too_large")
    return _from_text(text, fetch=fetch, hops=0)


# --- Why a proof failed, in the reader's language -----------------------------------------------


def _proof_message(exc: Exception) -> str:
    """integrity.py and multibase.py speak English to developers; people get these instead."""
    code = getattr(exc, "code", "")
    messages = {
        "no_proof": _("le justificatif ne porte aucune preuve Data Integrity."),
        "proof_type": _("type de preuve non pris en charge (seule la preuve DataIntegrityProof "
                        "eddsa-rdfc-2022 l'est)."),
        "proof_purpose": _("la preuve ne sert pas à l'émission (assertionMethod)."),
        "proof_fields": _("la preuve n'indique pas sa clé ou sa valeur."),
        "context": _("le justificatif n'a pas de liste @context."),
        "proof_value": _("la valeur de la preuve est mal encodée."),
        "multibase": _("la valeur de la preuve est mal encodée."),
        "base58": _("la valeur de la preuve est mal encodée."),
        "multikey": _("la clé de l'émetteur n'est pas une clé Ed25519 valide."),
        "signature": _("la signature ne correspond pas au contenu : le badge a été modifié ou "
                       "n'a pas été signé par cette clé."),
        "jsonld": _("le document n'est pas du JSON-LD valide."),
    }
    if code in messages:
        return messages[code]
    if isinstance(exc, ApplicationError) and code not in ("invalid", ""):
        return exc.message  # raised in this module: already translated
    return _("le document ou la preuve est mal formé.")


# --- Keys of the issuer ----------------------------------------------------------------------


def _did_document_for(did: str, fetch: Fetcher) -> dict:
    if did == issuer_did():
        # Our own identity: the keyring is the source, no need to ask ourselves over HTTP.
        return did_document(keyring_load())
    try:
        url = did_web_document_url(did, allow_http_loopback=settings.DEBUG)
    except DidError as exc:
        raise ProofError(_("l'identifiant DID de l'émetteur est mal formé."),
                         code="malformed_did") from exc
    try:
        document = _json_object(fetch(url).decode("utf-8", errors="replace"))
    except (FetchError, Unusable) as exc:
        raise Unreachable(_("Le document DID de l'émetteur (%(url)s) est inaccessible.")
                          % {"url": url}, code="did_unreachable") from exc
    # A server may answer anything at that address; only the DID's own document counts.
    if document.get("id") != did:
        raise ProofError(_("le document DID obtenu ne décrit pas cet émetteur."),
                         code="did_mismatch")
    return document


def _verification_method(method_id: str, fetch: Fetcher) -> dict:
    did = method_id.split("#", 1)[0]
    if did.startswith("did:key:"):
        fragment = did[len("did:key:"):]
        return {"id": method_id, "type": "Multikey", "controller": did,
                "publicKeyMultibase": fragment}
    if not did.startswith("did:web:"):
        raise ProofError(_("méthode d'identité non prise en charge : %(did)s") % {"did": did},
                         code="did_method")
    document = _did_document_for(did, fetch)

    def absolute(value) -> str:  # DID documents may name their keys "#key-1"
        value = _text(value)
        return did + value if value.startswith("#") else value

    methods = {absolute(m.get("id")): m for m in _list(document.get("verificationMethod"))
               if isinstance(m, dict)}
    # The key must be listed for assertions (signing credentials), not merely present; the
    # list holds key ids, or keys written out in full.
    for item in _list(document.get("assertionMethod")):
        if isinstance(item, dict) and absolute(item.get("id")) == method_id:
            return item
        if isinstance(item, str) and absolute(item) == method_id and method_id in methods:
            return methods[method_id]
    raise ProofError(_("la clé %(key)s n'est pas une clé de signature de l'émetteur.")
                     % {"key": method_id}, code="unknown_key")


def _ed25519_key(method: dict) -> bytes:
    multikey = method.get("publicKeyMultibase")
    if method.get("type") == "Multikey" and isinstance(multikey, str):
        return ed25519_public_from_multikey(multikey)
    jwk = _dict(method.get("publicKeyJwk"))
    x = jwk.get("x")
    if jwk.get("kty") == "OKP" and jwk.get("crv") == "Ed25519" and isinstance(x, str):
        raw = base64.urlsafe_b64decode(x + "=" * (-len(x) % 4))
        if len(raw) == 32:
            return raw
    raise ProofError(_("la clé de l'émetteur n'est pas une clé Ed25519."), code="key_type")


def _public_jwk(method: dict) -> dict:
    """The method's public key as a JWK, for PyJWT (a Multikey is Ed25519)."""
    jwk = method.get("publicKeyJwk")
    if isinstance(jwk, dict):
        # Only the public members: a careless issuer publishing "d" must not make us sign.
        return {k: v for k, v in jwk.items() if k in ("kty", "crv", "x", "y", "n", "e")}
    raw = _ed25519_key(method)
    return {"kty": "OKP", "crv": "Ed25519",
            "x": base64.urlsafe_b64encode(raw).rstrip(b"=").decode()}


def _controller_matches(method_id: str, issuer: str) -> bool:
    return bool(issuer) and method_id.split("#", 1)[0] == issuer


def issuer_key_resolver(issuer: str, fetch: Fetcher) -> Callable[[str], bytes]:
    """Resolves a proof's verification method to an Ed25519 key of `issuer`, and only theirs."""
    def resolve(method_id: str) -> bytes:
        if not _controller_matches(method_id, issuer):
            raise ProofError(_("la clé de signature n'appartient pas à l'émetteur."),
                             code="controller")
        return _ed25519_key(_verification_method(method_id, fetch))

    return resolve


# --- The checks ---------------------------------------------------------------------------------


def _check_ob3_shape(document: dict, report: Report, *, canonicalized: bool) -> bool:
    contexts = document.get("@context")
    if not isinstance(contexts, list) or not contexts or contexts[0] != CREDENTIALS_V2:
        report.add("format", FAIL, _("Le premier contexte doit être celui des justificatifs "
                                     "vérifiables 2.0."))
        return False
    unknown = [c for c in contexts if isinstance(c, str) and c not in FILES]
    if unknown or not any(isinstance(c, str) and c.startswith(OB3_CONTEXT_PREFIX)
                          for c in contexts):
        report.add("format", FAIL, _("Contexte JSON-LD inconnu ou absent : %(contexts)s")
                   % {"contexts": ", ".join(unknown) or "Open Badges 3.0"})
        return False
    subject = document.get("credentialSubject")
    if not (_types(document.get("type")) & OB3_TYPES) or not _issuer_id(document) \
            or not isinstance(subject, dict) or not isinstance(subject.get("achievement"), dict):
        report.add("format", FAIL, _("Ce justificatif ne suit pas le modèle Open Badges 3.0 "
                                     "(type, émetteur ou réalisation manquants)."))
        return False
    # Only a Data Integrity proof canonicalizes the document; a JWT signs its bytes.
    if canonicalized and _too_complex(document):
        report.add("format", FAIL, _("Ce justificatif est trop complexe pour être vérifié "
                                     "(trop d'objets imbriqués ou de nœuds anonymes)."))
        return False
    report.add("format", OK, _("Justificatif Open Badges 3.0 bien formé."))
    return True


def _check_data_integrity(document: dict, report: Report, fetch: Fetcher) -> None:
    try:
        proof_verify(document, resolve_key=issuer_key_resolver(_issuer_id(document), fetch))
    except Unreachable as exc:
        report.add("signature", WARNING, exc.message)
    # pyld canonicalizes whatever the document holds: besides its own errors, odd values can
    # surface as Python errors, all of which mean "not a valid signed document".
    except (ProofError, MultibaseError, ValueError, TypeError, KeyError, AttributeError,
            IndexError, RecursionError) as exc:
        report.add("signature", FAIL, _("Signature invalide : %(why)s")
                   % {"why": _proof_message(exc)})
    else:
        report.add("signature", OK, _("Signature valide (Data Integrity eddsa-rdfc-2022), par "
                                      "une clé de l'émetteur."))


def _check_jwt(parsed: Parsed, report: Report, fetch: Fetcher, *, now: datetime) -> None:
    issuer = _issuer_id(parsed.document)
    try:
        header = jwt.get_unverified_header(parsed.token)
        alg, kid = header.get("alg"), header.get("kid")
        # Never "none", never HS256 (a public key used as a shared secret).
        if not isinstance(alg, str) or alg not in JWT_ALGORITHMS:
            raise ProofError(_("algorithme de signature non pris en charge : %(alg)s")
                             % {"alg": alg}, code="alg")
        method_id = kid if isinstance(kid, str) and kid.startswith("did:") else (
            f"{issuer}{kid}" if isinstance(kid, str) and kid.startswith("#") else "")
        if not _controller_matches(method_id, issuer):
            raise ProofError(_("la clé de signature n'appartient pas à l'émetteur."),
                             code="controller")
        # The key comes from the issuer's DID, never from the token's own "jwk" header.
        key = jwt.PyJWK(_public_jwk(_verification_method(method_id, fetch)))
        if key.algorithm_name != alg:
            raise ProofError(_("algorithme de signature non pris en charge : %(alg)s")
                             % {"alg": alg}, code="alg")
        # Dates are checked below, with the other credentials' rules and messages.
        payload = jwt.decode(parsed.token, key=key, algorithms=[alg],
                             options={"verify_exp": False, "verify_nbf": False,
                                      "verify_aud": False, "verify_iat": False})
        if payload.get("iss") not in (None, issuer):
            raise ProofError(_("l'émetteur du jeton ne correspond pas à celui du badge."),
                             code="iss")
    except Unreachable as exc:
        report.add("signature", WARNING, exc.message)
        return
    except jwt.InvalidSignatureError:
        report.add("signature", FAIL, _("Signature invalide : %(why)s")
                   % {"why": _proof_message(ProofError("", code="signature"))})
        return
    except (ProofError, MultibaseError, jwt.PyJWTError, ValueError, TypeError, KeyError) as exc:
        why = _proof_message(exc) if isinstance(exc, ApplicationError) else _(
            "le jeton JWT ou la clé de l'émetteur est mal formé.")
        report.add("signature", FAIL, _("Signature invalide : %(why)s") % {"why": why})
        return
    report.add("signature", OK, _("Signature valide (VC-JWT %(alg)s), par une clé de "
                                  "l'émetteur.") % {"alg": alg})
    # The exp claim must mirror validUntil; if it says earlier, the token has expired.
    exp = payload.get("exp")
    if isinstance(exp, int | float) and not isinstance(exp, bool) and exp <= now.timestamp():
        report.add("dates", FAIL, _("Ce jeton JWT a expiré le %(date)s.")
                   % {"date": _day(datetime.fromtimestamp(exp, UTC))})


def _day(moment: datetime) -> str:
    """The calendar day of `moment` where the site is (settings.TIME_ZONE), as YYYY-MM-DD: the
    day the attestation page and its PDF show, which a UTC date contradicts every evening."""
    return timezone.localtime(moment).date().isoformat()


def _parse_time(value) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)  # OverflowError near year 1 or 9999 with an offset
    except (ValueError, OverflowError):
        return None


def _check_dates(document: dict, report: Report, *, now: datetime) -> None:
    valid_from = _parse_time(document.get("validFrom") or document.get("issuanceDate"))
    valid_until = _parse_time(document.get("validUntil") or document.get("expirationDate"))
    if valid_from is None:
        report.add("dates", FAIL, _("La date de début de validité manque ou est illisible."))
    elif valid_from > now:
        report.add("dates", FAIL, _("Ce badge n'est pas encore valide (à partir du %(date)s).")
                   % {"date": _day(valid_from)})
    elif valid_until is not None and valid_until <= now:
        report.add("dates", FAIL, _("Ce badge a expiré le %(date)s.")
                   % {"date": _day(valid_until)})
    else:
        until = (_(" jusqu'au %(date)s") % {"date": _day(valid_until)}
                 if valid_until else "")
        report.add("dates", OK, _("Valide depuis le %(date)s%(until)s.")
                   % {"date": _day(valid_from), "until": until})


def _status_list_document(url: str, fetch: Fetcher) -> dict:
    if url.startswith(settings.SITE_URL + "/"):
        # One of ours: read it from the database rather than over HTTP.
        try:
            match = resolve(url[len(settings.SITE_URL):])
        except Resolver404:
            match = None
        if match is not None and match.view_name == "credentials:status_list":
            status_list = StatusList.objects.filter(pk=match.kwargs["list_id"]).first()
            if status_list is not None:
                return status_list_credential(status_list)
    try:
        return _json_object(fetch(url).decode("utf-8", errors="replace"))
    except (FetchError, Unusable) as exc:
        raise Unreachable(_("La liste de statut (%(url)s) est inaccessible.") % {"url": url},
                          code="status_unreachable") from exc


def _status_index(value) -> int:
    """statusListIndex: a string of digits (VCDM 2.0), or a number as some issuers write it."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 20:
        return int(value)
    raise ValueError("statusListIndex is not a non-negative integer")


def _check_status_entry(entry: dict, issuer: str, report: Report, fetch: Fetcher) -> None:
    purpose = entry.get("statusPurpose")
    try:
        index = _status_index(entry.get("statusListIndex"))
        url = entry.get("statusListCredential")
        if not isinstance(url, str):
            raise ValueError("statusListCredential is not a URL")
        status_list = _status_list_document(url, fetch)
        if _too_complex(status_list):
            raise ProofError(_("la liste de statut est trop complexe pour être vérifiée."),
                             code="status_complex")
        # The list must come from the same issuer, signed: or anyone could "un-revoke".
        if _issuer_id(status_list) != issuer:
            raise ProofError(_("la liste de statut n'est pas publiée par l'émetteur."),
                             code="status_issuer")
        proof_verify(status_list, resolve_key=issuer_key_resolver(issuer, fetch))
        subject = _dict(status_list.get("credentialSubject"))
        if subject.get("statusPurpose") not in (purpose, [purpose]):
            raise ProofError(_("la liste de statut ne sert pas à cet usage."),
                             code="status_purpose")
        is_set = bit_is_set(decode_bitstring(subject.get("encodedList")), index)
    except Unreachable as exc:
        report.add("status", WARNING, exc.message)
        return
    except (ProofError, MultibaseError, ValueError, TypeError, KeyError, AttributeError,
            IndexError, RecursionError) as exc:
        report.add("status", FAIL, _("La liste de statut est invalide : %(why)s")
                   % {"why": _proof_message(exc)})
        return
    if is_set and purpose == "revocation":
        report.add("status", FAIL, _("Ce badge a été révoqué par son émetteur."))
    elif is_set:
        report.add("status", FAIL, _("Ce badge est suspendu (%(purpose)s).")
                   % {"purpose": _text(purpose)})
    else:
        report.add("status", OK, _("Non révoqué (liste de statut vérifiée)."))


def _check_status(document: dict, report: Report, fetch: Fetcher) -> None:
    entries = _list(document.get("credentialStatus"))
    if not entries:
        report.add("status", OK, _("Ce badge ne publie pas de statut de révocation."))
        return
    if not report.passed("signature") and any(c.name == "signature" for c in report.checks):
        # A forged credential's status entry could point anywhere: nothing is fetched for it.
        report.add("status", WARNING, _("Statut non vérifié : la signature du badge ne l'est "
                                        "pas."))
        return
    issuer = _issuer_id(document)
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("type") != "BitstringStatusListEntry":
            report.add("status", WARNING, _("Type de statut non pris en charge."))
            continue
        _check_status_entry(entry, issuer, report, fetch)


def _summary_ob3(document: dict) -> dict:
    """What the credential says, as plain text (never rendered as markup or followed)."""
    subject = _dict(document.get("credentialSubject"))
    achievement = _dict(subject.get("achievement"))
    issuer = _dict(document.get("issuer"))
    return {
        "name": _text(document.get("name")) or _text(achievement.get("name")),
        "achievement": _text(achievement.get("name")),
        "description": _text(achievement.get("description")),
        "criteria": _text(_dict(achievement.get("criteria")).get("narrative")),
        "issuer": _text(issuer.get("name")),
        "issuer_id": _issuer_id(document),
        "valid_from": _text(document.get("validFrom")),
        "valid_until": _text(document.get("validUntil")),
        "evidence": [
            {"name": _text(item.get("name")), "narrative": _text(item.get("narrative"))}
            for item in _list(document.get("evidence")) if isinstance(item, dict)
        ],
    }


def _summary_ob2(hosted: dict) -> dict:
    badge = hosted.get("badge")
    badge = badge if isinstance(badge, dict) else {"id": _text(badge)}
    issuer = badge.get("issuer")
    issuer = issuer if isinstance(issuer, dict) else {"id": _text(issuer)}
    return {
        "name": _text(badge.get("name")),
        "achievement": _text(badge.get("id")),
        "description": _text(badge.get("description")),
        "criteria": _text(_dict(badge.get("criteria")).get("narrative")),
        "issuer": _text(issuer.get("name")),
        "issuer_id": _text(issuer.get("id")),
        "valid_from": _text(hosted.get("issuedOn")),
        "valid_until": _text(hosted.get("expires")),
        "evidence": [
            {"name": _text(item.get("name")), "narrative": _text(item.get("narrative"))}
            for item in _list(hosted.get("evidence")) if isinstance(item, dict)
        ],
    }


def _verify_ob2(document: dict, report: Report, fetch: Fetcher, *, now: datetime) -> None:
    """OB 2.0 hosted verification: the assertion at its own address is the authority."""
    url = _text(document.get("id"))
    if _dict(document.get("verification")).get("type") not in ("hosted", "HostedBadge") \
            or not url.startswith(("http://", "https://")):
        report.add("signature", FAIL, _("Seules les assertions Open Badges 2.0 hébergées sont "
                                        "prises en charge."))
        return
    try:
        hosted = _json_object(fetch(url).decode("utf-8", errors="replace"))
    except FetchError as exc:
        if exc.code == "http_status" and exc.extra.get("status") == 410:
            report.add("status", FAIL, _("Ce badge a été révoqué par son émetteur."))
            return
        report.add("signature", WARNING, _("L'assertion hébergée (%(url)s) est inaccessible.")
                   % {"url": url})
        return
    except Unusable:
        report.add("signature", FAIL, _("L'assertion hébergée est illisible."))
        return
    report.summary = _summary_ob2(hosted)
    if hosted.get("revoked"):
        report.add("status", FAIL, _("Ce badge a été révoqué par son émetteur."))
        return
    if hosted.get("id") != url:
        report.add("signature", FAIL, _("L'assertion hébergée ne correspond pas à son adresse."))
        return
    report.add("signature", OK, _("Assertion Open Badges 2.0 confirmée par l'émetteur à son "
                                  "adresse."))
    report.add("status", OK, _("Non révoqué."))
    expires = _parse_time(hosted.get("expires"))
    if expires is not None and expires <= now:
        report.add("dates", FAIL, _("Ce badge a expiré le %(date)s.")
                   % {"date": _day(expires)})


def _verify_into(report: Report, *, text: str, data: bytes, fetch: Fetcher,
                 now: datetime) -> None:
    try:
        parsed = read_input(text=text, data=data, fetch=fetch)
    except Unusable as exc:
        report.add("input", FAIL, exc.message)
        return
    report.format = parsed.format
    if parsed.format == "ob2":
        _verify_ob2(parsed.document, report, fetch, now=now)
        return
    document = parsed.document
    if not _check_ob3_shape(document, report, canonicalized=parsed.format == "ob3"):
        return
    report.summary = _summary_ob3(document)
    if parsed.format == "ob3-jwt":
        _check_jwt(parsed, report, fetch, now=now)
    else:
        _check_data_integrity(document, report, fetch)
    _check_dates(document, report, now=now)
    _check_status(document, report, fetch)


def verify(*, text: str = "", data: bytes = b"", fetch: Fetcher = default_fetcher,
           now: datetime | None = None) -> Report:
    """Verify what was given; the report says what held and what did not. Never raises."""
    report = Report()
    try:
        _verify_into(report, text=text, data=data, fetch=fetch, now=now or datetime.now(UTC))
    except Exception:
        # A bug or an input nobody foresaw: the visitor gets a report, the logs the details.
        # Not valid in any case; "incomplete" only if the signature had already been checked.
        logger.exception("Unexpected error while verifying a credential")
        report.add("error", WARNING if report.passed("signature") else FAIL,
                   _("La vérification n'a pas pu aller au bout : ce document contient des "
                     "valeurs inattendues."))
    return report
