"""The privacy officer's retention page: setting the schedule, the schedule each school follows,
and the destruction register."""

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Membership, Role
from audit.models import AuditEvent
from cases import retention
from cases.models import Case, DestructionRecord, RetentionSchedule
from cases.tests.conftest import post_form, verified_client
from cases.tests.factories import case_create

DAY = datetime.timedelta(days=1)


@pytest.fixture
def url():
    return reverse("cases:retention")


def _english_url() -> str:
    with translation.override("en"):
        return reverse("cases:retention")


def _fields(organisation, closed, police) -> dict:
    return {"organisation": str(organisation.pk),
            f"{organisation.pk}-closed_case_days": closed,
            f"{organisation.pk}-police_information_days": police}


def _officer(cw):
    """The centre's privacy officer, signed in with a second factor and just re-authenticated,
    as a change of schedule requires."""
    return verified_client(cw.privacy_officer, reauthenticated=True)


def test_officer_sets_the_schedule_of_their_organisation_and_its_schools_follow(cw, url):
    client = _officer(cw)
    page = client.get(url)
    assert page.status_code == 200
    # Nothing set yet: the form starts from the defaults the organisation follows.
    assert 'value="730"' in page.text and 'value="365"' in page.text

    response = post_form(client, url, _fields(cw.centre, 400, 90))

    assert response.status_code == 302
    row = RetentionSchedule.objects.get(organisation=cw.centre)
    assert (row.closed_case_days, row.police_information_days) == (400, 90)
    schedule = retention.schedule_for(cw.school)
    assert (schedule.closed_case_days, schedule.organisation) == (400, cw.centre)
    event = AuditEvent.objects.filter(action="case.retention_schedule_set").get()
    assert (event.actor, event.target_id) == (cw.privacy_officer, str(cw.centre.pk))
    assert event.data == {"closed_case_days": 400, "police_information_days": 90,
                          "previous": None}
    page = client.get(url)
    assert "Cette organisation a son propre calendrier." in page.text
    assert "Retirer ce calendrier" in page.text


def test_bad_days_are_refused_with_a_translated_error_and_the_input_kept(cw, url):
    client = _officer(cw)
    response = post_form(client, url, _fields(cw.centre, 0, "douze"))
    assert response.status_code == 400
    assert not RetentionSchedule.objects.exists()
    text = response.text
    assert "supérieure ou égale à 1" in text
    assert "Saisissez un nombre entier." in text
    assert 'value="douze"' in text

    response = post_form(client, _english_url(), _fields(cw.centre, 9000, 30))
    assert response.status_code == 400
    assert "less than or equal to 7300" in response.text
    assert 'value="9000"' in response.text and 'value="30"' in response.text


def test_removing_the_schedule_brings_back_the_parents(cw, url):
    RetentionSchedule.objects.create(organisation=cw.centre, closed_case_days=100,
                                     police_information_days=50)
    client = _officer(cw)
    response = post_form(client, url, {"organisation": str(cw.centre.pk), "remove": "1"})
    assert response.status_code == 302
    assert not RetentionSchedule.objects.exists()
    assert retention.schedule_for(cw.school).organisation is None
    event = AuditEvent.objects.get(action="case.retention_schedule_removed")
    assert (event.target_id, event.data) == (str(cw.centre.pk), {"previous": {
        "closed_case_days": 100, "police_information_days": 50}})


def test_an_organisation_of_someone_else_cannot_be_set(cw, url):
    # The other service centre's officer names ours: refused, nothing written.
    client = verified_client(cw.other_privacy_officer, reauthenticated=True)
    response = post_form(client, url, _fields(cw.centre, 10, 10))
    assert response.status_code == 400
    assert "Choisissez une organisation" in response.text
    assert not RetentionSchedule.objects.exists()


@pytest.mark.parametrize("role", ["principal", "intervener", "org_admin", "platform_admin",
                                  "police", "reporter"])
def test_only_privacy_officers_may_write(cw, url, role):
    client = verified_client(getattr(cw, role), reauthenticated=True)
    response = post_form(client, url, _fields(cw.school, 10, 10))
    assert response.status_code == 403
    assert not RetentionSchedule.objects.exists()
    assert AuditEvent.objects.filter(action="case.access_refused",
                                     actor=getattr(cw, role)).exists()


def test_each_school_shows_the_schedule_it_follows(cw, url):
    RetentionSchedule.objects.create(organisation=cw.school, closed_case_days=60,
                                     police_information_days=30)
    page = verified_client(cw.privacy_officer).get(url)
    rows = page.context["schools"]
    assert [(school, schedule.closed_case_days, schedule.organisation)
            for school, schedule in rows] == [
        (cw.school, 60, cw.school),
        (cw.school_no_agreement, 730, None),
    ]


def test_the_destruction_register_shows_our_schools_only_in_the_readers_language(cw, url):
    now = timezone.now()
    RetentionSchedule.objects.create(organisation=cw.centre, closed_case_days=30,
                                     police_information_days=30)
    ours = case_create(cw.school, status=Case.Status.CLOSED, closed_at=now - 31 * DAY)
    theirs = case_create(cw.other_school, status=Case.Status.CLOSED, closed_at=now - 800 * DAY)
    retention.purge(now=now)
    assert DestructionRecord.objects.count() == 2

    client = verified_client(cw.privacy_officer)
    page = client.get(url)
    assert str(ours.pk) in page.text and str(theirs.pk) not in page.text
    assert "Centre de services scolaire des Trois-Lacs : conservé 30 jours" in page.text
    assert "dossier entier" in page.text

    page = client.get(_english_url())
    assert "Centre de services scolaire des Trois-Lacs: kept 30 days" in page.text
    assert "whole case" in page.text

    other = verified_client(cw.other_privacy_officer).get(url)
    assert str(theirs.pk) in other.text and str(ours.pk) not in other.text
    assert "valeurs par défaut : conservé 730 jours" in other.text


def test_the_register_is_paginated(cw, url):
    today = timezone.localdate()
    DestructionRecord.objects.bulk_create([
        DestructionRecord(case_id_destroyed=uuid.uuid4(), school=cw.school,
                          opened_on=today, what=DestructionRecord.What.CASE, kept_days=730)
        for _ in range(51)
    ])
    client = verified_client(cw.privacy_officer)
    first = client.get(url)
    assert len(first.context["destructions"]) == 50
    assert "Page 1 sur 2" in first.text
    second = client.get(url + "?page=2")
    assert len(second.context["destructions"]) == 1


def test_a_change_waits_for_a_recent_reauthentication(cw, url):
    client = verified_client(cw.privacy_officer)  # second factor, but not just now
    page = client.get(url)
    assert page.status_code == 200 and page.context["reauthenticated"] is False
    assert page.context["reauth_url"] in page.text
    response = post_form(client, url, _fields(cw.centre, 400, 90))
    assert response.status_code == 400
    assert "confirmez d&#x27;abord votre identité" in response.text.lower()
    assert 'value="400"' in response.text  # what they typed is kept
    assert not RetentionSchedule.objects.exists()


def test_a_shorter_schedule_says_what_it_would_destroy_and_waits_for_a_confirmation(cw, url):
    now = timezone.now()
    case_create(cw.school, status=Case.Status.CLOSED, closed_at=now - 100 * DAY)
    case_create(cw.school, status=Case.Status.CLOSED, closed_at=now - 10 * DAY)
    client = _officer(cw)

    response = post_form(client, url, _fields(cw.centre, 30, 365))

    assert response.status_code == 400
    assert "dossiers fermés : 1 ; renseignements reçus de la police : 0" in response.text
    assert not RetentionSchedule.objects.exists()
    fields = _fields(cw.centre, 30, 365)
    fields[f"{cw.centre.pk}-confirm_destruction"] = "on"
    assert post_form(client, url, fields).status_code == 302
    assert RetentionSchedule.objects.get(organisation=cw.centre).closed_case_days == 30
    # Longer or equal: nothing to confirm.
    assert post_form(client, url, _fields(cw.centre, 60, 365)).status_code == 302


def test_removing_a_longer_schedule_waits_for_a_confirmation_too(cw, url):
    RetentionSchedule.objects.create(organisation=cw.centre, closed_case_days=3000,
                                     police_information_days=365)
    case_create(cw.school, status=Case.Status.CLOSED,
                closed_at=timezone.now() - 1000 * DAY)  # kept by 3000 days, not by 730
    client = _officer(cw)
    remove = {"organisation": str(cw.centre.pk), "remove": "1"}
    response = post_form(client, url, remove)
    assert response.status_code == 400
    assert "dossiers fermés : 1" in response.text and "Retirer quand même" in response.text
    assert RetentionSchedule.objects.exists()
    assert post_form(client, url, {**remove, "confirm_destruction": "on"}).status_code == 302
    assert not RetentionSchedule.objects.exists()


def test_a_privacy_officer_of_a_police_force_sets_no_schedule(cw, url):
    Membership.objects.create(user=cw.police, organisation=cw.force_ok,
                              role=Role.PRIVACY_OFFICER)
    client = verified_client(cw.police, reauthenticated=True)
    assert client.get(url).status_code == 403
    assert post_form(client, url, _fields(cw.force_ok, 10, 10)).status_code == 403
    assert not RetentionSchedule.objects.exists()


def test_a_record_whose_rule_was_not_read_says_so(cw, url):
    DestructionRecord.objects.create(case_id_destroyed=uuid.uuid4(), school=cw.school,
                                     opened_on=timezone.localdate(),
                                     what=DestructionRecord.What.CASE, kept_days=0)
    page = verified_client(cw.privacy_officer).get(url)
    assert "règle inconnue" in page.text and "conservé 0 jour" not in page.text
