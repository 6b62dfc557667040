"""The audit log in the Django admin can be read, never added to, changed or deleted."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from conftest import login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client, django_user_model):
    superuser = django_user_model.objects.create_superuser(
        email="root.fictif@example.test", password="x" * 12, full_name="Root Fictif"
    )
    login_verified(client, superuser, reauthenticated=True)  # admin changes ask for it
    return client


def test_the_log_is_listed_and_searched(superuser_client, chain, person):
    person.delete()  # an entry whose actor is gone still lists
    url = reverse("admin:audit_auditevent_changelist")
    assert superuser_client.get(url).status_code == 200
    assert superuser_client.get(url, {"q": "test.second"}).status_code == 200


def test_the_log_is_read_only(superuser_client, chain):
    assert superuser_client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    change = reverse("admin:audit_auditevent_change", args=[chain[1].pk])
    response = superuser_client.get(change)
    assert response.status_code == 200
    assert 'name="_save"' not in response.content.decode()
    assert superuser_client.post(change, {"action": "test.other"}).status_code == 403
    delete = reverse("admin:audit_auditevent_delete", args=[chain[1].pk])
    assert superuser_client.post(delete, {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.get(pk=chain[1].pk).action == "test.second"
