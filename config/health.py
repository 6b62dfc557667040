"""`/healthz`: whether this server can serve, for a load balancer or a monitoring probe.

It lives in config, beside the URLs, because it looks at every part the site needs (the database,
the cache, the credential signing keyring, the case keys, the audit key) and core imports no app.
It answers 200 when every check passes and 503 otherwise, with a small JSON body naming each
check and its state, never a reason: an error message could name a host, a path or a key, and
the probe needs none of it (the reasons go to the server's log, one line each). It reads no
session, sets no cookie and writes nothing: probed every few seconds, it must leave no trace in
the sessions or the audit log. Anyone can call it, so it is rate limited per address (rule
"healthz", far above any probe's pace).
"""

import logging
import secrets

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from core.ratelimit import rate_limited

logger = logging.getLogger(__name__)

OK = "ok"
FAILING = "failing"


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise RuntimeError("SELECT 1 did not answer 1")


def _cache() -> None:
    # A key of its own each time: two servers probed at once never read each other's value.
    cache = caches["default"]
    key, value = f"sexto-healthz-{secrets.token_hex(8)}", secrets.token_hex(8)
    cache.set(key, value, timeout=10)
    try:
        if cache.get(key) != value:
            raise RuntimeError("the cache does not keep what is written to it")
    finally:
        cache.delete(key)


def _signing_keys() -> None:
    from credentials.keys import ED25519, RSA, keyring_load

    keyring = keyring_load()
    keyring.active(ED25519)
    keyring.active(RSA)


def _case_keys() -> None:
    from cases import crypto

    probe = secrets.token_hex(8)
    if crypto.decrypt(crypto.encrypt(probe)) != probe:
        raise RuntimeError("the case keys do not decrypt what they encrypt")


def _audit_key() -> None:
    if not settings.AUDIT_KEY:
        raise RuntimeError("AUDIT_KEY is empty")


CHECKS = {
    "database": _database,
    "cache": _cache,
    "signing_keys": _signing_keys,
    "case_keys": _case_keys,
    "audit_key": _audit_key,
}


def health_checks() -> dict[str, str]:
    """Each check's state; a failing one is logged with its reason, on one line."""
    states = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as error:  # any failure of any part is "not ready", never a 500
            logger.warning("healthz: %s failing: %s: %s", name, type(error).__name__, error)
            states[name] = FAILING
        else:
            states[name] = OK
    return states


@never_cache
@require_safe
@rate_limited("healthz", methods=("GET", "HEAD"))
def healthz(request: HttpRequest) -> JsonResponse:
    checks = health_checks()
    healthy = all(state == OK for state in checks.values())
    return JsonResponse({"status": OK if healthy else FAILING, "checks": checks},
                        status=200 if healthy else 503)
