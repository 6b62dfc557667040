"""The case tool's refusals (cases.access raises PermissionDenied and Http404) show the site's
error pages (core/errors.py), in the page's language, with their status."""

import pytest
from django.urls import reverse
from django.utils import translation

from cases.tests.conftest import verified_client


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_case_of_another_school_is_not_found(cw, case_of, language):
    client = verified_client(cw.other_principal)
    with translation.override(language):
        url = reverse("cases:case_detail", args=[case_of.pk])
    response = client.get(url, headers={"accept-language": "en" if language == "fr" else "fr"})
    assert response.status_code == 404
    body = response.content.decode()
    assert f'<html lang="{language}">' in body and 'class="site-header"' in body
    assert body.count("<h1") == 1
    # Nothing says the case exists: no reference, no school.
    assert case_of.reference not in body and cw.school.name not in body
    assert cw.other_principal.email in body  # "was the link sent to this account?"
    if language == "fr":
        assert "Page introuvable" in body


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_step_of_a_case_the_reporter_only_follows_is_forbidden(cw, case_of, language):
    client = verified_client(cw.reporter)
    with translation.override(language):
        url = reverse("cases:case_step", args=[case_of.pk, "grid"])
        home = reverse("core:home")
    response = client.get(url, headers={"referer": "http://testserver" + home})
    assert response.status_code == 403
    body = response.content.decode()
    assert f'<html lang="{language}">' in body and 'class="site-header"' in body
    assert cw.reporter.full_name in body and cw.reporter.email in body
    assert f'href="http://testserver{home}"' in body  # back to where she came from
    assert "403 Forbidden" not in body
    if language == "fr":
        assert "Cette page ne vous est pas ouverte" in body


def test_a_refused_case_page_is_still_not_cached(cw, case_of):
    response = verified_client(cw.other_principal).get(
        reverse("cases:case_detail", args=[case_of.pk]))
    assert response.status_code == 404
    assert "no-store" in response["Cache-Control"]
