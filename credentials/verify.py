"""Verifying any Open Badge: ours or anybody's, OB 3.0 (Data Integrity or VC-JWT) or OB 2.0.

One pipeline for the public page and `sexto verify`: read the input (JSON, JWT, URL, baked PNG
or SVG), then check the format, the signature and the issuer's key, the dates and the
revocation status. Each check says what it found in plain words; a check that could not be
completed (a DID or a status list out of reach) is a warning, never a crash. Nothing from the
credential is trusted before its signature is: callers show what it says as text only.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import jwt
from django.conf import settings
from django.utils.translation import gettext as _

from core.exceptions import ApplicationError
from credentials.baking import BakingError, png_extract, svg_extract
from credentials.contexts import CREDENTIALS_V2, FILES
from credentials.did import did_document, did_web_document_url, issuer_did
from credentials.fetch import FetchError, fetch_url
from credentials.integrity import ProofError, proof_verify
from credentials.keys import keyring_load
from credentials.multibase import MultibaseError, ed25519_public_from_multikey
from credentials.status import bit_is_set, decode_bitstring

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
OB3_CONTEXT_PREFIX = "https://purl.imsglobal.org/spec/ob/v3p0/context"
OB3_TYPES = {"OpenBadgeCredential", "AchievementCredential"}
JWT_ALGORITHMS = ["RS256", "ES256", "EdDSA"]
MAX_INPUT_BYTES = 2 * 1024 * 1024

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


# How documents from elsewhere are fetched: replaced in tests, guarded against SSRF otherwise.
Fetcher = Callable[[str], bytes]


def default_fetcher(url: str) -> bytes:
    # Loopback addresses only while developing (the demo serves its DID on 127.0.0.1).
    return fetch_url(url, allow_loopback=settings.DEBUG,
                     accept="application/json, application/ld+json").body


# --- Reading the input -----------------------------------------------------------------------


@dataclass(frozen=True)
class Parsed:
    format: str  # "ob3", "ob3-jwt", "ob2"
    document: dict
    token: str = ""


def _json_object(text: str) -> dict:
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise Unusable(_("Ce texte n'est pas du JSON valide."), code="json") from exc
    if not isinstance(document, dict):
        raise Unusable(_("Ce JSON n'est pas un justificatif."), code="not_credential")
    return document


def _looks_like_jwt(text: str) -> bool:
    parts = text.split(".")
    return len(parts) == 3 and all(parts[:2]) and text[:2] == "ey"


def _classify(document: dict, *, token: str = "") -> Parsed:
    types = document.get("type")
    types = {types} if isinstance(types, str) else set(types or [])
    if types & OB3_TYPES or "VerifiableCredential" in types:
        return Parsed("ob3-jwt" if token else "ob3", document, token)
    if "Assertion" in types or document.get("verify") or document.get("verification"):
        return Parsed("ob2", document)
    raise Unusable(_("Ce document n'est ni un badge Open Badges 3.0 ni une assertion Open "
                     "Badges 2.0."), code="not_credential")


def _from_text(text: str, *, fetch: Fetcher, depth: int = 0) -> Parsed:
    text = text.strip()
    if text.startswith("{"):
        return _classify(_json_object(text))
    if _looks_like_jwt(text):
        try:
            payload = jwt.decode(text, options={"verify_signature": False})
        except jwt.PyJWTError as exc:
            raise Unusable(_("Ce jeton JWT est illisible."), code="jwt") from exc
        # VC-JWT as OB 3.0 writes it (the credential is the payload), or VCDM 1.1's vc claim.
        document = payload.get("vc") if isinstance(payload.get("vc"), dict) else payload
        return _classify(document, token=text)
    if text.startswith(("http://", "https://")) and depth == 0:
        try:
            body = fetch(text)
        except FetchError as exc:
            raise Unusable(exc.message, code="fetch") from exc
        return _from_text(body.decode("utf-8", errors="replace"), fetch=fetch, depth=1)
    raise Unusable(_("Collez un justificatif (JSON ou JWT), son adresse, ou déposez l'image du "
                     "badge (PNG ou SVG)."), code="unknown_input")


def read_input(*, text: str = "", data: bytes = b"", fetch: Fetcher = default_fetcher) -> Parsed:
    """Whatever was given, the credential it holds; Unusable when it holds none."""
    if len(data) > MAX_INPUT_BYTES or len(text) > MAX_INPUT_BYTES:
        raise Unusable(_("Ce fichier est trop volumineux (2 Mo au plus)."), code="too_large")
    if data:
        try:
            if data.startswith(PNG_SIGNATURE):
                baked = (png_extract(data, keyword="openbadgecredential")
                         or png_extract(data, keyword="openbadges"))
                if baked is None:
                    raise Unusable(_("Cette image PNG ne contient aucun badge."), code="no_badge")
                return _from_text(baked, fetch=fetch)
            head = data[:512].lstrip()
            if head.startswith(b"<"):
                baked_svg = svg_extract(data)
                if baked_svg is None:
                    raise Unusable(_("Cette image SVG ne contient aucun badge."), code="no_badge")
                return _from_text(baked_svg.text, fetch=fetch)
        except BakingError as exc:
            raise Unusable(exc.message, code=exc.code) from exc
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise Unusable(_("Ce fichier n'est ni un justificatif ni une image de badge."),
                           code="binary") from exc
    return _from_text(text, fetch=fetch)


# --- Keys of the issuer ----------------------------------------------------------------------


def _did_document_for(did: str, fetch: Fetcher) -> dict:
    if did == issuer_did():
        # Our own identity: the keyring is the source, no need to ask ourselves over HTTP.
        return did_document(keyring_load())
    url = did_web_document_url(did, allow_http_loopback=settings.DEBUG)
    try:
        return _json_object(fetch(url).decode("utf-8", errors="replace"))
    except (FetchError, Unusable) as exc:
        raise Unreachable(_("Le document DID de l'émetteur (%(url)s) est inaccessible.")
                          % {"url": url}, code="did_unreachable") from exc


def _verification_method(method_id: str, fetch: Fetcher) -> dict:
    did = method_id.split("#", 1)[0]
    if did.startswith("did:key:"):
        fragment = did[len("did:key:"):]
        return {"id": method_id, "type": "Multikey", "controller": did,
                "publicKeyMultibase": fragment}
    if not did.startswith("did:web:"):
        raise ProofError(_("Méthode d'identité non prise en charge : %(did)s") % {"did": did},
                         code="did_method")
    document = _did_document_for(did, fetch)
    # The key must be listed for assertions (signing credentials), not merely present.
    if method_id in document.get("assertionMethod", []):
        for method in document.get("verificationMethod", []):
            if isinstance(method, dict) and method.get("id") == method_id:
                return method
    raise ProofError(_("La clé %(key)s n'est pas une clé de signature de l'émetteur.")
                     % {"key": method_id}, code="unknown_key")


def _ed25519_key(method: dict) -> bytes:
    if method.get("type") == "Multikey" and method.get("publicKeyMultibase"):
        return ed25519_public_from_multikey(method["publicKeyMultibase"])
    jwk = method.get("publicKeyJwk") or {}
    if jwk.get("kty") == "OKP" and jwk.get("crv") == "Ed25519":
        return base64.urlsafe_b64decode(jwk["x"] + "=" * (-len(jwk["x"]) % 4))
    raise ProofError(_("La clé de l'émetteur n'est pas une clé Ed25519."), code="key_type")


def _issuer_id(document: dict) -> str:
    issuer = document.get("issuer")
    return issuer.get("id", "") if isinstance(issuer, dict) else str(issuer or "")


def _controller_matches(method_id: str, issuer: str) -> bool:
    return method_id.split("#", 1)[0] == issuer


def _issuer_key_resolver(issuer: str, fetch: Fetcher) -> Callable[[str], bytes]:
    """Resolves a proof's verification method to an Ed25519 key of `issuer`, and only theirs."""
    def resolve(method_id: str) -> bytes:
        if not _controller_matches(method_id, issuer):
            raise ProofError(_("La clé de signature n'appartient pas à l'émetteur."),
                             code="controller")
        return _ed25519_key(_verification_method(method_id, fetch))

    return resolve


# --- The checks ---------------------------------------------------------------------------------


def _check_ob3_shape(document: dict, report: Report) -> bool:
    contexts = document.get("@context")
    if not isinstance(contexts, list) or not contexts or contexts[0] != CREDENTIALS_V2:
        report.add("format", FAIL, _("Le premier contexte doit être celui des justificatifs "
                                     "vérifiables 2.0."))
        return False
    unknown = [c for c in contexts if isinstance(c, str) and c not in FILES]
    if unknown or not any(isinstance(c, str) and c.startswith(OB3_CONTEXT_PREFIX)
                          for c in contexts):
        report.add("format", FAIL, _("Contexte JSON-LD inconnu ou absent : %(contexts)s")
                   % {"contexts": ", ".join(map(str, unknown)) or "Open Badges 3.0"})
        return False
    types = document.get("type") or []
    subject = document.get("credentialSubject")
    if not (set(types) & OB3_TYPES) or not _issuer_id(document) or not isinstance(subject, dict) \
            or not isinstance(subject.get("achievement"), dict):
        report.add("format", FAIL, _("Ce justificatif ne suit pas le modèle Open Badges 3.0 "
                                     "(type, émetteur ou réalisation manquants)."))
        return False
    report.add("format", OK, _("Justificatif Open Badges 3.0 bien formé."))
    return True


def _check_data_integrity(document: dict, report: Report, fetch: Fetcher) -> bool:
    try:
        proof_verify(document, resolve_key=_issuer_key_resolver(_issuer_id(document), fetch))
    except Unreachable as exc:
        report.add("signature", WARNING, exc.message)
        return False
    except (ProofError, MultibaseError, ValueError) as exc:
        report.add("signature", FAIL, _("Signature invalide : %(why)s")
                   % {"why": getattr(exc, "message", str(exc))})
        return False
    report.add("signature", OK, _("Signature valide (Data Integrity eddsa-rdfc-2022), par une "
                                  "clé de l'émetteur."))
    return True


def _check_jwt(parsed: Parsed, report: Report, fetch: Fetcher) -> bool:
    document = parsed.document
    issuer = _issuer_id(document)
    try:
        header = jwt.get_unverified_header(parsed.token)
        kid = header.get("kid", "")
        if header.get("alg") not in JWT_ALGORITHMS:
            raise ProofError(_("Algorithme de signature non pris en charge : %(alg)s")
                             % {"alg": header.get("alg")}, code="alg")
        if not kid or not _controller_matches(kid if kid.startswith("did:") else
                                              f"{issuer}{kid}", issuer):
            raise ProofError(_("La clé de signature n'appartient pas à l'émetteur."),
                             code="controller")
        method = _verification_method(kid if kid.startswith("did:") else f"{issuer}{kid}", fetch)
        jwk = method.get("publicKeyJwk")
        if jwk is None and method.get("type") == "Multikey":
            raw = ed25519_public_from_multikey(method["publicKeyMultibase"])
            jwk = {"kty": "OKP", "crv": "Ed25519",
                   "x": base64.urlsafe_b64encode(raw).rstrip(b"=").decode()}
        key = jwt.PyJWK(jwk)
        # Dates are checked below, with the other credentials' rules and messages.
        payload = jwt.decode(parsed.token, key=key, algorithms=JWT_ALGORITHMS,
                             options={"verify_exp": False, "verify_nbf": False,
                                      "verify_aud": False})
        if payload.get("iss") not in (None, issuer):
            raise ProofError(_("L'émetteur du jeton ne correspond pas à celui du badge."),
                             code="iss")
    except Unreachable as exc:
        report.add("signature", WARNING, exc.message)
        return False
    except (ProofError, MultibaseError) as exc:
        report.add("signature", FAIL, _("Signature invalide : %(why)s") % {"why": exc.message})
        return False
    except (jwt.PyJWTError, ValueError, KeyError, TypeError) as exc:
        report.add("signature", FAIL, _("Signature invalide : %(why)s") % {"why": str(exc)})
        return False
    report.add("signature", OK, _("Signature valide (VC-JWT %(alg)s), par une clé de "
                                  "l'émetteur.") % {"alg": header["alg"]})
    return True


def _parse_time(value) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _check_dates(document: dict, report: Report, *, now: datetime) -> None:
    valid_from = _parse_time(document.get("validFrom") or document.get("issuanceDate"))
    valid_until = _parse_time(document.get("validUntil") or document.get("expirationDate"))
    if valid_from is None:
        report.add("dates", FAIL, _("La date de début de validité manque ou est illisible."))
    elif valid_from > now:
        report.add("dates", FAIL, _("Ce badge n'est pas encore valide (à partir du %(date)s).")
                   % {"date": valid_from.date().isoformat()})
    elif valid_until is not None and valid_until <= now:
        report.add("dates", FAIL, _("Ce badge a expiré le %(date)s.")
                   % {"date": valid_until.date().isoformat()})
    else:
        until = (_(" jusqu'au %(date)s") % {"date": valid_until.date().isoformat()}
                 if valid_until else "")
        report.add("dates", OK, _("Valide depuis le %(date)s%(until)s.")
                   % {"date": valid_from.date().isoformat(), "until": until})


def _status_list_document(url: str, fetch: Fetcher) -> dict:
    from credentials.models import StatusList
    from credentials.status import status_list_credential

    site = settings.SITE_URL + "/ob/v3/status/"
    if url.startswith(site):
        # One of ours: read it from the database rather than over HTTP.
        list_id = url[len(site):].strip("/")
        status_list = StatusList.objects.filter(pk=list_id).first() if _is_uuid(list_id) else None
        if status_list is not None:
            return status_list_credential(status_list)
    try:
        return _json_object(fetch(url).decode("utf-8", errors="replace"))
    except (FetchError, Unusable) as exc:
        raise Unreachable(_("La liste de statut (%(url)s) est inaccessible.") % {"url": url},
                          code="status_unreachable") from exc


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _check_status(document: dict, report: Report, fetch: Fetcher) -> None:
    entries = document.get("credentialStatus")
    if entries is None:
        report.add("status", OK, _("Ce badge ne publie pas de statut de révocation."))
        return
    entries = entries if isinstance(entries, list) else [entries]
    issuer = _issuer_id(document)
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("type") != "BitstringStatusListEntry":
            report.add("status", WARNING, _("Type de statut non pris en charge."))
            continue
        purpose = entry.get("statusPurpose")
        try:
            index = int(entry.get("statusListIndex"))
            url = str(entry["statusListCredential"])
            status_list = _status_list_document(url, fetch)
            # The list must come from the same issuer, signed: or anyone could "un-revoke".
            if _issuer_id(status_list) != issuer:
                raise ProofError(_("La liste de statut n'est pas publiée par l'émetteur."),
                                 code="status_issuer")
            proof_verify(status_list, resolve_key=_issuer_key_resolver(issuer, fetch))
            subject = status_list.get("credentialSubject") or {}
            if subject.get("statusPurpose") not in (purpose, [purpose]):
                raise ProofError(_("La liste de statut ne sert pas à cet usage."),
                                 code="status_purpose")
            is_set = bit_is_set(decode_bitstring(subject["encodedList"]), index)
        except Unreachable as exc:
            report.add("status", WARNING, exc.message)
            continue
        except (ProofError, KeyError, TypeError, ValueError, OSError) as exc:
            report.add("status", FAIL, _("La liste de statut est invalide : %(why)s")
                       % {"why": getattr(exc, "message", str(exc))})
            continue
        if is_set and purpose == "revocation":
            report.add("status", FAIL, _("Ce badge a été révoqué par son émetteur."))
        elif is_set:
            report.add("status", FAIL, _("Ce badge est suspendu (%(purpose)s).")
                       % {"purpose": purpose})
        else:
            report.add("status", OK, _("Non révoqué (liste de statut vérifiée)."))


def _text(value) -> str:
    return value if isinstance(value, str) else ""


def _summary_ob3(document: dict) -> dict:
    """What the credential says, as plain text (never rendered as markup or followed)."""
    subject = document.get("credentialSubject") or {}
    achievement = subject.get("achievement") or {}
    issuer = document.get("issuer")
    criteria = achievement.get("criteria") or {}
    return {
        "name": _text(document.get("name")) or _text(achievement.get("name")),
        "achievement": _text(achievement.get("name")),
        "description": _text(achievement.get("description")),
        "criteria": _text(criteria.get("narrative")) if isinstance(criteria, dict) else "",
        "issuer": _text(issuer.get("name")) if isinstance(issuer, dict) else "",
        "issuer_id": _issuer_id(document),
        "valid_from": _text(document.get("validFrom")),
        "valid_until": _text(document.get("validUntil")),
        "evidence": [
            {"name": _text(item.get("name")), "narrative": _text(item.get("narrative"))}
            for item in document.get("evidence") or [] if isinstance(item, dict)
        ],
    }


def _verify_ob2(document: dict, report: Report, fetch: Fetcher) -> None:
    """OB 2.0 hosted verification: the assertion at its own address is the authority."""
    url = document.get("id") if isinstance(document.get("id"), str) else ""
    verification = document.get("verification") or {}
    if (verification.get("type") if isinstance(verification, dict) else None) not in (
            "hosted", "HostedBadge") or not url.startswith(("http://", "https://")):
        report.add("signature", FAIL, _("Seules les assertions Open Badges 2.0 hébergées sont "
                                        "prises en charge."))
        return
    try:
        hosted = _json_object(fetch(url).decode("utf-8", errors="replace"))
    except FetchError as exc:
        if exc.code == "http_status" and "410" in exc.message:
            report.add("status", FAIL, _("Ce badge a été révoqué par son émetteur."))
            return
        report.add("signature", WARNING, _("L'assertion hébergée (%(url)s) est inaccessible.")
                   % {"url": url})
        return
    except Unusable:
        report.add("signature", FAIL, _("L'assertion hébergée est illisible."))
        return
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
    if expires is not None and expires <= datetime.now(UTC):
        report.add("dates", FAIL, _("Ce badge a expiré le %(date)s.")
                   % {"date": expires.date().isoformat()})
    report.summary = {"issued_on": _text(hosted.get("issuedOn")),
                      "badge": _text(hosted.get("badge")) if isinstance(hosted.get("badge"),
                                                                           str) else ""}


def verify(*, text: str = "", data: bytes = b"", fetch: Fetcher = default_fetcher,
           now: datetime | None = None) -> Report:
    """Verify what was given; the report says what held and what did not."""
    report = Report()
    try:
        parsed = read_input(text=text, data=data, fetch=fetch)
    except Unusable as exc:
        report.add("input", FAIL, exc.message)
        return report
    report.format = parsed.format
    if parsed.format == "ob2":
        _verify_ob2(parsed.document, report, fetch)
        return report
    document = parsed.document
    if not _check_ob3_shape(document, report):
        return report
    report.summary = _summary_ob3(document)
    if parsed.format == "ob3-jwt":
        _check_jwt(parsed, report, fetch)
    else:
        _check_data_integrity(document, report, fetch)
    _check_dates(document, report, now=now or datetime.now(UTC))
    _check_status(document, report, fetch)
    return report
