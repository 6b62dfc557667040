"""RDFC-1.0 string escaping for pyld, whose N-Quads writer escapes too little.

RDF Dataset Canonicalization (RDFC-1.0, section "Canonical N-Quads") escapes, in literals,
backslash, double quote, line feed, carriage return and tab as \\\\ \\" \\n \\r \\t, backspace and
form feed as \\b \\f, and every other character of U+0000-U+001F and U+007F as \\uXXXX (upper-case
hex). pyld 3.3 only does the first five, so a credential whose text holds, say, a vertical tab
(Word pastes them as line breaks) got another hash than in every conformant implementation:
our signatures failed elsewhere and theirs failed here (credentials/tests/test_interop_ours.py).

pyld's serializer looks `escape` up in its module at each call, so replacing it there fixes
canonicalization, hashing and output alike. credentials.contexts imports this module: every use
of pyld in the project goes through our context loader, so the fix is always in place.
"""

import re

import pyld.nquads

_SHORT = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b",
          "\f": "\\f"}
_NEEDS_ESCAPE = re.compile(r'[\\"\x00-\x1f\x7f]')


def _escape_char(match: re.Match) -> str:
    char = match.group(0)
    return _SHORT.get(char) or f"\\u{ord(char):04X}"


def rdfc_escape(value: str) -> str:
    return _NEEDS_ESCAPE.sub(_escape_char, value)


pyld.nquads.escape = rdfc_escape
