"""`sexto awards export`: every format of an award, to standard output or a file."""

import json

import pytest
from django.core.management import CommandError, call_command

from credentials.baking import png_extract, svg_extract
from credentials.verify import verify


@pytest.mark.parametrize(("fmt", "starts"), [
    ("ob3", b"{"), ("ob3-jwt", b"ey"), ("ob2", b"{"), ("png", b"\x89PNG"),
    ("svg", b"<?xml"), ("ob2-png", b"\x89PNG"), ("pdf", b"%PDF"),
])
def test_every_format_exports_to_a_file(award, tmp_path, fmt, starts):
    target = tmp_path / f"award.{fmt}"
    call_command("awards", "export", str(award.pk), "--format", fmt, "-o", str(target))
    content = target.read_bytes()
    assert content.startswith(starts)
    if fmt in ("ob3", "ob3-jwt", "png", "svg"):
        assert verify(data=content).verdict == "valid", fmt


def test_exported_images_carry_what_their_version_expects(award, tmp_path):
    png, ob2_png, svg = (tmp_path / name for name in ("a.png", "b.png", "c.svg"))
    for fmt, path in (("png", png), ("ob2-png", ob2_png), ("svg", svg)):
        call_command("awards", "export", str(award.pk), "--format", fmt, "-o", str(path))
    assert json.loads(png_extract(png.read_bytes(), keyword="openbadgecredential"))["id"] == \
        f"urn:uuid:{award.pk}"
    baked = json.loads(png_extract(ob2_png.read_bytes(), keyword="openbadges"))
    assert baked["id"].endswith(f"/ob/v2/assertions/{award.pk}.json")
    assert baked["verification"] == {"type": "hosted"}  # checked at its id, the address above
    assert svg_extract(svg.read_bytes()).kind == "ob3"


def test_pdf_is_french_by_default_and_english_on_request(award, tmp_path):
    from pypdf import PdfReader

    french, english = tmp_path / "fr.pdf", tmp_path / "en.pdf"
    call_command("awards", "export", str(award.pk), "--format", "pdf", "-o", str(french))
    call_command("awards", "export", str(award.pk), "--format", "pdf", "--lang", "en",
                 "-o", str(english))
    french_text = "".join(page.extract_text() for page in PdfReader(french).pages)
    english_text = "".join(page.extract_text() for page in PdfReader(english).pages)
    assert "Preuve et attestation de développement professionnel" in french_text
    assert "Proof and attestation of professional development" in english_text


def test_export_to_standard_output(award, capsysbinary):
    call_command("awards", "export", str(award.pk), "--format", "ob3")
    assert json.loads(capsysbinary.readouterr().out)["id"] == f"urn:uuid:{award.pk}"


def test_unknown_award_is_a_clear_error(db):
    with pytest.raises(CommandError, match="No award with the id"):
        call_command("awards", "export", "00000000-0000-4000-8000-000000000000",
                     "--format", "ob3")
