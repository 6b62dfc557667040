"""The accounts' panels on the person's home (accounts.home): join requests waiting for an
administrator, and what the person's own account still needs."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import JoinRequest, Membership, Organisation, Role
from accounts.services import join_request_approve, join_request_create
from conftest import make_user
from core.tests.homepage import home, panel, panel_count, panel_keys


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def newcomers(world):
    """Two people waiting to join world.school, one waiting at a school of another centre."""
    other_centre = Organisation.objects.create(
        kind=Organisation.Kind.SERVICE_CENTRE, name="Centre des Collines", code="css-coll")
    other_school = Organisation.objects.create(
        kind=Organisation.Kind.SCHOOL, name="École des Collines", code="ecole-coll",
        parent=other_centre, territory=world.territory)
    people = [make_user(f"nouveau{n}@example.test", f"Nouveau Fictif {n}") for n in range(3)]
    join_request_create(user=people[0], organisation=world.school)
    join_request_create(user=people[1], organisation=world.school_no_agreement)
    join_request_create(user=people[2], organisation=other_school)
    return people


def test_organisation_administrator_sees_the_join_requests_of_their_schools(world, newcomers):
    response = home(signed_in(world.org_admin))
    assert panel_count(response, "join-requests") == 2
    section = panel(response, "join-requests")
    assert newcomers[0].full_name in section and newcomers[1].full_name in section
    assert newcomers[2].full_name not in section  # another centre's school
    assert f'{reverse("accounts:people")}#requests-heading' in section


def test_a_decided_request_no_longer_waits(world, newcomers):
    join_request = JoinRequest.objects.get(user=newcomers[0])
    join_request_approve(approver=world.org_admin, join_request=join_request)
    response = home(signed_in(world.org_admin))
    assert panel_count(response, "join-requests") == 1
    assert newcomers[0].full_name not in panel(response, "join-requests")


def test_no_request_waiting_says_so(world):
    response = home(signed_in(world.org_admin))
    assert panel_count(response, "join-requests") == 0
    assert "Aucune déclaration en attente." in panel(response, "join-requests")


def test_the_platform_administrator_sees_every_request(world, newcomers):
    # The people page's own rule: a platform administrator decides them all there.
    assert panel_count(home(signed_in(world.platform_admin)), "join-requests") == 3


@pytest.mark.parametrize("who", ["learner", "principal", "reviewer", "police", "author",
                                 "outsider"])
def test_others_do_not_see_join_requests(world, newcomers, who):
    response = home(signed_in(getattr(world, who)))
    assert "join-requests" not in panel_keys(response)
    assert newcomers[0].full_name not in response.content.decode()


def test_many_requests_link_to_all_of_them(world):
    for n in range(7):
        join_request_create(user=make_user(f"x{n}@example.test", f"Personne {n}"),
                            organisation=world.school)
    response = home(signed_in(world.org_admin))
    section = panel(response, "join-requests")
    assert panel_count(response, "join-requests") == 7
    assert section.count("<li>") == 5
    assert "Voir toutes les déclarations" in section


def test_own_account_panel_asks_to_confirm_the_address_and_shows_a_pending_school(world):
    person = make_user("karine@example.test", "Karine Fictive")
    join_request_create(user=person, organisation=world.school)
    section = panel(home(signed_in(person)), "account")
    assert reverse("accounts:verify_email_resend") in section
    assert "École des Pionniers : en attente d'une décision" in section
    # Once confirmed and accepted, nothing is left to say.
    person.email_verified_at = timezone.now()
    person.save()
    join_request_approve(approver=world.org_admin,
                         join_request=JoinRequest.objects.get(user=person))
    assert "account" not in panel_keys(home(signed_in(person)))
    assert Membership.objects.filter(user=person, role=Role.STAFF).exists()
