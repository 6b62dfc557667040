"""The language switch (core.language.set_language): the same page in the other language,
whatever the browser's Accept-Language or the language cookie say, and it stays there.

The cause it fixes: Django's translate_url() reads the page's path in the language active in
the switch's own request (/i18n/setlang/ has no prefix, so: the cookie, else Accept-Language).
When that was the other language, the path did not resolve and the switch went back to the same
page. The browser test is tests/browser/test_language_switch.py.
"""

import re
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from conftest import PASSWORD

ACCEPT = {"fr": "fr-CA,fr;q=0.9", "en": "en-CA,en;q=0.9"}
CASE_ID = uuid.uuid4()  # translate_url only reads the path: no case needs to exist

# (view name, args, query string): the home page, translated paths, a case step, a query.
PAGES = [
    ("core:home", [], ""),
    ("training:home", [], ""),
    ("cases:case_list", [], "?etat=closed&page=2"),
    ("cases:case_step", [CASE_ID, "grid"], ""),
    ("accounts:login", [], "?next=/fr/dossiers/"),
]


def url_in(language: str, name: str, args: list, query: str) -> str:
    with translation.override(language):
        return reverse(name, args=args) + query


def switch(client: Client, *, page: str, to: str, accept: str):
    """Post the switch as the form in templates/base.html does, from `page`."""
    return client.post(reverse("set_language"), {"language": to, "next": page},
                       headers={"accept-language": accept})


def test_translated_paths_really_differ_between_languages():
    # Otherwise the tests below could pass by leaving the path alone.
    assert url_in("fr", "cases:case_list", [], "") != url_in("en", "cases:case_list", [], "")


@pytest.mark.django_db
@pytest.mark.parametrize("name, args, query", PAGES)
@pytest.mark.parametrize("accept", ["fr", "en"])
@pytest.mark.parametrize("page_language, to", [("fr", "en"), ("en", "fr")])
def test_the_switch_goes_to_the_same_page_in_the_other_language(
        name, args, query, accept, page_language, to):
    client = Client()
    page = url_in(page_language, name, args, query)
    response = switch(client, page=page, to=to, accept=ACCEPT[accept])
    assert response.status_code == 302
    assert response["Location"] == url_in(to, name, args, query)
    assert client.cookies["django_language"].value == to


@pytest.mark.django_db
@pytest.mark.parametrize("accept", ["fr", "en"])
@pytest.mark.parametrize("to", ["fr", "en"])
def test_the_chosen_language_stays_whatever_the_cookie_said_before(accept, to):
    client = Client()
    other = "fr" if to == "en" else "en"
    client.cookies["django_language"] = to  # e.g. set by signing in, or an earlier switch
    page = url_in(other, "training:home", [], "")
    response = switch(client, page=page, to=to, accept=ACCEPT[accept])
    assert response["Location"] == url_in(to, "training:home", [], "")
    # Later: the site's root and any page without a prefix follow the choice, not the browser.
    assert client.get("/", headers={"accept-language": ACCEPT[other]})["Location"] == f"/{to}/"
    page = client.get(response["Location"], headers={"accept-language": ACCEPT[other]})
    assert f'<html lang="{to}">' in page.content.decode()
    # The page's own links and switch stay in that language.
    assert re.search(rf'<a class="brand" href="/{to}/">', page.content.decode())


@pytest.mark.django_db
def test_a_page_without_a_language_prefix_keeps_its_address_and_the_cookie_decides():
    client = Client()
    response = switch(client, page="/nulle-part/", to="en", accept=ACCEPT["fr"])
    assert response["Location"] == "/nulle-part/"
    assert client.cookies["django_language"].value == "en"
    assert '<html lang="en">' in client.get("/nulle-part/").content.decode()


@pytest.mark.django_db
def test_another_site_is_never_the_destination():
    client = Client()
    response = switch(client, page="https://ailleurs.example/fr/", to="en", accept=ACCEPT["fr"])
    assert response.status_code == 302
    assert "ailleurs.example" not in response["Location"]


@pytest.mark.parametrize("preferred, accept", [("fr", "en"), ("en", "fr")])
def test_after_signing_in_the_switch_still_goes_to_the_other_language(world, preferred, accept):
    # Signing in sets the person's preferred language (cookie included), whatever the browser's.
    person = world.learner
    person.preferred_language = preferred
    person.save(update_fields=["preferred_language"])
    client = Client()
    with translation.override(accept):
        login = reverse("accounts:login")
    response = client.post(login, {"username": person.email, "password": PASSWORD},
                           headers={"accept-language": ACCEPT[accept]})
    assert response.status_code == 302
    landed = response["Location"]
    assert landed == url_in(preferred, "core:home", [], "")  # the person's home
    other = "fr" if preferred == "en" else "en"
    response = switch(client, page=landed, to=other, accept=ACCEPT[accept])
    assert response["Location"] == url_in(other, "core:home", [], "")
    assert client.get(response["Location"]).status_code == 200
    assert client.get("/")["Location"] == f"/{other}/"


def test_the_switch_in_every_page_posts_the_page_it_is_on(client, world):
    body = client.get(url_in("fr", "cases:case_list", [], "?etat=closed"),
                      follow=True).content.decode()
    form = re.search(r'<form class="lang-switch"[^>]*>.*?</form>', body, re.S).group(0)
    assert f'action="{reverse("set_language")}"' in form
    assert 'name="csrfmiddlewaretoken"' in form
    assert re.search(r'name="next" value="/fr/compte/connexion/\?next=[^"]+"', form)


@pytest.mark.parametrize("preferred", ["fr", "en"])
def test_signing_in_after_switching_the_sign_in_page_lands_in_the_persons_language(
        world, preferred):
    # /fr/compte/connexion/?next=/fr/formation/, switched to English, keeps its French `next`;
    # signing in must still read that path as French to give it in the person's language.
    person = world.learner
    person.preferred_language = preferred
    person.save(update_fields=["preferred_language"])
    client = Client()
    french_next = url_in("fr", "training:home", [], "")
    page = url_in("fr", "accounts:login", [], f"?next={french_next}")
    english_login = switch(client, page=page, to="en", accept=ACCEPT["fr"])["Location"]
    assert english_login == url_in("en", "accounts:login", [], f"?next={french_next}")
    response = client.post(english_login, {"username": person.email, "password": PASSWORD})
    assert response["Location"] == url_in(preferred, "training:home", [], "")
