"""Open Badges "baking": carrying a credential inside the badge image itself.

Pure functions on bytes and strings, no models. Two image formats, two Open Badges versions:

- PNG: an iTXt chunk whose keyword is "openbadgecredential" (OB 3.0: the credential as JSON or
  a compact JWT) or "openbadges" (OB 2.0: the assertion URL, JSON or JWS). Callers pass the
  keyword, see `PNG_KEYWORD_OB3` and `PNG_KEYWORD_OB2`.
- SVG: a first child of the root `<svg>`, `<openbadges:credential>` holding the credential as
  CDATA (OB 3.0, namespace https://purl.imsglobal.org/ob/v3p0), or
  `<openbadges:assertion verify="URL"/>` (OB 2.0, namespace http://openbadges.org).

Extraction runs on files uploaded by anyone (the public verifier), so it enforces a size limit,
checks every PNG chunk's CRC and parses SVG with defusedxml, refusing DTDs and entities.
Every failure is one `BakingError`, whose `code` says which.
"""

import re
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal
from xml.dom.minidom import Document, Element
from xml.parsers.expat import ExpatError

import defusedxml
import defusedxml.ElementTree as SafeElementTree
import defusedxml.minidom as safe_minidom
from django.utils.translation import gettext as _

from core.exceptions import ApplicationError

MAX_IMAGE_BYTES = 2 * 1024 * 1024

PNG_KEYWORD_OB3 = "openbadgecredential"
PNG_KEYWORD_OB2 = "openbadges"

SVG_NS = "http://www.w3.org/2000/svg"
OB3_NS = "https://purl.imsglobal.org/ob/v3p0"
OB2_NS = "http://openbadges.org"
XMLNS_NS = "http://www.w3.org/2000/xmlns/"
PREFIX = "openbadges"

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# The text chunks a credential can live in; baking removes every one of them with our keyword.
TEXT_CHUNKS = frozenset({b"iTXt", b"tEXt", b"zTXt"})
# PNG caps chunk lengths at 2^31 - 1 (section 5.3 of the specification).
MAX_CHUNK_LENGTH = 2**31 - 1

# Characters XML 1.0 cannot carry at all, even in CDATA; refused at baking time rather than
# producing an SVG no parser would read back.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class BakingError(ApplicationError):
    """An image that cannot be baked or read; `code` is one of the keys of `_messages()`."""


def _messages() -> dict[str, str]:
    # Built at each call, so the message is in the language active when the error is raised.
    return {
        "not_png": _("Ce fichier n'est pas une image PNG valide."),
        "corrupt": _(
            "Cette image PNG est endommagée : sa structure ou une somme de contrôle est invalide."
        ),
        "not_svg": _("Ce fichier n'est pas une image SVG valide."),
        "unsafe_xml": _(
            "Cette image SVG contient des déclarations XML (DTD ou entités) refusées "
            "pour des raisons de sécurité."
        ),
        "too_large": _("Cette image dépasse la taille maximale acceptée (%(size)s Mo).")
        % {"size": MAX_IMAGE_BYTES // (1024 * 1024)},
        "ambiguous": _("Cette image contient plus d'un badge intégré."),
        "unreadable": _("Le badge intégré à cette image est illisible."),
    }


def _error(code: str) -> BakingError:
    return BakingError(_messages()[code], code=code)


def _check_size(data: bytes | str) -> None:
    size = len(data.encode("utf-8")) if isinstance(data, str) else len(data)
    if size > MAX_IMAGE_BYTES:
        raise _error("too_large")


# --- PNG -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Chunk:
    type: bytes
    data: bytes

    def encode(self) -> bytes:
        crc = zlib.crc32(self.type + self.data)
        return struct.pack(">I", len(self.data)) + self.type + self.data + struct.pack(">I", crc)


def _png_chunks(png: bytes) -> list[_Chunk]:
    """Every chunk of `png`, after checking the signature, each CRC and the IHDR...IEND frame."""
    if not png.startswith(PNG_SIGNATURE):
        raise _error("not_png")
    chunks: list[_Chunk] = []
    offset = len(PNG_SIGNATURE)
    while True:
        if offset + 12 > len(png):
            raise _error("corrupt")  # truncated, or no IEND
        (length,) = struct.unpack_from(">I", png, offset)
        chunk_type = png[offset + 4 : offset + 8]
        end = offset + 8 + length
        if length > MAX_CHUNK_LENGTH or end + 4 > len(png) or not chunk_type.isalpha():
            raise _error("corrupt")
        data = png[offset + 8 : end]
        (crc,) = struct.unpack_from(">I", png, end)
        if zlib.crc32(chunk_type + data) != crc:
            raise _error("corrupt")
        chunks.append(_Chunk(chunk_type, data))
        offset = end + 4
        if chunk_type == b"IEND":
            break
    # Bytes after IEND could smuggle a second payload past a validator that stops at IEND.
    if offset != len(png) or chunks[0].type != b"IHDR":
        raise _error("corrupt")
    return chunks


def _check_keyword(keyword: str) -> bytes:
    # PNG keywords: 1 to 79 printable Latin-1 characters. A bad one is a programming error.
    try:
        encoded = keyword.encode("latin-1")
    except UnicodeEncodeError:
        raise ValueError(f"invalid PNG keyword: {keyword!r}") from None
    if not 1 <= len(encoded) <= 79 or not keyword.isprintable() or keyword.strip() != keyword:
        raise ValueError(f"invalid PNG keyword: {keyword!r}")
    return encoded


def _chunk_keyword(chunk: _Chunk) -> bytes:
    return chunk.data.split(b"\0", 1)[0]


def _inflate(data: bytes) -> bytes:
    # Bounded: a few kilobytes of zlib can inflate to gigabytes.
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(data, MAX_IMAGE_BYTES + 1)
    except zlib.error:
        raise _error("unreadable") from None
    if len(out) > MAX_IMAGE_BYTES:
        raise _error("too_large")
    if not inflater.eof:
        raise _error("unreadable")
    return out


def _text_of(chunk: _Chunk) -> str:
    """The text of an iTXt, tEXt or zTXt chunk (PNG specification, section 11.3.4)."""
    try:
        _keyword, rest = chunk.data.split(b"\0", 1)
        if chunk.type == b"tEXt":
            return rest.decode("latin-1")
        if chunk.type == b"zTXt":
            if rest[:1] != b"\0":  # compression method 0 (zlib) is the only one defined
                raise _error("unreadable")
            return _inflate(rest[1:]).decode("latin-1")
        compressed, method, rest = rest[0], rest[1], rest[2:]
        _language, rest = rest.split(b"\0", 1)
        _translated, text = rest.split(b"\0", 1)
        if compressed not in (0, 1) or method != 0:
            raise _error("unreadable")
        return (_inflate(text) if compressed else text).decode("utf-8")
    except (ValueError, IndexError):  # a missing separator, or invalid UTF-8
        raise _error("unreadable") from None


def png_bake(png: bytes, *, keyword: str, text: str) -> bytes:
    """`png` with `text` in an uncompressed iTXt chunk named `keyword`, just before IEND.

    Any text chunk already named `keyword` is removed: a badge image carries one credential.
    The image must be a well-formed PNG (signature, CRCs); no size limit applies here, since
    the images we bake are our own.
    """
    keyword_bytes = _check_keyword(keyword)
    chunks = [
        chunk
        for chunk in _png_chunks(png)
        if not (chunk.type in TEXT_CHUNKS and _chunk_keyword(chunk) == keyword_bytes)
    ]
    # keyword, compression flag 0 and method 0, empty language tag, empty translated keyword.
    itxt = _Chunk(b"iTXt", keyword_bytes + b"\0\0\0" + b"\0" + b"\0" + text.encode("utf-8"))
    chunks.insert(len(chunks) - 1, itxt)  # IEND is last: _png_chunks checked it
    return PNG_SIGNATURE + b"".join(chunk.encode() for chunk in chunks)


def png_extract(png: bytes, *, keyword: str) -> str | None:
    """The text baked into `png` under `keyword` (iTXt, compressed or not, zTXt or tEXt).

    None when the image has no such chunk. Raises BakingError when the image is too large,
    not a PNG, corrupt, unreadable or holds more than one chunk with that keyword.
    """
    _check_size(png)
    keyword_bytes = _check_keyword(keyword)
    found = [
        chunk
        for chunk in _png_chunks(png)
        if chunk.type in TEXT_CHUNKS and _chunk_keyword(chunk) == keyword_bytes
    ]
    if not found:
        return None
    if len(found) > 1:
        # Two credentials in one image: which one the holder meant is anybody's guess.
        raise _error("ambiguous")
    return _text_of(found[0])


# --- SVG -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BakedSvg:
    """What an SVG badge carries: an OB 3.0 credential (JSON or compact JWT), or the URL of
    an OB 2.0 hosted assertion (its `verify` attribute)."""

    kind: Literal["ob3", "ob2"]
    text: str


def _parse_svg_for_baking(svg: str) -> Document:
    try:
        document = safe_minidom.parseString(
            svg, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except defusedxml.DefusedXmlException:
        raise _error("unsafe_xml") from None
    except (ExpatError, ValueError):
        raise _error("not_svg") from None
    root = document.documentElement
    if root.namespaceURI != SVG_NS or root.localName != "svg":
        raise _error("not_svg")
    return document


def _bake_svg_element(
    svg: str, namespace: str, local_name: str, fill: Callable[[Document, Element], None]
) -> str:
    document = _parse_svg_for_baking(svg)
    root = document.documentElement
    # Wherever an earlier baking put it, the old element goes: extraction refuses two.
    for old in list(document.getElementsByTagNameNS(namespace, local_name)):
        old.parentNode.removeChild(old)
    element = document.createElementNS(namespace, f"{PREFIX}:{local_name}")
    # minidom writes namespace declarations as plain attributes, so we place them ourselves:
    # on the root, unless the root already binds the prefix to another namespace (an image
    # baked for the other Open Badges version), in which case on the element itself.
    declaration = f"xmlns:{PREFIX}"
    bound = root.getAttribute(declaration) if root.hasAttribute(declaration) else None
    if bound in (None, namespace):
        root.setAttributeNS(XMLNS_NS, declaration, namespace)
    else:
        element.setAttributeNS(XMLNS_NS, declaration, namespace)
    fill(document, element)
    root.insertBefore(element, root.firstChild)
    # The XML declaration is written again; comments and processing instructions around the
    # root are kept. A DOCTYPE cannot be there: parsing refused it.
    nodes = "\n".join(node.toxml() for node in document.childNodes)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{nodes}\n'


def _fill_cdata(text: str) -> Callable[[Document, Element], None]:
    def fill(document: Document, element: Element) -> None:
        # A CDATA section ends at the first "]]>", so the text is split there into adjacent
        # sections: "a]]>b" becomes <![CDATA[a]]]]><![CDATA[>b]]>, which parsers join back.
        pieces = text.split("]]>")
        for index, piece in enumerate(pieces):
            head = ">" if index else ""
            tail = "]]" if index < len(pieces) - 1 else ""
            element.appendChild(document.createCDATASection(head + piece + tail))

    return fill


def _fill_verify(url: str) -> Callable[[Document, Element], None]:
    def fill(document: Document, element: Element) -> None:
        element.setAttribute("verify", url)

    return fill


def _check_xml_text(text: str) -> None:
    if not text.strip() or XML_ILLEGAL.search(text):
        raise ValueError("the text to bake is empty or holds characters XML cannot carry")


def svg_bake(svg: str, *, credential: str) -> str:
    """`svg` with an OB 3.0 `<openbadges:credential>` holding `credential` as its first child.

    An existing OB 3.0 credential element is replaced. Line breaks in `credential` come back
    as "\\n" (XML normalises "\\r\\n"); JSON and compact JWTs are unaffected.
    """
    _check_xml_text(credential)
    return _bake_svg_element(svg, OB3_NS, "credential", _fill_cdata(credential))


def svg_bake_ob2(svg: str, *, assertion_url: str) -> str:
    """`svg` with an OB 2.0 `<openbadges:assertion verify="URL"/>` as its first child."""
    _check_xml_text(assertion_url)
    return _bake_svg_element(svg, OB2_NS, "assertion", _fill_verify(assertion_url))


def svg_extract(svg: bytes) -> BakedSvg | None:
    """What `svg` carries: its OB 3.0 credential if it has one, else its OB 2.0 assertion URL.

    None when the image carries neither. Surrounding whitespace is stripped from the credential
    (bakers commonly indent the CDATA). Raises BakingError when the file is too large, not an
    SVG, declares a DTD or entities, or holds more than one element of the same kind.
    """
    _check_size(svg)
    try:
        root = SafeElementTree.fromstring(
            svg, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except defusedxml.DefusedXmlException:
        raise _error("unsafe_xml") from None
    except (SafeElementTree.ParseError, ValueError):
        raise _error("not_svg") from None
    if root.tag != f"{{{SVG_NS}}}svg":
        raise _error("not_svg")

    credentials = list(root.iter(f"{{{OB3_NS}}}credential"))
    assertions = list(root.iter(f"{{{OB2_NS}}}assertion"))
    if len(credentials) > 1 or len(assertions) > 1:
        raise _error("ambiguous")
    if credentials:
        text = "".join(credentials[0].itertext()).strip()
        if not text:
            raise _error("unreadable")
        return BakedSvg("ob3", text)
    if assertions:
        url = (assertions[0].get("verify") or "").strip()
        if not url:
            raise _error("unreadable")
        return BakedSvg("ob2", url)
    return None
