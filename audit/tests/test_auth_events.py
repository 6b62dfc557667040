"""Logins, logouts and failed logins are written to the audit log (audit/receivers.py)."""

import hashlib
import json

import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory

from audit.models import AuditEvent
from audit.services import audit_chain_verify

pytestmark = pytest.mark.django_db


def login_request():
    return RequestFactory().post("/fr/", REMOTE_ADDR="203.0.113.5")


def test_login_is_recorded(client, person):
    client.force_login(person)
    event = AuditEvent.objects.get(action="auth.login")
    assert event.actor == person
    assert (event.target_type, event.target_id) == ("accounts.user", str(person.pk))


def test_logout_is_recorded(client, person):
    client.force_login(person)
    client.logout()
    event = AuditEvent.objects.get(action="auth.logout")
    assert event.actor == person
    assert audit_chain_verify().ok


def test_logout_of_an_anonymous_visitor_records_nothing(client):
    client.logout()
    assert not AuditEvent.objects.filter(action="auth.logout").exists()


def test_successful_authentication_records_no_failure(person, password):
    assert authenticate(login_request(), username=person.email, password=password) == person
    assert not AuditEvent.objects.filter(action="auth.login_failed").exists()


def test_failed_login_is_recorded_with_the_address(person):
    assert authenticate(login_request(), username=person.email, password="mauvais") is None
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.actor is None
    assert event.ip_address == "203.0.113.5"
    assert audit_chain_verify().ok


def test_failed_login_stores_no_clear_identifier(person):
    authenticate(login_request(), username="  Zoe.Fictive@Example.test ", password="mauvais")
    event = AuditEvent.objects.get(action="auth.login_failed")
    stored = json.dumps(
        [event.actor_ref, event.target_type, event.target_id, event.data]
    ).lower()
    assert "zoe" not in stored and "example.test" not in stored
    assert "mauvais" not in stored
    digest = event.data["identifier_hmac"]
    assert len(digest) == 32 and set(digest) <= set("0123456789abcdef")


def test_failed_login_hash_is_keyed_so_a_dictionary_of_emails_does_not_reverse_it(
        person, settings):
    # An attacker holding the log and a list of emails hashes each one: a plain digest of the
    # identifier (in whole or a prefix) would be found that way.
    tried = "zoe.fictive@example.test"
    authenticate(login_request(), username=tried, password="mauvais")
    stored = AuditEvent.objects.get(action="auth.login_failed").data
    plain = hashlib.sha256(tried.encode()).hexdigest()
    assert "identifier_sha256" not in stored
    assert not any(plain.startswith(str(value)[:16]) or str(value)[:16] in plain
                   for value in stored.values())
    # And it depends on AUDIT_KEY: another key gives another hash for the same identifier.
    settings.AUDIT_KEY = "another-audit-key-for-this-test-only-0123456789"
    authenticate(login_request(), username=tried, password="mauvais")
    hashes = [e.data["identifier_hmac"]
              for e in AuditEvent.objects.filter(action="auth.login_failed").order_by("sequence")]
    assert hashes[0] != hashes[1]


def test_failed_login_hash_is_the_same_for_the_same_identifier(person):
    # The hash lets an investigator link repeated attempts without keeping the address itself.
    authenticate(login_request(), username="zoe.fictive@example.test", password="mauvais")
    authenticate(login_request(), username="ZOE.FICTIVE@example.test ", password="autre")
    authenticate(login_request(), username="autre.personne@example.test", password="x")
    digests = [e.data["identifier_hmac"] for e in AuditEvent.objects.order_by("sequence")]
    assert digests[0] == digests[1] != digests[2]


def test_failed_login_for_an_unknown_account_is_recorded(db):
    authenticate(login_request(), username="personne@example.test", password="mauvais")
    assert AuditEvent.objects.filter(action="auth.login_failed").count() == 1
