"""Session policy for the people who can read case files.

A session verified with a second factor, or of a person holding a case role, ends after
settings.SEXTO_IDLE_TIMEOUT_SECONDS without a request (15 minutes) and, whatever happens,
settings.SEXTO_ABSOLUTE_TIMEOUT_SECONDS after signing in (8 hours). The login page then says
why. Other sessions only keep their timestamps up to date.

The session is written only when something changes: the last-seen time is refreshed when it is
more than accounts.mfa.SEEN_REFRESH_SECONDS old, so an idle limit can come up to that much early.
"""

import time
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.contrib.auth import logout
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY

from accounts import mfa
from audit.services import record


class SessionPolicyMiddleware:
    """After django-otp's OTPMiddleware (it reads the verified device from the session)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self._expired_response(request) or self.get_response(request)

    def _expired_response(self, request):
        if not request.user.is_authenticated:
            return None
        session = request.session
        now = time.time()
        signed_in_at = session.get(mfa.SIGNED_IN_AT_KEY)
        seen_at = session.get(mfa.SEEN_AT_KEY)
        if not isinstance(signed_in_at, int | float) or not isinstance(seen_at, int | float):
            # Signed in some other way (sign-up, a session older than this policy): count
            # from now.
            session[mfa.SIGNED_IN_AT_KEY] = signed_in_at if isinstance(
                signed_in_at, int | float) else now
            session[mfa.SEEN_AT_KEY] = now
            session[mfa.CASE_ROLE_KEY] = mfa.user_needs_second_factor(request.user)
            return None
        if DEVICE_ID_SESSION_KEY in session or session.get(mfa.CASE_ROLE_KEY):
            if now - signed_in_at > settings.SEXTO_ABSOLUTE_TIMEOUT_SECONDS:
                return self._expire(request, "absolute")
            if now - seen_at > settings.SEXTO_IDLE_TIMEOUT_SECONDS:
                return self._expire(request, "idle")
        if now - seen_at > mfa.SEEN_REFRESH_SECONDS:
            session[mfa.SEEN_AT_KEY] = now
            # A role granted or taken away applies from here.
            session[mfa.CASE_ROLE_KEY] = mfa.user_needs_second_factor(request.user)
        return None

    def _expire(self, request, reason: str):
        user = request.user
        record(action="auth.session_expired", actor=user, target=user, request=request,
               data={"reason": reason})
        next_url = request.get_full_path() if request.method in ("GET", "HEAD") else None
        if mfa.is_htmx(request):
            # A fragment's address is no page to come back to; the page showing it is.
            current = urlsplit(request.headers.get("HX-Current-URL", ""))
            same_site = current.netloc == request.get_host() and current.path
            next_url = urlunsplit(("", "", current.path, current.query, "")) if same_site else None
        logout(request)
        # The new, anonymous session tells the login page why.
        request.session[mfa.EXPIRED_KEY] = reason
        return mfa.redirect_to(request, mfa.url_with_next(reverse("accounts:login"), next_url))
