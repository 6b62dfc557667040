"""Moving the clock in browser journeys instead of waiting for it.

A journey signs people in several times within a minute, and checks what happens once a
confirmation or a session has run out. Waiting for real time would make the suite slow; these
helpers move the times the server keeps instead (the session's own timestamps, a TOTP code of
the next time steps), as if the minutes had passed.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page

from accounts import mfa

# How far ahead of the server a test phone's codes may run (TOTPDevice.tolerance), in time
# steps: enough for every sign-in and re-authentication of one person in a journey.
PHONE_TOLERANCE_STEPS = 20


def totp_code(device: TOTPDevice) -> str:
    """The next code the person's authenticator app gives.

    django-otp refuses a code of a time step the device already accepted; a person would wait
    for the next one. Here the code of the next unused step is computed at once, and the
    device (made with PHONE_TOLERANCE_STEPS) accepts codes that far ahead.
    """
    device.refresh_from_db()
    assert device.tolerance >= PHONE_TOLERANCE_STEPS, "make the device with phone_tolerance()"
    totp = TOTP(bytes.fromhex(device.key), step=device.step, t0=device.t0,
                digits=device.digits)
    if totp.t() <= device.last_t:
        totp.time = device.t0 + (device.last_t + 1) * device.step
    return f"{totp.token():0{device.digits}d}"


def phone_tolerance(device: TOTPDevice) -> TOTPDevice:
    device.tolerance = PHONE_TOLERANCE_STEPS
    device.save(update_fields=["tolerance"])
    return device


def browser_session(page: Page) -> SessionStore:
    """The server-side session of the page's browser profile."""
    cookie = next(c for c in page.context.cookies()
                  if c["name"] == settings.SESSION_COOKIE_NAME)
    return SessionStore(session_key=cookie["value"])


def move_session_clock(page: Page, seconds: float, *, keys: tuple[str, ...] = (
        mfa.SIGNED_IN_AT_KEY, mfa.SEEN_AT_KEY, mfa.REAUTH_AT_KEY)) -> None:
    """Make the session's timestamps `seconds` older, as if that long had passed idle."""
    session = browser_session(page)
    for key in keys:
        value = session.get(key)
        if isinstance(value, int | float):
            session[key] = value - seconds
    session.save()


def end_reauthentication(page: Page) -> None:
    """As if the confirmation given by the last sign-in or re-authentication had run out."""
    move_session_clock(page, settings.SEXTO_REAUTH_SECONDS + 1, keys=(mfa.REAUTH_AT_KEY,))
