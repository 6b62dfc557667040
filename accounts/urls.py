"""French paths, translated for /en/ by the accounts catalog ("compte/" -> "account/")."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from accounts import security_views, session_views, views
from core.ratelimit import rate_limited


def _email_typed(request) -> str | None:
    # Counted per address typed too: nobody gets a flood of reset emails from many addresses.
    return request.POST.get("email", "").strip().lower() or None


app_name = "accounts"
urlpatterns = [
    path(_("compte/inscription/"), rate_limited("signup")(views.signup), name="signup"),
    path(_("compte/inscription/courriel-envoye/"), views.signup_done, name="signup_done"),
    path(_("compte/courriel/confirmer/<str:token>/"),
         rate_limited("email_verification")(views.verify_email), name="verify_email"),
    path(_("compte/courriel/nouveau-lien/"),
         rate_limited("email_verification")(views.verify_email_resend),
         name="verify_email_resend"),
    path(_("compte/connexion/"), rate_limited("login")(views.LoginView.as_view()),
         name="login"),
    path(_("compte/deconnexion/"), views.LogoutView.as_view(), name="logout"),
    path(_("compte/mot-de-passe/oublie/"), rate_limited("password_reset")(
        rate_limited("password_reset_email", key=_email_typed)(views.PasswordResetView.as_view())),
         name="password_reset"),
    path(_("compte/mot-de-passe/oublie/envoye/"), views.PasswordResetDoneView.as_view(),
         name="password_reset_done"),
    path(_("compte/mot-de-passe/nouveau/<uidb64>/<token>/"),
         views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path(_("compte/mot-de-passe/nouveau/termine/"), views.PasswordResetCompleteView.as_view(),
         name="password_reset_complete"),
    path(_("compte/mot-de-passe/changer/"), views.PasswordChangeView.as_view(),
         name="password_change"),
    path(_("compte/mot-de-passe/change/"), views.PasswordChangeDoneView.as_view(),
         name="password_change_done"),
    path(_("compte/verification/"), security_views.second_factor, name="second_factor"),
    path(_("compte/verification/cle-d-acces/"), security_views.second_factor_passkey_options,
         name="second_factor_passkey_options"),
    path(_("compte/reconfirmer/"), security_views.reauthenticate, name="reauthenticate"),
    path(_("compte/securite/"), security_views.security, name="security"),
    path(_("compte/securite/application/"), security_views.totp_add, name="totp_add"),
    path(_("compte/securite/cle-d-acces/"), security_views.passkey_add, name="passkey_add"),
    path(_("compte/securite/cle-d-acces/options/"), security_views.passkey_register_options,
         name="passkey_register_options"),
    path(_("compte/securite/codes-de-secours/"), security_views.recovery_codes,
         name="recovery_codes"),
    path(_("compte/securite/<str:kind>/<int:device_id>/retirer/"),
         security_views.device_remove, name="device_remove"),
    path(_("compte/pause/"), security_views.quick_hide, name="quick_hide"),
    path(_("compte/session/etat/"), session_views.session_status, name="session_status"),
    path(_("compte/session/rester-connecte/"), session_views.session_keep_alive,
         name="session_keep_alive"),
    path(_("compte/"), views.profile, name="profile"),
    path(_("compte/ecole/"), views.join_request_new, name="join_request_create"),
    path(_("personnes/"), views.people, name="people"),
    path(_("personnes/roles/attribuer/"), views.people_role_grant, name="role_grant"),
    path(_("personnes/<uuid:user_id>/second-facteur/"), views.people_second_factor,
         name="people_second_factor"),
    path(_("personnes/roles/<uuid:membership_id>/retirer/"), views.people_role_revoke,
         name="role_revoke"),
    path(_("personnes/declarations/<uuid:join_request_id>/accepter/"),
         views.people_join_request_approve, name="join_request_approve"),
    path(_("personnes/declarations/<uuid:join_request_id>/refuser/"),
         views.people_join_request_decline, name="join_request_decline"),
]
