"""A badge's status, checked at each request and said in words with its image, the same on the
public attestation, "Mes badges" and the member's public profile (issue 11)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from badges.models import Award
from badges.services import award_revoke, award_visibility_set, badge_request_review

STATES = {
    "valid": ("status-granted", {"fr": "Valide", "en": "Valid"},
              {"fr": "reste valide jusqu'au", "en": "remains valid until"}),
    "expired": ("status-expired", {"fr": "Expiré", "en": "Expired"},
                {"fr": "Ce badge a expiré le", "en": "This badge expired on"}),
    "revoked": ("status-revoked", {"fr": "Révoqué", "en": "Revoked"},
                {"fr": "Ce badge a été révoqué le", "en": "This badge was revoked on"}),
}


@pytest.fixture
def award(submitted, world):
    badge_request_review(badge_request=submitted, reviewer=world.reviewer, decision="grant")
    award = Award.objects.get(request=submitted)
    award_visibility_set(award=award, user=world.learner, visibility="with_answers")
    world.learner.profile_published = True
    world.learner.save(update_fields=["profile_published"])
    award.refresh_from_db()
    return award


def _make(state, award, world):
    if state == "expired":
        award.expires_at = timezone.now() - datetime.timedelta(days=1)
        award.save(update_fields=["expires_at"])
    elif state == "revoked":
        award_revoke(award=award, reason="Motif confidentiel.", actor=world.reviewer)


def _banner(html: str) -> str:
    start = html.index('<p class="status-banner')
    return html[start:html.index("</p>", start)]


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("state", list(STATES))
def test_each_page_says_the_status_in_words_beside_the_badge_image(client, award, world, state,
                                                                   language):
    _make(state, award, world)
    css, word, sentence = STATES[state]
    with translation.override(language):  # each page at its address in that language
        addresses = [reverse("credential_pages:attestation", args=[award.pk]),
                     reverse("badges:member_profile", args=[world.learner.handle]),
                     reverse("badges:mine")]
    assert all(address.startswith(f"/{language}/") for address in addresses)
    attestation, profile = client.get(addresses[0]), client.get(addresses[1])
    client.force_login(world.learner)
    mine = client.get(addresses[2])
    for page in (attestation, profile, mine):
        assert page.status_code == 200
        html = page.content.decode()
        assert f'<html lang="{language}"' in html
        banner = _banner(html)
        assert css in banner and f"<strong>{word[language]}</strong>" in banner
        assert sentence[language] in banner
        assert "Motif confidentiel." not in banner  # the reason is never in the banner
        assert "/static/credentials/badges/sexto-architecte.png" in html
    assert 'class="badge-image"' in attestation.content.decode()


def test_a_badge_that_never_expires_is_simply_valid(client, award):
    award.expires_at = None
    award.save(update_fields=["expires_at"])
    html = client.get(reverse("credential_pages:attestation", args=[award.pk])).content.decode()
    assert "Ce badge a été attribué et n'a pas été révoqué." in _banner(html)


def test_the_attestation_offers_plain_downloads_and_keeps_formats_for_verifiers(client, award):
    html = client.get(reverse("credential_pages:attestation", args=[award.pk])).content.decode()
    assert "Télécharger l'attestation (PDF)" in html and "Ajouter à LinkedIn" in html
    assert 'id="attestation-link"' in html and "Copier le lien" in html
    formats = html[html.index("Pour les vérificateurs"):]
    for technical in ("VC-JWT", "Open Badges 3.0 (JSON)", "Open Badges 2.0"):
        assert technical in formats and technical not in html[:html.index(
            "Pour les vérificateurs")]
