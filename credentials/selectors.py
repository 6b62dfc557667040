"""Reads for the credentials app."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from badges.models import Award
from badges.selectors import award_program
from core.text import localized
from credentials.models import IssuedCredential
from credentials.pdf import AttestationPdf
from training.models import LevelKind


def _answers_shown(award: Award) -> bool:
    # As on the attestation page: an unpublished award is only seen by its recipient or staff.
    return award.answers_published or not award.published


def attestation_pdf_data(award: Award, language: str) -> AttestationPdf:
    program = award_program(award=award)
    with translation.override(language):
        kind = award.badge_class.level_kind
        level = str(LevelKind(kind).label) if kind in LevelKind.values else kind
        status = award.status
        if status == Award.Status.REVOKED:
            note = _("Révoqué le %(date)s : ce badge n'atteste plus rien.") % {
                "date": award.revoked_at.date().isoformat() if award.revoked_at else ""}
        elif status == Award.Status.EXPIRED:
            note = _("Expiré le %(date)s.") % {"date": award.expires_at.date().isoformat()}
        else:
            note = ""
        attestation_url = settings.SITE_URL + reverse("credential_pages:attestation",
                                                      args=[award.pk])
    return AttestationPdf(
        language=language,
        member_name=award.recipient.full_name,
        badge_name=localized(award.badge_class.name, language),
        level=level,
        program=localized(program.title, language) if program else "",
        program_description=localized(program.description, language) if program else "",
        issuer_name=settings.SEXTO_ISSUER_NAME,
        issuer_url=settings.SITE_URL + "/",
        granted_at=award.granted_at,
        attestation_url=attestation_url,
        evidence=[
            (localized(item.get("title"), language),
             item.get("answer") if _answers_shown(award) else None,
             item.get("lang", ""))  # every stored answer has one (badges migration 0002)
            for item in award.evidence or []
        ],
        status_note=note,
    )


# --- Law 25 ---------------------------------------------------------------------------------


def personal_data(user) -> dict:
    """What this app holds about a person (for a Law 25 access request).

    The signed credentials issued for the person's awards, as issued: each names its recipient
    by a salted hash of their email and may carry their published answers.
    """
    return {
        "issued_credentials": [
            {
                "id": str(c.id),
                "award": str(c.award_id),
                "signed_at": c.signed_at.isoformat(),
                "status_index": c.status_index,
                "document": c.document,
            }
            for c in IssuedCredential.objects.filter(award__recipient=user).order_by("created_at")
        ],
    }
