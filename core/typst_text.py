"""Text handed to Typst as data: cleaned for the fonts, PDF/A and PDF/UA.

Shared by every PDF the product makes (the badge attestation, the police hand-off). Values are
always passed as data (sys.inputs) and placed as plain text, never read as Typst markup.
"""

from __future__ import annotations

import json
import re
import threading
import unicodedata
from functools import cached_property
from pathlib import Path
from typing import Any

import typst

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


class TypstTemplate:
    """A Typst template compiled to tagged PDF/A-2a + PDF/UA-1 from a JSON `data` input.

    One compiler per template and process: it keeps the loaded fonts and Typst's caches
    between documents (a warm render takes a few milliseconds). Two threads compiling on it at
    once get "RuntimeError: Already borrowed" from the binding, hence the lock (threaded
    servers). Only Typst's embedded fonts are used, never the machine's.
    """

    def __init__(self, path: Path):
        self.path = path
        self._lock = threading.Lock()

    @cached_property
    def _source(self) -> bytes:
        return self.path.read_bytes()

    @cached_property
    def _compiler(self) -> typst.Compiler:
        return typst.Compiler(self._source, root=str(self.path.parent), ignore_system_fonts=True)

    def _compile(self, document: dict, extra_inputs: dict[str, str]) -> bytes:
        inputs = {"data": json.dumps(document, ensure_ascii=False), **extra_inputs}
        with self._lock:
            # The template is passed again on every call: with bytes input, the binding's
            # compiler loses its main file after the first compilation.
            return self._compiler.compile(input=self._source, sys_inputs=inputs,
                                          pdf_standards=PDF_STANDARDS, pdf_tags=True)

    def render(self, document: dict, **extra_inputs: str) -> bytes:
        """The PDF; any text no font can display comes out as U+FFFD, the rest intact."""
        try:
            return self._compile(document, extra_inputs)
        except typst.TypstError as error:
            missing = undisplayable_texts(getattr(error, "diagnostic", "") or str(error))
            if not missing:
                raise
            # Typst names every piece of text no font can display; replacing exactly those
            # keeps the rest of the text. A second failure is a real error.
            return self._compile(replace_texts(document, missing), extra_inputs)
