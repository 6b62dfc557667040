"""The public verifier and the public credential documents are rate limited per client
address (core/ratelimit.py; issue 10: "30 verifier requests in 0.2 s"), on the local-memory
cache and on the machine's Redis."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from credentials.tests.test_verify_page import PNG, page_url

pytestmark = pytest.mark.usefixtures("shared_cache")


@pytest.fixture
def limited(settings):
    settings.SEXTO_TRUSTED_PROXIES = 1
    settings.SEXTO_RATE_LIMITS = {**settings.SEXTO_RATE_LIMITS, "verifier": (3, 60),
                                  "credential_documents": (3, 60)}


def from_client(address):
    return {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": address}


@pytest.mark.parametrize("shape", ["pasted", "uploaded", "fetched"])
def test_the_verifier_is_limited_whatever_the_shape(db, limited, settings, shape):
    settings.DEBUG = False  # the fetcher refuses a private address without any network
    client = Client()

    def data():
        return {"pasted": {"credential": '{"type": "pas un badge"}'},
                "uploaded": {"image": SimpleUploadedFile("b.png", PNG,
                                                         content_type="image/png")},
                "fetched": {"url": "http://127.0.0.1:9/badge.json"}}[shape]

    statuses = [client.post(page_url(), data(), **from_client("203.0.113.7")).status_code
                for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.post(page_url("en"), data(), **from_client("203.0.113.7"))
    assert refused.status_code == 429 and int(refused["Retry-After"]) <= 60
    assert "Too many requests" in refused.content.decode()
    # Another client behind the same proxy is still served; the form itself is never limited.
    assert Client().post(page_url(), data(), **from_client("198.51.100.20")).status_code == 200
    assert client.get(page_url(), **from_client("203.0.113.7")).status_code == 200


def test_public_credential_documents_are_limited(db, limited, signing_keyring):
    client = Client()
    url = reverse("credentials:did")
    statuses = [client.get(url, **from_client("203.0.113.7")).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert client.get(reverse("credentials:issuer"),
                      **from_client("203.0.113.7")).status_code == 429
    assert Client().get(url, **from_client("198.51.100.20")).status_code == 200

