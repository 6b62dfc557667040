"""Where a person lands after signing in: the `next` of the sign-in always wins, on every path
(password alone, password and second factor, adding a first second factor, signing up, a
password-only session verified later); an off-site `next` is dropped; without one, the
person's home (settings.LOGIN_REDIRECT_URL, core:home)."""

import re
from urllib.parse import quote

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.services import recovery_codes_generate, totp_device_create
from accounts.tests.test_second_factor import password_step, second_step, totp_code

OFF_SITE = ["https://elsewhere.example/fr/", "//elsewhere.example/", "http://testserver.evil/"]


def home(language: str = "fr") -> str:
    with translation.override(language):
        return reverse(settings.LOGIN_REDIRECT_URL)


def test_the_home_is_the_person_s_page():
    assert settings.LOGIN_REDIRECT_URL == "core:home"
    assert home() == "/fr/" and home("en") == "/en/"


@pytest.fixture
def wanted():
    """A same-site page someone was sent to sign in for, with its query string."""
    return reverse("badges:mine") + "?page=2"


# --- Password alone (no second factor, no case role) ----------------------------------------


def test_password_alone_without_next_lands_on_the_home(client, world):
    response = password_step(client, world.learner, world.password)
    assert response["Location"] == home()
    assert client.get(response["Location"]).templates[0].name == "core/home_person.html"


def test_password_alone_follows_next(client, world, wanted):
    response = password_step(client, world.learner, world.password, wanted)
    assert response["Location"] == wanted


@pytest.mark.parametrize("off_site", OFF_SITE)
def test_password_alone_drops_an_off_site_next(client, world, off_site):
    response = password_step(client, world.learner, world.password, off_site)
    assert response["Location"] == home()


def test_next_is_translated_into_the_person_s_language(client, world):
    world.learner.preferred_language = "en"
    world.learner.save()
    response = password_step(client, world.learner, world.password,
                             reverse("accounts:profile"))
    with translation.override("en"):
        assert response["Location"] == reverse("accounts:profile")  # /en/account/
    client.logout()
    response = password_step(client, world.learner, world.password)
    assert response["Location"] == home("en")


def _next_fields_and_links(body: str) -> list[str]:
    """The `next` the page's own forms and account links carry (not the language switch,
    which keeps the page's address)."""
    body = body.replace("&amp;", "&")
    fields = re.findall(r'<input type="hidden" name="next" value="([^"]*)">', body)
    links = re.findall(r'href="/[a-z]{2}/[^"]*\?next=([^"]*)"', body)
    return [value for value in fields if not value.startswith(("/fr/compte/connexion/?",
                                                               "/fr/compte/inscription/?"))
            ] + links


def test_the_login_page_keeps_next_for_the_form_and_the_sign_up_link(client, world, wanted):
    body = client.get(reverse("accounts:login") + f"?next={quote(wanted)}").content.decode()
    assert f'name="next" value="{wanted}"' in body.replace("&amp;", "&")
    assert f'href="{link("signup", wanted)}"' in body
    body = client.get(reverse("accounts:login") + "?next=https://elsewhere.example/"
                      ).content.decode()
    assert _next_fields_and_links(body) == []


# --- Password and second factor -------------------------------------------------------------


@pytest.fixture
def principal_totp(world):
    device, _secret = totp_device_create(user=world.principal, name="Téléphone")
    return device


def test_second_factor_without_next_lands_on_the_home(client, world, principal_totp):
    response = password_step(client, world.principal, world.password)
    assert response["Location"] == f"{reverse('accounts:second_factor')}?next=%2Ffr%2F"
    response = second_step(client, "totp", totp_code(principal_totp), "/fr/")
    assert response["Location"] == home()


def test_second_factor_follows_next(client, world, principal_totp, wanted):
    response = password_step(client, world.principal, world.password, wanted)
    assert response["Location"] == mfa_url("second_factor", wanted)
    # The second-factor page carries it in its forms.
    body = client.get(response["Location"]).content.decode().replace("&amp;", "&")
    assert f'name="next" value="{wanted}"' in body
    response = second_step(client, "totp", totp_code(principal_totp), wanted)
    assert response["Location"] == wanted


@pytest.mark.parametrize("off_site", OFF_SITE)
def test_second_factor_drops_an_off_site_next(client, world, principal_totp, off_site):
    response = password_step(client, world.principal, world.password, off_site)
    assert "elsewhere" not in response["Location"] and "evil" not in response["Location"]
    # Even when the off-site address is put back into the second step's form.
    response = second_step(client, "totp", totp_code(principal_totp), off_site)
    assert response["Location"] == home()


def test_recovery_code_also_follows_next(client, world, principal_totp, wanted):
    code = recovery_codes_generate(user=world.principal)[0]
    password_step(client, world.principal, world.password, wanted)
    response = second_step(client, "recovery_code", code, wanted)
    assert response["Location"] == wanted


def mfa_url(name: str, next_url: str) -> str:
    """A redirect's address (accounts.mfa.url_with_next: urlencode)."""
    return f"{reverse(f'accounts:{name}')}?next={quote(next_url, safe='')}"


def link(name: str, next_url: str) -> str:
    """A link of a template (Django's urlencode filter keeps the slashes)."""
    return f"{reverse(f'accounts:{name}')}?next={quote(next_url, safe='/')}"


# --- A case role and no second factor yet: adding one first --------------------------------


@pytest.mark.parametrize("with_next", [True, False])
def test_enrolling_a_first_second_factor_then_lands_on_next(client, world, wanted, with_next):
    target = wanted if with_next else home()
    response = password_step(client, world.principal, world.password,
                             wanted if with_next else None)
    assert response["Location"] == mfa_url("security", target)
    body = client.get(response["Location"]).content.decode()
    assert f'href="{link("totp_add", target)}"' in body
    client.get(mfa_url("totp_add", target))
    device = TOTPDevice.objects.get(user=world.principal)
    response = client.post(mfa_url("totp_add", target),
                           {"name": "", "otp_token": totp_code(device), "next": target})
    assert response["Location"] == mfa_url("recovery_codes", target)
    body = client.get(response["Location"]).content.decode()
    # "I noted my codes, continue" goes where the sign-in was going.
    continue_link = re.search(r'<a class="button" href="([^"]+)">', body).group(1)
    assert continue_link.replace("&amp;", "&") == target


def test_enrolment_drops_an_off_site_next(client, world):
    response = password_step(client, world.principal, world.password,
                             "https://elsewhere.example/")
    assert response["Location"] == mfa_url("security", home())


# --- Signing up -----------------------------------------------------------------------------


def _signup(client, world, next_url=None, **changes):
    data = {"full_name": "Karine Fictive", "email": "karine.nouvelle@example.test",
            "password1": "une-longue-phrase-secrete-7", "password2": "une-longue-phrase-secrete-7",
            "preferred_language": "fr", "school": str(world.school.pk), **changes}
    if next_url:
        data["next"] = next_url
    url = reverse("accounts:signup")
    return client.post(url + (f"?next={quote(next_url)}" if next_url else ""), data)


def _done(language: str = "fr", next_url: str | None = None) -> str:
    with translation.override(language):
        url = reverse("accounts:signup_done")
    return url + (f"?next={quote(next_url, safe='/')}" if next_url else "")


def test_sign_up_without_next_signs_in_then_lands_on_the_home(client, world):
    # Signing up signs nobody in (issue 10: that would tell a new address from a known one);
    # the page says to check the email, and signing in leads home.
    response = _signup(client, world)
    assert response["Location"] == _done()
    response = password_step(client, User.objects.get(email="karine.nouvelle@example.test"),
                             "une-longue-phrase-secrete-7")
    assert response["Location"] == home()
    page = client.get(response["Location"])
    assert page.templates[0].name == "core/home_person.html"
    # What the new account still needs is on the home: the address to confirm, the school.
    body = page.content.decode()
    assert 'id="panel-account"' in body and world.school.name in body


def test_sign_up_follows_next(client, world, wanted):
    body = client.get(reverse("accounts:signup") + f"?next={quote(wanted)}").content.decode()
    assert f'name="next" value="{wanted}"' in body.replace("&amp;", "&")
    assert f'href="{link("login", wanted)}"' in body
    response = _signup(client, world, wanted)
    assert response["Location"] == _done(next_url=wanted)
    assert User.objects.filter(email="karine.nouvelle@example.test").exists()
    # The page's sign-in link carries it on.
    body = client.get(response["Location"]).content.decode()
    assert f'href="{link("login", wanted)}"' in body


def test_sign_up_in_english_follows_next_in_english(client, world):
    response = _signup(client, world, reverse("accounts:profile"), preferred_language="en")
    with translation.override("en"):
        assert response["Location"] == _done("en", reverse("accounts:profile"))


@pytest.mark.parametrize("off_site", OFF_SITE)
def test_sign_up_drops_an_off_site_next(client, world, off_site):
    body = client.get(reverse("accounts:signup") + f"?next={quote(off_site)}").content.decode()
    assert _next_fields_and_links(body) == []
    response = _signup(client, world, off_site)
    assert response["Location"] == _done()


def test_a_form_with_errors_keeps_next(client, world, wanted):
    response = _signup(client, world, wanted, password2="pas-la-meme-phrase-42")
    assert response.status_code == 200
    assert f'name="next" value="{wanted}"' in response.content.decode().replace("&amp;", "&")


# --- A session signed in with a password alone, verified later ------------------------------


def test_verifying_a_password_only_session_follows_next_or_lands_on_the_home(
        client, world, principal_totp, wanted):
    client.force_login(world.principal)
    response = second_step(client, "totp", totp_code(principal_totp), wanted)
    assert response["Location"] == wanted
    client.logout()
    client.force_login(world.principal)
    response = second_step(client, "totp", totp_code(principal_totp, steps_ahead=1))
    assert response["Location"] == home()
    # Already verified: the page sends the person on at once.
    response = client.get(reverse("accounts:second_factor"))
    assert response["Location"] == home()
