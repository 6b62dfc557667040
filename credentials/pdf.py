"""The PDF attestation of a badge award: tagged, PDF/A-2a and PDF/UA-1, in French or English.

The layout is the Typst template pdf/attestation.typ. Every dynamic value reaches it as data
(one JSON document and the QR code's SVG, through `sys.inputs`) and is placed as plain text, so
a member's answer is never read as Typst markup, whatever characters it holds.

Only the fonts embedded in Typst are used (no system fonts): the output does not depend on the
machine. They cover French and most alphabetic scripts; a character they lack (an emoji, a
Chinese character...) is shown as U+FFFD, because PDF/A forbids text that cannot be displayed.
"""

from __future__ import annotations

import datetime
import io
import json
import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import segno
import typst
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

TEMPLATE = Path(__file__).resolve().parent / "pdf" / "attestation.typ"

LANGUAGES = ("fr", "en")

# PDF/A-2a is the strictest PDF/A-2 level (2b + Unicode text + tagged structure); PDF/UA-1
# adds the accessibility checks (title, language, alternative texts) on top.
PDF_STANDARDS = ["a-2a", "ua-1"]

# The attestation shows the start of the program description, not the whole text.
DESCRIPTION_MAX_CHARS = 600

REPLACEMENT_CHARACTER = "\ufffd"

QR_MASK = 0  # see _qr_svg


@dataclass(frozen=True)
class AttestationPdf:
    language: str  # "fr" or "en"
    member_name: str
    badge_name: str  # e.g. "Trousse Sexto 2 – Architecte"
    level: str  # e.g. "Architecte" / "Architect"
    program: str  # program title
    program_description: str  # plain text; Markdown characters are shown as they are
    issuer_name: str
    issuer_url: str
    granted_at: datetime.datetime  # timezone-aware; shown in settings.TIME_ZONE
    attestation_url: str  # public URL, printed and encoded in the QR code
    evidence: list[tuple[str, str | None]]  # (question title, answer); None: titles only
    status_note: str = ""  # e.g. "Révoqué le 2026-11-20": shown as a banner when set


def attestation_pdf_render(data: AttestationPdf) -> bytes:
    """The attestation as PDF bytes (A4, tagged, PDF/A-2a + PDF/UA-1)."""
    if data.language not in LANGUAGES:
        raise ValueError(f"Unsupported language: {data.language!r}")
    if data.granted_at.tzinfo is None:
        raise ValueError("granted_at must be timezone-aware")
    document = _document(data)
    qr_svg = _qr_svg(data.attestation_url)
    try:
        return _compile(document, qr_svg)
    except typst.TypstError as error:
        missing = _undisplayable_texts(getattr(error, "diagnostic", "") or str(error))
        if not missing:
            raise
        # Typst names every piece of text no font can display; replacing exactly those keeps
        # the rest of the member's text intact. A second failure is a real error.
        return _compile(_replace_texts(document, missing), qr_svg)


# --- data sent to the template --------------------------------------------------------------


def _document(data: AttestationPdf) -> dict:
    with translation.override(data.language):
        labels = {
            "title": _("Preuve et attestation de développement professionnel"),
            "granted_to": _("Badge attribué à"),
            "granted_at": _("Date d'obtention"),
            "level": _("Niveau"),
            "program": _("Programme"),
            "issuer": _("Émetteur"),
            "evidence": _("Résumé des preuves"),
            "no_evidence": _("Aucune réponse : ce badge ne demande pas de preuve écrite."),
            "not_published": _("(réponse non publiée)"),
            "verify": _("Vérifier cette attestation"),
            "verify_hint": _(
                "Scannez le code ou ouvrez l'adresse pour voir l'état à jour de ce badge."
            ),
            "qr_alt": _("Code QR menant à cette attestation en ligne"),
        }
    granted_at = data.granted_at.astimezone(ZoneInfo(settings.TIME_ZONE))
    return {
        "lang": data.language,
        "title": f"{labels['title']} – {_text(data.badge_name)}",
        "labels": labels,
        "member_name": _text(data.member_name),
        "badge_name": _text(data.badge_name),
        "level": _text(data.level),
        "program": _text(data.program),
        "program_description": _paragraphs(_summary(data.program_description)),
        "issuer_name": _text(data.issuer_name),
        "issuer_url": _text(data.issuer_url),
        "granted_at": granted_at.strftime("%Y-%m-%d %H:%M:%S"),
        "attestation_url": _text(data.attestation_url),
        "status_note": _text(data.status_note),
        "evidence": [
            {"title": _text(title), "answer": None if answer is None else _paragraphs(answer)}
            for title, answer in data.evidence
        ],
    }


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def _text(value: str) -> str:
    """NFC (so that accents are single glyphs), Unix newlines, tabs as spaces, no controls."""
    value = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", value.replace("\t", " ")).strip()


def _paragraphs(value: str) -> list[str]:
    """Paragraphs separated by blank lines; a single newline stays a line break."""
    return [p.strip() for p in re.split(r"\n[ \t]*\n", _text(value)) if p.strip()]


def _summary(description: str) -> str:
    """The first paragraph, cut at a word boundary when longer than DESCRIPTION_MAX_CHARS.

    The description is Markdown, whose source wraps lines inside a paragraph: those line
    breaks are soft (a space), unlike those of a member's answer.
    """
    paragraphs = _paragraphs(description)
    if not paragraphs:
        return ""
    first = " ".join(paragraphs[0].split())
    if len(first) <= DESCRIPTION_MAX_CHARS:
        return first
    cut = first[:DESCRIPTION_MAX_CHARS].rsplit(maxsplit=1)[0]
    return cut.rstrip(" ,;:.") + "…"


@lru_cache(maxsize=256)
def _qr_svg(url: str) -> str:
    # Medium error correction survives a crease or a smudge on paper. A fixed mask skips
    # segno's evaluation of the eight masks, which costs 3 to 4 ms in pure Python (a third of
    # the time budget of a PDF); every mask gives a valid code that any reader decodes.
    qr = segno.make(url, error="m", micro=False, mask=QR_MASK)
    out = io.BytesIO()
    qr.save(out, kind="svg", xmldecl=False, svgns=True, nl=False, border=2, scale=1)
    return out.getvalue().decode("ascii")


# --- characters the fonts lack --------------------------------------------------------------

# Typst quotes the text as a Rust string literal: `"🙂"`, `"\u{0}"`, `"\""`.
_UNDISPLAYABLE = re.compile(r'the text `"((?:[^"\\]|\\.)*)"` could not be displayed')
_RUST_ESCAPE = re.compile(r"\\u\{([0-9a-fA-F]+)\}|\\(.)")
_RUST_SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "0": "\0"}


def _undisplayable_texts(diagnostic: str) -> set[str]:
    """The texts that, according to a Typst diagnostic, no available font can display."""
    return {
        _RUST_ESCAPE.sub(_unescape, literal) for literal in _UNDISPLAYABLE.findall(diagnostic)
    } - {""}


def _unescape(match: re.Match[str]) -> str:
    if match.group(1):
        return chr(int(match.group(1), 16))
    return _RUST_SIMPLE_ESCAPES.get(match.group(2), match.group(2))


def _replace_texts(value: Any, texts: set[str]) -> Any:
    """`value` (the JSON-ready document) with each of `texts` replaced by U+FFFD."""
    if isinstance(value, str):
        for text in sorted(texts, key=len, reverse=True):
            value = value.replace(text, REPLACEMENT_CHARACTER)
        return value
    if isinstance(value, list):
        return [_replace_texts(item, texts) for item in value]
    if isinstance(value, dict):
        return {key: _replace_texts(item, texts) for key, item in value.items()}
    return value


# --- compilation ----------------------------------------------------------------------------

# One compiler per process: it keeps the loaded fonts and Typst's caches between documents
# (a warm render then takes a few milliseconds). Two threads compiling on it at once get
# "RuntimeError: Already borrowed" from the binding, hence the lock (threaded servers).
_lock = threading.Lock()


@cache
def _template() -> bytes:
    return TEMPLATE.read_bytes()


@cache
def _compiler() -> typst.Compiler:
    return typst.Compiler(_template(), root=str(TEMPLATE.parent), ignore_system_fonts=True)


def _compile(document: dict, qr_svg: str) -> bytes:
    inputs = {"data": json.dumps(document, ensure_ascii=False), "qr": qr_svg}
    with _lock:
        # The template is passed again on every call: with bytes input, the binding's
        # compiler loses its main file after the first compilation.
        return _compiler().compile(
            input=_template(), sys_inputs=inputs, pdf_standards=PDF_STANDARDS, pdf_tags=True
        )
