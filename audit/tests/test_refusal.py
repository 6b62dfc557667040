"""record_refusal(): a refused access stays in the log although the request fails."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.test import RequestFactory

from audit.models import AuditEvent
from audit.services import audit_chain_verify, record, record_refusal


def refused_request(user):
    request = RequestFactory().get("/fr/dossiers/c-1/", REMOTE_ADDR="203.0.113.9")
    request.user = user
    return request


def test_a_refusal_records_who_what_and_from_where(db, person):
    event = record_refusal(
        request=refused_request(person), action="case.access_refused",
        target_type="cases.case", target_id="c-1", data={"status": 403},
    )
    event.refresh_from_db()
    assert event.actor == person and event.actor_ref == str(person.pk)
    assert (event.action, event.target_type, event.target_id) == (
        "case.access_refused", "cases.case", "c-1",
    )
    assert event.ip_address == "203.0.113.9"
    assert event.data == {"status": 403}


def test_an_anonymous_refusal_is_recorded_without_an_actor(db):
    event = record_refusal(request=refused_request(AnonymousUser()), action="case.access_refused")
    assert event.actor is None and event.actor_ref == ""
    assert event.ip_address == "203.0.113.9"


def test_a_refusal_inside_a_transaction_is_a_programming_error(db, person):
    # It would vanish with that transaction's rollback, which is what a failing request does.
    with pytest.raises(RuntimeError, match="inside transaction.atomic"), transaction.atomic():
        record_refusal(request=refused_request(person), action="case.access_refused")
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_refusal_outlives_the_request_failing_after_it(person):
    # As a view: decide the refusal, record it, then fail; later work is rolled back.
    with pytest.raises(PermissionDenied):
        record_refusal(request=refused_request(person), action="case.access_refused")
        with transaction.atomic():
            record(action="test.rolled_back", actor=person)
            raise PermissionDenied
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["case.access_refused"]
    assert audit_chain_verify().ok
