"""No way around the second factor (issue 10).

- The admin has no sign-in form of its own: its login address leads to the site's two-step
  sign-in, and a password alone signs nobody in there.
- Whoever has a second factor gets nothing from a session not verified with it, however that
  session came about (accounts.mfa.second_factor_owed, run by accounts.middleware).
- Granting or removing a role and accepting a join request ask for a verified session and a
  fresh re-authentication (accounts.mfa.reauthentication_required); so do the admin's changes.
"""

import time

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import mfa
from accounts.models import Membership, Role, User
from accounts.services import join_request_create, totp_device_create
from accounts.tests.test_second_factor import password_step, second_step, totp_code
from conftest import PASSWORD, login_verified


@pytest.fixture
def superuser_with_totp(db):
    user = User.objects.create_superuser(email="racine.fictive@example.test", password=PASSWORD,
                                         full_name="Racine Fictive")
    device, _secret = totp_device_create(user=user, name="Téléphone")
    return user, device


def _stale(client, settings):
    """The session's last re-authentication is older than SEXTO_REAUTH_SECONDS."""
    session = client.session
    session[mfa.REAUTH_AT_KEY] = time.time() - settings.SEXTO_REAUTH_SECONDS - 1
    session.save()


def _grant_to_outsider(client, world, role=Role.PRINCIPAL, **headers):
    """The people page's role form, sent for the world's outsider at its school."""
    return client.post(reverse("accounts:role_grant"), {
        "email": world.outsider.email, "role": role, "organisation": str(world.school.pk)},
        **headers)


# --- The admin's sign-in ----------------------------------------------------------------------


def test_the_admin_login_address_leads_to_the_sites_sign_in(client, superuser_with_totp):
    response = client.get(reverse("admin:login"), {"next": "/fr/admin/accounts/user/"})
    assert response.status_code == 302
    assert response["Location"] == (reverse("accounts:login")
                                    + "?next=%2Ffr%2Fadmin%2Faccounts%2Fuser%2F")
    # Without a next, the admin's index.
    response = client.get(reverse("admin:login"))
    assert response["Location"] == reverse("accounts:login") + "?next=%2Ffr%2Fadmin%2F"
    # An address elsewhere is not followed.
    response = client.get(reverse("admin:login"), {"next": "https://ailleurs.example/"})
    assert response["Location"] == reverse("accounts:login") + "?next=%2Ffr%2Fadmin%2F"


def test_a_password_alone_at_the_admin_login_signs_nobody_in(client, superuser_with_totp):
    user, _device = superuser_with_totp
    response = client.post(reverse("admin:login"), {"username": user.email, "password": PASSWORD,
                                                    "next": "/fr/admin/"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("admin:index")).status_code == 302
    # Nor anything else: the people page, where roles are granted, sends to the sign-in.
    people = client.get(reverse("accounts:people"))
    assert people.status_code == 302
    assert people["Location"].startswith(reverse("accounts:login"))


def test_the_sites_two_step_sign_in_opens_the_admin(client, superuser_with_totp, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    user, device = superuser_with_totp
    response = password_step(client, user, PASSWORD, next_url="/fr/admin/")
    assert response["Location"].startswith(reverse("accounts:second_factor"))
    assert "_auth_user_id" not in client.session  # nobody signed in before the second step
    response = second_step(client, "totp", totp_code(device), next_url="/fr/admin/")
    assert response.status_code == 302 and response["Location"] == "/fr/admin/"
    assert client.get("/fr/admin/").status_code == 200
    # Signed in and allowed: the login address goes straight back.
    assert client.get(reverse("admin:login"))["Location"] == "/fr/admin/"


def test_a_signed_in_person_who_may_not_administer_gets_no_admin_login_form(client, world):
    login_verified(client, world.learner)
    assert client.get(reverse("admin:login")).status_code == 403


def test_a_staff_account_without_a_second_factor_is_sent_to_add_one(client, db):
    staff = User.objects.create_user(email="personnel.fictif@example.test", password=PASSWORD,
                                     full_name="Personnel Fictif", is_staff=True)
    client.force_login(staff)
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:security"))


# --- A session without its second factor opens nothing -------------------------------------


def test_a_password_only_session_of_someone_with_a_second_factor_opens_nothing(
        client, superuser_with_totp):
    """As Django's admin login form used to give: the person, the session, no second factor."""
    user, _device = superuser_with_totp
    client.force_login(user)
    second_factor_page = reverse("accounts:second_factor")
    for url in (reverse("accounts:people"), reverse("accounts:profile"), reverse("core:home"),
                reverse("accounts:security")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"{second_factor_page}?next={url.replace('/', '%2F')}"
    response = client.post(reverse("accounts:role_grant"), {
        "email": "nouvel.admin@example.test", "role": Role.PLATFORM_ADMIN, "organisation": ""})
    assert response.status_code == 302
    assert response["Location"].startswith(second_factor_page)
    assert not Membership.objects.filter(role=Role.PLATFORM_ADMIN).exists()
    # What such a session may still do: give the second factor, hide the screen, sign out.
    assert client.get(second_factor_page).status_code == 200
    assert client.get(reverse("accounts:quick_hide")).status_code == 200
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_an_org_admin_with_a_second_factor_cannot_grant_from_a_password_only_session(
        client, world):
    totp_device_create(user=world.org_admin, name="Téléphone")
    client.force_login(world.org_admin)
    response = _grant_to_outsider(client, world)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:second_factor"))
    assert not Membership.objects.filter(user=world.outsider).exists()


def test_a_second_factor_added_from_another_session_closes_a_password_only_one(
        client, world):
    client.force_login(world.learner)  # no second factor yet: a password is all there is
    profile = reverse("accounts:profile")
    assert client.get(profile).status_code == 200
    TOTPDevice.objects.create(user=world.learner, name="Téléphone", confirmed=True)
    # Seen at the session's next refresh (accounts.middleware), SEEN_REFRESH_SECONDS at most.
    session = client.session
    session[mfa.SEEN_AT_KEY] = time.time() - mfa.SEEN_REFRESH_SECONDS - 1
    session.save()
    response = client.get(profile)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:second_factor"))


def test_people_without_a_second_factor_keep_their_password_sessions(client, world):
    client.force_login(world.learner)
    assert client.get(reverse("accounts:profile")).status_code == 200
    assert client.get(reverse("core:home")).status_code == 200


# --- Roles and join requests ask for a fresh re-authentication ------------------------------


def test_granting_a_role_asks_for_a_fresh_reauthentication(client, world, settings):
    login_verified(client, world.org_admin, reauthenticated=True)
    _stale(client, settings)
    response = _grant_to_outsider(client, world)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:reauthenticate"))
    assert not Membership.objects.filter(user=world.outsider).exists()
    # Fresh: granted.
    login_verified(client, world.org_admin, reauthenticated=True)
    response = _grant_to_outsider(client, world)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:people")
    assert Membership.objects.filter(user=world.outsider, role=Role.PRINCIPAL).exists()


def test_a_verified_session_without_reauthentication_grants_nothing(client, world):
    login_verified(client, world.org_admin)  # second factor at sign-in, but reauth never noted
    page = client.get(reverse("accounts:people"))
    assert page.status_code == 200
    assert page.context["reauth_url"] in page.content.decode()  # the page says how
    response = _grant_to_outsider(client, world, Role.STAFF,
                                  HTTP_REFERER="http://testserver/fr/personnes/")
    assert response["Location"] == (reverse("accounts:reauthenticate")
                                    + "?next=%2Ffr%2Fpersonnes%2F")
    assert not Membership.objects.filter(user=world.outsider).exists()


def test_removing_a_role_asks_for_a_fresh_reauthentication(client, world, settings):
    membership = Membership.objects.get(user=world.principal)
    login_verified(client, world.org_admin, reauthenticated=True)
    _stale(client, settings)
    response = client.post(reverse("accounts:role_revoke", args=[membership.pk]))
    assert response["Location"].startswith(reverse("accounts:reauthenticate"))
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_accepting_a_join_request_asks_for_a_fresh_reauthentication(client, world, settings):
    join_request = join_request_create(user=world.outsider, organisation=world.school)
    login_verified(client, world.org_admin, reauthenticated=True)
    _stale(client, settings)
    response = client.post(reverse("accounts:join_request_approve", args=[join_request.pk]))
    assert response["Location"].startswith(reverse("accounts:reauthenticate"))
    join_request.refresh_from_db()
    assert join_request.pending
    assert not Membership.objects.filter(user=world.outsider).exists()


def test_people_page_actions_need_a_second_factor(client, world):
    client.force_login(world.org_admin)  # no second factor: sent to add one
    response = client.get(reverse("accounts:people"))
    assert response["Location"].startswith(reverse("accounts:security"))
    response = _grant_to_outsider(client, world, Role.STAFF)
    assert response["Location"].startswith(reverse("accounts:security"))
    assert not Membership.objects.filter(user=world.outsider).exists()


def test_admin_changes_ask_for_a_fresh_reauthentication(client, world, settings):
    login_verified(client, world.platform_admin, reauthenticated=True)
    _stale(client, settings)
    response = client.post(reverse("admin:accounts_territory_add"), {
        "name": "Lac-Fictif", "code": "lac-fictif", "police_force": world.force_ok.pk})
    assert response["Location"].startswith(reverse("accounts:reauthenticate"))
    from accounts.models import Territory

    assert not Territory.objects.filter(code="lac-fictif").exists()
    # Reading needs no re-authentication, and signing out of the admin none either.
    assert client.get(reverse("admin:index")).status_code == 200
    response = client.post(reverse("admin:logout"))
    assert not response.get("Location", "").startswith(reverse("accounts:reauthenticate"))
    assert "_auth_user_id" not in client.session


def test_a_stale_form_sent_with_htmx_goes_to_reauthenticate_as_a_whole_page(client, world,
                                                                             settings):
    membership = Membership.objects.get(user=world.principal)
    login_verified(client, world.org_admin, reauthenticated=True)
    _stale(client, settings)
    response = client.post(reverse("accounts:role_revoke", args=[membership.pk]),
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("accounts:reauthenticate"))


def test_a_form_posted_from_another_site_to_such_a_session_is_not_kept(world):
    """The session middleware answers before the views' CSRF check: what a form sent from
    another site holds must never be kept, then shown as the person's own (accounts.typed_work).
    """
    from urllib.parse import urlencode

    from accounts.models import KeptForm

    totp_device_create(user=world.principal, name="Téléphone")
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.principal)  # password only
    response = client.post(reverse("cases:case_report"),
                           urlencode({"account": "Texte planté par un autre site"}),
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:second_factor"))
    assert not KeptForm.objects.exists()
