"""Session policy for the people who can read case files.

A session verified with a second factor, or of a person holding a case role, ends after
settings.SEXTO_IDLE_TIMEOUT_SECONDS without a request (15 minutes) and, whatever happens,
settings.SEXTO_ABSOLUTE_TIMEOUT_SECONDS after signing in (8 hours). The login page then says
why. Other sessions only keep their timestamps up to date.

The session is written only when something changes: the last-seen time is refreshed when it is
more than accounts.mfa.SEEN_REFRESH_SECONDS old, so an idle limit can come up to that much early.

Whoever has a second factor gets nothing from a session not verified with it: every page but the
second-factor step sends them there (accounts.mfa.second_factor_owed).

A form sent just as the session ends is kept for its author (accounts.typed_work), and the login
page comes back to the page it was on. The pages' warning asks how long is left
(accounts:session_status): that request neither counts as activity nor ends the session.
"""

import time

from django.urls import reverse

from accounts import mfa
from accounts.typed_work import typed_work_keep
from audit.services import record


class SessionPolicyMiddleware:
    """After django-otp's OTPMiddleware (it reads the verified device from the session)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return (self._expired_response(request) or mfa.second_factor_owed(request)
                or self.get_response(request))

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
            session.pop(mfa.HAS_SECOND_FACTOR_KEY, None)  # mfa.second_factor_owed reads it anew
            return None
        if request.path_info == reverse("accounts:session_status"):
            # A page asking how long is left: the answer must not change it.
            return None
        limits = mfa.session_limits(request)
        if limits is not None:
            if now > limits.absolute_ends_at:
                return self._expire(request, "absolute")
            if now > limits.idle_ends_at:
                return self._expire(request, "idle")
        if now - seen_at > mfa.SEEN_REFRESH_SECONDS:
            session[mfa.SEEN_AT_KEY] = now
            # A role granted or taken away applies from here; so does a second factor added
            # from another session (mfa.second_factor_owed reads it anew).
            session[mfa.CASE_ROLE_KEY] = mfa.user_needs_second_factor(request.user)
            session.pop(mfa.HAS_SECOND_FACTOR_KEY, None)
        return None

    def _expire(self, request, reason: str):
        user = request.user
        kept = (request.method == "POST" and mfa.csrf_passes(request)
                and typed_work_keep(request, owner_id=user.pk))
        data = {"reason": reason, "typed_work_kept": True} if kept else {"reason": reason}
        record(action="auth.session_expired", actor=user, target=user, request=request,
               data=data)
        next_url = mfa.page_to_return_to(request)
        mfa.session_ended(request, reason=reason)
        if kept:
            request.session[mfa.TYPED_WORK_KEPT_KEY] = True
        return mfa.redirect_to(request, mfa.url_with_next(reverse("accounts:login"), next_url))
