"""Rate limits on Django's cache: one rule table (settings.SEXTO_RATE_LIMITS), fixed windows.

A small module rather than django-ratelimit: that library's last release is from 2023, its
system check refuses the local-memory cache of the embedded default, it says "no" with a 403
exception (we answer 429 with Retry-After, in the site's layout and language), and its clock
cannot be moved by a test. What is left is a counter per window: `cache.add` then
`cache.incr`, both atomic on Redis, so every server process shares one count.

Keys hold a keyed hash of what is counted (an address, an email): the cache never holds either
in clear.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import logging
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from redis.exceptions import RedisError

from core.client_ip import client_ip

logger = logging.getLogger(__name__)
# What Django's RedisCache raises when the server cannot be reached.
CACHE_ERRORS = (RedisError, OSError)
# A few seconds beyond the window, so that a counter never vanishes while its window is open.
_EXPIRY_MARGIN_SECONDS = 5


def clock() -> float:
    """Now, in seconds. Tests move it (monkeypatch) instead of waiting."""
    return time.time()


@dataclass(frozen=True)
class Usage:
    count: int
    limit: int
    retry_after: int  # seconds until the window ends

    @property
    def exceeded(self) -> bool:
        return self.count > self.limit


def rule(name: str) -> tuple[int, int]:
    count, seconds = settings.SEXTO_RATE_LIMITS[name]
    return int(count), int(seconds)


def cache_key(name: str, value: str, window_start: int) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), f"{name}\0{value}".encode(),
                      hashlib.sha256).hexdigest()[:32]
    return f"rl:{name}:{window_start}:{digest}"


def _window(name: str) -> tuple[int, int, int, float]:
    limit, seconds = rule(name)
    now = clock()
    start = int(now // seconds * seconds)
    return limit, seconds, start, now


def cache_unavailable(error: Exception,
                      consequence: str = "rate limits and lockouts are not counted") -> None:
    """One log line for a cache out of reach, saying what goes on without it.

    An unreachable Redis must not take sign-in and sign-up down with it: the limits let the
    request through (django-axes's lock, in the database, still holds) and say so in the log.
    """
    logger.warning("The cache is unreachable; %s: %s", consequence, error.__class__.__name__)


def hit(name: str, value: str) -> Usage:
    """Count one more for `value` under rule `name`; the usage after counting."""
    limit, seconds, start, now = _window(name)
    key = cache_key(name, value, start)
    retry_after = max(1, math.ceil(start + seconds - now))
    try:
        if cache.add(key, 1, seconds + _EXPIRY_MARGIN_SECONDS):
            count = 1
        else:
            try:
                count = cache.incr(key)
            except ValueError:  # expired between add and incr: the first of a new count
                cache.set(key, 1, seconds + _EXPIRY_MARGIN_SECONDS)
                count = 1
    except CACHE_ERRORS as error:
        cache_unavailable(error)
        count = 0
    return Usage(count=count, limit=limit, retry_after=retry_after)


def peek(name: str, value: str) -> Usage:
    """The usage for `value` under rule `name`, without counting."""
    limit, seconds, start, now = _window(name)
    try:
        count = int(cache.get(cache_key(name, value, start)) or 0)
    except CACHE_ERRORS as error:
        cache_unavailable(error)
        count = 0
    return Usage(count=count, limit=limit, retry_after=max(1, math.ceil(start + seconds - now)))


def address_key(request) -> str:
    # No valid address (a Unix socket without a proxy header): all such requests share one count.
    return client_ip(request) or "unknown"


def too_many_requests(request, retry_after: int):
    """A 429 in the site's layout and the page's language, saying when to come back."""
    minutes = max(1, math.ceil(retry_after / 60))
    response = render(request, "429.html", {"minutes": minutes, "status": 429}, status=429)
    response["Retry-After"] = str(int(retry_after))
    # A refusal is about this client at this moment: no cache keeps it.
    response["Cache-Control"] = "no-store"
    return response


def rate_limited(name: str, *, methods: tuple[str, ...] = ("POST",), key=None):
    """Refuse a view's requests (of `methods`) beyond rule `name`, per client address.

    `key(request)` may name something else to count by (an email typed in); it returns None
    when there is nothing to count for that request.
    """
    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if settings.SEXTO_RATE_LIMITS_ENABLED and request.method in methods:
                value = key(request) if key is not None else address_key(request)
                if value is not None:
                    usage = hit(name, value)
                    if usage.exceeded:
                        return too_many_requests(request, usage.retry_after)
            return view(request, *args, **kwargs)
        return wrapped
    return decorator

