"""The public attestation page, kept rendered for anonymous visitors: fast, never stale, and
each visitor still gets a CSRF token of their own."""

import re

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from badges.models import Award


def _token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_second_anonymous_visit_is_one_small_query(client, award, django_assert_num_queries):
    url = reverse("credential_pages:attestation", args=[award.pk])
    first = client.get(url).content.decode()
    with django_assert_num_queries(1):
        second = client.get(url).content.decode()
    assert _token(first) and _token(second)
    assert re.sub(r'value="[^"]+"', "", first).replace(_token(first), "") == \
        re.sub(r'value="[^"]+"', "", second).replace(_token(second), "")
    assert "<csrf-token/>" not in second


def test_each_visitor_posts_the_language_switch_with_their_own_token(award):
    url = reverse("credential_pages:attestation", args=[award.pk])
    Client().get(url)  # fills the cache
    for _ in range(2):
        visitor = Client(enforce_csrf_checks=True)
        html = visitor.get(url).content.decode()
        response = visitor.post("/i18n/setlang/", {"language": "en", "next": url,
                                                   "csrfmiddlewaretoken": _token(html)})
        assert response.status_code == 302


def test_any_change_to_what_the_page_shows_is_seen_at_once(client, award, world):
    url = reverse("credential_pages:attestation", args=[award.pk])
    assert "Ariane Fictive" in client.get(url).content.decode()
    world.learner.full_name = "Ariane Renommée"
    world.learner.save()
    assert "Ariane Renommée" in client.get(url).content.decode()
    Award.objects.filter(pk=award.pk).update(revoked=True, revoked_at=timezone.now(),
                                             revocation_reason="Erreur.")
    assert "Ce badge a été révoqué" in client.get(url).content.decode()
    Award.objects.filter(pk=award.pk).update(published=False)
    assert client.get(url).status_code == 404


def test_people_signed_in_always_get_their_own_page(client, award, world):
    url = reverse("credential_pages:attestation", args=[award.pk])
    client.get(url)
    client.force_login(world.reviewer)
    assert reverse("credential_pages:award_revoke", args=[award.pk]) in \
        client.get(url).content.decode()
