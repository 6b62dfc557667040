"""The public documents of an award and of the issuer: success, outsider 404, wrong method."""

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from credentials.baking import png_extract, svg_extract
from credentials.verify import verify

AWARD_URLS = ["credentials:credential_json", "credentials:credential_jwt",
              "credentials:credential_png", "credentials:credential_svg",
              "credentials:ob2_assertion", "credentials:ob2_png",
              "credential_pages:attestation_pdf", "credential_pages:attestation"]


def _get(client, name, award, **headers):
    return client.get(reverse(name, args=[award.pk]), **headers)


def test_published_award_documents_are_public(client, award):
    for name in AWARD_URLS:
        response = _get(client, name, award)
        assert response.status_code == 200, name
    document = _get(client, "credentials:credential_json", award).json()
    assert verify(text=json.dumps(document)).verdict == "valid"


@pytest.mark.parametrize("name", AWARD_URLS)
def test_unpublished_award_is_404_to_outsiders_and_open_to_its_recipient(client, world, award,
                                                                        name):
    award.published = False
    award.save()
    assert _get(client, name, award).status_code == 404
    client.force_login(world.outsider)
    assert _get(client, name, award).status_code == 404
    client.force_login(world.learner)
    assert _get(client, name, award).status_code == 200


@pytest.mark.parametrize("name", AWARD_URLS)
def test_wrong_method_is_405(client, award, name):
    assert client.post(reverse(name, args=[award.pk])).status_code == 405


def test_unknown_award_is_404(client, db):
    import uuid

    assert client.get(reverse("credentials:credential_json",
                              args=[uuid.uuid4()])).status_code == 404


def test_attestation_offers_the_credential_by_content_negotiation(client, award):
    page = _get(client, "credential_pages:attestation", award)
    assert page["Content-Type"].startswith("text/html")
    assert "Accept" in page["Vary"]
    html = page.content.decode()
    for name in AWARD_URLS:
        if name not in ("credentials:ob2_assertion", "credential_pages:attestation"):
            assert reverse(name, args=[award.pk]) in html, name
    assert "https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME" in html
    negotiated = _get(client, "credential_pages:attestation", award,
                      HTTP_ACCEPT="application/ld+json")
    assert negotiated["Content-Type"].startswith("application/vc+ld+json")
    assert negotiated.json()["id"] == f"urn:uuid:{award.pk}"
    browser = _get(client, "credential_pages:attestation", award,
                   HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert browser["Content-Type"].startswith("text/html")


def test_baked_images_carry_the_signed_credential(client, award):
    png = _get(client, "credentials:credential_png", award).content
    assert json.loads(png_extract(png, keyword="openbadgecredential"))["id"] == \
        f"urn:uuid:{award.pk}"
    assert verify(data=png).verdict == "valid"
    svg = _get(client, "credentials:credential_svg", award).content
    assert svg_extract(svg).kind == "ob3"
    assert verify(data=svg).verdict == "valid"
    ob2_png = _get(client, "credentials:ob2_png", award).content
    # The assertion's JSON, the same as at its hosted address.
    baked = json.loads(png_extract(ob2_png, keyword="openbadges"))
    assert baked == _get(client, "credentials:ob2_assertion", award).json()


def test_jwt_download_verifies(client, award):
    token = _get(client, "credentials:credential_jwt", award).content.decode()
    report = verify(text=token)
    assert report.verdict == "valid", report.as_dict()
    assert report.format == "ob3-jwt"


def test_ob2_documents_link_together_and_say_revoked(client, award, world):
    assertion = _get(client, "credentials:ob2_assertion", award).json()
    assert assertion["type"] == "Assertion" and assertion["verification"] == {"type": "hosted"}
    assert world.learner.email not in json.dumps(assertion)
    badge = client.get(assertion["badge"].replace("http://127.0.0.1:8000", "")).json()
    assert badge["type"] == "BadgeClass"
    issuer = client.get(badge["issuer"].replace("http://127.0.0.1:8000", "")).json()
    assert issuer["type"] == "Issuer"
    award.revoked, award.revoked_at, award.revocation_reason = True, timezone.now(), "Secret."
    award.save()
    revoked = _get(client, "credentials:ob2_assertion", award)
    assert revoked.status_code == 410
    assert revoked.json()["revoked"] is True and "Secret." not in revoked.content.decode()


def test_issuer_achievement_and_status_list_documents(client, award):
    issuer = client.get(reverse("credentials:issuer")).json()
    assert issuer["type"] == ["Profile"] and issuer["id"].startswith("did:web:")
    slug = award.badge_class.slug
    french = client.get(reverse("credentials:achievement", args=[slug])).json()
    english = client.get(reverse("credentials:achievement_en", args=[slug])).json()
    assert (french["inLanguage"], english["inLanguage"]) == ("fr", "en")
    assert english["name"] == "Fictional kit 2 – Architect"
    assert client.get(reverse("credentials:achievement", args=["nope"])).status_code == 404
    document = _get(client, "credentials:credential_json", award).json()
    url = document["credentialStatus"]["statusListCredential"]
    response = client.get(url.replace("http://127.0.0.1:8000", ""))
    assert response.status_code == 200
    assert "max-age=300" in response["Cache-Control"] and "public" in response["Cache-Control"]
    assert response.json()["credentialSubject"]["type"] == "BitstringStatusList"


def test_pdf_follows_the_page_language(client, award):
    french = _get(client, "credential_pages:attestation_pdf", award)
    assert french["Content-Type"] == "application/pdf"
    assert french.content.startswith(b"%PDF")
    english = client.get(reverse("credential_pages:attestation_pdf",
                                 args=[award.pk]).replace("/fr/", "/en/", 1))
    assert english.status_code == 200 and english.content != french.content


def _public_documents(award) -> list[str]:
    """The address of every document of credentials/urls.py, for `award` where it takes one."""
    from credentials import urls
    from credentials.services import credential_for_award

    values = {"award_id": award.pk, "slug": award.badge_class.slug,
              "list_id": credential_for_award(award=award).status_list_id}
    return [reverse(f"credentials:{p.name}",
                    kwargs={name: values[name] for name in p.pattern.converters})
            for p in urls.urlpatterns]


def test_every_public_document_is_readable_from_any_origin(client, award):
    addresses = _public_documents(award)
    assert len(addresses) == 13
    for address in addresses:
        response = client.get(address, HTTP_ORIGIN="https://verifier.example")
        assert response.status_code == 200, address
        assert response["Access-Control-Allow-Origin"] == "*", address
        assert "Access-Control-Allow-Credentials" not in response, address
    # The credential asked for at the attestation's address, too.
    negotiated = _get(client, "credential_pages:attestation", award,
                      HTTP_ACCEPT="application/vc+ld+json")
    assert negotiated["Access-Control-Allow-Origin"] == "*"


def test_a_browser_s_preflight_is_answered_204_with_what_a_verifier_sends(client, award):
    for address in _public_documents(award):
        response = client.options(
            address, HTTP_ORIGIN="https://verifier.example",
            HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
            HTTP_ACCESS_CONTROL_REQUEST_HEADERS="accept, if-none-match")
        assert response.status_code == 204, address
        assert response["Access-Control-Allow-Origin"] == "*"
        assert set(response["Access-Control-Allow-Methods"].split(", ")) == {
            "GET", "HEAD", "OPTIONS"}
        allowed = {h.strip().lower() for h in response["Access-Control-Allow-Headers"].split(",")}
        assert {"accept", "if-none-match", "accept-language"} <= allowed
        assert int(response["Access-Control-Max-Age"]) > 0
        assert not response.content and "Content-Type" not in response


def test_the_vc_jwt_is_served_as_text_plain(client, award):
    response = _get(client, "credentials:credential_jwt", award)
    assert response["Content-Type"].split(";")[0] == "text/plain"
    assert response.content.decode("ascii").count(".") == 2
