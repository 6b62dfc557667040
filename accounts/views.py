"""Accounts pages: sign-up, login and passwords, profile, people management."""

from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse, reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import mfa
from accounts.access import (
    _get_join_request_for_manager,
    _get_membership_for_manager,
    _get_person_for_second_factor_help,
    _require_people_manager,
)
from accounts.eligibility import badge_eligibility
from accounts.forms import (
    EmailAuthenticationForm,
    JoinRequestForm,
    LocalisedPasswordResetForm,
    ProfileForm,
    RoleGrantForm,
    SecondFactorHelpForm,
    SignupForm,
)
from accounts.selectors import (
    join_requests_pending_for_user,
    join_requests_pending_in,
    memberships_in,
    platform_memberships,
    recovery_codes_remaining,
    user_has_second_factor,
    user_is_platform_admin,
    user_memberships,
    user_passkeys,
    user_totp_devices,
)
from accounts.services import (
    EMAIL_VERIFICATION_MAX_AGE,
    account_signup,
    email_token_user,
    email_verification_send,
    email_verify,
    join_request_approve,
    join_request_create,
    join_request_decline,
    password_changed,
    profile_publish_set,
    profile_update,
    role_grant,
    role_revoke,
    second_factor_locked_until,
    second_factor_reset,
)
from audit.services import record_refusal
from core.exceptions import ApplicationError
from core.language import translate_url  # reads `next` in its own language


def _in_language(response: HttpResponse, language: str) -> HttpResponse:
    """Remember the person's language the way Django's set_language view does."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, language,
        max_age=settings.LANGUAGE_COOKIE_AGE, path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN, secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY, samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


def _redirect_in_language(view_name: str, language: str) -> HttpResponse:
    with translation.override(language):
        url = reverse(view_name)
    return _in_language(redirect(url), language)


# --- Sign-up and email verification ------------------------------------------------------


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    # Someone sent to sign in who creates an account instead still goes where they were going,
    # through the sign-in link of the next page.
    next_url = mfa.safe_next(request)
    form = SignupForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        # The same answer whether the address already has an account or not (its owner is
        # emailed instead): the page must not tell anybody who has an account here.
        account_signup(
            full_name=data["full_name"], email=data["email"], password=data["password1"],
            preferred_language=data["preferred_language"], school=data["school"],
            request=request,
        )
        language = data["preferred_language"]
        with translation.override(language):
            url = reverse("accounts:signup_done")
        if next_url:
            url += "?next=" + quote(translate_url(next_url, language), safe="/")
        return _in_language(redirect(url), language)
    return render(request, "accounts/signup.html", {"form": form, "next": next_url})


@require_GET
def signup_done(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/signup_done.html", {"next": mfa.safe_next(request)})


@require_http_methods(["GET", "POST"])
def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    # GET only shows a button: link scanners in mail systems follow links, they do not POST.
    try:
        if request.method == "POST":
            email_verify(token=token, request=request)
        else:
            user = email_token_user(token=token)
    except ApplicationError as error:
        return render(request, "accounts/verify_email.html", {"error": error.message},
                      status=400)
    if request.method == "POST":
        messages.success(request, _("Merci ! Votre adresse courriel est confirmée."))
        return redirect("accounts:profile" if request.user.is_authenticated else "accounts:login")
    return render(request, "accounts/verify_email.html",
                  {"token": token, "already_verified": user.email_verified})


@require_POST
@login_required
def verify_email_resend(request: HttpRequest) -> HttpResponse:
    if request.user.email_verified:
        messages.info(request, _("Votre adresse courriel est déjà confirmée."))
    else:
        email_verification_send(user=request.user)
        messages.success(request, _(
            "Un nouveau lien de confirmation vous a été envoyé. Il est valable %(days)s jours."
        ) % {"days": EMAIL_VERIFICATION_MAX_AGE.days})
    return redirect("accounts:profile")


# --- Login, logout, passwords (Django's views, our templates and forms) ----------------------

# Django's form views treat PUT as POST; like every other page here they answer 405 to it.
_FORM_METHODS = ["get", "post", "head", "options"]


class LoginView(auth_views.LoginView):
    """The password step. Whoever has a second factor gives it next (accounts.security_views),
    before the session is signed in; whoever holds a case role without one is sent to add one.
    """

    http_method_names = _FORM_METHODS
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Set by accounts.middleware when it ended the previous session; said once.
        context["session_expired"] = self.request.session.pop(mfa.EXPIRED_KEY, None)
        context["typed_work_kept"] = self.request.session.pop(mfa.TYPED_WORK_KEPT_KEY, False)
        context["typed_work_minutes"] = mfa.TYPED_WORK_SECONDS // 60
        context["idle_minutes"] = settings.SEXTO_IDLE_TIMEOUT_SECONDS // 60
        context["absolute_hours"] = settings.SEXTO_ABSOLUTE_TIMEOUT_SECONDS // 3600
        return context

    def form_valid(self, form):
        user = form.get_user()
        language = user.preferred_language
        # Continue in the person's own language (the page they asked for, translated).
        next_url = translate_url(self.get_success_url(), language)
        locked_until = second_factor_locked_until(user)
        if locked_until is not None:
            # Locked after repeated second-factor failures: the right password changes nothing.
            return mfa.lockout_response(self.request, locked_until)
        if user_has_second_factor(user):
            mfa.pending_login_start(self.request, user)
            with translation.override(language):
                url = mfa.second_factor_url(next_url)
            return _in_language(redirect(url), language)
        response = super().form_valid(form)
        mfa.mark_signed_in(self.request)
        if mfa.user_needs_second_factor(user):
            with translation.override(language):
                next_url = mfa.enrolment_url(next_url)
        response["Location"] = next_url
        return _in_language(response, language)


class LogoutView(auth_views.LogoutView):
    """POST only (Django's default): a link or an image cannot log someone out."""


class PasswordResetView(auth_views.PasswordResetView):
    http_method_names = _FORM_METHODS
    form_class = LocalisedPasswordResetForm
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        # Links point at the configured site address, never at the Host header of the request.
        self.extra_email_context = {"site_url": settings.SITE_URL}
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    http_method_names = _FORM_METHODS
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        password_changed(user=form.user, via="reset", request=self.request)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    http_method_names = _FORM_METHODS
    template_name = "accounts/password_change_form.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form):
        response = super().form_valid(form)
        password_changed(user=form.user, via="change", request=self.request)
        return response


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


# --- Profile --------------------------------------------------------------------------------


def _public_profile_url(handle: str) -> str | None:
    try:
        return reverse("badges:member_profile", args=[handle])
    except NoReverseMatch:  # the badges app may not publish profiles (yet)
        return None


def _profile_page(request: HttpRequest, *, form=None, join_form=None) -> HttpResponse:
    user = request.user
    return render(request, "accounts/profile.html", {
        "form": form or ProfileForm.for_user(user),
        "join_form": join_form or JoinRequestForm(),
        "public_profile_url": _public_profile_url(user.handle),
        "memberships": user_memberships(user).order_by("organisation__name", "role"),
        "pending_join_requests": join_requests_pending_for_user(user),
        "eligibility": badge_eligibility(user),
    })


@require_http_methods(["GET", "POST"])
@login_required
def profile(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _profile_page(request)
    form = ProfileForm.for_user(request.user, data=request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            profile_update(user=request.user, full_name=data["full_name"],
                           preferred_language=data["preferred_language"], request=request)
            profile_publish_set(user=request.user, published=data["profile_published"],
                                request=request)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            language = request.user.preferred_language
            with translation.override(language):
                messages.success(request, _("Votre profil est enregistré."))
            return _redirect_in_language("accounts:profile", language)
    return _profile_page(request, form=form)


@require_POST
@login_required
def join_request_new(request: HttpRequest) -> HttpResponse:
    join_form = JoinRequestForm(request.POST)
    if join_form.is_valid():
        school = join_form.cleaned_data["school"]
        try:
            join_request_create(user=request.user, organisation=school, request=request)
        except ApplicationError as error:
            join_form.add_error("school", error.message)
        else:
            messages.success(request, _(
                "Votre déclaration est transmise : un administrateur de %(school)s la "
                "confirmera."
            ) % {"school": school.name})
            return redirect("accounts:profile")
    return _profile_page(request, join_form=join_form)


# --- People management ----------------------------------------------------------------------

# Where an ApplicationError from role_grant is shown in the form (others go on top of it).
_GRANT_ERROR_FIELD = {"self_grant": "email", "duplicate": "email", "scope": "organisation"}


def _people_page(request: HttpRequest, organisations, *, grant_form=None) -> HttpResponse:
    memberships = list(memberships_in(organisations))
    join_requests = list(join_requests_pending_in(organisations))
    groups: dict = {}
    for membership in memberships:
        groups.setdefault(membership.organisation, []).append(membership)
    platform_admin = user_is_platform_admin(request.user)
    return render(request, "accounts/people.html", {
        # Its changes ask for a fresh re-authentication (mfa.reauthentication_required): the
        # page says so before a form is sent in vain.
        "reauthenticated": mfa.reauthenticated_recently(request),
        "reauth_url": mfa.reauth_url(reverse("accounts:people")),
        "reauth_minutes": max(settings.SEXTO_REAUTH_SECONDS // 60, 1),
        "grant_form": grant_form or RoleGrantForm(granter=request.user,
                                                  organisations=organisations),
        "groups": sorted(groups.items(), key=lambda item: item[0].name),
        "join_requests": join_requests,
        "platform_memberships": platform_memberships() if platform_admin else None,
    })


@require_GET
@mfa.second_factor_required
def people(request: HttpRequest) -> HttpResponse:
    return _people_page(request, _require_people_manager(request))


@require_POST
@mfa.reauthentication_required
def people_role_grant(request: HttpRequest) -> HttpResponse:
    organisations = _require_people_manager(request)
    form = RoleGrantForm(request.POST, granter=request.user, organisations=organisations)
    if form.is_valid():
        data = form.cleaned_data
        try:
            membership = role_grant(granter=request.user, user=data["email"], role=data["role"],
                                    organisation=data["organisation"], request=request)
        except ApplicationError as error:
            form.add_error(_GRANT_ERROR_FIELD.get(error.code), error.message)
        else:
            messages.success(request, _("Rôle attribué : %(membership)s.")
                             % {"membership": membership})
            return redirect("accounts:people")
    return _people_page(request, organisations, grant_form=form)


@require_POST
@mfa.reauthentication_required
def people_role_revoke(request: HttpRequest, membership_id) -> HttpResponse:
    membership = _get_membership_for_manager(request, membership_id)
    description = str(membership)
    try:
        role_revoke(revoker=request.user, membership=membership, request=request)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Rôle retiré : %(membership)s.")
                         % {"membership": description})
    return redirect("accounts:people")


@require_http_methods(["GET", "HEAD", "POST"])
@mfa.second_factor_required
def people_second_factor(request: HttpRequest, user_id) -> HttpResponse:
    """An administrator helps someone locked out of their second factor or who lost it.

    The administrator needs a second factor of their own and to have re-authenticated in the
    last minutes: whoever gets a reset signs in with their password alone until they add a new
    second factor, so this is as sensitive as revealing a name. The rule is that of
    mfa.reauthentication_required, checked here in the form so that a stale re-authentication
    keeps the reason typed.
    """
    person, allowed = _get_person_for_second_factor_help(request, user_id)
    here = reverse("accounts:people_second_factor", args=[person.pk])
    if request.method != "POST" and not mfa.reauthenticated_recently(request):
        return redirect(mfa.reauth_url(here))
    form = SecondFactorHelpForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not allowed:
            record_refusal(request=request, action="auth.second_factor_help_refused",
                           target_type="accounts.user", target_id=str(person.pk),
                           data={"status": 403})
            raise PermissionDenied
        if form.is_valid() and not mfa.reauthenticated_recently(request):
            form.add_error(None, _("Confirmez d'abord votre identité : votre dernière "
                                   "vérification date de plus de quelques minutes."))
        if form.is_valid():
            unlock_only = form.cleaned_data["action"] == SecondFactorHelpForm.UNLOCK
            counts = second_factor_reset(user=person, reason=form.cleaned_data["reason"],
                                         unlock_only=unlock_only, actor=request.user,
                                         request=request)
            if not unlock_only:
                done = _("Le second facteur de %(person)s est réinitialisé ; la personne en est "
                         "avisée par courriel.")
            elif counts["lock"]:
                done = _("Le second facteur de %(person)s est débloqué.")
            else:
                done = _("Le second facteur de %(person)s n'était pas bloqué.")
            messages.success(request, done % {"person": person.full_name})
            return redirect("accounts:people")
        status = 400
    return render(request, "accounts/people_second_factor.html", {
        "person": person, "allowed": allowed, "form": form, "reauth_url": mfa.reauth_url(here),
        "locked_until": second_factor_locked_until(person),
        "totp_count": user_totp_devices(person).count(),
        "passkey_count": user_passkeys(person).count(),
        "recovery_codes": recovery_codes_remaining(person),
    }, status=status)


@require_POST
@mfa.reauthentication_required
def people_join_request_approve(request: HttpRequest, join_request_id) -> HttpResponse:
    join_request = _get_join_request_for_manager(request, join_request_id)
    try:
        join_request_approve(approver=request.user, join_request=join_request, request=request)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(person)s fait maintenant partie du personnel de "
                                    "%(school)s.") % {"person": join_request.user,
                                                      "school": join_request.organisation})
    return redirect("accounts:people")


@require_POST
@mfa.second_factor_required
def people_join_request_decline(request: HttpRequest, join_request_id) -> HttpResponse:
    join_request = _get_join_request_for_manager(request, join_request_id)
    try:
        join_request_decline(decider=request.user, join_request=join_request, request=request)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Déclaration refusée : %(person)s, %(school)s.")
                         % {"person": join_request.user, "school": join_request.organisation})
    return redirect("accounts:people")
