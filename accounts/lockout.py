"""Failed passwords: lock the attacker, not the person they aim at.

django-axes locks an (address, account) pair after AXES_FAILURE_LIMIT failures; the address is
the client's, as the trusted proxies saw it (core/client_ip.py). Its one failure limit cannot
also say "an address failing on many accounts" or "an account failing from many addresses"
at other counts, so this handler, django-axes's own extension point (AXES_HANDLER), adds two
counters on the shared cache (core/ratelimit.py, rules `login_failures_address` and
`login_failures_account`):

- one address failing on any accounts is locked for the rest of its window;
- an account is locked only at a much higher count spread over a day, to which one address
  adds at most a few failures a day (`login_failures_pair_day`), so that only many addresses
  reach it; its owner is emailed, once per lock, how to get back in, and resetting the
  password lifts the lock (accounts.services.password_changed).
"""

from __future__ import annotations

import datetime
import logging
import math

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audit.services import record
from core import ratelimit

logger = logging.getLogger(__name__)


def _account(username: str | None) -> str:
    return (username or "").strip().lower()


def _account_lock_key(account: str) -> str:
    # Holds the time the lock ends; the account is hashed like every rate-limit key.
    return ratelimit.cache_key("account_locked", account, 0)


def account_locked_until(username: str | None) -> float | None:
    """When the lock on this account ends (seconds since the epoch), or None if not locked."""
    account = _account(username)
    if not account:
        return None
    try:
        until = cache.get(_account_lock_key(account))
    except ratelimit.CACHE_ERRORS as error:
        ratelimit.cache_unavailable(error)
        return None
    if until is None or until <= ratelimit.clock():
        return None
    return until


def account_unlock(*, email: str) -> None:
    """Lift the lock and forget the failures: the owner proved they read their email."""
    account = _account(email)
    _limit, seconds = ratelimit.rule("login_failures_account")
    start = int(ratelimit.clock() // seconds * seconds)
    try:
        cache.delete_many([_account_lock_key(account),
                           ratelimit.cache_key("login_failures_account", account, start)])
    except ratelimit.CACHE_ERRORS as error:
        ratelimit.cache_unavailable(error)


def _account_lock(account: str) -> None:
    until = ratelimit.clock() + settings.SEXTO_ACCOUNT_LOCKOUT_SECONDS
    # add(): only the failure that sets the lock emails the owner, whatever the concurrency.
    try:
        added = cache.add(_account_lock_key(account), until,
                          settings.SEXTO_ACCOUNT_LOCKOUT_SECONDS)
    except ratelimit.CACHE_ERRORS as error:
        ratelimit.cache_unavailable(error)
        return
    if added:
        _account_locked_notify(account, until)


def _account_locked_notify(account: str, until: float) -> None:
    from accounts.models import User

    user = User.objects.filter(email__iexact=account, is_active=True).first()
    if user is None:
        return  # failures on an address with no account: nobody to tell
    record(action="auth.account_locked", target=user,
           data={"seconds": settings.SEXTO_ACCOUNT_LOCKOUT_SECONDS})
    with translation.override(user.preferred_language):
        ends = timezone.localtime(datetime.datetime.fromtimestamp(until, tz=datetime.UTC))
        body = render_to_string("accounts/email/account_locked.txt", {
            "user": user,
            "reset_url": settings.SITE_URL + reverse("accounts:password_reset"),
            "until": ends,
        })
        subject = _("Connexion à votre compte Sexto bloquée")
    try:
        send_mail(subject, body, None, [user.email])
    except OSError:
        # The lock holds either way; the sign-in page says how to get back in too.
        logger.warning("The account-locked email could not be sent.")


def _lock_seen(request, kind: str, limit: int, retry_after: float) -> None:
    # What the lockout page says (lockout_response): the lock found first.
    if request is not None and not hasattr(request, "sexto_lock"):
        request.sexto_lock = {"kind": kind, "limit": limit, "retry_after": retry_after}


def lockout_response(request, original_response=None, credentials=None):
    """django-axes's lockout page (AXES_LOCKOUT_CALLABLE), saying which lock holds and for how
    long, with Retry-After; for an account lock, that resetting the password lifts it."""
    lock = getattr(request, "sexto_lock", None) or {
        "kind": "pair", "limit": settings.AXES_FAILURE_LIMIT,
        "retry_after": settings.AXES_COOLOFF_TIME * 3600}
    retry_after = max(60, math.ceil(lock["retry_after"]))
    response = render(request, settings.AXES_LOCKOUT_TEMPLATE, {
        "failure_limit": lock["limit"],
        "cooloff_timedelta": datetime.timedelta(minutes=math.ceil(retry_after / 60)),
        "reset_unlocks": lock["kind"] == "account",
    }, status=429)
    response["Retry-After"] = str(retry_after)
    return response


class SextoAxesHandler(AxesDatabaseHandler):
    """django-axes's database handler, with the address and account locks above."""

    def is_locked(self, request, credentials: dict | None = None) -> bool:
        if super().is_locked(request, credentials):
            _lock_seen(request, "pair", settings.AXES_FAILURE_LIMIT,
                       settings.AXES_COOLOFF_TIME * 3600)
            return True
        address = ratelimit.peek("login_failures_address", ratelimit.address_key(request))
        if address.count >= address.limit:
            _lock_seen(request, "address", address.limit, address.retry_after)
            return True
        until = account_locked_until(get_client_username(request, credentials))
        if until is not None:
            _lock_seen(request, "account", ratelimit.rule("login_failures_account")[0],
                       until - ratelimit.clock())
            return True
        return False

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None:
            return
        address = ratelimit.hit("login_failures_address", ratelimit.address_key(request))
        locked = address.count >= address.limit
        if locked:
            _lock_seen(request, "address", address.limit, address.retry_after)
        account = _account(get_client_username(request, credentials))
        pair = ratelimit.hit("login_failures_pair_day",
                             f"{ratelimit.address_key(request)}\0{account}")
        if account and not pair.exceeded:
            usage = ratelimit.hit("login_failures_account", account)
            if usage.count >= usage.limit:
                _account_lock(account)
                _lock_seen(request, "account", usage.limit,
                           settings.SEXTO_ACCOUNT_LOCKOUT_SECONDS)
                locked = True
        if locked:
            request.axes_locked_out = True
            request.axes_credentials = credentials
