from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from badges.models import Award, BadgeRequest
from demo.data import DEMO_PASSWORD, PEOPLE

OUR_APPS = {"audit", "accounts", "training", "badges", "cases", "otp_totp"}


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in OUR_APPS
    }


def _demo() -> str:
    out = StringIO()
    call_command("demo", "--no-serve", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_demo_prints_the_address_and_every_account():
    output = _demo()
    assert "http://127.0.0.1:8000/" in output
    assert DEMO_PASSWORD in output
    for person in PEOPLE:
        assert person.email in output


@pytest.mark.django_db
def test_running_the_demo_twice_changes_nothing():
    _demo()
    first = _row_counts()
    _demo()
    assert _row_counts() == first
    assert first["accounts.User"] == len(PEOPLE)


@pytest.mark.django_db
def test_demo_shows_every_stage_of_the_journey(client):
    _demo()
    architect = User.objects.get(email="architecte@demo.sexto.test")
    award = Award.objects.get(recipient=architect, badge_class__slug="sexto-architecte")
    assert award.published and award.answers_published and architect.profile_published
    assert award.status == Award.Status.GRANTED
    statuses = set(
        BadgeRequest.objects.filter(badge_class__slug="sexto-architecte")
        .values_list("status", flat=True)
    )
    assert statuses == {"requested", "revision_requested", "granted"}
    ineligible = User.objects.get(email="hors.entente@demo.sexto.test")
    assert not Award.objects.filter(recipient=ineligible).exists()
    assert Award.objects.filter(
        recipient__email="explorateur@demo.sexto.test", badge_class__slug="sexto-explorateur"
    ).exists()

    # The showcase attestation is public, with its answers.
    response = client.get(f"/fr/attestations/{award.id}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Preuve et attestation de développement professionnel" in body
    assert "Question 1" in body and "Je rencontre d&#x27;abord" in body


@pytest.mark.django_db
def test_demo_logins_work_with_the_printed_password(client):
    _demo()
    response = client.post(
        reverse("accounts:login"),
        {"username": "evaluation@demo.sexto.test", "password": DEMO_PASSWORD},
    )
    assert response.status_code == 302
    assert client.get(reverse("badges:review_queue")).status_code == 200


@pytest.mark.django_db
def test_demo_holds_cases_at_every_step_and_prints_the_totp_secrets():
    from cases.models import Case, DestructionRecord, PoliceFollowUp, PoliceHandoff
    from demo.cases import totp_secret

    output = _demo()
    assert totp_secret("principal") in output and totp_secret("architect") in output
    statuses = set(Case.objects.values_list("status", flat=True))
    assert statuses == {"reported", "in_progress", "with_police", "closed"}
    assert Case.objects.filter(directed_to_police_at__isnull=False).exists()
    assert PoliceHandoff.objects.filter(acknowledged_at__isnull=True,
                                        sent_at__isnull=False).exists()
    assert PoliceFollowUp.objects.filter(qualification="impulsive").exists()
    # One case closed long ago went through the purge: the register shows it, nothing else.
    destruction = DestructionRecord.objects.get()
    assert not Case.objects.filter(pk=destruction.case_id_destroyed).exists()
    assert (destruction.what, destruction.kept_days) == ("case", 730)


def test_demo_times_are_never_in_the_future_whatever_the_hour():
    # The demo is built at any hour: "10:00, 0.1 day ago" must not be today's 10:00 still to
    # come at 2 in the morning (the case tool refuses any time in the future).
    from django.utils import timezone

    from demo.cases import _at

    now = timezone.localtime()
    for days in (0.05, 0.1, 0.5, 0.99, 1, 1.5, 2, 9):
        for hour in (0, 9, 10, 15, 23):
            assert _at(days, hour) <= now, (days, hour)
