"""accounts.mfa, the API the case tool uses: the decorator, re-authentication, who needs what."""

import time

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY

from accounts import mfa
from accounts.models import Membership, Role
from accounts.services import totp_device_create


@mfa.second_factor_required
def case_view(request, case_id):
    return HttpResponse(f"case {case_id}")


def make_request(user, path="/fr/dossiers/42/", *, verified_by=None, htmx=False, method="get"):
    headers = {"HX-Request": "true"} if htmx else {}
    request = getattr(RequestFactory(), method)(path, headers=headers)
    request.session = SessionStore()
    request.user = user
    # What django-otp's OTPMiddleware installs.
    user.otp_device = verified_by
    user.is_verified = lambda: verified_by is not None
    if verified_by is not None:
        request.session[DEVICE_ID_SESSION_KEY] = verified_by.persistent_id
    return request


def test_anonymous_goes_to_login_with_next(db):
    response = case_view(make_request(AnonymousUser()), case_id=42)
    assert response.status_code == 302
    assert response["Location"] == "/fr/compte/connexion/?next=%2Ffr%2Fdossiers%2F42%2F"


def test_no_second_factor_goes_to_enrolment_with_next(world):
    response = case_view(make_request(world.principal), case_id=42)
    assert response["Location"] == "/fr/compte/securite/?next=%2Ffr%2Fdossiers%2F42%2F"


def test_not_verified_in_this_session_goes_to_the_second_factor(world):
    totp_device_create(user=world.principal, name="Téléphone")
    response = case_view(make_request(world.principal), case_id=42)
    assert response["Location"] == "/fr/compte/verification/?next=%2Ffr%2Fdossiers%2F42%2F"


def test_verified_session_opens_the_view(world):
    device, _secret = totp_device_create(user=world.principal, name="Téléphone")
    response = case_view(make_request(world.principal, verified_by=device), case_id=42)
    assert response.status_code == 200
    assert response.content == b"case 42"


def test_htmx_requests_are_redirected_as_a_whole_page(world):
    response = case_view(make_request(world.principal, htmx=True), case_id=42)
    assert response.status_code == 204
    assert response["HX-Redirect"] == "/fr/compte/securite/?next=%2Ffr%2Fdossiers%2F42%2F"


def test_a_form_post_is_not_a_next_page(world):
    response = case_view(make_request(world.principal, method="post"), case_id=42)
    assert response["Location"] == "/fr/compte/securite/"


def test_decorator_keeps_the_view_name():
    assert case_view.__name__ == "case_view"


def test_user_needs_second_factor_for_case_roles_only(world):
    assert mfa.user_needs_second_factor(world.principal)
    assert mfa.user_needs_second_factor(world.police)
    for user in (world.learner, world.reviewer, world.org_admin, world.platform_admin,
                 world.outsider):
        assert not mfa.user_needs_second_factor(user), user
    assert not mfa.user_needs_second_factor(AnonymousUser())
    Membership.objects.create(user=world.learner, role=Role.INTERVENER,
                              organisation=world.school)
    assert mfa.user_needs_second_factor(world.learner)
    world.principal.is_active = False
    assert not mfa.user_needs_second_factor(world.principal)


def test_reauthenticated_recently(world, settings):
    request = make_request(world.principal)
    assert not mfa.reauthenticated_recently(request)
    request.session[mfa.REAUTH_AT_KEY] = time.time() - 10
    assert mfa.reauthenticated_recently(request)
    assert not mfa.reauthenticated_recently(request, within_seconds=5)
    request.session[mfa.REAUTH_AT_KEY] = time.time() - settings.SEXTO_REAUTH_SECONDS - 1
    assert not mfa.reauthenticated_recently(request)
    assert mfa.reauthenticated_recently(request, within_seconds=3600)
    settings.SEXTO_REAUTH_SECONDS = 3600
    assert mfa.reauthenticated_recently(request)
    request.session[mfa.REAUTH_AT_KEY] = "not a time"
    assert not mfa.reauthenticated_recently(request)
    anonymous = make_request(AnonymousUser())
    anonymous.session[mfa.REAUTH_AT_KEY] = time.time()
    assert not mfa.reauthenticated_recently(anonymous)


def test_reauth_url():
    assert mfa.reauth_url("/fr/dossiers/42/nom/") == (
        reverse("accounts:reauthenticate") + "?next=%2Ffr%2Fdossiers%2F42%2Fnom%2F"
    )
    assert reverse("accounts:reauthenticate") == "/fr/compte/reconfirmer/"


@pytest.mark.parametrize("name", ["second_factor_required", "reauthenticated_recently",
                                  "reauth_url", "user_needs_second_factor"])
def test_the_api_is_there(name):
    assert callable(getattr(mfa, name))
