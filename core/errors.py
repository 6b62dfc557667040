"""Error pages in the site's layout and the page's language, each saying what happened and what
to do next: 403 (config.urls.handler403, also raised by cases.access), 404, 500, 503 while the
database is out of reach, and the refusal of a form by the CSRF check
(settings.CSRF_FAILURE_VIEW).

The language is the page's (/fr/ or /en/); on a path without one, the language LocaleMiddleware
picked (the language cookie, else the browser's Accept-Language).
"""

import logging
import sys
from urllib.parse import urlencode

from django.conf import settings
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render, resolve_url
from django.template import loader
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme

logger = logging.getLogger(__name__)

# When even the 500 template cannot be rendered: both languages, no layout, nothing to load.
BARE_500 = (
    '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Erreur · Error</title>'
    "</head><body><h1>Une erreur est survenue de notre côté.</h1>"
    "<p>Réessayez dans quelques minutes.</p>"
    '<h1 lang="en">Something went wrong on our side.</h1>'
    '<p lang="en">Please try again in a few minutes.</p></body></html>'
)


def _safe_referer(request: HttpRequest) -> str:
    """The page the person came from, when it is one of ours; else ""."""
    referer = request.META.get("HTTP_REFERER", "")
    try:
        host = request.get_host()
    except Exception:  # a refused Host header: no link back
        return ""
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={host}, require_https=request.is_secure()
    ):
        return referer
    return ""


def _back_url(request: HttpRequest) -> str:
    """A link back, unless it would only load this same page again."""
    referer = _safe_referer(request)
    # A referer is only kept when the Host header was valid (build_absolute_uri() needs it).
    if referer and request.method in ("GET", "HEAD") and referer == request.build_absolute_uri():
        return ""
    return referer


def _language_next(request: HttpRequest) -> str:
    """Where the language switch of an error page leads. A refused POST cannot be replayed by a
    GET to its address (most answer 405): the form's page, else the home page."""
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    return _safe_referer(request) or reverse("core:home")


def _context(request: HttpRequest, status: int) -> dict:
    return {
        "status": status,
        "back_url": _back_url(request),
        "language_next": _language_next(request),
    }


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    """403: who the person is signed in as, and how to go on (back, home, another account)."""
    context = _context(request, 403)
    here = request.get_full_path() if request.method in ("GET", "HEAD") else ""
    login_url = resolve_url(settings.LOGIN_URL)
    # The message of the exception is not shown: it is written for developers, in English.
    context["login_url"] = f"{login_url}?{urlencode({'next': here})}" if here else login_url
    return render(request, "403.html", context, status=403)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    """404: check the address; a link from an email needs the account it was sent to."""
    return render(request, "404.html", _context(request, 404), status=404)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """403 from the CSRF check: the form stayed open too long, or cookies are blocked. Nothing
    was saved; what was typed may still be in the form, one step back."""
    return render(request, "403_csrf.html", _context(request, 403), status=403)


# A database that cannot be reached, or a connection it dropped: the site is not broken, it is
# waiting for the database, and says so (503) instead of "server error" (500).
DATABASE_OUTAGE = (OperationalError, InterfaceError)
# Load balancers and browsers may try again after this many seconds.
OUTAGE_RETRY_AFTER_SECONDS = 30


def database_outage(error: BaseException | None) -> bool:
    """Whether `error`, or what caused it, is the database out of reach."""
    while error is not None:
        if isinstance(error, DATABASE_OUTAGE):
            return True
        error = error.__cause__ or error.__context__
    return False


def server_error(request: HttpRequest) -> HttpResponse:
    """500, rendered without the context processors or anything else that may need the
    database (which may be what failed): a minimal context, the page's language.

    Django calls this handler for any exception a view or a middleware let through (the session,
    the user, a context processor counting notifications...), while handling it: the exception
    is the one being handled, so a database outage is recognised here, in one place, and
    answered with the 503 page.
    """
    outage = database_outage(sys.exc_info()[1])
    status, template = (503, "503.html") if outage else (500, "500.html")
    try:
        language = translation.get_language_from_request(request, check_path=True)
        with translation.override(language):
            context = _context(request, status)
            # The language switch of the layout needs the request and a CSRF token, neither of
            # which touches the database; the user and the navigation do, and stay out.
            context.update(request=request, csrf_token=get_token(request))
            body = loader.render_to_string(template, context)
    except Exception:
        logger.exception("The %s page could not be rendered; the bare one was sent instead.",
                         status)
        body = BARE_500
    response = HttpResponse(body, status=status)
    if outage:
        response["Retry-After"] = str(OUTAGE_RETRY_AFTER_SECONDS)
    return response


class DatabaseOutageLogFilter(logging.Filter):
    """While the database is down every request fails the same way: the error log keeps one line
    per request ("Service Unavailable: /fr/...: OperationalError: ...") instead of a traceback
    each (settings.LOGGING puts it on django.request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and database_outage(record.exc_info[1]):
            error = record.exc_info[1]
            record.msg = f"{record.msg}: %s: %s"
            record.args = (*(record.args or ()), type(error).__name__,
                           str(error).strip().splitlines()[0] if str(error).strip() else "")
            record.exc_info = None
            record.exc_text = None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True
