"""Text handed to Typst as data: cleaned for the fonts, PDF/A and PDF/UA.

Shared by every PDF the product makes (the badge attestation, the police hand-off). Values are
always passed as data (sys.inputs) and placed as plain text, never read as Typst markup.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

# PDF/A-2a is the strictest PDF/A-2 level (2b + Unicode text + tagged structure); PDF/UA-1
# adds the accessibility checks (title, language, alternative texts) on top.
PDF_STANDARDS = ["a-2a", "ua-1"]

REPLACEMENT_CHARACTER = "\ufffd"

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def plain_text(value: str) -> str:
    """NFC (so that accents are single glyphs), Unix newlines, tabs as spaces, no controls."""
    value = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", value.replace("\t", " ")).strip()


def paragraphs(value: str) -> list[str]:
    """Paragraphs separated by blank lines; a single newline stays a line break."""
    return [p.strip() for p in re.split(r"\n[ \t]*\n", plain_text(value)) if p.strip()]



# --- characters the fonts lack --------------------------------------------------------------

# Typst quotes the text as a Rust string literal: `"🙂"`, `"\u{0}"`, `"\""`.
_UNDISPLAYABLE = re.compile(r'the text `"((?:[^"\\]|\\.)*)"` could not be displayed')
_RUST_ESCAPE = re.compile(r"\\u\{([0-9a-fA-F]+)\}|\\(.)")
_RUST_SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "0": "\0"}


def undisplayable_texts(diagnostic: str) -> set[str]:
    """The texts that, according to a Typst diagnostic, no available font can display."""
    return {
        _RUST_ESCAPE.sub(_unescape, literal) for literal in _UNDISPLAYABLE.findall(diagnostic)
    } - {""}


def _unescape(match: re.Match[str]) -> str:
    if match.group(1):
        return chr(int(match.group(1), 16))
    return _RUST_SIMPLE_ESCAPES.get(match.group(2), match.group(2))


def replace_texts(value: Any, texts: set[str]) -> Any:
    """`value` (the JSON-ready document) with each of `texts` replaced by U+FFFD."""
    if isinstance(value, str):
        for text in sorted(texts, key=len, reverse=True):
            value = value.replace(text, REPLACEMENT_CHARACTER)
        return value
    if isinstance(value, list):
        return [replace_texts(item, texts) for item in value]
    if isinstance(value, dict):
        return {key: replace_texts(item, texts) for key, item in value.items()}
    return value
