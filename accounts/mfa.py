"""The second factor and re-authentication, as the pages that open case files use them.

Whoever holds a role opening case files (accounts.models.CASE_ROLES) signs in with a password
and a second factor: an authenticator app (TOTP), a passkey, or a one-time recovery code.
A case view asks for it with one decorator, and asks for a fresh re-authentication before
revealing a student's name or exporting:

    from accounts.mfa import reauth_url, reauthenticated_recently, second_factor_required

    @second_factor_required
    def case_student_name(request, case_id):
        if not reauthenticated_recently(request):
            return redirect(reauth_url(request.get_full_path()))
        ...

Session state lives under the keys below; accounts.middleware ends idle and old sessions.
"""

import datetime
import functools
import inspect
import math
import time
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import redirect, render, resolve_url
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY

from accounts.models import User
from accounts.selectors import user_has_second_factor, user_holds_case_role
from accounts.typed_work import TYPED_WORK_SECONDS, typed_work_keep, typed_work_purge

# When the person signed in (password and, if they have one, second factor): the absolute limit.
SIGNED_IN_AT_KEY = "sexto_signed_in_at"
# Their last request, refreshed at most every SEEN_REFRESH_SECONDS: the idle limit.
SEEN_AT_KEY = "sexto_seen_at"
SEEN_REFRESH_SECONDS = 30
# Whether the person holds a case role, kept with SEEN_AT_KEY (checked again at each refresh).
CASE_ROLE_KEY = "sexto_case_role"
# Whether the person has an authenticator app or a passkey, likewise: a session not verified
# with it opens nothing (second_factor_owed).
HAS_SECOND_FACTOR_KEY = "sexto_has_second_factor"
# The last time the person typed their password and second factor again.
REAUTH_AT_KEY = "sexto_reauth_at"
# Password accepted, second factor awaited: {"user": id, "backend": path, "at": time}.
PENDING_LOGIN_KEY = "sexto_pending_login"
# Password accepted again inside a session, second factor awaited: the time.
PENDING_REAUTH_KEY = "sexto_pending_reauth"
# Why the last session ended ("idle" or "absolute"), for the login page to say so.
EXPIRED_KEY = "sexto_session_expired"
# Whose session ended in this browser, and when: {"user": id, "at": time}. A form sent from
# a page left open after that is still kept for that person (accounts.typed_work).
ENDED_FOR_KEY = "sexto_session_ended_for"
# Whether what the person was sending when the session ended was kept, for the login page.
TYPED_WORK_KEPT_KEY = "sexto_typed_work_kept"
# A password step is good for this long while the second factor is awaited.
PENDING_SECONDS = 300


@dataclass(frozen=True)
class SessionLimits:
    """When a session ends (epoch seconds): left idle, and at the latest."""

    idle_ends_at: float
    absolute_ends_at: float

    def seconds_left(self, now: float) -> tuple[float, float]:
        return self.idle_ends_at - now, self.absolute_ends_at - now

    def absolute_end_time(self) -> str:
        """When the session ends at the latest, as a time of day in the active language."""
        end = datetime.datetime.fromtimestamp(self.absolute_ends_at, tz=datetime.UTC)
        return date_format(timezone.localtime(end), "TIME_FORMAT")


def session_limits(request: HttpRequest) -> SessionLimits | None:
    """The idle and absolute limits of this session, or None where they do not apply.

    They apply to a session verified with a second factor, or of a person holding a case role
    (accounts.middleware ends it; the pages' warning, accounts/_session_timeout.html, says when).
    """
    if not request.user.is_authenticated:
        return None
    session = request.session
    signed_in_at = session.get(SIGNED_IN_AT_KEY)
    seen_at = session.get(SEEN_AT_KEY)
    if not isinstance(signed_in_at, int | float) or not isinstance(seen_at, int | float):
        return None
    if DEVICE_ID_SESSION_KEY not in session and not session.get(CASE_ROLE_KEY):
        return None
    return SessionLimits(idle_ends_at=seen_at + settings.SEXTO_IDLE_TIMEOUT_SECONDS,
                         absolute_ends_at=signed_in_at + settings.SEXTO_ABSOLUTE_TIMEOUT_SECONDS)


def user_needs_second_factor(user) -> bool:
    """Whether `user` must use a second factor: they hold a role in CASE_ROLES."""
    return bool(user is not None and user.is_authenticated and user_holds_case_role(user))


def session_is_verified(request: HttpRequest) -> bool:
    """Whether this session passed a second factor (django-otp's `user.is_verified()`)."""
    is_verified = getattr(request.user, "is_verified", None)
    return bool(request.user.is_authenticated and callable(is_verified) and is_verified())


def reauthenticated_recently(request: HttpRequest, *, within_seconds: int | None = None) -> bool:
    """Whether the person re-authenticated (password and second factor) in this session lately.

    `within_seconds` defaults to settings.SEXTO_REAUTH_SECONDS (300). Signing in with a second
    factor counts as a re-authentication.
    """
    if not request.user.is_authenticated:
        return False
    at = request.session.get(REAUTH_AT_KEY)
    if not isinstance(at, int | float):
        return False
    window = settings.SEXTO_REAUTH_SECONDS if within_seconds is None else within_seconds
    return 0 <= time.time() - at <= window


def url_with_next(url: str, next_url: str | None) -> str:
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def reauth_url(next_url: str) -> str:
    """The re-authentication page, which comes back to `next_url` (a path on this site)."""
    return url_with_next(reverse("accounts:reauthenticate"), next_url)


def second_factor_url(next_url: str | None = None) -> str:
    return url_with_next(reverse("accounts:second_factor"), next_url)


def enrolment_url(next_url: str | None = None) -> str:
    return url_with_next(reverse("accounts:security"), next_url)


def safe_next(request: HttpRequest, default: str | None = None) -> str | None:
    """The `next` of the request (query string or form) if it stays on this site."""
    candidate = request.POST.get("next") or request.GET.get("next")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def redirect_to(request: HttpRequest, url: str) -> HttpResponse:
    """A redirect; for htmx, HX-Redirect, so that the whole page goes there, not a fragment."""
    if is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def _same_site_path(request: HttpRequest, url: str) -> str | None:
    if not url or not url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return None
    parts = urlsplit(url)
    return urlunsplit(("", "", parts.path, parts.query, "")) if parts.path else None


def _answers_get(path: str) -> bool:
    """Whether the view at `path` answers GET (a form's own address may take POST only)."""
    try:
        view = resolve(path).func
    except Resolver404:
        return False
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        return "get" in view_class.http_method_names and hasattr(view_class, "get")
    # Django's require_http_methods (require_GET, require_POST...) keeps its list in the
    # closure of the function it returns; walk the decorators down to the view.
    while inspect.isfunction(view):
        methods = inspect.getclosurevars(view).nonlocals.get("request_method_list")
        if methods is not None:
            return "GET" in methods
        view = getattr(view, "__wrapped__", None)
    return True


def page_to_return_to(request: HttpRequest) -> str | None:
    """The page to come back to after signing in again, as a path on this site.

    An htmx request comes from the page that shows it (HX-Current-URL): a fragment's address
    is no page to come back to. Otherwise a page asked for with GET is that page; a form comes
    from the page it was on (the Referer, which the site's Referrer-Policy, same-origin, sends in
    full), or else from its own address if that answers GET. After signing in the browser comes
    back with GET: a POST-only address would answer 405.
    """
    if is_htmx(request):
        current = _same_site_path(request, request.headers.get("HX-Current-URL", ""))
        if current:
            return current
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    referer = _same_site_path(request, request.headers.get("Referer", ""))
    if referer:
        return referer
    return request.get_full_path() if _answers_get(request.path_info) else None


def session_ended_for(request: HttpRequest, *, within_seconds: float) -> str | None:
    """The id of the person whose session ended in this browser less than `within_seconds` ago.

    Only for keeping a form they send afterwards from a page left open: it opens nothing.
    """
    ended = request.session.get(ENDED_FOR_KEY)
    if not isinstance(ended, dict) or not isinstance(ended.get("at"), int | float):
        return None
    if not 0 <= time.time() - ended["at"] <= within_seconds:
        return None
    return ended.get("user")


def session_ended(request: HttpRequest, *, reason: str) -> None:
    """Sign the person out because their session ran out; the new, anonymous session says why
    (to the login page) and for whom (to keep a form sent afterwards from a page left open)."""
    user_id = str(request.user.pk)
    logout(request)
    request.session[EXPIRED_KEY] = reason
    request.session[ENDED_FOR_KEY] = {"user": user_id, "at": time.time()}


def second_factor_required(view):
    """Let the view run only for a person signed in with a second factor in this session.

    - anonymous: the login page, with `next`;
    - no authenticator app or passkey yet: the security page to add one, with `next`;
    - not verified in this session: the second-factor page, with `next`.
    htmx requests get the same destinations through HX-Redirect. A form sent to such a view
    from a page whose session has ended is kept (accounts.typed_work) for its author, and
    `next` is the page it was on.
    """

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if session_is_verified(request):
            return view(request, *args, **kwargs)
        return _to_the_second_factor(request, keep_typed_work=True)

    return wrapper


def _to_the_second_factor(request: HttpRequest, *, keep_typed_work: bool) -> HttpResponse:
    """Where second_factor_required sends a session without its second factor."""
    if keep_typed_work and request.method == "POST":
        owner_id = (request.user.pk if request.user.is_authenticated
                    else session_ended_for(request, within_seconds=TYPED_WORK_SECONDS))
        if owner_id is not None and typed_work_keep(request, owner_id=owner_id):
            request.session[TYPED_WORK_KEPT_KEY] = True
    next_url = page_to_return_to(request)
    if not request.user.is_authenticated:
        return redirect_to(request, url_with_next(resolve_url(settings.LOGIN_URL), next_url))
    if not user_has_second_factor(request.user):
        return redirect_to(request, enrolment_url(next_url))
    return redirect_to(request, second_factor_url(next_url))


def csrf_passes(request: HttpRequest) -> bool:
    """Whether a form passes Django's CSRF check, asked by middleware that runs before it: a
    form posted from another site must never be kept and later shown as the person's own."""
    return CsrfViewMiddleware(lambda _request: None).process_view(request, None, (), {}) is None


# What a session that owes its second factor may still reach: the second-factor step itself
# (and its passkey challenge), signing out, the quick-hide page, the session-status request
# every page makes, and the language switch. Everything else sends the person to the step.
_OWED_SECOND_FACTOR_ALLOWS = {
    "accounts:second_factor", "accounts:second_factor_passkey_options", "accounts:logout",
    "accounts:quick_hide", "accounts:session_status", "set_language",
}


def second_factor_owed(request: HttpRequest) -> HttpResponse | None:
    """Where to send a signed-in person who has a second factor but whose session was not
    verified with it; None when the session may go on.

    The one place (accounts.middleware calls it on every request) that keeps a password alone
    from opening anything to someone who has a second factor: whichever way such a session came
    about (a sign-in form that logs in before the second step, a device added from another
    session, a session older than this rule), every page but those above answers as
    second_factor_required does: the second-factor page, with `next`. Whether the person has a
    second factor is kept in the session with SEEN_AT_KEY and read again at each refresh
    (accounts.middleware), so a device added elsewhere counts within SEEN_REFRESH_SECONDS.
    """
    if not request.user.is_authenticated or session_is_verified(request):
        return None
    has_second_factor = request.session.get(HAS_SECOND_FACTOR_KEY)
    if not isinstance(has_second_factor, bool):
        has_second_factor = user_has_second_factor(request.user)
        request.session[HAS_SECOND_FACTOR_KEY] = has_second_factor
    if not has_second_factor:
        return None
    try:
        match = resolve(request.path_info)
    except Resolver404:
        match = None
    if match is not None and match.view_name in _OWED_SECOND_FACTOR_ALLOWS:
        return None
    # As second_factor_required answers, before the views' CSRF check has run: a form is kept
    # for its author only if it passes that check.
    return _to_the_second_factor(request, keep_typed_work=request.method == "POST"
                                 and csrf_passes(request))


def reauthentication_required(view):
    """Let a change that hands out power run only after a fresh re-authentication.

    Granting or removing a role, accepting a join request, changing anything in the admin:
    whoever does these can open case files to anyone, so a session left open must not be
    enough (the people page's second-factor help applies the same rule in its form, to keep
    the reason typed). The rule is the one of revealing a name or exporting: a session
    verified with a second factor (second_factor_required) and a re-authentication, password
    and second factor, in the last settings.SEXTO_REAUTH_SECONDS. A page showing the form (GET,
    HEAD) needs the second factor only; a form sent without a fresh re-authentication changes
    nothing, and the person is sent to re-authenticate, then back to the page it was on.
    """

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if request.method in ("GET", "HEAD", "OPTIONS") or reauthenticated_recently(request):
            return view(request, *args, **kwargs)
        messages.error(request, _("Confirmez d'abord votre identité : votre dernière "
                                  "vérification date de plus de quelques minutes."))
        back = page_to_return_to(request) or resolve_url(settings.LOGIN_REDIRECT_URL)
        return redirect_to(request, reauth_url(back))

    return second_factor_required(wrapper)


# --- Session bookkeeping (used by the accounts views and middleware) ------------------------


def mark_signed_in(request: HttpRequest, *, with_second_factor: bool = False) -> None:
    now = time.time()
    session = request.session
    session[SIGNED_IN_AT_KEY] = now
    session[SEEN_AT_KEY] = now
    session[CASE_ROLE_KEY] = user_holds_case_role(request.user)
    session[HAS_SECOND_FACTOR_KEY] = with_second_factor or user_has_second_factor(request.user)
    session.pop(ENDED_FOR_KEY, None)
    typed_work_purge()
    if with_second_factor:
        session[REAUTH_AT_KEY] = now


def mark_reauthenticated(request: HttpRequest) -> None:
    request.session[REAUTH_AT_KEY] = time.time()


def pending_login_start(request: HttpRequest, user: User) -> None:
    """Remember that `user` gave the right password; the second factor comes next."""
    # A new session key: nothing learned about the old one helps finish this sign-in.
    request.session.cycle_key()
    request.session[PENDING_LOGIN_KEY] = {
        "user": str(user.pk), "backend": user.backend, "at": time.time(),
    }


def pending_login_user(request: HttpRequest) -> User | None:
    """The person whose password was accepted a moment ago in this browser, if any."""
    pending = request.session.get(PENDING_LOGIN_KEY)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    user = User.objects.filter(pk=pending.get("user"), is_active=True).first()
    if user is not None:
        user.backend = pending.get("backend")
    return user


def pending_login_clear(request: HttpRequest) -> None:
    request.session.pop(PENDING_LOGIN_KEY, None)


def pending_reauth_start(request: HttpRequest) -> None:
    request.session[PENDING_REAUTH_KEY] = time.time()


def pending_reauth_active(request: HttpRequest) -> bool:
    at = request.session.get(PENDING_REAUTH_KEY)
    return isinstance(at, int | float) and 0 <= time.time() - at <= PENDING_SECONDS


def pending_reauth_clear(request: HttpRequest) -> None:
    request.session.pop(PENDING_REAUTH_KEY, None)


def lockout_response(request: HttpRequest, locked_until: datetime.datetime) -> HttpResponse:
    """The page django-axes shows for a password lockout, with the time the lock has left.

    For a lock set by repeated second-factor failures; the session, if any, ends.
    """
    if request.user.is_authenticated:
        logout(request)
    pending_login_clear(request)
    left = max((locked_until - timezone.now()).total_seconds(), 60)
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, {
        "failure_limit": settings.SEXTO_SECOND_FACTOR_FAILURE_LIMIT,
        "cooloff_timedelta": datetime.timedelta(minutes=math.ceil(left / 60)),
        "second_factor": True,
    }, status=429)
