"""Open Badges 2.0 documents for backpacks that only speak 2.0 (hosted verification).

Issuer, BadgeClass and Assertion are served as JSON at stable URLs; the assertion's
verification is "hosted": a verifier fetches the assertion's id and trusts our answer, so a
revoked assertion answers revoked (and never says why: the reason is not public).
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from core.text import localized
from credentials.compose import absolute, badge_image_path, identity_hash, iso_utc

OB2_CONTEXT = "https://w3id.org/openbadges/v2"


def issuer_url() -> str:
    return absolute(reverse("credentials:ob2_issuer"))


def badge_class_url(badge_class) -> str:
    return absolute(reverse("credentials:ob2_badge_class", args=[badge_class.slug]))


def assertion_url(award) -> str:
    return absolute(reverse("credentials:ob2_assertion", args=[award.pk]))


def issuer() -> dict:
    return {
        "@context": OB2_CONTEXT,
        "type": "Issuer",
        "id": issuer_url(),
        "name": settings.SEXTO_ISSUER_NAME,
        "url": settings.SITE_URL + "/",
        "email": settings.SEXTO_ISSUER_EMAIL,
    }


def badge_class(badge_class) -> dict:
    return {
        "@context": OB2_CONTEXT,
        "type": "BadgeClass",
        "id": badge_class_url(badge_class),
        "name": localized(badge_class.name, "fr"),
        "description": localized(badge_class.description, "fr"),
        "image": absolute(badge_image_path(badge_class)),
        "criteria": {"narrative": localized(badge_class.criteria, "fr")},
        "issuer": issuer_url(),
    }


def assertion(award, *, salt: str) -> dict:
    url = assertion_url(award)
    if award.revoked:
        return {"@context": OB2_CONTEXT, "type": "Assertion", "id": url, "revoked": True}
    document = {
        "@context": OB2_CONTEXT,
        "type": "Assertion",
        "id": url,
        "recipient": {
            "type": "email",
            "hashed": True,
            "salt": salt,
            "identity": identity_hash(award.recipient.email, salt),
        },
        "badge": badge_class_url(award.badge_class),
        "issuedOn": iso_utc(award.granted_at),
        "verification": {"type": "hosted"},
        "image": absolute(reverse("credentials:ob2_png", args=[award.pk])),
    }
    if award.expires_at is not None:
        document["expires"] = iso_utc(award.expires_at)
    if award.evidence:
        document["evidence"] = [
            {"type": "Evidence", "name": localized(item.get("title"), "fr"),
             **({"narrative": item["answer"]} if award.answers_published and item.get("answer")
                else {})}
            for item in award.evidence
        ]
    return document
