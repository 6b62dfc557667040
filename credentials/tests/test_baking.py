"""Open Badges baking: PNG iTXt chunks and SVG elements, in and out, and hostile images."""

import json
import struct
import zlib
from pathlib import Path

import defusedxml.ElementTree as SafeElementTree
import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from core.exceptions import ApplicationError
from credentials.baking import (
    MAX_IMAGE_BYTES,
    PNG_KEYWORD_OB2,
    PNG_KEYWORD_OB3,
    BakedSvg,
    BakingError,
    png_bake,
    png_extract,
    svg_bake,
    svg_bake_ob2,
    svg_extract,
)

BADGES = Path(__file__).resolve().parent.parent / "static" / "credentials" / "badges"

CREDENTIAL = json.dumps(
    {
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Sexto – Explorateur, niveau réussi à l'École des Érables 🎓",
    },
    ensure_ascii=False,
)
JWT = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"

SVG = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    "<!-- badge de test -->\n"
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
    '<title>Badge</title><rect width="10" height="10"/></svg>'
)


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def make_png(*extra: bytes) -> bytes:
    """A valid 1x1 grey PNG, with `extra` chunks between IDAT and IEND."""
    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00\x80")  # filter byte 0, one grey pixel
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", idat)
        + b"".join(extra)
        + chunk(b"IEND", b"")
    )


def text_chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    found, offset = [], 8
    while offset < len(png):
        (length,) = struct.unpack_from(">I", png, offset)
        kind = png[offset + 4 : offset + 8]
        if kind in (b"iTXt", b"tEXt", b"zTXt"):
            found.append((kind, png[offset + 8 : offset + 8 + length]))
        offset += 12 + length
    return found


def error_code(call) -> str:
    with pytest.raises(BakingError) as caught:
        call()
    return caught.value.code


# --- PNG -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("keyword", "text"),
    [(PNG_KEYWORD_OB3, CREDENTIAL), (PNG_KEYWORD_OB3, JWT), (PNG_KEYWORD_OB2, "https://x.test/a")],
)
def test_png_round_trip(keyword, text):
    baked = png_bake(make_png(), keyword=keyword, text=text)
    assert png_extract(baked, keyword=keyword) == text


def test_png_chunk_is_uncompressed_itxt_before_iend():
    baked = png_bake(make_png(), keyword=PNG_KEYWORD_OB3, text="é")
    assert text_chunks(baked) == [(b"iTXt", b"openbadgecredential\0\0\0\0\0" + "é".encode())]
    assert baked.endswith(chunk(b"IEND", b""))


def test_png_keywords_are_independent():
    baked = png_bake(make_png(), keyword=PNG_KEYWORD_OB2, text="https://x.test/a")
    assert png_extract(baked, keyword=PNG_KEYWORD_OB3) is None
    assert png_extract(baked, keyword=PNG_KEYWORD_OB2) == "https://x.test/a"


def test_png_rebaking_replaces_the_credential():
    legacy = chunk(b"tEXt", b"openbadgecredential\0old")
    once = png_bake(make_png(legacy), keyword=PNG_KEYWORD_OB3, text="first")
    twice = png_bake(once, keyword=PNG_KEYWORD_OB3, text="second")
    assert png_extract(twice, keyword=PNG_KEYWORD_OB3) == "second"
    assert len(text_chunks(twice)) == 1


def test_png_other_text_chunks_are_kept():
    other = chunk(b"tEXt", b"Software\0Inkscape")
    baked = png_bake(make_png(other), keyword=PNG_KEYWORD_OB3, text="x")
    assert (b"tEXt", b"Software\0Inkscape") in text_chunks(baked)


def test_png_without_credential_gives_none():
    assert png_extract(make_png(), keyword=PNG_KEYWORD_OB3) is None


def test_png_extract_reads_text_and_compressed_chunks():
    text = chunk(b"tEXt", b"openbadges\0https://x.test/b")
    assert png_extract(make_png(text), keyword=PNG_KEYWORD_OB2) == "https://x.test/b"

    payload = zlib.compress(CREDENTIAL.encode())
    itxt = chunk(b"iTXt", b"openbadgecredential\0\x01\x00fr\0\0" + payload)
    assert png_extract(make_png(itxt), keyword=PNG_KEYWORD_OB3) == CREDENTIAL

    ztxt = chunk(b"zTXt", b"openbadges\0\0" + zlib.compress(b"https://x.test/c"))
    assert png_extract(make_png(ztxt), keyword=PNG_KEYWORD_OB2) == "https://x.test/c"


def test_png_with_two_credentials_is_refused():
    one = chunk(b"iTXt", b"openbadgecredential\0\0\0\0\0one")
    two = chunk(b"tEXt", b"openbadgecredential\0two")
    assert error_code(lambda: png_extract(make_png(one, two), keyword=PNG_KEYWORD_OB3)) == (
        "ambiguous"
    )


def test_png_compression_bomb_is_refused():
    bomb = zlib.compress(b"a" * (MAX_IMAGE_BYTES + 10), 9)
    itxt = chunk(b"iTXt", b"openbadgecredential\0\x01\x00\0\0" + bomb)
    assert error_code(lambda: png_extract(make_png(itxt), keyword=PNG_KEYWORD_OB3)) == ("too_large")


@pytest.mark.parametrize(
    "data",
    [
        b"openbadgecredential\0\0\0\0\0\xff\xfe",  # not UTF-8
        b"openbadgecredential\0\0\0",  # fields missing
        b"openbadgecredential\0\x01\x00\0\0not zlib",
    ],
)
def test_png_unreadable_credential_is_refused(data):
    png = make_png(chunk(b"iTXt", data))
    assert error_code(lambda: png_extract(png, keyword=PNG_KEYWORD_OB3)) == "unreadable"


def test_png_with_a_corrupt_crc_is_refused():
    baked = bytearray(png_bake(make_png(), keyword=PNG_KEYWORD_OB3, text=CREDENTIAL))
    baked[baked.index(b"Explorateur")] ^= 0x20  # one flipped bit in the credential
    assert error_code(lambda: png_extract(bytes(baked), keyword=PNG_KEYWORD_OB3)) == "corrupt"
    assert error_code(lambda: png_bake(bytes(baked), keyword=PNG_KEYWORD_OB3, text="x")) == (
        "corrupt"
    )


@pytest.mark.parametrize(
    "png",
    [
        make_png()[:-6],  # truncated inside IEND
        make_png()[:-12],  # no IEND at all
        make_png() + b"hidden",  # bytes after IEND
        b"\x89PNG\r\n\x1a\n" + chunk(b"IDAT", b"") + chunk(b"IEND", b""),  # IHDR not first
    ],
)
def test_png_with_a_broken_structure_is_refused(png):
    assert error_code(lambda: png_extract(png, keyword=PNG_KEYWORD_OB3)) == "corrupt"


@pytest.mark.parametrize("data", [b"", b"GIF89a...", SVG.encode(), b"\x89PNG\r\n"])
def test_not_a_png_is_refused(data):
    assert error_code(lambda: png_extract(data, keyword=PNG_KEYWORD_OB3)) == "not_png"
    assert error_code(lambda: png_bake(data, keyword=PNG_KEYWORD_OB3, text="x")) == "not_png"


def test_too_large_png_is_refused():
    huge = make_png(chunk(b"tEXt", b"Comment\0" + b"a" * MAX_IMAGE_BYTES))
    assert error_code(lambda: png_extract(huge, keyword=PNG_KEYWORD_OB3)) == "too_large"


def test_error_is_an_application_error_translated_from_french():
    with pytest.raises(ApplicationError) as caught:
        png_extract(b"nope", keyword=PNG_KEYWORD_OB3)
    assert caught.value.message == "Ce fichier n'est pas une image PNG valide."
    assert isinstance(caught.value, BakingError)


def test_error_message_follows_the_active_language():
    with translation.override("en"), pytest.raises(BakingError) as caught:
        png_extract(b"nope", keyword=PNG_KEYWORD_OB3)
    # Before the lead engineer adds the English catalog entry, the French source comes back.
    assert caught.value.message in (
        "Ce fichier n'est pas une image PNG valide.",
        "This file is not a valid PNG image.",
    )


@pytest.mark.parametrize("keyword", ["", "a" * 80, " lead", "tab\there", "clé€"])
def test_png_invalid_keyword_is_a_programming_error(keyword):
    with pytest.raises(ValueError, match="keyword"):
        png_bake(make_png(), keyword=keyword, text="x")


def test_png_artwork_round_trip():
    png = (BADGES / "sexto-explorateur.png").read_bytes()
    baked = png_bake(png, keyword=PNG_KEYWORD_OB3, text=JWT)
    assert png_extract(baked, keyword=PNG_KEYWORD_OB3) == JWT
    assert png_extract(png, keyword=PNG_KEYWORD_OB3) is None


@settings(max_examples=200, deadline=None)
@given(text=st.text())
def test_png_round_trip_property(text):
    assert (
        png_extract(
            png_bake(make_png(), keyword=PNG_KEYWORD_OB3, text=text), keyword=PNG_KEYWORD_OB3
        )
        == text
    )


# --- SVG -----------------------------------------------------------------------------------


@pytest.mark.parametrize("credential", [CREDENTIAL, JWT])
def test_svg_round_trip_ob3(credential):
    baked = svg_bake(SVG, credential=credential)
    assert svg_extract(baked.encode()) == BakedSvg("ob3", credential)


def test_svg_credential_is_the_first_child_with_its_namespace_on_the_root():
    baked = svg_bake(SVG, credential=JWT)
    assert 'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"' in baked
    root = SafeElementTree.fromstring(baked.encode())
    assert root[0].tag == "{https://purl.imsglobal.org/ob/v3p0}credential"
    assert f"<openbadges:credential><![CDATA[{JWT}]]></openbadges:credential>" in baked
    assert "<!-- badge de test -->" in baked  # the rest of the file is kept
    assert "<title>Badge</title>" in baked


def test_svg_round_trip_ob2():
    baked = svg_bake_ob2(SVG, assertion_url="https://sexto.test/a/1?x=1&y=2")
    assert 'xmlns:openbadges="http://openbadges.org"' in baked
    assert svg_extract(baked.encode()) == BakedSvg("ob2", "https://sexto.test/a/1?x=1&y=2")


def test_svg_cdata_terminator_inside_the_credential_round_trips():
    tricky = '{"note": "]]><script>alert(1)</script>", "end": "]]"}]]>'
    baked = svg_bake(SVG, credential=tricky)
    assert svg_extract(baked.encode()) == BakedSvg("ob3", tricky)
    assert "<script>" not in baked.replace("<![CDATA[", "").split("]]>")[0]


def test_svg_rebaking_replaces_the_credential():
    twice = svg_bake(svg_bake(SVG, credential="first"), credential="second")
    assert twice.count("<openbadges:credential>") == 1
    assert svg_extract(twice.encode()) == BakedSvg("ob3", "second")


def test_svg_ob3_wins_over_ob2_and_both_namespaces_stay_correct():
    both = svg_bake(svg_bake_ob2(SVG, assertion_url="https://x.test/a"), credential=JWT)
    assert svg_extract(both.encode()) == BakedSvg("ob3", JWT)
    # The root binds the prefix to OB 2.0, so the OB 3.0 element declares its own.
    assert 'credential xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"' in both


def test_svg_extract_accepts_an_indented_cdata():
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:ob="https://purl.imsglobal.org/ob/v3p0">'
        f"\n  <ob:credential>\n    <![CDATA[\n{CREDENTIAL}\n    ]]>\n  </ob:credential></svg>"
    )
    assert svg_extract(svg.encode()) == BakedSvg("ob3", CREDENTIAL)


def test_svg_without_credential_gives_none():
    assert svg_extract(SVG.encode()) is None


def test_svg_empty_credential_is_refused():
    element = '<c:credential xmlns:c="https://purl.imsglobal.org/ob/v3p0"> </c:credential>'
    svg = f'<svg xmlns="http://www.w3.org/2000/svg">{element}</svg>'
    assert error_code(lambda: svg_extract(svg.encode())) == "unreadable"


def test_svg_with_two_credentials_is_refused():
    element = '<c:credential xmlns:c="https://purl.imsglobal.org/ob/v3p0">x</c:credential>'
    svg = f'<svg xmlns="http://www.w3.org/2000/svg">{element}<g>{element}</g></svg>'
    assert error_code(lambda: svg_extract(svg.encode())) == "ambiguous"


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE svg [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<svg xmlns="http://www.w3.org/2000/svg"><title>&lol3;</title></svg>"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE svg [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<svg xmlns="http://www.w3.org/2000/svg"><title>&secret;</title></svg>"""

PLAIN_DTD = """<?xml version="1.0"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN"
  "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg xmlns="http://www.w3.org/2000/svg"/>"""


@pytest.mark.parametrize("svg", [BILLION_LAUGHS, EXTERNAL_ENTITY, PLAIN_DTD])
def test_svg_with_a_dtd_or_entities_is_refused(svg):
    assert error_code(lambda: svg_extract(svg.encode())) == "unsafe_xml"
    assert error_code(lambda: svg_bake(svg, credential="x")) == "unsafe_xml"


@pytest.mark.parametrize(
    "data",
    [b"", b"not xml", b"<svg>unclosed", b"<html xmlns='http://www.w3.org/1999/xhtml'/>", b"<svg/>"],
)
def test_not_an_svg_is_refused(data):
    # <svg/> without the SVG namespace is not an SVG document either.
    assert error_code(lambda: svg_extract(data)) == "not_svg"
    assert error_code(lambda: svg_bake(data.decode(), credential="x")) == "not_svg"


def test_too_large_svg_is_refused():
    svg = SVG.replace("<title>", "<title>" + "a" * MAX_IMAGE_BYTES)
    assert error_code(lambda: svg_extract(svg.encode())) == "too_large"


@pytest.mark.parametrize("credential", ["", "  ", "nul\x00byte"])
def test_svg_text_xml_cannot_carry_is_a_programming_error(credential):
    with pytest.raises(ValueError, match="XML"):
        svg_bake(SVG, credential=credential)


@pytest.mark.parametrize("name", ["sexto-explorateur.svg", "sexto-architecte.svg"])
def test_svg_artwork_round_trip(name):
    svg = (BADGES / name).read_text(encoding="utf-8")
    assert svg_extract(svg.encode()) is None
    baked = svg_bake(svg, credential=CREDENTIAL)
    assert svg_extract(baked.encode()) == BakedSvg("ob3", CREDENTIAL)
