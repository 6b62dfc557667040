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
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import segno
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from core.typst_text import TypstTemplate, paragraphs, plain_text

TEMPLATE = Path(__file__).resolve().parent / "pdf" / "attestation.typ"
_TEMPLATE = TypstTemplate(TEMPLATE)

LANGUAGES = ("fr", "en")


# The attestation shows the start of the program description, not the whole text.
DESCRIPTION_MAX_CHARS = 600


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
    # (question title, answer, the answer's language); answer None: the title only.
    evidence: list[tuple[str, str | None, str]]
    status_note: str = ""  # e.g. "Révoqué le 2026-11-20": shown as a banner when set


def attestation_pdf_render(data: AttestationPdf) -> bytes:
    """The attestation as PDF bytes (A4, tagged, PDF/A-2a + PDF/UA-1)."""
    if data.language not in LANGUAGES:
        raise ValueError(f"Unsupported language: {data.language!r}")
    if data.granted_at.tzinfo is None:
        raise ValueError("granted_at must be timezone-aware")
    return _TEMPLATE.render(_document(data), qr=_qr_svg(data.attestation_url))


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
        "title": f"{labels['title']} – {plain_text(data.badge_name)}",
        "labels": labels,
        "member_name": plain_text(data.member_name),
        "badge_name": plain_text(data.badge_name),
        "level": plain_text(data.level),
        "program": plain_text(data.program),
        "program_description": paragraphs(_summary(data.program_description)),
        "issuer_name": plain_text(data.issuer_name),
        "issuer_url": plain_text(data.issuer_url),
        "granted_at": granted_at.strftime("%Y-%m-%d %H:%M:%S"),
        "attestation_url": plain_text(data.attestation_url),
        "status_note": plain_text(data.status_note),
        "evidence": [
            {"title": plain_text(title), "answer": None if answer is None else paragraphs(answer),
             # The template marks the answer's language (PDF/UA-1 7.2): a French answer in
             # the English attestation is read as French.
             "lang": answer_language if answer_language in LANGUAGES else data.language}
            for title, answer, answer_language in data.evidence
        ],
    }


def _summary(description: str) -> str:
    """The first paragraph, cut at a word boundary when longer than DESCRIPTION_MAX_CHARS.

    The description is Markdown, whose source wraps lines inside a paragraph: those line
    breaks are soft (a space), unlike those of a member's answer.
    """
    parts = paragraphs(description)
    if not parts:
        return ""
    first = " ".join(parts[0].split())
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


