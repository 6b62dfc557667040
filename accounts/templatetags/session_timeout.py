"""The session warning of base.html: `{% load session_timeout %}` then `{% session_timeout %}`.

On pages of a session subject to the idle limit (accounts.mfa.session_limits), it renders the
warning dialog, hidden, with how many seconds are left before each limit; the script
(static/js/session-timeout.js) counts from its own clock and asks the server again before
saying anything. Elsewhere, and without JavaScript, it shows nothing.
"""

import time

from django import template
from django.conf import settings
from django.utils.html import format_html

from accounts import mfa

register = template.Library()

# The idle warning comes this long before the idle limit.
IDLE_WARNING_SECONDS = 120
# The absolute limit cannot be pushed back: say it earlier, to leave time to save.
ABSOLUTE_WARNING_SECONDS = 300


@register.inclusion_tag("accounts/_session_timeout.html", takes_context=True)
def session_timeout(context) -> dict:
    request = context.get("request")
    # A page drawn without the signed-in person (the 500 page, which must not touch the
    # database) has no session to warn about.
    if context.get("user") is None or not hasattr(request, "user"):
        return {"limits": None}
    limits = mfa.session_limits(request)
    if limits is None:
        return {"limits": None}
    idle_left, absolute_left = limits.seconds_left(time.time())
    return {
        "limits": limits,
        "idle_seconds": max(int(idle_left), 0),
        "absolute_seconds": max(int(absolute_left), 0),
        # In an element of its own, which the script brings up to date.
        "absolute_end": format_html("<span data-session-end-time>{}</span>",
                                    limits.absolute_end_time()),
        "idle_warning_seconds": IDLE_WARNING_SECONDS,
        "absolute_warning_seconds": ABSOLUTE_WARNING_SECONDS,
        "warning_minutes": IDLE_WARNING_SECONDS // 60,
        "idle_minutes": settings.SEXTO_IDLE_TIMEOUT_SECONDS // 60,
        "absolute_hours": settings.SEXTO_ABSOLUTE_TIMEOUT_SECONDS // 3600,
        "here": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }
