"""The public home page (core:home), in French by default and in English."""

import pytest
from django.urls import reverse
from django.utils import translation


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_home_renders_in_each_language(client, lang):
    with translation.override(lang):
        url = reverse("core:home")
    assert url == f"/{lang}/"
    response = client.get(url)
    assert response.status_code == 200
    assert f'<html lang="{lang}">' in response.content.decode()
    assert response.content.decode().count("<h1") == 1


@pytest.mark.django_db
def test_home_is_french_first(client):
    response = client.get(reverse("core:home"))
    assert "Sexto : agir vite et bien devant un cas de sextage" in response.content.decode()


@pytest.mark.django_db
def test_home_in_english_is_translated(client):
    with translation.override("en"):
        url = reverse("core:home")
    body = client.get(url).content.decode()
    assert "Sexto : agir vite et bien" not in body


@pytest.mark.django_db
def test_root_redirects_to_a_language(client):
    response = client.get("/", headers={"accept-language": "en"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/en/"
    response = client.get("/", headers={"accept-language": "fr-CA"})
    assert response.headers["Location"] == "/fr/"


@pytest.mark.django_db
def test_home_refuses_post(client):
    assert client.post(reverse("core:home")).status_code == 405


@pytest.mark.django_db
def test_home_shows_the_sign_up_link_only_to_visitors(client, world):
    signup = reverse("accounts:signup")
    assert signup in client.get(reverse("core:home")).content.decode()
    client.force_login(world.learner)
    assert f'href="{signup}"' not in client.get(reverse("core:home")).content.decode()
