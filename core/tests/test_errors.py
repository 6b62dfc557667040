"""Error pages (core/errors.py): the site's layout, the page's language, the right status, and
what to do next. 403 and 404 raised by the case tool: cases/tests/test_error_pages.py.

English texts come from the catalogue the lead merges at the end: the English assertions here
check structure (the layout, lang="en", the English links), not words, except where marked.
"""

import re
import socket

import pytest
from django.db import connections
from django.db.utils import OperationalError, load_backend
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import translation

from conftest import login_verified
from core.errors import server_error

LANGUAGE_SWITCH = re.compile(r'<form class="lang-switch"[^>]*>.*?</form>', re.S)


def page(response) -> str:
    return response.content.decode()


def assert_site_layout(body: str, language: str) -> None:
    """The page is the site's: its <html lang>, header, navigation, footer and one h1."""
    assert f'<html lang="{language}">' in body
    assert 'class="site-header"' in body and 'class="site-footer"' in body
    assert body.count("<h1") == 1
    home = "/fr/" if language == "fr" else "/en/"
    assert f'<a class="brand" href="{home}">' in body


def switch_next(body: str) -> str:
    """Where the page's language switch leads."""
    form = LANGUAGE_SWITCH.search(body)
    assert form, "no language switch"
    return re.search(r'name="next" value="([^"]*)"', form.group(0)).group(1)


# --- 404 -----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("language, path, home", [
    ("fr", "/fr/cette-page-nexiste-pas/", "/fr/"),
    ("en", "/en/no-such-page/", "/en/"),
])
def test_not_found_in_the_page_language(client, language, path, home):
    # The browser asks for the other language: the page's own prefix wins.
    other = "en" if language == "fr" else "fr"
    response = client.get(path, headers={"accept-language": other})
    assert response.status_code == 404
    body = page(response)
    assert_site_layout(body, language)
    assert f'href="{home}"' in body  # "go to the home page", in this language
    assert "Code" in body or "code" in body
    assert switch_next(body) == path
    if language == "fr":
        assert "Page introuvable" in body
        assert "Vérifiez l'adresse" in body
        assert "lien reçu par courriel" in body


@pytest.mark.django_db
@pytest.mark.parametrize("accept, language", [("en-CA,en;q=0.9", "en"), ("fr-CA,fr", "fr")])
def test_not_found_without_a_language_prefix_follows_the_browser(client, accept, language):
    response = client.get("/nulle-part/", headers={"accept-language": accept})
    assert response.status_code == 404
    assert_site_layout(page(response), language)


@pytest.mark.django_db
def test_not_found_without_a_prefix_follows_the_language_cookie_first(client):
    client.cookies["django_language"] = "en"
    response = client.get("/nulle-part/", headers={"accept-language": "fr"})
    assert response.status_code == 404
    assert_site_layout(page(response), "en")


@pytest.mark.django_db
def test_not_found_offers_the_way_back_to_where_the_person_came_from(client):
    response = client.get("/fr/nulle-part/", headers={"referer": "http://testserver/fr/formation/"})
    assert 'href="http://testserver/fr/formation/"' in page(response)
    # Another site's address is never offered.
    response = client.get("/fr/nulle-part/", headers={"referer": "https://ailleurs.example/"})
    assert "ailleurs.example" not in page(response)
    assert "Revenir à la page précédente" not in page(response)


# --- 403 -----------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["fr", "en"])
def test_forbidden_says_who_is_signed_in_and_offers_another_account(world, language):
    client = login_verified(Client(), world.org_admin)  # administrators read no case
    with translation.override(language):
        url = reverse("cases:case_list")
        login = reverse("accounts:login")
        logout = reverse("accounts:logout")
    response = client.get(url)
    assert response.status_code == 403
    body = page(response)
    assert_site_layout(body, language)
    assert world.org_admin.full_name in body and world.org_admin.email in body
    # Signing in with another account: sign out first, then the sign-in page, back to here.
    assert f'action="{logout}"' in body
    assert f'name="next" value="{login}?next={url.replace("/", "%2F")}"' in body
    if language == "fr":
        assert "Cette page ne vous est pas ouverte" in body
        assert "n'est pas ouverte aux rôles de ce compte" in body


def test_another_account_signs_out_then_asks_to_sign_in_and_comes_back(world):
    client = login_verified(Client(), world.org_admin)
    url = reverse("cases:case_list")
    body = page(client.get(url))
    next_value = re.search(r'name="next" value="([^"]*)"', body.split("</header>")[1]).group(1)
    response = client.post(reverse("accounts:logout"), {"next": next_value})
    assert response.status_code == 302
    assert response["Location"] == next_value
    assert client.get(url)["Location"].startswith(reverse("accounts:login"))  # signed out


# --- CSRF ----------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_form_refused_by_the_csrf_check_explains_and_changes_nothing(world, language):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.learner)
    with translation.override(language):
        profile = reverse("accounts:profile")
        logout = reverse("accounts:logout")
    client.get(profile)  # the CSRF cookie, as a browser holds it
    # The form was opened before the token changed (e.g. a sign-in in another tab).
    response = client.post(logout, {"csrfmiddlewaretoken": "x" * 32},
                           headers={"referer": f"http://testserver{profile}"})
    assert response.status_code == 403
    body = page(response)
    assert_site_layout(body, language)
    # Nothing was done: the person is still signed in.
    assert client.get(profile).status_code == 200
    # The language switch leads to the form's page, not to the address the form posted to.
    assert switch_next(body) == f"http://testserver{profile}"
    assert f'href="http://testserver{profile}"' in body
    if language == "fr":
        assert "Le formulaire n'a pas pu être envoyé" in body
        assert "resté ouvert trop longtemps" in body
        assert "témoins (cookies)" in body
        assert "bouton Retour" in body


@pytest.mark.django_db
def test_a_form_posted_without_any_csrf_cookie_is_refused_the_same_way(client):
    client = Client(enforce_csrf_checks=True)  # cookies blocked: no CSRF cookie at all
    response = client.post(reverse("accounts:login"), {"username": "a@b.test", "password": "x"})
    assert response.status_code == 403
    body = page(response)
    assert_site_layout(body, "fr")
    assert "Le formulaire n'a pas pu être envoyé" in body
    assert switch_next(body) == "/fr/"  # no form page known: the home page


# --- 500 -----------------------------------------------------------------------------------


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def database_down(tmp_path):
    """For the duration of the `with`, this thread's default database is one that does not
    answer: a real connection to a file that cannot be opened (SQLite) or to a port where no
    server listens (PostgreSQL). The test's own connection is put back afterwards."""
    import contextlib

    @contextlib.contextmanager
    def down():
        working = connections["default"]
        settings_dict = dict(working.settings_dict)
        if working.vendor == "sqlite":
            settings_dict["NAME"] = str(tmp_path / "no-such-folder" / "sexto.sqlite3")
        else:
            settings_dict.update(HOST="127.0.0.1", PORT=str(unused_port()),
                                 OPTIONS={**settings_dict.get("OPTIONS", {}),
                                          "connect_timeout": 2})
        broken = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, "default")
        connections["default"] = broken
        try:
            yield
        finally:
            broken.close()
            connections["default"] = working

    return down


def assert_unavailable_page(response, language: str) -> str:
    """The database out of reach: 503, try again shortly, in the page's language and layout."""
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    body = page(response)
    assert_site_layout(body, language)
    # Nothing that needs a user or the database: no account links either way.
    assert "Se déconnecter" not in body and "Se connecter" not in body
    assert LANGUAGE_SWITCH.search(body) and 'name="csrfmiddlewaretoken"' in body
    if language == "fr":
        assert "Sexto est momentanément indisponible" in body
        assert "Réessayez dans quelques instants" in body
    else:
        assert "Sexto is temporarily unavailable" in body
        assert "Try again in a few moments" in body
    assert "Traceback" not in body and "OperationalError" not in body
    return body


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_view_whose_database_does_not_answer_gets_the_503_page(database_down, language):
    client = Client(raise_request_exception=False)
    with translation.override(language):
        url = reverse("training:home")  # lists the programs: reads the database
    with database_down():
        response = client.get(url)
    assert_unavailable_page(response, language)


@pytest.mark.django_db
def test_a_signed_in_person_gets_the_503_page_when_the_database_is_down(world, database_down):
    client = Client(raise_request_exception=False)
    login_verified(client, world.principal)
    with database_down():
        # The session and the user cannot be read: the middleware fails before the view.
        response = client.get(reverse("accounts:profile"))
    body = assert_unavailable_page(response, "fr")
    assert world.principal.full_name not in body
    assert client.get(reverse("accounts:profile")).status_code == 200  # still signed in


@pytest.mark.django_db
def test_a_context_processor_meeting_the_outage_gets_the_503_page(world):
    """The session and the user were read; the navigation's count of unread notices is the
    first query to fail (the connection dropped mid-request): still the 503 page, not a 500."""
    client = Client(raise_request_exception=False)
    login_verified(client, world.principal)

    def dropped_at_the_notices(execute, sql, params, many, context):
        if "notifications_notification" in sql:
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connections["default"].execute_wrapper(dropped_at_the_notices):
        response = client.get(reverse("accounts:profile"))
    body = assert_unavailable_page(response, "fr")
    assert world.principal.full_name not in body


@pytest.mark.django_db
def test_the_503_page_of_a_post_switches_language_to_the_form_page(database_down):
    client = Client(raise_request_exception=False)
    with database_down():
        response = client.post(reverse("accounts:login"),
                               {"username": "a@b.test", "password": "x" * 12},
                               headers={"referer": "http://testserver/fr/compte/connexion/"})
    body = assert_unavailable_page(response, "fr")
    assert switch_next(body) == "http://testserver/fr/compte/connexion/"


def test_any_other_error_is_still_the_500_page(rf):
    request = rf.get("/fr/formation/")
    try:
        raise ValueError("a bug, not an outage")
    except ValueError:
        response = server_error(request)
    assert response.status_code == 500 and "Retry-After" not in response
    assert "Une erreur est survenue de notre côté" in page(response)


def test_the_500_template_renders_with_nothing_but_the_language():
    # Without a request (no context processors, no user, no CSRF token), the layout still
    # renders: the navigation without the account links, no language switch.
    with translation.override("en"):
        body = render_to_string("500.html", {})
    assert_site_layout(body, "en")
    assert "lang-switch" not in body
    assert 'href="/en/account/login/"' not in body


def test_the_500_page_renders_even_for_a_request_with_a_refused_host(rf):
    # No link back can be built without a valid Host; the page itself still renders.
    request = rf.get("/en/training/", HTTP_HOST="ailleurs.example",
                     HTTP_REFERER="http://ailleurs.example/en/")
    response = server_error(request)
    body = page(response)
    assert response.status_code == 500
    assert_site_layout(body, "en")
    assert "ailleurs.example" not in body
