"""The public verifier page: each way in, the form's errors, methods, memory-only uploads, and
nothing from a credential ever rendered as markup, image or link."""

import copy
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.test import Client
from django.urls import reverse
from django.utils import translation

from credentials.baking import png_bake, svg_bake
from credentials.services import credential_for_award, credential_jwt
from credentials.tests.test_verify import Issuer, foreign_credential

BADGES = Path(settings.BASE_DIR) / "credentials" / "static" / "credentials" / "badges"
PNG = (BADGES / "sexto-architecte.png").read_bytes()
SVG = (BADGES / "sexto-architecte.svg").read_text(encoding="utf-8")

EVIL_NARRATIVE = "<script>alert(1)</script> [lien](https://evil.example/md) https://evil.example/t"


def page_url(language: str = "fr") -> str:
    with translation.override(language):
        return reverse("credential_pages:verifier")


def post(client, **data):
    return client.post(page_url(), data)


def html_of(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_the_empty_form_in_french_and_english(client, db):
    french = html_of(client.get(page_url("fr")))
    assert french.count("<h1") == 1 and "<h1>Vérifier un badge</h1>" in french
    assert 'enctype="multipart/form-data"' in french and "csrfmiddlewaretoken" in french
    english = html_of(client.get(page_url("en")))
    assert page_url("en").startswith("/en/") and '<html lang="en">' in english
    assert english.count("<h1") == 1
    assert client.head(page_url()).status_code == 200


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_other_methods_are_405(client, db, method):
    assert getattr(client, method)(page_url()).status_code == 405


def test_pasted_json_and_jwt_are_verified(client, award):
    document = credential_for_award(award=award).document
    for pasted in (json.dumps(document), credential_jwt(award=award)):
        html = html_of(post(client, credential=pasted))
        assert "Résultat : Badge valide" in html
        assert "Ce que dit le badge" in html and document["name"] in html
        assert "autofocus" in html


def test_the_result_is_never_cached(client, award):
    response = post(client, credential=json.dumps(credential_for_award(award=award).document))
    assert "no-store" in response["Cache-Control"]


def test_png_and_svg_uploads_are_verified(client, award):
    text = json.dumps(credential_for_award(award=award).document)
    uploads = [SimpleUploadedFile("badge.png", png_bake(PNG, keyword="openbadgecredential",
                                                        text=text), content_type="image/png"),
               SimpleUploadedFile("badge.svg", svg_bake(SVG, credential=text).encode(),
                                  content_type="image/svg+xml"),
               # A browser that does not know the type: the bytes decide.
               SimpleUploadedFile("BADGE.PNG", png_bake(PNG, keyword="openbadgecredential",
                                                        text=text),
                                  content_type="application/octet-stream")]
    for upload in uploads:
        html = html_of(post(client, image=upload))
        assert "Résultat : Badge valide" in html, upload.name


def test_a_url_is_fetched_through_the_real_fetcher(client, award, live_server, settings):
    settings.DEBUG = True  # the fetcher reaches loopback addresses only while developing
    for name in ("credentials:credential_json", "credentials:credential_png"):
        url = live_server.url + reverse(name, args=[award.pk])
        html = html_of(post(client, url=url))
        assert "Résultat : Badge valide" in html, (name, html[html.find("<main"):])
        assert f'value="{url}"' in html  # kept in the form


def test_an_unreachable_or_private_url_is_explained_not_raised(client, db, settings):
    settings.DEBUG = False
    html = html_of(post(client, url="http://127.0.0.1:9/badge.json"))
    assert "Ce n&#x27;est pas un badge vérifiable" in html
    assert "réseau privé" in html


@pytest.mark.parametrize("data, message", [
    ({}, "Donnez le badge à vérifier"),
    ({"credential": "   "}, "Donnez le badge à vérifier"),
    ({"credential": "bonjour", "url": "https://badges.example/b.json"}, "une seule façon"),
    ({"url": "pas une adresse"}, "Donnez une adresse web complète"),
    ({"url": "ftp://badges.example/b.json"}, "Donnez une adresse web complète"),
])
def test_form_errors_keep_what_was_typed(client, db, data, message):
    html = html_of(post(client, **data))
    assert "Le formulaire contient une erreur" in html and message in html
    assert "Résultat" not in html
    assert 'aria-invalid="true"' in html or "verifier-inputs-errors" in html
    if data.get("credential", "").strip():
        assert data["credential"] in html
    if data.get("url"):
        assert f'value="{data["url"]}"' in html


def test_field_errors_are_tied_to_their_field(client, db):
    html = html_of(post(client, url="pas une adresse"))
    field = re.search(r'<input type="url"[^>]*>', html).group(0)
    assert 'aria-describedby="id_url_helptext id_url_errors"' in field
    assert 'aria-invalid="true"' in field and 'id="id_url_errors"' in html


def test_two_inputs_including_an_image_are_refused(client, award):
    upload = SimpleUploadedFile("badge.png", PNG, content_type="image/png")
    html = html_of(post(client, image=upload, url="https://badges.example/b.json"))
    assert "une seule façon" in html


@pytest.mark.parametrize("name, content, content_type", [
    ("badge.png", b"hello, I am text", "image/png"),
    ("badge.txt", PNG, "text/plain"),
    ("badge.svg", PNG, "image/svg+xml"),
    ("badge.png", PNG, "text/html"),
    ("badge.png", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/png"),
])
def test_only_png_and_svg_images_are_taken(client, db, name, content, content_type):
    html = html_of(post(client, image=SimpleUploadedFile(name, content,
                                                         content_type=content_type)))
    assert "n&#x27;est pas une image PNG ou SVG" in html


def test_an_oversize_upload_is_refused_without_being_kept(client, db):
    huge = PNG + b"\0" * (3 * 1024 * 1024)
    response = post(client, image=SimpleUploadedFile("badge.png", huge, content_type="image/png"))
    assert "dépasse 2 Mo" in html_of(response)
    assert response.wsgi_request.FILES["image"].size == len(huge)
    [handler] = response.wsgi_request.upload_handlers
    assert handler.kept == 2 * 1024 * 1024 + 1  # the rest was read and dropped


def test_a_paste_too_large_for_django_is_refused_in_words(client, db, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    html = html_of(post(client, credential="{" + " " * 2000 + "}"))
    assert "dépasse la taille acceptée" in html and "Le formulaire contient une erreur" in html


def test_uploads_stay_in_memory(client, award, monkeypatch, settings, tmp_path):
    # Were Django's default handlers used, anything above 10 bytes would go to a temporary file.
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 10
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)

    def no_temporary_file(*args, **kwargs):
        raise AssertionError("an upload was written to a temporary file")

    monkeypatch.setattr(TemporaryUploadedFile, "__init__", no_temporary_file)
    text = json.dumps(credential_for_award(award=award).document)
    upload = SimpleUploadedFile("badge.png", png_bake(PNG, keyword="openbadgecredential",
                                                      text=text), content_type="image/png")
    response = post(client, image=upload)
    assert "Résultat : Badge valide" in html_of(response)
    handlers = response.wsgi_request.upload_handlers
    assert handlers and all(isinstance(h, MemoryFileUploadHandler) for h in handlers)
    assert list(tmp_path.iterdir()) == []


def test_csrf_is_still_checked(award):
    client = Client(enforce_csrf_checks=True)
    assert client.post(page_url(), {"credential": "{}"}).status_code == 403
    token = client.get(page_url()).cookies["csrftoken"].value
    response = client.post(page_url(), {"credential": "{}", "csrfmiddlewaretoken": token})
    assert response.status_code == 200


@pytest.mark.parametrize("name, data, message", [
    ("truncated JSON", {"credential": '{"@context": ["https://www.w3.org/ns/cre'},
     "pas du JSON valide"),
    ("not a credential", {"credential": "[]"}, "pas un justificatif"),
    ("plain text", {"credential": "bonjour"}, "Collez un justificatif"),
    ("PNG without a badge", {"image": ("badge.png", PNG, "image/png")}, "aucun badge"),
    ("SVG with a DTD", {"image": ("badge.svg", b'<?xml version="1.0"?><!DOCTYPE svg '
                                  b'[<!ENTITY x "y">]><svg xmlns="http://www.w3.org/2000/svg">'
                                  b'&x;</svg>', "image/svg+xml")}, "DTD"),
    ("broken PNG", {"image": ("badge.png", PNG[:300], "image/png")}, "endommagée"),
])
def test_what_is_not_a_badge_is_explained(client, db, name, data, message):
    if "image" in data:
        file_name, content, content_type = data["image"]
        data = {"image": SimpleUploadedFile(file_name, content, content_type=content_type)}
    html = html_of(post(client, **data))
    assert "Résultat : Ce n&#x27;est pas un badge vérifiable" in html, name
    assert message in html, name
    assert "Ce que" not in html  # no claims shown for what is not a badge


def test_wrong_proof_type_and_unknown_context_are_invalid(client, award):
    document = copy.deepcopy(credential_for_award(award=award).document)
    document["proof"][0]["type"] = "Ed25519Signature2020"
    html = html_of(post(client, credential=json.dumps(document)))
    assert "Résultat : Badge invalide" in html and "DataIntegrityProof" in html
    document["@context"].append("https://evil.example/context.json")
    html = html_of(post(client, credential=json.dumps(document)))
    assert "Contexte JSON-LD inconnu" in html


def _booby_trapped(document: dict) -> dict:
    document = copy.deepcopy(document)
    document["name"] = '<img src="https://evil.example/n.png"> Badge'
    achievement = document["credentialSubject"]["achievement"]
    achievement["image"] = {"id": "https://evil.example/x.png", "type": "Image"}
    achievement["description"] = '<a href="https://evil.example/d">cliquez</a>'
    achievement["criteria"] = {"narrative": "**gras** https://evil.example/c"}
    document["evidence"] = [{"type": ["Evidence"], "name": "<b>Preuve</b>",
                             "narrative": EVIL_NARRATIVE}]
    return document


def _assert_nothing_rendered_from(html: str) -> None:
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img" not in html and "<b>Preuve" not in html
    assert "https://evil.example/t" in html  # shown, as text
    # Every link on the page is the site's own (navigation, error summary), none from the badge.
    for href in re.findall(r'href="([^"]*)"', html):
        assert href.startswith(("/", "#")), href
    assert "evil.example" not in "".join(re.findall(r"<(?:a|img|link|script)\b[^>]*>", html))


def test_a_forged_credential_is_shown_as_escaped_claims(client, award):
    forged = _booby_trapped(credential_for_award(award=award).document)
    html = html_of(post(client, credential=json.dumps(forged)))
    assert "Résultat : Badge invalide" in html
    assert "Ce que le badge prétend (non vérifié)" in html and "Ce que dit le badge" not in html
    _assert_nothing_rendered_from(html)


def test_a_validly_signed_credential_is_still_only_text(client, award):
    stranger = Issuer()
    signed = foreign_credential(_booby_trapped(credential_for_award(award=award).document),
                                stranger)
    html = html_of(post(client, credential=json.dumps(signed)))
    assert "Résultat : Badge valide" in html and "Ce que dit le badge" in html
    _assert_nothing_rendered_from(html)


def test_the_page_in_english_keeps_its_shape(client, award):
    html = html_of(client.post(page_url("en"), {}))
    assert '<html lang="en">' in html and html.count("<h1") == 1
    document = credential_for_award(award=award).document
    html = html_of(client.post(page_url("en"), {"credential": json.dumps(document)}))
    assert 'id="verdict-heading"' in html
