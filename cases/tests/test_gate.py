"""The badge gate, checked on every request: revoking or expiring the intervener's badge,
ending the force's agreement or removing the role closes the cases at the very next request
of a session already open."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import DpcpAgreement, Membership, Role
from badges.models import Award
from cases.tests.conftest import verified_client


@pytest.fixture
def open_session(cw, case_of):
    client = verified_client(cw.intervener)
    url = reverse("cases:case_detail", args=[case_of.pk])
    assert client.get(url).status_code == 200
    return client, url


def test_revoking_the_badge_closes_the_next_request(cw, open_session):
    client, url = open_session
    Award.objects.filter(recipient=cw.intervener).update(
        revoked=True, revoked_at=timezone.now(), revocation_reason="Révocation fictive")
    assert client.get(url).status_code == 404
    page = client.get(reverse("cases:case_list")).content.decode()
    assert "badge Trousse Sexto 2" in page  # says why


def test_an_expired_badge_closes_the_next_request(cw, open_session):
    client, url = open_session
    Award.objects.filter(recipient=cw.intervener).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get(url).status_code == 404


def test_ending_the_agreement_closes_the_next_request(cw, open_session):
    client, url = open_session
    DpcpAgreement.objects.filter(police_force=cw.force_ok).update(
        ended_on=datetime.date.today())
    assert client.get(url).status_code == 404
    assert "entente active avec le DPCP" in client.get(
        reverse("cases:case_list")).content.decode()


def test_removing_the_role_closes_the_next_request(cw, open_session):
    client, url = open_session
    Membership.objects.filter(user=cw.intervener, role=Role.INTERVENER).delete()
    assert client.get(url).status_code == 404


def test_the_principal_sees_whose_access_closed_and_what_to_reassign(cw, case_of):
    case_of.lead = cw.intervener
    case_of.save(update_fields=["lead"])
    Award.objects.filter(recipient=cw.intervener).update(
        revoked=True, revoked_at=timezone.now(), revocation_reason="Révocation fictive")
    page = verified_client(cw.principal).get(reverse("cases:interveners")).content.decode()
    assert "fermé : badge absent, révoqué ou expiré" in page
    assert case_of.reference in page  # listed among the cases to reassign


def test_an_intervener_whose_access_closed_cannot_be_made_lead(cw, case_of):
    from cases.tests.conftest import post_form

    Award.objects.filter(recipient=cw.intervener).update(
        revoked=True, revoked_at=timezone.now(), revocation_reason="Révocation fictive")
    principal = verified_client(cw.principal)
    page = principal.get(reverse("cases:case_detail", args=[case_of.pk])).content.decode()
    assert cw.intervener.full_name not in page
    post_form(principal, reverse("cases:case_lead", args=[case_of.pk]),
              {"lead": str(cw.intervener.pk)})
    case_of.refresh_from_db()
    assert case_of.lead is None


def test_designating_or_removing_an_intervener_asks_for_a_fresh_reauthentication(cw):
    """A designation grants a role that opens cases: the rule of the people page (issue 10)."""
    from accounts.models import Membership, Role
    from cases.tests.conftest import post_form

    url = reverse("cases:interveners")
    principal = verified_client(cw.principal)  # second factor, no recent re-authentication
    assert principal.get(url).status_code == 200  # the page itself needs no more
    response = post_form(principal, url, {"user": str(cw.reporter.pk)},
                         HTTP_REFERER=f"http://testserver{url}")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:reauthenticate"))
    assert not Membership.objects.filter(user=cw.reporter, role=Role.INTERVENER).exists()
    designation = Membership.objects.get(user=cw.intervener, role=Role.INTERVENER)
    response = post_form(principal, url, {"remove": str(designation.pk)})
    assert response["Location"].startswith(reverse("accounts:reauthenticate"))
    assert Membership.objects.filter(pk=designation.pk).exists()
    fresh = verified_client(cw.principal, reauthenticated=True)
    assert post_form(fresh, url, {"user": str(cw.reporter.pk)}).status_code == 302
    assert Membership.objects.filter(user=cw.reporter, role=Role.INTERVENER).exists()
