"""Sign-up (accounts:signup) and email verification (accounts:verify_email)."""

import re
import time
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.models import JoinRequest, Membership, User
from accounts.services import EMAIL_VERIFICATION_MAX_AGE, email_verification_token
from audit.models import AuditEvent

GOOD_PASSWORD = "une-longue-phrase-secrete-7"


def _form(world, **changes):
    data = {
        "full_name": "Karine Fictive", "email": "Karine.Nouvelle@Example.test",
        "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD,
        "preferred_language": "fr", "school": str(world.school.pk),
    }
    data.update(changes)
    return data


def test_signup_page_groups_schools_by_service_centre(client, world):
    response = client.get(reverse("accounts:signup"))
    assert response.status_code == 200
    body = response.content.decode()
    assert '<optgroup label="Centre de services scolaire des Trois-Lacs">' in body
    assert f'<option value="{world.school.pk}">École des Pionniers</option>' in body
    assert "Mon école n&#x27;est pas dans la liste" in body
    assert body.count("<h1") == 1


def test_signup_creates_account_and_sends_verification_without_signing_in(
        client, world, mailoutbox):
    response = client.post(reverse("accounts:signup"), _form(world))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:signup_done")
    user = User.objects.get(email="karine.nouvelle@example.test")
    assert user.full_name == "Karine Fictive"
    assert not user.email_verified
    assert not user.profile_published  # privacy by default
    # Signing in would tell a new address from a known one (a session appears): not yet.
    assert "_auth_user_id" not in client.session
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [user.email]
    assert "/fr/compte/courriel/confirmer/" in mailoutbox[0].body
    assert user.email not in re.search(r"https?://\S+", mailoutbox[0].body).group(0)
    assert AuditEvent.objects.filter(action="account.created", target_id=str(user.pk)).exists()
    page = client.get(response["Location"])
    assert "Vérifiez vos courriels" in page.content.decode()


def _answer(response, client) -> tuple:
    """What a visitor sees of a sign-up: status, where it leads, cookies, the next page."""
    page = client.get(response["Location"])
    # CSRF tokens are masked anew at each page: the only part that may differ.
    body = re.sub(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+"', "",
                  page.content.decode())
    return (response.status_code, response["Location"], sorted(response.cookies),
            page.status_code, body)


def test_signup_never_says_whether_an_address_has_an_account(world, mailoutbox):
    """Issue 10: sign-up said when an address already had an account. Now both answers are
    the same page, and only the owner learns of it, by email."""
    from django.test import Client

    new, known = Client(), Client()
    answer_new = _answer(new.post(reverse("accounts:signup"), _form(world)), new)
    answer_known = _answer(known.post(reverse("accounts:signup"), _form(
        world, email="ARIANE.TREMBLAY@example.test")), known)
    assert answer_new == answer_known
    assert "_auth_user_id" not in known.session
    assert User.objects.filter(email__iexact="ariane.tremblay@example.test").count() == 1
    # The owner is told, in their language, how to get in; the account did not change.
    notice = [m for m in mailoutbox if m.to == [world.learner.email]]
    assert len(notice) == 1
    assert "déjà un compte" in notice[0].subject
    assert "/fr/compte/connexion/" in notice[0].body
    assert "/fr/compte/mot-de-passe/oublie/" in notice[0].body
    assert world.learner.check_password(world.password)
    assert AuditEvent.objects.filter(action="account.signup_existing",
                                     target_id=str(world.learner.pk)).count() == 1


def test_the_owner_is_told_a_few_times_a_day_at_most(client, world, mailoutbox, settings):
    settings.SEXTO_RATE_LIMITS = {**settings.SEXTO_RATE_LIMITS, "signup": (100, 3600)}
    for _ in range(5):
        response = client.post(reverse("accounts:signup"),
                               _form(world, email=world.learner.email))
        assert response["Location"] == reverse("accounts:signup_done")
    limit, _seconds = settings.SEXTO_RATE_LIMITS["signup_notice"]
    assert len([m for m in mailoutbox if m.to == [world.learner.email]]) == limit


def test_declaring_a_school_grants_no_role(client, world):
    client.post(reverse("accounts:signup"), _form(world))
    user = User.objects.get(email="karine.nouvelle@example.test")
    join_request = JoinRequest.objects.get(user=user)
    assert join_request.organisation == world.school
    assert join_request.pending and join_request.accepted is None
    assert not Membership.objects.filter(user=user).exists()
    assert AuditEvent.objects.filter(action="join_request.created",
                                     target_id=str(join_request.pk)).exists()


def test_school_not_listed(client, world):
    client.post(reverse("accounts:signup"), _form(world, school=""))
    user = User.objects.get(email="karine.nouvelle@example.test")
    assert not JoinRequest.objects.filter(user=user).exists()


def test_signup_in_english_sends_the_email_in_english(client, world, mailoutbox):
    response = client.post(reverse("accounts:signup"), _form(world, preferred_language="en"))
    with translation.override("en"):
        assert response["Location"] == reverse("accounts:signup_done")
    assert response.cookies["django_language"].value == "en"
    assert "/en/" in mailoutbox[0].body
    assert "Confirm your email address" in mailoutbox[0].subject


def test_the_owner_of_an_address_is_told_in_their_language(client, world, mailoutbox):
    world.learner.preferred_language = "en"
    world.learner.save()
    client.post(reverse("accounts:signup"), _form(world, email=world.learner.email))
    assert mailoutbox[0].to == [world.learner.email]
    assert "You already have a Sexto account" in mailoutbox[0].subject
    assert "/en/account/" in mailoutbox[0].body


@pytest.mark.parametrize("changes, field, message", [
    ({"password2": "autre-chose-encore-42"}, "password2", "pas identiques"),
    ({"password1": "password123", "password2": "password123"}, "password2", "courant"),
    ({"password1": "court", "password2": "court"}, "password2", "trop court"),
    ({"email": "pas-une-adresse"}, "email", "courriel valide"),
    ({"full_name": ""}, "full_name", "obligatoire"),
    ({"school": "00000000-0000-0000-0000-000000000000"}, "school", "choix valide"),
])
def test_bad_input_keeps_what_was_typed(client, world, changes, field, message):
    data = _form(world, **changes)
    response = client.post(reverse("accounts:signup"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    assert message in " ".join(form.errors[field])
    body = response.content.decode()
    if data["full_name"]:
        assert 'value="Karine Fictive"' in body
    assert not User.objects.filter(full_name="Karine Fictive").exists()
    assert "_auth_user_id" not in client.session


def test_password_close_to_the_email_address_is_refused(client, world):
    response = client.post(reverse("accounts:signup"), _form(
        world, password1="karine.nouvelle@example", password2="karine.nouvelle@example"))
    assert "trop semblable" in " ".join(response.context["form"].errors["password2"])


def test_signed_in_people_go_to_their_profile(client, world):
    client.force_login(world.learner)
    response = client.get(reverse("accounts:signup"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")


def test_signup_wrong_method(client, world):
    assert client.put(reverse("accounts:signup")).status_code == 405


# --- Email verification -------------------------------------------------------------------


@pytest.fixture
def newcomer(world):
    user = User.objects.create_user(email="lea.nouvelle@example.test", password="x" * 12,
                                    full_name="Léa Fictive")
    return user


def test_verification_link_shows_a_button_then_verifies_on_post(client, newcomer):
    url = reverse("accounts:verify_email", args=[email_verification_token(newcomer)])
    response = client.get(url)
    assert response.status_code == 200
    assert f'action="{url}"' in response.content.decode()
    newcomer.refresh_from_db()
    assert not newcomer.email_verified  # looking is not confirming

    response = client.post(url)
    assert response.status_code == 302
    newcomer.refresh_from_db()
    assert newcomer.email_verified
    assert AuditEvent.objects.filter(action="email.verified",
                                     target_id=str(newcomer.pk)).count() == 1
    client.post(url)  # a second click changes nothing
    assert AuditEvent.objects.filter(action="email.verified").count() == 1


def test_expired_verification_link(client, newcomer):
    issued = time.time() - EMAIL_VERIFICATION_MAX_AGE.total_seconds() - 60
    with mock.patch("django.core.signing.time.time", return_value=issued):
        token = email_verification_token(newcomer)
    url = reverse("accounts:verify_email", args=[token])
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 400
        assert "expiré" in response.content.decode()
    newcomer.refresh_from_db()
    assert not newcomer.email_verified


def test_tampered_verification_link(client, newcomer):
    token = email_verification_token(newcomer)
    tampered = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    response = client.post(reverse("accounts:verify_email", args=[tampered]))
    assert response.status_code == 400
    assert "pas valide" in response.content.decode()
    newcomer.refresh_from_db()
    assert not newcomer.email_verified


def test_link_for_an_address_that_changed_no_longer_works(client, newcomer):
    token = email_verification_token(newcomer)
    newcomer.email = "lea.autre@example.test"
    newcomer.save()
    response = client.post(reverse("accounts:verify_email", args=[token]))
    assert response.status_code == 400
    newcomer.refresh_from_db()
    assert not newcomer.email_verified


def test_verify_email_wrong_method(client, newcomer):
    url = reverse("accounts:verify_email", args=[email_verification_token(newcomer)])
    assert client.put(url).status_code == 405


def test_resend_verification(client, newcomer, mailoutbox):
    url = reverse("accounts:verify_email_resend")
    assert client.post(url).status_code == 302  # to the login page
    assert mailoutbox == []
    client.force_login(newcomer)
    response = client.post(url)
    assert response.status_code == 302
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [newcomer.email]
    assert client.get(url).status_code == 405


def test_resend_when_already_verified_sends_nothing(client, world, mailoutbox):
    client.force_login(world.learner)
    client.post(reverse("accounts:verify_email_resend"))
    assert mailoutbox == []
