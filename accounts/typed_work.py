"""Typed work kept across a session that ends: a form sent just as the session ran out comes back,
filled in but not sent, once its author has signed in again.

How it goes:
1. A form is sent to a session that has just ended (accounts.middleware), or from a page left
   open after it ended, or without the second factor the view asks for
   (accounts.mfa.second_factor_required). Its fields, all but the CSRF token, are kept here:
   encrypted, server-side, for the person who typed them, for TYPED_WORK_SECONDS (10 minutes).
   The browser keeps nothing: no cookie, no localStorage, no sessionStorage.
2. The person signs in again (password, then second factor) and is sent back to the page the
   form was on (the login's `next`).
3. The view of that page asks for what was kept for the form's action, once:

       restored = typed_work_restore(request, action=reverse("cases:police_share", args=[id]))
       if restored is not None:
           typed_work_fill(form, restored)   # the form's initial values, multi-valued included

   or in one call, `form = typed_work_restored_form(request, form, action=...)`. The page then
   shows the form filled in, with a message saying so; nothing is saved until the person
   sends it again. A hidden `version` field comes back as it was typed, so the optimistic
   locking of the case tool still catches a case that changed in between.

Only the same person gets it back: someone else signing in on that browser gets nothing. A kept
form is deleted when it is given back, and expired ones are deleted whenever one is written or
read (and at each sign-in), so none outlives its 10 minutes by much. Forms of the accounts pages
(passwords, second-factor codes) and of the administration are never kept.
"""

from __future__ import annotations

import base64
import datetime
import json
from functools import lru_cache
from urllib.parse import urlencode

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, QueryDict
from django.urls import Resolver404, resolve, translate_url
from django.utils import timezone, translation
from django.utils.datastructures import MultiValueDict
from django.utils.translation import get_language_from_path
from django.utils.translation import gettext as _

from accounts.models import KeptForm
from audit.services import record

# How long a kept form waits for its author to sign in again.
TYPED_WORK_SECONDS = 10 * 60
# Larger forms are not kept (a case form is at most 256 KB: cases.middleware).
MAX_KEPT_BYTES = 256 * 1024
# Forms of these apps hold passwords and codes, or nothing worth restoring: never kept.
_NEVER_KEPT_APPS = {"accounts", "admin"}
_CSRF_FIELD = "csrfmiddlewaretoken"
# Set on the request once the "restored" message is shown, so that a page restoring two forms
# says it once.
_MESSAGE_SHOWN = "_sexto_typed_work_message_shown"


@lru_cache(maxsize=2)
def _fernet_for(secret: str) -> Fernet:
    # The only key material of this module: derived from SECRET_KEY, for this use alone.
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
               info=b"sexto typed work kept across sign-in").derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def _fernet() -> Fernet:
    return _fernet_for(settings.SECRET_KEY)


def _neutral_action(path: str) -> str:
    """`path` in the default language, so that /en/... and /fr/... name the same form."""
    language = get_language_from_path(path) or settings.LANGUAGE_CODE
    with translation.override(language):
        return translate_url(path, settings.LANGUAGE_CODE)


def typed_work_purge() -> None:
    """Delete every kept form whose time is up: whenever one is written or read, and at each
    sign-in (accounts.mfa.mark_signed_in)."""
    KeptForm.objects.filter(expires_at__lte=timezone.now()).delete()


def _never_kept(request: HttpRequest) -> bool:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return True
    return bool(set(match.namespaces) & _NEVER_KEPT_APPS)


def typed_work_keep(request: HttpRequest, *, owner_id) -> bool:
    """Keep the fields of this POST (not its CSRF token) for `owner_id`; whether it was kept.

    The caller has checked that the request is a genuine one of the person (its CSRF token).
    Nothing is kept for a form with no field of its own, a form of the accounts pages or the
    administration, or one larger than MAX_KEPT_BYTES.
    """
    if request.method != "POST" or _never_kept(request):
        return False
    fields = [[name, values] for name, values in request.POST.lists() if name != _CSRF_FIELD]
    if not fields:
        return False
    action = _neutral_action(request.path)
    payload = json.dumps({"user": str(owner_id), "action": action, "fields": fields},
                         ensure_ascii=False).encode()
    if len(payload) > MAX_KEPT_BYTES:
        return False
    typed_work_purge()
    # One kept form per person and form: the newest.
    KeptForm.objects.filter(user_id=owner_id, action=action).delete()
    KeptForm.objects.create(
        user_id=owner_id, action=action,
        ciphertext=_fernet().encrypt(payload).decode("ascii"),
        expires_at=timezone.now() + datetime.timedelta(seconds=TYPED_WORK_SECONDS),
    )
    return True


def typed_work_restore(request: HttpRequest, *, action: str) -> QueryDict | None:
    """What the signed-in person typed in the form sent to `action` as their session ended,
    once (the kept copy is deleted), or None. Shows a message saying it was restored.

    `action` is the form's address (a path of this site, in either language).
    """
    if not request.user.is_authenticated:
        return None
    typed_work_purge()
    action = _neutral_action(action)
    kept = (KeptForm.objects.filter(user=request.user, action=action,
                                    expires_at__gt=timezone.now())
            .order_by("-created_at").first())
    if kept is None:
        return None
    # Two tabs asking at once: only the one that deletes it gets it.
    deleted, _by_model = KeptForm.objects.filter(pk=kept.pk).delete()
    if not deleted:
        return None
    try:
        payload = json.loads(_fernet().decrypt(kept.ciphertext.encode("ascii"),
                                               ttl=TYPED_WORK_SECONDS))
    except (InvalidToken, ValueError):
        return None  # older than its time, or written under another SECRET_KEY
    # The owner and form are inside the encryption too: a row moved to someone else in the
    # database gives nothing.
    if payload.get("user") != str(request.user.pk) or payload.get("action") != action:
        return None
    record(action="auth.typed_work_restored", actor=request.user, target=kept, request=request)
    data = QueryDict(urlencode([(name, value) for name, values in payload["fields"]
                                for value in values]))
    if not getattr(request, _MESSAGE_SHOWN, False):
        setattr(request, _MESSAGE_SHOWN, True)
        messages.warning(request, _(
            "Votre session avait pris fin : ce que vous aviez écrit est rétabli ci-dessous. "
            "Relisez-le, puis enregistrez."))
    return data


def typed_work_initial(form: forms.BaseForm, data: QueryDict) -> dict:
    """`data` as initial values of `form`'s fields, read the way the form would read them.

    Multi-valued fields (checkboxes, multiple selects) give lists; a checkbox left unticked
    gives False. Fields the data does not mention keep their own initial value.
    """
    no_files = MultiValueDict()
    initial = {}
    for name, field in form.fields.items():
        key = form.add_prefix(name)
        if field.widget.value_omitted_from_data(data, no_files, key):
            continue
        initial[name] = field.widget.value_from_datadict(data, no_files, key)
    return initial


def typed_work_fill(form: forms.BaseForm, data: QueryDict) -> forms.BaseForm:
    """Show `data` in the unbound `form` (as its initial values, before it is rendered)."""
    form.initial = {**form.initial, **typed_work_initial(form, data)}
    return form


def typed_work_restored_form(request: HttpRequest, form: forms.BaseForm, *,
                             action: str) -> forms.BaseForm:
    """`form`, filled with what was kept for `action` if anything was (see typed_work_restore)."""
    data = typed_work_restore(request, action=action)
    return typed_work_fill(form, data) if data is not None else form
