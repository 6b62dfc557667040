"""The issuer's keyring, `sexto keys`, did:web and the DID document."""

import json
import stat
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from credentials.did import did_document, did_web_document_url, did_web_from_url
from credentials.keys import (
    ED25519,
    RSA,
    KeyringError,
    keyring_generate,
    keyring_parse,
    keyring_rotate,
)


def test_generated_keyring_has_one_key_of_each_type_and_round_trips():
    keyring = keyring_generate()
    assert [key.type for key in keyring.keys] == [ED25519, RSA]
    again = keyring_parse(keyring.to_json())
    assert [k.fragment for k in again.keys] == [k.fragment for k in keyring.keys]
    assert again.active(ED25519).fragment.startswith("z6Mk")
    assert again.active(RSA).fragment.startswith("rsa-")


def test_rotation_adds_active_keys_and_keeps_the_old_ones():
    first = keyring_generate()
    rotated = keyring_rotate(first)
    assert len(rotated.keys) == 4
    assert rotated.active(ED25519).fragment != first.active(ED25519).fragment
    document = did_document(rotated, "did:web:sexto.example.org")
    ids = {m["id"] for m in document["verificationMethod"]}
    assert f"did:web:sexto.example.org#{first.active(ED25519).fragment}" in ids
    assert set(document["assertionMethod"]) == ids


@pytest.mark.parametrize("text", ["", "{}", '{"keys": [{"type": "Ed25519"}]}',
                                  '{"keys": [{"type": "RSA", "created": "x", '
                                  '"private_key": "not a pem"}]}'])
def test_malformed_keyring_is_refused_with_a_clear_error(text):
    with pytest.raises(KeyringError) as error:
        keyring_parse(text)
    assert "malformed" in error.value.message


def test_keyring_of_the_wrong_key_type_is_refused():
    data = json.loads(keyring_generate().to_json())
    data["keys"][0]["type"] = RSA  # an Ed25519 key announced as RSA
    with pytest.raises(KeyringError):
        keyring_parse(json.dumps(data))


def test_keys_command_generates_rotates_and_lists(tmp_path, settings):
    path = tmp_path / "keys.json"
    call_command("keys", "generate", "-o", str(path), stdout=StringIO())
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with pytest.raises(CommandError, match="never overwrite"):
        call_command("keys", "generate", "-o", str(path), stdout=StringIO())
    first = keyring_parse(path.read_text())
    call_command("keys", "rotate", "--file", str(path), stdout=StringIO())
    rotated = keyring_parse(path.read_text())
    assert len(rotated.keys) == 4
    assert [k.fragment for k in rotated.keys[:2]] == [k.fragment for k in first.keys]

    settings.SEXTO_SIGNING_KEYS_FILE = str(path)
    out = StringIO()
    call_command("keys", "list", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("Issuer: did:web:")
    assert sum("\tactive\t" in line for line in lines) == 2
    assert sum("verification only" in line for line in lines) == 2


def test_generate_without_output_prints_a_keyring_for_the_environment():
    out = StringIO()
    call_command("keys", "generate", stdout=out)
    assert len(keyring_parse(out.getvalue()).keys) == 2


@pytest.mark.parametrize(("url", "did"), [
    ("https://sexto.example.org", "did:web:sexto.example.org"),
    ("https://sexto.example.org/", "did:web:sexto.example.org"),
    ("http://127.0.0.1:8000", "did:web:127.0.0.1%3A8000"),
    ("https://example.org/ecoles/sexto", "did:web:example.org:ecoles:sexto"),
])
def test_did_web_from_site_url(url, did):
    assert did_web_from_url(url) == did


def test_did_web_documents_are_fetched_over_https_except_loopback_in_debug():
    assert did_web_document_url("did:web:sexto.example.org", allow_http_loopback=True) == \
        "https://sexto.example.org/.well-known/did.json"
    assert did_web_document_url("did:web:example.org:ecoles:sexto",
                                allow_http_loopback=False) == \
        "https://example.org/ecoles/sexto/did.json"
    assert did_web_document_url("did:web:127.0.0.1%3A8000", allow_http_loopback=True) == \
        "http://127.0.0.1:8000/.well-known/did.json"
    assert did_web_document_url("did:web:127.0.0.1%3A8000", allow_http_loopback=False) == \
        "https://127.0.0.1:8000/.well-known/did.json"


@override_settings(SITE_URL="https://sexto.example.org")
def test_did_json_is_served_with_every_key(client, signing_keyring):
    response = client.get("/.well-known/did.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/did+json")
    assert response["Access-Control-Allow-Origin"] == "*"
    document = response.json()
    assert document["id"] == "did:web:sexto.example.org"
    methods = {m["type"]: m for m in document["verificationMethod"]}
    assert methods["Multikey"]["publicKeyMultibase"] == \
        signing_keyring.active(ED25519).public_multibase
    assert methods["JsonWebKey"]["publicKeyJwk"]["kty"] == "RSA"
    assert "d" not in methods["JsonWebKey"]["publicKeyJwk"]  # never the private part
    assert client.post("/.well-known/did.json").status_code == 405
