"""The client's address, as the trusted reverse proxies saw it.

Behind a reverse proxy every connection comes from the proxy, so REMOTE_ADDR alone would give
one address to everybody: one person's failed logins would lock out everyone, and the audit log
would name the proxy for all. Each proxy appends the address it received the request from to
X-Forwarded-For, so with N trusted proxies the client is the Nth address from the right; what
stands to its left was written by the client and proves nothing. With no trusted proxy
(SEXTO_TRUSTED_PROXIES=0, the default) the header is ignored altogether.

django-axes (AXES_CLIENT_IP_CALLABLE), the rate limits (core/ratelimit.py) and the audit log
all call this one function.
"""

import ipaddress

from django.conf import settings


def _address(value: str) -> str | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1:value.index("]")]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The client's IP address, or None when there is no valid one."""
    remote = _address(request.META.get("REMOTE_ADDR") or "")
    trusted = settings.SEXTO_TRUSTED_PROXIES
    if trusted <= 0:
        return remote
    forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
                 if part.strip()]
    if len(forwarded) < trusted:
        # Fewer entries than proxies: the request did not come through all of them (a proxy
        # misconfigured, or a direct connection); the connection's address is all we know.
        return remote
    return _address(forwarded[-trusted]) or remote
