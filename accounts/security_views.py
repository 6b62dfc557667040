"""Second-factor pages: adding and removing one (the security page), the second step of signing
in, re-authentication, recovery codes, and the neutral page of the quick-hide control.

Who may do what, in one place:
- adding a first authenticator app or passkey: anyone signed in;
- adding another one, or new recovery codes: a session verified with a second factor and a
  re-authentication in the last SEXTO_REAUTH_SECONDS;
- removing one: a re-authentication in the last SEXTO_REAUTH_SECONDS.
"""

import django_otp
import segno
from axes.helpers import get_lockout_response
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, logout
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import mfa, passkeys
from accounts.forms import (
    PasskeyRegisterForm,
    ReauthenticationForm,
    SecondFactorForm,
    TotpConfirmForm,
)
from accounts.models import PasskeyDevice, User
from accounts.selectors import (
    recovery_codes_remaining,
    user_has_second_factor,
    user_passkeys,
    user_totp_devices,
)
from accounts.services import (
    passkey_device_create,
    recovery_codes_generate,
    second_factor_device_remove,
    second_factor_locked_until,
    second_factor_verify,
    totp_device_confirm,
    totp_enrolment_device,
    totp_provisioning_uri,
)
from accounts.views import _in_language
from audit.services import record
from core.exceptions import ApplicationError
from core.language import translate_url  # reads `next` in its own language

# Recovery codes just made, waiting to be shown once.
RECOVERY_CODES_KEY = "sexto_recovery_codes_to_show"
DEVICE_MODELS = {"totp": TOTPDevice, "passkey": PasskeyDevice}


def _json(body: str) -> HttpResponse:
    response = HttpResponse(body, content_type="application/json")
    response["Cache-Control"] = "no-store"
    return response


def _here(view_name: str, next_url: str | None, *args) -> str:
    return mfa.url_with_next(reverse(view_name, args=args), next_url)


def _addition_blocked(request: HttpRequest, here: str) -> HttpResponse | None:
    """A redirect when adding a second factor needs a verified session and a re-authentication.

    Adding a first one needs neither (there is nothing to verify with yet); adding another
    needs both, so that a session left open cannot give someone else a way in.
    """
    if not user_has_second_factor(request.user):
        return None
    if not mfa.session_is_verified(request):
        return redirect(mfa.second_factor_url(here))
    if not mfa.reauthenticated_recently(request):
        return redirect(mfa.reauth_url(here))
    return None


def _enrolled(request: HttpRequest, device, next_url: str | None, message: str) -> HttpResponse:
    """A second factor was added: it verifies this session; first time, recovery codes."""
    request.session.cycle_key()
    django_otp.login(request, device)
    messages.success(request, message)
    if recovery_codes_remaining(request.user) == 0:
        request.session[RECOVERY_CODES_KEY] = recovery_codes_generate(user=request.user,
                                                                      request=request)
        return redirect(_here("accounts:recovery_codes", next_url))
    return redirect(next_url or reverse("accounts:security"))


def _qr_svg(data: str, label: str) -> str:
    svg = segno.make(data, error="m").svg_inline(scale=5, border=3, dark="#000", light="#fff",
                                                     omitsize=True)
    # One image with a name for assistive technologies; the key is also given as text.
    return svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)


# --- The security page ----------------------------------------------------------------------


@require_GET
@login_required
def security(request: HttpRequest) -> HttpResponse:
    user = request.user
    has_second_factor = user_has_second_factor(user)
    return render(request, "accounts/security.html", {
        "totp_devices": user_totp_devices(user),
        "passkeys": user_passkeys(user),
        "recovery_codes_remaining": recovery_codes_remaining(user),
        "has_second_factor": has_second_factor,
        "must_enrol": not has_second_factor and mfa.user_needs_second_factor(user),
        "needs_verification": has_second_factor and not mfa.session_is_verified(request),
        "next": mfa.safe_next(request),
        "idle_minutes": settings.SEXTO_IDLE_TIMEOUT_SECONDS // 60,
    })


@never_cache  # the page shows the secret key
@require_http_methods(["GET", "POST"])
@login_required
def totp_add(request: HttpRequest) -> HttpResponse:
    next_url = mfa.safe_next(request)
    blocked = _addition_blocked(request, _here("accounts:totp_add", next_url))
    if blocked is not None:
        return blocked
    device, secret = totp_enrolment_device(user=request.user)
    form = TotpConfirmForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            device = totp_device_confirm(device=device, token=form.cleaned_data["otp_token"],
                                         name=form.cleaned_data["name"], request=request)
        except ApplicationError as error:
            form.add_error("otp_token", error.message)
        else:
            return _enrolled(request, device, next_url,
                             _("Votre application d'authentification est ajoutée."))
    if form.is_bound:
        form.forget_secrets()
    return render(request, "accounts/totp_add.html", {
        "form": form,
        "qr_svg": _qr_svg(totp_provisioning_uri(device=device),
                          _("Code QR à balayer avec votre application d'authentification")),
        "secret_groups": [secret[i:i + 4] for i in range(0, len(secret), 4)],
        "next": next_url,
    })


@require_http_methods(["GET", "POST"])
@login_required
def passkey_add(request: HttpRequest) -> HttpResponse:
    next_url = mfa.safe_next(request)
    blocked = _addition_blocked(request, _here("accounts:passkey_add", next_url))
    if blocked is not None:
        return blocked
    form = PasskeyRegisterForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            new_passkey = passkeys.registration_verify(
                request, credential_json=form.cleaned_data["credential"])
            device = passkey_device_create(user=request.user, name=form.cleaned_data["name"],
                                           passkey=new_passkey, request=request)
        except passkeys.PasskeyError:
            form.add_error(None, _("Votre clé d'accès n'a pas pu être enregistrée. Réessayez."))
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            return _enrolled(request, device, next_url, _("Votre clé d'accès est ajoutée."))
    if form.is_bound:
        form.forget_secrets()
    return render(request, "accounts/passkey_add.html", {"form": form, "next": next_url})


@require_POST
@login_required
def passkey_register_options(request: HttpRequest) -> HttpResponse:
    if _addition_blocked(request, reverse("accounts:passkey_add")) is not None:
        return HttpResponse(status=403)  # the page itself sent the person elsewhere first
    return _json(passkeys.registration_options(request, user=request.user))


@never_cache  # the page shows the codes
@require_http_methods(["GET", "POST"])
@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    next_url = mfa.safe_next(request)
    here = _here("accounts:recovery_codes", next_url)
    if request.method == "POST":
        if not user_has_second_factor(request.user):
            return redirect("accounts:security")
        if not mfa.session_is_verified(request):
            return redirect(mfa.second_factor_url(here))
        if not mfa.reauthenticated_recently(request):
            return redirect(mfa.reauth_url(here))
        request.session[RECOVERY_CODES_KEY] = recovery_codes_generate(user=request.user,
                                                                      request=request)
        return redirect(here)
    codes = request.session.pop(RECOVERY_CODES_KEY, None)
    return render(request, "accounts/recovery_codes.html", {
        "codes": codes if isinstance(codes, list) else None,
        "remaining": recovery_codes_remaining(request.user),
        "has_second_factor": user_has_second_factor(request.user),
        "next": next_url,
    })


@require_http_methods(["GET", "POST"])
@login_required
def device_remove(request: HttpRequest, kind: str, device_id: int) -> HttpResponse:
    model = DEVICE_MODELS.get(kind)
    if model is None:
        raise Http404
    device = get_object_or_404(model, pk=device_id, user=request.user, confirmed=True)
    if not mfa.reauthenticated_recently(request):
        return redirect(mfa.reauth_url(reverse("accounts:device_remove",
                                               args=[kind, device_id])))
    if request.method == "POST":
        verified_by_it = request.session.get(DEVICE_ID_SESSION_KEY) == device.persistent_id
        name = device.name
        second_factor_device_remove(user=request.user, device=device, request=request)
        if verified_by_it:
            # The person just re-authenticated: their session stays verified by what remains.
            remaining = user_totp_devices(request.user).first() or user_passkeys(
                request.user).first()
            if remaining is not None:
                django_otp.login(request, remaining)
        messages.success(request, _("« %(name)s » est retiré de votre compte.") % {"name": name})
        return redirect("accounts:security")
    return render(request, "accounts/device_remove.html", {
        "device": device,
        "kind": kind,
        "last_one": user_totp_devices(request.user).count()
        + user_passkeys(request.user).count() == 1,
        "needs_second_factor": mfa.user_needs_second_factor(request.user),
    })


# --- Second step of signing in, and re-authentication ---------------------------------------


def _subject(request: HttpRequest) -> tuple[User | None, str]:
    """Whose second factor is asked for, and why: "login", "reauth" or "verify"."""
    if request.user.is_authenticated:
        return request.user, "reauth" if mfa.pending_reauth_active(request) else "verify"
    return mfa.pending_login_user(request), "login"


def _second_factor_passed(request: HttpRequest, user: User, device, purpose: str,
                          next_url: str | None) -> HttpResponse:
    if purpose == "login":
        mfa.pending_login_clear(request)
        auth_login(request, user, backend=user.backend)
        django_otp.login(request, device)
        mfa.mark_signed_in(request, with_second_factor=True)
        language = user.preferred_language
        target = translate_url(next_url or resolve_url(settings.LOGIN_REDIRECT_URL), language)
        return _in_language(redirect(target), language)
    # More rights for this session: a new key, so that an older copy of it gets none.
    request.session.cycle_key()
    django_otp.login(request, device)
    if purpose == "reauth":
        mfa.pending_reauth_clear(request)
        mfa.mark_reauthenticated(request)
        record(action="auth.reauthenticated", actor=user, target=user, request=request,
               data={"method": "password+second_factor"})
        return redirect(next_url or reverse("accounts:profile"))  # as reauthenticate's own
    # A session signed in with a password alone, now verified: without a page to go back to,
    # the person's home, as after signing in.
    return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))


@never_cache
@require_http_methods(["GET", "POST"])
def second_factor(request: HttpRequest) -> HttpResponse:
    user, purpose = _subject(request)
    next_url = mfa.safe_next(request)
    if user is None:
        messages.info(request, _("Par sécurité, entrez de nouveau votre mot de passe."))
        return redirect(mfa.url_with_next(reverse("accounts:login"), next_url))
    if purpose == "verify" and mfa.session_is_verified(request):
        return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))
    has_totp = user_totp_devices(user).exists()
    has_passkeys = user_passkeys(user).exists()
    recovery_left = recovery_codes_remaining(user)
    if not (has_totp or has_passkeys or recovery_left):
        if purpose == "login":  # the person's devices went away since the password step
            mfa.pending_login_clear(request)
            return redirect(mfa.url_with_next(reverse("accounts:login"), next_url))
        return redirect(mfa.enrolment_url(next_url))
    locked_until = second_factor_locked_until(user)
    if locked_until is not None:
        return mfa.lockout_response(request, locked_until)
    form = SecondFactorForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        method = form.cleaned_data["method"]
        try:
            device = second_factor_verify(request=request, user=user, method=method,
                                          value=form.cleaned_data["value"], purpose=purpose)
        except ApplicationError as error:
            if error.code == "locked":
                return mfa.lockout_response(request, error.extra["locked_until"])
            form.add_error({"totp": "otp_token", "recovery_code": "recovery_code"}.get(method),
                           error.message)
        else:
            return _second_factor_passed(request, user, device, purpose, next_url)
    if form.is_bound:
        form.forget_secrets()
    if form.errors.get("recovery_code"):
        form.fields["recovery_code"].widget.attrs["autofocus"] = True
    elif has_totp and not form.non_field_errors():
        form.fields["otp_token"].widget.attrs["autofocus"] = True
    return render(request, "accounts/second_factor.html", {
        "form": form,
        "subject": user,
        "purpose": purpose,
        "has_totp": has_totp,
        "has_passkeys": has_passkeys,
        "recovery_left": recovery_left,
        "next": next_url,
    })


@require_POST
def second_factor_passkey_options(request: HttpRequest) -> HttpResponse:
    user, _purpose = _subject(request)
    if user is None:
        return HttpResponse(status=403)
    return _json(passkeys.authentication_options(request, user=user))


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def reauthenticate(request: HttpRequest) -> HttpResponse:
    """Password, then (for whoever has one) the second factor again; then back to `next`."""
    next_url = mfa.safe_next(request, default=reverse("accounts:profile"))
    form = ReauthenticationForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        email = request.user.email
        # Through the authentication backends, django-axes included: wrong passwords count.
        user = authenticate(request, username=email, password=form.cleaned_data["password"])
        if getattr(request, "axes_locked_out", False):
            logout(request)
            return get_lockout_response(request, None, {"username": email})
        if user is None or user.pk != request.user.pk:
            form.add_error("password", _("Ce mot de passe n'est pas le bon. Réessayez."))
        elif user_has_second_factor(user) or recovery_codes_remaining(user):
            mfa.pending_reauth_start(request)
            return redirect(mfa.second_factor_url(next_url))
        else:
            mfa.mark_reauthenticated(request)
            record(action="auth.reauthenticated", actor=user, target=user, request=request,
                   data={"method": "password"})
            return redirect(next_url)
    return render(request, "accounts/reauthenticate.html", {
        "form": form, "next": next_url,
        "has_second_factor": user_has_second_factor(request.user),
        "minutes": max(settings.SEXTO_REAUTH_SECONDS // 60, 1),
    })


# --- Quick hide -------------------------------------------------------------------------------


@require_GET
def quick_hide(request: HttpRequest) -> HttpResponse:
    """A plain page with nothing on it, where the quick-hide control leads."""
    return render(request, "accounts/quick_hide.html")
