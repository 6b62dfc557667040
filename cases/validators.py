"""Text fields of a case refuse embedded data: the case tool holds no image, by construction.

An image pasted as text comes in a few common shapes, each found here:
- a data: URI, spaces and line breaks allowed around its parts ("data: image/png;\nbase64,");
- base64, unbroken, wrapped in lines (76 columns is what `base64` prints) or spaced in groups;
- hexadecimal, unbroken or spaced ("89 50 4e 47"), and escaped bytes ("=89" quoted-printable,
  "%89" percent-encoding, "\\x89" or "0x89").
Words are told from encoded data by their letters: a run of whitespace-separated tokens made
only of the base64 alphabet is refused when it is long and switches between capitals, small
letters and digits as often as random data does (French, with its accents, punctuation,
acronyms, numbers and long words, does not); hexadecimal when it is long and mixes digits with
the letters a-f. The refusal keeps the rest of what was typed: `without_embedded_data` gives
the text without the encoded parts, which the form shows back (cases.forms.CaseForm).
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

DATA_URI = re.compile(
    r"data\s*:\s*[a-z]+\s*/\s*[\w.+-]+(?:\s*;\s*[\w.+-]+(?:\s*=\s*[^;,\s]*)?)*\s*,",
    re.IGNORECASE)
# A long unbroken run of base64 or hex: no word is that long, an encoded file is.
ENCODED_RUN = re.compile(r"[A-Za-z0-9+/=_-]{200,}")
TOKEN = re.compile(r"\S+")
BASE64_TOKEN = re.compile(r"[A-Za-z0-9+/_-]+={0,2}")
HEX_TOKEN = re.compile(r"[0-9A-Fa-f]+")
ESCAPED_BYTE = re.compile(r"(?:=|%|\\x|0x)[0-9A-Fa-f]{2}")
PLAIN_WORD = re.compile(r"[A-Za-z]?[a-z]{1,19}")
BASE64_GLUED = re.compile(r"[A-Za-z0-9+/=_-]*")

# Thresholds (a 2.4 KB image is about 3,300 characters of base64, 4,800 of hex).
BASE64_MIN_CHARS = 100
# Share of neighbouring characters inside a token that change class (capital, small, digit,
# symbol): about 0.65 in base64 of compressed data, 0.05 to 0.25 in French.
BASE64_MIN_SWITCHES = 0.35
HEX_MIN_CHARS = 64
ESCAPED_MIN_BYTES = 16
# Characters between two escaped bytes of one run: quoted-printable leaves printable bytes as
# they are, and breaks its lines every 76 characters.
ESCAPED_MAX_GAP = 40


def _class(char: str) -> int:
    if char.isupper():
        return 0
    if char.islower():
        return 1
    if char.isdigit():
        return 2
    return 3


def _switch_ratio(tokens: list[str]) -> float:
    pairs = switches = 0
    for token in tokens:
        for left, right in zip(token, token[1:], strict=False):
            pairs += 1
            switches += _class(left) != _class(right)
    return switches / pairs if pairs else 0.0


def _token_runs(value: str, pattern: re.Pattern):
    """Maximal runs of whitespace-separated tokens that each match `pattern` in full."""
    run: list[re.Match] = []
    for match in TOKEN.finditer(value):
        if pattern.fullmatch(match.group()):
            run.append(match)
            continue
        if run:
            yield run
        run = []
    if run:
        yield run


def _looks_base64(tokens: list[str]) -> bool:
    joined = "".join(tokens)
    return len(joined) >= BASE64_MIN_CHARS and _switch_ratio(tokens) >= BASE64_MIN_SWITCHES


def _looks_hex(tokens: list[str]) -> bool:
    joined = "".join(tokens)
    if len(joined) < HEX_MIN_CHARS or not HEX_TOKEN.fullmatch(joined):
        return False
    digits = sum(char.isdigit() for char in joined)
    return digits >= 0.3 * len(joined) and len(joined) - digits >= 0.1 * len(joined)


def _trim(run: list[re.Match]) -> list[re.Match]:
    # Words typed just before or after the data are kept: plain words of letters.
    while run and PLAIN_WORD.fullmatch(run[0].group()):
        run = run[1:]
    while run and PLAIN_WORD.fullmatch(run[-1].group()):
        run = run[:-1]
    return run


def embedded_data_spans(value: str) -> list[tuple[int, int]]:
    """Where encoded data lies in `value`: (start, end) pairs, in order, merged."""
    if not value:
        return []
    # A data: URI, with the first piece of its data glued to the comma.
    spans = [(match.start(), BASE64_GLUED.match(value, match.end()).end())
             for match in DATA_URI.finditer(value)]
    spans += [match.span() for match in ENCODED_RUN.finditer(value)]
    for pattern, looks_encoded in ((BASE64_TOKEN, _looks_base64), (HEX_TOKEN, _looks_hex)):
        for run in _token_runs(value, pattern):
            if looks_encoded([match.group() for match in run]):
                run = _trim(run) or run
                spans.append((run[0].start(), run[-1].end()))
    escaped = list(ESCAPED_BYTE.finditer(value))
    cluster: list[re.Match] = []
    for match in [*escaped, None]:
        if match is not None and (not cluster
                                  or match.start() - cluster[-1].end() <= ESCAPED_MAX_GAP):
            cluster.append(match)
            continue
        if len(cluster) >= ESCAPED_MIN_BYTES:
            # From the start of the first escaped byte's token to the end of the last's
            # ("=0A=00IHDR"): what stands between them was the data's printable bytes.
            start = cluster[0].start()
            while start > 0 and not value[start - 1].isspace():
                start -= 1
            tail = TOKEN.match(value, cluster[-1].end())
            spans.append((start, tail.end() if tail else cluster[-1].end()))
        cluster = [match] if match is not None else []
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def without_embedded_data(value: str) -> str:
    """`value` with its encoded parts taken out: what the form shows back."""
    kept, position = [], 0
    for start, end in embedded_data_spans(value):
        kept.append(value[position:start])
        position = end
    kept.append(value[position:])
    text = "".join(kept)
    # Where a part was taken out, the blank lines and spaces left around it go too.
    text = re.sub(r"[ \t]{2,}", " ", text)
    text = re.sub(r"[ \t\r]*\n[\s]*\n", "\n\n", text)
    return text.strip()


def reject_embedded_data(value: str) -> None:
    if embedded_data_spans(value):
        raise ValidationError(
            _("Ce champ contient ce qui ressemble à un fichier encodé (image, vidéo). Le dossier "
              "ne reçoit aucun fichier : décrivez en mots ce qu'on vous a dit, sans jamais "
              "regarder ni copier les images. Le reste de votre texte est conservé."),
            code="embedded_data",
        )
