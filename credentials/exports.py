"""An award's documents as bytes: what the download links and `sexto awards export` give."""

from __future__ import annotations

import json
from pathlib import Path

from credentials import ob2
from credentials.baking import PNG_KEYWORD_OB2, PNG_KEYWORD_OB3, png_bake, svg_bake
from credentials.compose import badge_artwork
from credentials.pdf import attestation_pdf_render
from credentials.selectors import attestation_pdf_data
from credentials.services import credential_for_award, credential_jwt

STATIC_DIR = Path(__file__).resolve().parent / "static"


def _json_bytes(document: dict) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


def badge_artwork_bytes(badge_class, extension: str) -> bytes:
    """The badge's artwork, read from the app's static files (baked copies are made per award)."""
    return (STATIC_DIR / badge_artwork(badge_class, extension)).read_bytes()


def png_with_credential(artwork: bytes, document: dict) -> bytes:
    """The badge's PNG artwork baked with a signed OB 3.0 credential."""
    return png_bake(artwork, keyword=PNG_KEYWORD_OB3,
                    text=json.dumps(document, ensure_ascii=False))


def baked_png(award) -> bytes:
    return png_with_credential(badge_artwork_bytes(award.badge_class, "png"),
                               credential_for_award(award=award).document)


def baked_svg(award) -> bytes:
    credential = credential_for_award(award=award)
    svg = badge_artwork_bytes(award.badge_class, "svg").decode("utf-8")
    return svg_bake(svg, credential=json.dumps(credential.document,
                                               ensure_ascii=False)).encode("utf-8")


def baked_ob2_png(award) -> bytes:
    # The assertion itself, as OB 2.0's baking specification prefers: a backpack reads it
    # without a request, then checks it at its hosted address (its id, verification "hosted").
    return png_bake(badge_artwork_bytes(award.badge_class, "png"), keyword=PNG_KEYWORD_OB2,
                    text=json.dumps(ob2_assertion(award), ensure_ascii=False))


def ob2_assertion(award) -> dict:
    return ob2.assertion(award, salt=credential_for_award(award=award).identity_salt)


def award_export(*, award, format: str, language: str = "fr") -> bytes:  # noqa: A002
    if format == "ob3":
        return _json_bytes(credential_for_award(award=award).document)
    if format == "ob3-jwt":
        return credential_jwt(award=award).encode("ascii")
    if format == "ob2":
        return _json_bytes(ob2_assertion(award))
    if format == "png":
        return baked_png(award)
    if format == "svg":
        return baked_svg(award)
    if format == "ob2-png":
        return baked_ob2_png(award)
    if format == "pdf":
        return attestation_pdf_render(attestation_pdf_data(award, language))
    raise ValueError(f"unknown export format {format}")
