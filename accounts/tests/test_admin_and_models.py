"""Django admin for accounts, and the models' privacy statement."""

import pytest
from django.apps import apps
from django.urls import reverse

from accounts.models import Membership
from accounts.services import join_request_create
from conftest import login_verified


@pytest.fixture
def superuser(world):
    from accounts.models import User

    return User.objects.create_superuser(email="root.fictif@example.test", password="x" * 12,
                                         full_name="Root Fictif")


@pytest.mark.parametrize("model", ["user", "organisation", "territory", "dpcpagreement",
                                   "membership", "joinrequest"])
def test_admin_lists_and_searches(client, superuser, model):
    login_verified(client, superuser)
    url = reverse(f"admin:accounts_{model}_changelist")
    assert client.get(url).status_code == 200
    assert client.get(url, {"q": "Fictif"}).status_code == 200


def test_admin_adds_a_user_by_email(client, superuser):
    from accounts.models import User

    login_verified(client, superuser, reauthenticated=True)
    response = client.post(reverse("admin:accounts_user_add"), {
        "email": "nadia.fictive@example.test", "full_name": "Nadia Fictive",
        "usable_password": "true",
        "password1": "un-secret-bien-long-77", "password2": "un-secret-bien-long-77",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    assert User.objects.get(email="nadia.fictive@example.test").check_password(
        "un-secret-bien-long-77")


@pytest.mark.parametrize("model", ["membership", "joinrequest"])
def test_roles_and_declarations_are_read_only_in_admin(client, world, superuser, model):
    join_request = join_request_create(user=world.outsider, organisation=world.school)
    obj = join_request if model == "joinrequest" else Membership.objects.first()
    login_verified(client, superuser, reauthenticated=True)
    assert client.get(reverse(f"admin:accounts_{model}_add")).status_code == 403
    change = reverse(f"admin:accounts_{model}_change", args=[obj.pk])
    response = client.get(change)
    assert response.status_code == 200
    assert 'name="_save"' not in response.content.decode()  # view only, no save button
    assert client.post(change, {}).status_code == 403
    assert client.post(reverse(f"admin:accounts_{model}_delete", args=[obj.pk]),
                       {"post": "yes"}).status_code == 403
    assert type(obj).objects.filter(pk=obj.pk).exists()


def test_every_accounts_model_states_whether_it_holds_personal_information():
    for model in apps.get_app_config("accounts").get_models():
        doc = model.__doc__ or ""
        assert "Personal information: yes" in doc or "Personal information: no" in doc, model


def test_platform_admin_role_opens_the_admin_without_django_staff_flags(client, world):
    assert not world.platform_admin.is_staff
    login_verified(client, world.platform_admin, reauthenticated=True)
    assert client.get(reverse("admin:index")).status_code == 200
    response = client.post(reverse("admin:accounts_territory_add"), {
        "name": "Lac-Fictif", "code": "lac-fictif", "police_force": world.force_ok.pk,
    })
    assert response.status_code == 302
    from accounts.models import Territory
    from audit.models import AuditEvent

    territory = Territory.objects.get(code="lac-fictif")
    event = AuditEvent.objects.get(action="reference.created", target_id=str(territory.pk))
    assert event.actor == world.platform_admin
    # Users and their flags stay with Django superusers.
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 403


@pytest.mark.parametrize("who", ["org_admin", "reviewer", "learner", "police"])
def test_other_roles_are_sent_to_the_admin_login(client, world, who):
    login_verified(client, getattr(world, who))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_the_admin_asks_platform_administrators_for_a_second_factor(world, client):
    client.force_login(world.platform_admin)  # password only
    response = client.get("/fr/admin/")
    assert response.status_code == 302
    follow = client.get(response["Location"])
    # Sent to the site's own second-factor or enrolment page, never into the admin.
    assert follow.status_code == 302 and "/admin/" not in follow["Location"]
    login_verified(client, world.platform_admin)
    assert client.get("/fr/admin/").status_code == 200
