"""The real login and logout pages leave their trace in the audit log (audit/receivers.py)."""

import json

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from audit.services import audit_chain_verify

pytestmark = pytest.mark.django_db


def test_logging_in_through_the_login_page_is_recorded(client, person, password):
    response = client.post(
        reverse("accounts:login"), {"username": person.email, "password": password},
        REMOTE_ADDR="198.51.100.20",
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="auth.login")
    assert event.actor == person
    assert event.ip_address == "198.51.100.20"


def test_logging_out_through_the_logout_page_is_recorded(client, person):
    client.force_login(person)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert AuditEvent.objects.get(action="auth.logout").actor == person
    assert audit_chain_verify().ok


def test_failed_login_through_the_login_page_is_recorded_without_the_identifier(client, person):
    response = client.post(
        reverse("accounts:login"), {"username": person.email, "password": "mauvais-mot"}
    )
    assert response.status_code == 200  # the form again, with its error
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.actor is None
    stored = json.dumps([event.actor_ref, event.target_id, event.data]).lower()
    assert person.email not in stored and "mauvais-mot" not in stored
    assert not AuditEvent.objects.filter(action="auth.login").exists()
