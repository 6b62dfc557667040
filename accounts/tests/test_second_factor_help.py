"""Administrators help a person locked out of their second factor, or who lost it, from the
people page (accounts:people_second_factor)."""

import datetime

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Membership, Organisation, Role, SecondFactorLock
from accounts.services import recovery_codes_generate, totp_device_create
from audit.models import AuditEvent
from conftest import login_verified, make_user
from core.tests.test_mail import smtp_unreachable  # noqa: F401 - a fixture


def _url(person) -> str:
    return reverse("accounts:people_second_factor", args=[person.pk])


@pytest.fixture
def locked_principal(world):
    """The principal, with an authenticator app and recovery codes, locked after failures."""
    totp_device_create(user=world.principal, name="Téléphone")
    recovery_codes_generate(user=world.principal)
    SecondFactorLock.objects.create(user=world.principal, failures=5,
                                    last_failure_at=timezone.now(),
                                    locked_until=timezone.now() + datetime.timedelta(hours=1))
    return world.principal


@pytest.fixture
def admin_client(world):
    return login_verified(Client(), world.org_admin, reauthenticated=True)


def test_the_page_shows_the_state_and_asks_for_a_reason(world, locked_principal, admin_client):
    page = admin_client.get(_url(locked_principal))
    assert page.status_code == 200
    assert "Bloqué jusqu'à" in page.text
    assert "1 application d'authentification" in page.text
    assert "10 codes de secours inutilisés" in page.text
    assert page.context["allowed"] is True
    # The people page links to it.
    people = admin_client.get(reverse("accounts:people"))
    assert _url(locked_principal) in people.text


def test_unlock_keeps_the_devices_audits_and_tells_the_person(
        world, locked_principal, admin_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(_url(locked_principal), {
            "action": "unlock", "reason": "Appel à son numéro au dossier, 25 nov."})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:people")
    assert not SecondFactorLock.objects.filter(user=locked_principal).exists()
    assert TOTPDevice.objects.filter(user=locked_principal).exists()
    event = AuditEvent.objects.get(action="auth.second_factor_unlocked")
    assert (event.actor, event.target_id) == (world.org_admin, str(locked_principal.pk))
    assert event.data["reason"] == "Appel à son numéro au dossier, 25 nov."
    [message] = mail.outbox
    assert message.to == [locked_principal.email]
    assert "débloqué" in message.subject
    assert world.org_admin.full_name in message.body


def test_reset_removes_every_second_factor_and_ends_verified_sessions(
        world, locked_principal, admin_client, django_capture_on_commit_callbacks):
    # The principal's own session, verified with the device about to be removed.
    theirs = login_verified(Client(), locked_principal)
    assert theirs.get(reverse("cases:case_list")).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            _url(locked_principal), {"action": "reset", "reason": "Perdu, vu en personne"})

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=locked_principal).exists()
    assert not StaticDevice.objects.filter(user=locked_principal).exists()
    assert not SecondFactorLock.objects.filter(user=locked_principal).exists()
    event = AuditEvent.objects.get(action="auth.second_factor_reset")
    assert event.actor == world.org_admin and event.data["totp"] == 1
    [message] = mail.outbox
    assert "réinitialisé" in message.subject
    assert reverse("accounts:security") in message.body
    # Their open session is no longer verified: a page needing a second factor sends them to
    # add a new one.
    response = theirs.get(reverse("cases:case_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:security"))


def test_the_email_is_in_the_persons_language(world, locked_principal, admin_client,
                                               django_capture_on_commit_callbacks):
    locked_principal.preferred_language = "en"
    locked_principal.save(update_fields=["preferred_language"])
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(_url(locked_principal), {"action": "reset", "reason": "Lost phone"})
    [message] = mail.outbox
    assert message.subject == "Sexto: your second factor was reset"
    assert "Hello" in message.body


def test_a_reason_is_required_and_what_was_chosen_is_kept(world, locked_principal,
                                                           admin_client):
    response = admin_client.post(_url(locked_principal), {"action": "reset", "reason": ""})
    assert response.status_code == 400
    assert "Ce champ est obligatoire." in response.text
    assert response.context["form"]["action"].value() == "reset"
    assert TOTPDevice.objects.filter(user=locked_principal).exists()
    assert not mail.outbox


def test_the_administrator_must_have_reauthenticated_recently(world, locked_principal):
    client = login_verified(Client(), world.org_admin)  # second factor, no recent re-auth
    page = client.get(_url(locked_principal))
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("accounts:reauthenticate"))
    response = client.post(_url(locked_principal),
                           {"action": "reset", "reason": "Téléphone perdu"})
    assert response.status_code == 400
    assert "votre dernière vérification date de plus de quelques minutes" in response.text
    assert response.context["reauth_url"] in response.text  # a link to confirm it
    assert "Téléphone perdu" in response.text  # what they typed is kept
    assert TOTPDevice.objects.filter(user=locked_principal).exists()


def test_the_administrator_needs_a_second_factor_of_their_own(world, locked_principal):
    client = Client()
    client.force_login(world.org_admin)  # password only
    response = client.post(_url(locked_principal), {"action": "reset", "reason": "x"})
    assert response.status_code == 302
    assert TOTPDevice.objects.filter(user=locked_principal).exists()


def test_people_outside_the_administrators_organisations_do_not_exist(world, admin_client):
    centre = Organisation.objects.create(kind=Organisation.Kind.SERVICE_CENTRE,
                                         name="Centre des Collines", code="css-collines")
    stranger = make_user("remi.collines@example.test", "Rémi Fictif")
    Membership.objects.create(user=stranger, organisation=centre, role=Role.STAFF)
    totp_device_create(user=stranger, name="Téléphone")
    assert admin_client.get(_url(stranger)).status_code == 404
    assert admin_client.post(_url(stranger), {"action": "reset", "reason": "x"}
                             ).status_code == 404
    assert TOTPDevice.objects.filter(user=stranger).exists()
    # Nor is oneself: the security page is for that.
    assert admin_client.get(_url(world.org_admin)).status_code == 404


def test_someone_with_a_role_elsewhere_is_left_to_the_platform_administrator(world,
                                                                            admin_client):
    # The police liaison of the world also works in one of our schools.
    Membership.objects.create(user=world.police, organisation=world.school, role=Role.STAFF)
    totp_device_create(user=world.police, name="Téléphone")
    page = admin_client.get(_url(world.police))
    assert page.status_code == 200 and page.context["allowed"] is False
    assert "Vous ne pouvez pas aider cette personne ici" in page.text
    response = admin_client.post(_url(world.police), {"action": "reset", "reason": "x"})
    assert response.status_code == 403
    assert TOTPDevice.objects.filter(user=world.police).exists()
    refusal = AuditEvent.objects.get(action="auth.second_factor_help_refused")
    assert (refusal.actor, refusal.target_id) == (world.org_admin, str(world.police.pk))

    platform = login_verified(Client(), world.platform_admin, reauthenticated=True)
    response = platform.post(_url(world.police), {"action": "reset", "reason": "Vu en personne"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=world.police).exists()


@pytest.mark.parametrize("role", ["principal", "learner", "reviewer", "police"])
def test_people_who_manage_no_one_are_refused(world, locked_principal, role):
    client = login_verified(Client(), getattr(world, role), reauthenticated=True)
    target = world.learner if role == "principal" else locked_principal
    assert client.get(_url(target)).status_code == 403
    assert client.post(_url(target), {"action": "reset", "reason": "x"}).status_code == 403


@pytest.mark.parametrize("privilege", ["superuser", "staff", "fellow_admin"])
def test_more_privileged_people_are_left_to_the_platform_administrator(world, admin_client,
                                                                        privilege):
    person = world.learner  # staff of one of our schools, nothing else
    if privilege == "fellow_admin":
        Membership.objects.create(user=person, organisation=world.centre, role=Role.ORG_ADMIN)
    else:
        setattr(person, f"is_{privilege}", True)
        person.save(update_fields=[f"is_{privilege}"])
    totp_device_create(user=person, name="Téléphone")
    assert admin_client.get(_url(person)).context["allowed"] is False
    assert admin_client.post(_url(person), {"action": "reset", "reason": "x"}).status_code == 403
    assert TOTPDevice.objects.filter(user=person).exists()


def test_an_administrator_of_a_school_below_may_be_helped(world, admin_client):
    # The centre's administrator helps the administrator of one of its schools: not a peer.
    person = world.learner
    Membership.objects.create(user=person, organisation=world.school, role=Role.ORG_ADMIN)
    assert admin_client.get(_url(person)).context["allowed"] is True


def test_a_lock_whose_hour_is_over_is_not_reported_as_lifted(world, admin_client):
    SecondFactorLock.objects.create(user=world.principal, failures=5,
                                    locked_until=timezone.now() - datetime.timedelta(minutes=1))
    response = admin_client.post(_url(world.principal),
                                 {"action": "unlock", "reason": "Appel reçu"}, follow=True)
    assert "n&#x27;était pas bloqué" in response.text
    assert not SecondFactorLock.objects.filter(user=world.principal).exists()
    assert not mail.outbox


def test_an_email_that_cannot_leave_does_not_undo_the_reset(world, locked_principal,
                                                            admin_client,
                                                            smtp_unreachable,  # noqa: F811
                                                            django_capture_on_commit_callbacks):
    # The mail server is a port of this machine where nothing listens.
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(_url(locked_principal),
                                     {"action": "reset", "reason": "Téléphone perdu"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=locked_principal).exists()
    assert AuditEvent.objects.filter(action="auth.second_factor_reset").count() == 1
