"""How long the session has left, and "Rester connecté": what the pages' warning
(static/js/session-timeout.js) asks the server.

The warning asks before it shows, so that a tab left open does not warn while the person works
in another one: every page refreshes the same idle clock. Asking does not count as activity
(accounts.middleware leaves that request alone), or the warning would keep sessions open.

The keep-alive is not audited: like any page, it only tells the server the person is there; it
reads and writes no case data, and the audit log already has the sign-in and the session's end.
"""

import time

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts import mfa


def _state(request: HttpRequest) -> dict:
    limits = mfa.session_limits(request)
    if limits is None:
        return {"signed_in": request.user.is_authenticated, "limited": False}
    idle_left, absolute_left = limits.seconds_left(time.time())
    return {
        "signed_in": True,
        "limited": True,
        "ended": idle_left <= 0 or absolute_left <= 0,
        # Whole seconds, never below zero: the script counts from its own clock.
        "idle_seconds": max(int(idle_left), 0),
        "absolute_seconds": max(int(absolute_left), 0),
        # Signing in again in another tab starts a new session: the page's time may be old.
        "absolute_end": limits.absolute_end_time(),
    }


@never_cache
@require_GET
def session_status(request: HttpRequest) -> HttpResponse:
    """{"signed_in", "limited", "ended", "idle_seconds", "absolute_seconds", "absolute_end"}:
    how long is left, and the time of day the session ends at the latest; nothing else."""
    return JsonResponse(_state(request))


@never_cache
@require_POST
def session_keep_alive(request: HttpRequest) -> HttpResponse:
    """Start the idle clock again (the absolute limit stays). A session already ended never
    gets here: accounts.middleware sends it to the login page first."""
    if mfa.session_limits(request) is not None:
        request.session[mfa.SEEN_AT_KEY] = time.time()
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse(_state(request))
    # The warning's form sent without the script (which normally sends it): back to the page.
    return redirect(mfa.safe_next(request) or reverse("accounts:profile"))
