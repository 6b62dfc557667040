"""Security headers set by core.middleware.SecurityHeadersMiddleware."""

from django.http import HttpResponse
from django.test import RequestFactory

from core.middleware import SecurityHeadersMiddleware


def run(path: str) -> HttpResponse:
    middleware = SecurityHeadersMiddleware(lambda request: HttpResponse("ok"))
    return middleware(RequestFactory().get(path))


def test_pages_get_a_strict_content_security_policy():
    response = run("/fr/")
    policy = response.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    # No 'unsafe-inline' or 'unsafe-eval' anywhere: inline scripts and styles are refused.
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe" not in policy
    assert response.headers["Permissions-Policy"] == "camera=(), microphone=(), geolocation=()"


def test_admin_pages_are_left_to_django():
    response = run("/fr/admin/")
    assert "Content-Security-Policy" not in response.headers
    assert "Permissions-Policy" in response.headers


def test_a_policy_set_by_a_view_is_kept():
    def view(request):
        response = HttpResponse("ok")
        response.headers["Content-Security-Policy"] = "default-src 'none'"
        return response

    response = SecurityHeadersMiddleware(view)(RequestFactory().get("/fr/"))
    assert response.headers["Content-Security-Policy"] == "default-src 'none'"


def test_headers_reach_a_real_response(client):
    # Any URL will do, including a 404: the policy is on every response outside the admin.
    response = client.get("/fr/no-such-page-for-sure/")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
