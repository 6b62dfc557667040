"""Django's authentication signals are the framework's hook for logins; we only listen."""

import hashlib
import hmac

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from audit.services import record


@receiver(user_logged_in, dispatch_uid="audit_login")
def _login(sender, request, user, **kwargs):
    record(action="auth.login", actor=user, target=user, request=request)


@receiver(user_logged_out, dispatch_uid="audit_logout")
def _logout(sender, request, user, **kwargs):
    if user is not None:
        record(action="auth.logout", actor=user, target=user, request=request)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    # Keep only a keyed hash of the identifier tried: a mistyped password in the email field
    # stays out, and without AUDIT_KEY a dictionary of emails cannot reverse it (a plain digest
    # of an email is found by hashing a list of emails). The same identifier gives the same
    # hash, so an investigator holding the key can still link repeated attempts.
    tried = (credentials or {}).get("username") or (credentials or {}).get("email") or ""
    digest = hmac.new(settings.AUDIT_KEY.encode(), b"login-identifier\0" +
                      tried.strip().lower().encode(), hashlib.sha256).hexdigest()[:32] \
        if tried else ""
    record(action="auth.login_failed", data={"identifier_hmac": digest}, request=request)
