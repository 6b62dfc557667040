"""Login by email, lockout (django-axes), logout, password reset and change."""

import re

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from audit.models import AuditEvent


def _login(client, email, password):
    return client.post(reverse("accounts:login"), {"username": email, "password": password})


def test_login_page_asks_for_an_email_address(client, world):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    body = response.content.decode()
    assert '<label for="id_username">Adresse courriel' in body
    field = re.search(r'<input[^>]*name="username"[^>]*>', body).group(0)
    assert 'type="email"' in field and 'autocomplete="username"' in field
    assert 'autocomplete="current-password"' in body


def test_login_by_email_whatever_the_case(client, world):
    response = _login(client, "  Ariane.Tremblay@EXAMPLE.test", world.password)
    assert response.status_code == 302
    assert response["Location"] == reverse(settings.LOGIN_REDIRECT_URL)
    assert client.session["_auth_user_id"] == str(world.learner.pk)
    # Logins are audited by audit.receivers (Django's signal), once.
    assert AuditEvent.objects.filter(action="auth.login", actor=world.learner).count() == 1


def test_login_continues_in_the_preferred_language(client, world):
    world.learner.preferred_language = "en"
    world.learner.save()
    response = _login(client, world.learner.email, world.password)
    with translation.override("en"):
        assert response["Location"] == reverse(settings.LOGIN_REDIRECT_URL)
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_login_follows_next_within_the_site_only(client, world):
    profile = reverse("accounts:profile")
    response = client.post(reverse("accounts:login") + f"?next={profile}",
                           {"username": world.learner.email, "password": world.password,
                            "next": profile})
    assert response["Location"] == profile
    client.logout()
    response = client.post(reverse("accounts:login"),
                           {"username": world.learner.email, "password": world.password,
                            "next": "https://elsewhere.example/"})
    assert "elsewhere" not in response["Location"]


def test_wrong_password_keeps_the_email_and_says_so(client, world):
    response = _login(client, world.learner.email, "not-the-password")
    assert response.status_code == 200
    body = response.content.decode()
    assert "ne correspondent à aucun compte actif" in body
    assert f'value="{world.learner.email}"' in body
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="auth.login_failed").count() == 1


def test_inactive_account_cannot_log_in(client, world):
    world.learner.is_active = False
    world.learner.save()
    response = _login(client, world.learner.email, world.password)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_lockout_after_repeated_failures(client, world):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        response = _login(client, world.learner.email, "still-not-the-password")
    # Once locked, even the right password is refused, with an explanation.
    response = _login(client, world.learner.email, world.password)
    assert response.status_code == 429
    body = response.content.decode()
    assert "Connexion temporairement bloquée" in body
    assert f"après {settings.AXES_FAILURE_LIMIT} tentatives infructueuses" in body
    assert "1\xa0heure" in body
    assert body.count("<h1") == 1
    assert "_auth_user_id" not in client.session


def test_lockout_page_in_english(client, world):
    with translation.override("en"):
        url = reverse("accounts:login")
    for _attempt in range(settings.AXES_FAILURE_LIMIT + 1):
        response = client.post(url, {"username": world.learner.email, "password": "nope"})
    assert response.status_code == 429
    body = response.content.decode()
    assert "Sign-in temporarily blocked" in body
    assert "1\xa0hour" in body


def test_a_success_before_the_limit_clears_the_failures(client, world):
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, world.learner.email, "wrong-password")
    assert _login(client, world.learner.email, world.password).status_code == 302
    client.logout()
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, world.learner.email, "wrong-password")
    assert _login(client, world.learner.email, world.password).status_code == 302


def test_login_wrong_method(client, world):
    assert client.put(reverse("accounts:login")).status_code == 405


def test_logout_is_post_only(client, world):
    client.force_login(world.learner)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.session.get("_auth_user_id") == str(world.learner.pk)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse(settings.LOGOUT_REDIRECT_URL)
    assert "_auth_user_id" not in client.session


# --- Password reset -----------------------------------------------------------------------


def _reset_link(message) -> str:
    url = re.search(r"https?://\S+", message.body).group(0)
    assert url.startswith(settings.SITE_URL)
    return url[len(settings.SITE_URL):]


def test_password_reset_sends_a_translated_email(client, world, mailoutbox):
    response = client.post(reverse("accounts:password_reset"),
                           {"email": "ARIANE.tremblay@example.test"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [world.learner.email]
    assert message.subject == "Sexto : choisir un nouveau mot de passe"
    assert "Bonjour Ariane Fictive" in message.body
    assert _reset_link(message).startswith("/fr/compte/mot-de-passe/nouveau/")


def test_password_reset_email_follows_the_preferred_language(client, world, mailoutbox):
    world.learner.preferred_language = "en"
    world.learner.save()
    client.post(reverse("accounts:password_reset"), {"email": world.learner.email})
    assert mailoutbox[0].subject == "Sexto: choose a new password"
    assert _reset_link(mailoutbox[0]).startswith("/en/")


def test_password_reset_for_an_unknown_address_reveals_nothing(client, world, mailoutbox):
    response = client.post(reverse("accounts:password_reset"),
                           {"email": "personne@example.test"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mailoutbox == []


def test_password_reset_link_sets_a_new_password(client, world, mailoutbox):
    client.post(reverse("accounts:password_reset"), {"email": world.learner.email})
    link = _reset_link(mailoutbox[0])
    response = client.get(link)
    assert response.status_code == 302  # Django moves the token out of the URL
    form_url = response["Location"]
    assert client.get(form_url).status_code == 200
    new_password = "un-tout-nouveau-secret-88"
    response = client.post(form_url, {"new_password1": new_password,
                                      "new_password2": new_password})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_complete")
    assert client.get(response["Location"]).status_code == 200
    world.learner.refresh_from_db()
    assert world.learner.check_password(new_password)
    assert AuditEvent.objects.filter(action="password.changed", target_id=str(world.learner.pk),
                                     data={"via": "reset"}).exists()
    # The link works once.
    assert "plus valide" in client.get(link, follow=True).content.decode()


def test_password_reset_pages(client, world):
    assert client.get(reverse("accounts:password_reset")).status_code == 200
    assert client.get(reverse("accounts:password_reset_done")).status_code == 200
    assert client.get(reverse("accounts:password_reset_complete")).status_code == 200
    bad = reverse("accounts:password_reset_confirm", args=["AAAA", "bad-token"])
    assert "plus valide" in client.get(bad).content.decode()


def test_password_reset_wrong_method(client, world):
    assert client.put(reverse("accounts:password_reset")).status_code == 405


# --- Password change ----------------------------------------------------------------------


def test_password_change(client, world):
    url = reverse("accounts:password_change")
    assert client.get(url).status_code == 302  # login first
    client.force_login(world.learner)
    assert client.get(url).status_code == 200
    response = client.post(url, {"old_password": "wrong", "new_password1": "x",
                                 "new_password2": "x"})
    assert response.status_code == 200
    assert "old_password" in response.context["form"].errors
    new_password = "encore-un-autre-secret-91"
    response = client.post(url, {"old_password": world.password,
                                 "new_password1": new_password,
                                 "new_password2": new_password})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_change_done")
    assert client.get(response["Location"]).status_code == 200
    assert User.objects.get(pk=world.learner.pk).check_password(new_password)
    # Still logged in: Django keeps the session valid after a password change.
    assert client.session["_auth_user_id"] == str(world.learner.pk)
    assert AuditEvent.objects.filter(action="password.changed", data={"via": "change"}).exists()


def test_password_change_wrong_method(client, world):
    client.force_login(world.learner)
    assert client.put(reverse("accounts:password_change")).status_code == 405


def test_changing_the_case_of_the_address_does_not_dodge_the_lockout(client, world, settings):
    # Only the username counts here, as if every attempt came from a different place.
    settings.AXES_LOCKOUT_PARAMETERS = ["username"]
    settings.AXES_FAILURE_LIMIT = 5
    variants = ["ariane.tremblay@example.test", "ARIANE.tremblay@example.test",
                "Ariane.Tremblay@Example.Test", "ariane.TREMBLAY@example.test",
                "ARIANE.TREMBLAY@EXAMPLE.TEST"]
    for email in variants:
        _login(client, email, "wrong-password")
    assert _login(client, world.learner.email, world.password).status_code == 429
