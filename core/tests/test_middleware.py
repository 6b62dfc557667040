"""Security headers: the Content-Security-Policy of django-csp (settings.CONTENT_SECURITY_POLICY)
on every response, the administration and any path holding "/admin/" included (issue 10: they
were served without one), and the Permissions-Policy of core.middleware."""

import re

import pytest
from django.http import HttpResponse
from django.template import engines
from django.test import Client, RequestFactory

pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())


def assert_strict(response) -> None:
    found = directives(response)
    # No 'unsafe-inline' or 'unsafe-eval' anywhere: inline scripts and styles are refused.
    assert found["script-src"] == "'self'"
    assert found["style-src"] == "'self'"
    assert found["default-src"] == "'self'"
    assert found["frame-ancestors"] == "'none'"
    assert found["object-src"] == "'none'"
    assert found["form-action"] == "'self'"
    assert "unsafe" not in response.headers["Content-Security-Policy"]
    assert response.headers["Permissions-Policy"] == "camera=(), microphone=(), geolocation=()"


def test_pages_get_a_strict_content_security_policy(client):
    assert_strict(client.get("/fr/"))


@pytest.mark.parametrize("path", [
    "/fr/admin/",                         # the admin, redirecting to its sign-in
    "/fr/admin/login/",
    "/en/admin/accounts/user/",
    "/fr/dossiers/admin/",                 # any path containing "/admin/"
    "/fr/attestations/admin/",
    "/admin/",
    "/static/admin/nothing-here.js",
])
def test_the_admin_and_every_path_holding_admin_get_the_policy(client, path):
    assert_strict(client.get(path))


def test_the_admin_s_own_pages_get_it_when_signed_in(world):
    from conftest import login_verified

    client = login_verified(Client(), world.platform_admin)
    for path in ("/fr/admin/", f"/fr/admin/accounts/organisation/{world.school.pk}/change/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert_strict(response)


def test_early_refusals_get_it_too(client):
    # A file sent to a case URL is refused by a middleware before any view runs.
    response = client.generic("POST", "/fr/dossiers/", b"\x89PNG", content_type="image/png")
    assert response.status_code == 415
    assert_strict(response)


def test_an_inline_script_runs_only_with_the_response_s_nonce():
    from csp.middleware import CSPMiddleware

    template = engines["django"].from_string(
        '<script nonce="{{ nonce }}">window.ok = 1;</script>')

    def view(request):
        return HttpResponse(template.render({"nonce": request.csp_nonce}))

    middleware = CSPMiddleware(view)
    request = RequestFactory().get("/fr/admin/")
    response = middleware(request)
    nonce = re.search(r'nonce="([^"]+)"', response.content.decode()).group(1)
    found = directives(response)
    assert found["script-src"] == f"'self' 'nonce-{nonce}'"
    # Another response gets another nonce; one that uses none lists none.
    other = middleware(RequestFactory().get("/fr/admin/"))
    assert nonce not in other.headers["Content-Security-Policy"]
    plain = CSPMiddleware(lambda request: HttpResponse("ok"))(RequestFactory().get("/fr/"))
    assert "nonce" not in plain.headers["Content-Security-Policy"]


def test_a_policy_set_by_a_view_is_kept():
    from csp.middleware import CSPMiddleware

    def view(request):
        response = HttpResponse("ok")
        response.headers["Content-Security-Policy"] = "default-src 'none'"
        return response

    response = CSPMiddleware(view)(RequestFactory().get("/fr/"))
    assert response.headers["Content-Security-Policy"] == "default-src 'none'"


def test_headers_reach_a_real_response(client):
    # Any URL will do, including a 404.
    response = client.get("/fr/no-such-page-for-sure/")
    assert_strict(response)
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
