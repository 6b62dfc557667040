"""Open Badges 3.0.3 documents, composed field by field from an award.

Each function builds one object of the specification (1EdTech Open Badges 3.0, "Data Model"):
Profile, Achievement, AchievementSubject, Evidence, OpenBadgeCredential. French is the main
language; the English edition of an achievement is linked as a Related achievement, which is
how the specification carries alternate language editions.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse

from badges.models import level_artwork
from core.text import localized
from credentials.contexts import CREDENTIALS_V2, OB_V3P0_3_0_3
from credentials.did import issuer_did

CONTEXT = [CREDENTIALS_V2, OB_V3P0_3_0_3]
# The namespace of the credential subjects' ids (subject_id): fixed, so that an award's subject
# keeps its id whenever its credential is signed again.
SUBJECT_NAMESPACE = uuid.UUID("d749888f-3016-496e-b0de-318692ded1e6")


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def iso_utc(moment: datetime) -> str:
    """XML Schema dateTime in UTC, to the second: what verifiers compare."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def badge_artwork(badge_class, extension: str = "png") -> str:
    """The static file name of a badge's artwork (badges.models.level_artwork)."""
    return level_artwork(badge_class.level_kind, extension)


def badge_image_path(badge_class) -> str:
    return static(badge_artwork(badge_class))


def issuer_profile() -> dict:
    return {
        "id": issuer_did(),
        "type": ["Profile"],
        "name": settings.SEXTO_ISSUER_NAME,
        "url": settings.SITE_URL + "/",
        "email": settings.SEXTO_ISSUER_EMAIL,
        "image": {"id": absolute(static("credentials/issuer.png")), "type": "Image"},
    }


def achievement_url(badge_class, language: str = "fr") -> str:
    name = "credentials:achievement" if language == "fr" else "credentials:achievement_en"
    return absolute(reverse(name, args=[badge_class.slug]))


def achievement(badge_class, language: str = "fr") -> dict:
    other = "en" if language == "fr" else "fr"
    return {
        "id": achievement_url(badge_class, language),
        "type": ["Achievement"],
        "achievementType": "Badge",
        "name": localized(badge_class.name, language),
        "description": localized(badge_class.description, language),
        "criteria": {"narrative": localized(badge_class.criteria, language)},
        "image": {
            "id": absolute(badge_image_path(badge_class)),
            "type": "Image",
            "caption": localized(badge_class.name, language),
        },
        "inLanguage": language,
        "related": [{
            "id": achievement_url(badge_class, other),
            "type": ["Related"],
            "inLanguage": other,
        }],
    }


def identity_hash(email: str, salt: str) -> str:
    """OB 3.0 IdentityObject hash: "sha256$" + hex(SHA-256(identity + salt))."""
    return "sha256$" + hashlib.sha256((email.strip().lower() + salt).encode()).hexdigest()


def evidence(award) -> list[dict]:
    """The reflective answers as Markdown narratives, or only the titles when not published."""
    items = []
    for item in award.evidence or []:
        entry = {"type": ["Evidence"], "name": localized(item.get("title"), "fr")}
        if award.answers_published and item.get("answer"):
            entry["narrative"] = item["answer"]
        items.append(entry)
    return items


def subject_id(award) -> str:
    """The credential subject's id (OB 3.0 requires one of a verifier, as the VC-JWT's `sub`):
    a urn:uuid of this award's own, derived from it, which names nobody and links no two awards
    of one member."""
    return f"urn:uuid:{uuid.uuid5(SUBJECT_NAMESPACE, str(award.pk))}"


def credential_status(*, list_url: str, index: int) -> dict:
    return {
        "id": f"{list_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }


def status_list_url(status_list) -> str:
    return absolute(reverse("credentials:status_list", args=[status_list.pk]))


def open_badge_credential(*, award, status_list, status_index: int, salt: str) -> dict:
    """The unsigned OpenBadgeCredential for an award."""
    badge_class = award.badge_class
    document = {
        "@context": CONTEXT,
        "id": f"urn:uuid:{award.pk}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer_profile(),
        "validFrom": iso_utc(award.granted_at),
        "awardedDate": iso_utc(award.granted_at),
        "name": localized(badge_class.name, "fr"),
        "credentialSubject": {
            "id": subject_id(award),
            "type": ["AchievementSubject"],
            "identifier": [{
                "type": "IdentityObject",
                "identityHash": identity_hash(award.recipient.email, salt),
                "identityType": "emailAddress",
                "hashed": True,
                "salt": salt,
            }],
            "achievement": achievement(badge_class),
        },
        "credentialStatus": credential_status(list_url=status_list_url(status_list),
                                              index=status_index),
    }
    if award.expires_at is not None:
        document["validUntil"] = iso_utc(award.expires_at)
    items = evidence(award)
    if items:
        document["evidence"] = items
    return document
