"""The privacy panels on the person's home (privacy.home): access requests to answer with their
legal deadline, soonest first, the overdue ones marked; requests waiting for the head of the
organisation's approval; nothing of them without a second factor."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from conftest import login_verified
from core.tests.homepage import home, panel, panel_count, panel_keys
from privacy import services
from privacy.models import RESPONSE_DAYS, AccessRequest


def verified(user) -> Client:
    return login_verified(Client(), user)


def _record(officer, organisation, subject, *, days_ago: int, name: str) -> AccessRequest:
    return services.access_request_record(
        officer=officer, organisation=organisation, requester_name=name,
        requester_capacity="self", received_on=timezone.localdate()
        - datetime.timedelta(days=days_ago),
        identity_verification="Pièce d'identité vue en personne.", language="fr",
        subject=subject)


@pytest.fixture
def requests(world, privacy):
    """At world.centre: received 40 days ago (overdue), 3 days ago, 10 days ago, and one
    delivered; at the other centre, one."""
    recent = _record(privacy.officer, world.centre, world.learner, days_ago=3,
                     name="Demandeur Récent")
    overdue = _record(privacy.officer, world.centre, world.learner, days_ago=40,
                      name="Demandeur En Retard")
    middle = _record(privacy.officer, world.centre, world.principal, days_ago=10,
                     name="Demandeur Milieu")
    delivered = _record(privacy.officer, world.centre, world.learner, days_ago=20,
                        name="Demandeur Servi")
    AccessRequest.objects.filter(pk=delivered.pk).update(
        status=AccessRequest.Status.DELIVERED, assembled_at=timezone.now(),
        package_sha256="a" * 64, approved_at=timezone.now(), approved_sha256="a" * 64,
        delivered_at=timezone.now())
    elsewhere = _record(privacy.other_officer, privacy.other_centre, privacy.other_member,
                        days_ago=1, name="Demandeur Ailleurs")
    return {"recent": recent, "overdue": overdue, "middle": middle, "delivered": delivered,
            "elsewhere": elsewhere}


def test_privacy_officer_sees_requests_due_soonest_first_with_their_deadline(privacy,
                                                                            requests):
    response = home(verified(privacy.officer))
    assert panel_count(response, "access-requests") == 3
    section = panel(response, "access-requests")
    names = re.findall(r"Demande de (Demandeur [\w ]+?), reçue", section)
    assert names == ["Demandeur En Retard", "Demandeur Milieu", "Demandeur Récent"]
    assert "Demandeur Servi" not in section and "Demandeur Ailleurs" not in section
    for access_request in (requests["overdue"], requests["middle"], requests["recent"]):
        due = access_request.received_on + datetime.timedelta(days=RESPONSE_DAYS)
        assert access_request.due_on == due
        assert reverse("privacy:request_detail", args=[access_request.pk]) in section
    # Only the one past its deadline is marked.
    items = re.findall(r"<li>(.*?)</li>", section, re.S)
    assert ["(en retard)" in item for item in items] == [True, False, False]


def test_the_deadline_is_shown_as_a_date(privacy, requests):
    section = panel(home(verified(privacy.officer)), "access-requests")
    due = requests["recent"].due_on
    assert f"Réponse due le {date_format(due, 'DATE_FORMAT')}" in section


def test_another_organisation_s_officer_sees_only_theirs(privacy, requests):
    response = home(verified(privacy.other_officer))
    assert panel_count(response, "access-requests") == 1
    assert "Demandeur Ailleurs" in panel(response, "access-requests")
    assert "Demandeur Récent" not in response.content.decode()


def test_no_request_in_progress_says_so(privacy):
    response = home(verified(privacy.officer))
    assert panel_count(response, "access-requests") == 0
    assert "Aucune demande d&#x27;accès en cours." in panel(response, "access-requests")


@pytest.mark.parametrize("who", ["learner", "reviewer", "police", "org_admin", "outsider"])
def test_others_see_no_request(world, privacy, requests, who):
    response = home(verified(getattr(world, who)))
    assert not {"access-requests", "access-approvals"} & set(panel_keys(response))
    assert "Demandeur" not in response.content.decode()


def test_without_a_second_factor_the_panel_says_so_and_shows_nothing(privacy, requests):
    client = Client()
    client.force_login(privacy.officer)
    response = home(client)
    section = panel(response, "access-requests")
    assert "second facteur" in section
    assert panel_count(response, "access-requests") is None
    assert "Demandeur" not in response.content.decode()
    assert f"{reverse('accounts:security')}?next=%2Ffr%2F" in section


def test_the_head_of_the_school_sees_requests_waiting_for_approval(world, privacy, requests):
    # No panel while nothing waits for their approval.
    assert "access-approvals" not in panel_keys(home(verified(world.principal)))
    # A request about a staff member of the centre waits for the centre's administrator.
    services.access_request_assemble(access_request=requests["middle"],
                                     officer=privacy.officer)
    response = home(verified(world.org_admin))
    assert panel_count(response, "access-approvals") == 1
    assert "Demandeur Milieu" in panel(response, "access-approvals")
    assert "Demandeur Récent" not in panel(response, "access-approvals")
    assert "access-approvals" not in panel_keys(home(verified(world.principal)))
