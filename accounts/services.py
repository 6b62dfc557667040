"""Writing people, roles and reference data. Every role change is audited."""

import datetime
import hashlib
import re
from base64 import b32encode
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import passkeys, reference
from accounts.eligibility import SCHOOL_STAFF_ROLES
from accounts.lockout import account_unlock
from accounts.models import (
    CASE_ROLES,
    PLATFORM_ROLES,
    JoinRequest,
    Membership,
    Organisation,
    PasskeyDevice,
    Role,
    SecondFactorLock,
    User,
)
from accounts.selectors import (
    organisations_administered_by,
    user_has_role,
    user_has_second_factor,
    user_is_platform_admin,
)
from accounts.templatetags.accounts_extras import duration
from audit.services import record
from core import ratelimit
from core.exceptions import ApplicationError
from core.mail import mail_send

EMAIL_VERIFICATION_SALT = "accounts.verify_email"
EMAIL_VERIFICATION_MAX_AGE = datetime.timedelta(days=3)


def role_grant_check(
    *, granter: User, user: User, role: str, organisation: Organisation | None
) -> None:
    """Raise ApplicationError unless `granter` may give `role` to `user` (in `organisation`).

    The rules, in one place:
    - nobody grants a role to themselves;
    - platform roles (reviewer, program author, platform administrator) and every role in a
      police force are granted by platform administrators only;
    - the police liaison role exists only in a police force, and police forces hold no other
      school role;
    - Sexto interveners are designated by the principal of their school, among its staff;
    - other roles: a platform administrator, or an administrator of that organisation or of
      the service centre or network it belongs to.
    """
    if granter.pk == user.pk:
        raise ApplicationError(_("Personne ne peut s'attribuer un rôle."), code="self_grant")
    if role not in Role.values:
        raise ApplicationError(_("Rôle inconnu."), code="unknown_role")
    in_police_force = organisation is not None and (
        organisation.kind == Organisation.Kind.POLICE_FORCE
    )
    if role in PLATFORM_ROLES:
        if organisation is not None:
            raise ApplicationError(
                _("Ce rôle vaut pour toute la plateforme, sans organisation."), code="scope"
            )
    elif organisation is None:
        raise ApplicationError(_("Ce rôle doit être lié à une organisation."), code="scope")
    if role == Role.POLICE_LIAISON and not in_police_force:
        raise ApplicationError(
            _("Le rôle d'agent de liaison n'existe que dans un corps de police."), code="scope"
        )
    if in_police_force and role not in (Role.POLICE_LIAISON, Role.ORG_ADMIN):
        raise ApplicationError(
            _("Un corps de police ne peut recevoir que des agents de liaison."), code="scope"
        )
    if role == Role.INTERVENER:
        _intervener_designation_check(granter=granter, user=user, organisation=organisation)
        return
    if role in PLATFORM_ROLES or in_police_force:
        if not user_is_platform_admin(granter):
            raise ApplicationError(
                _("Seul un administrateur de la plateforme peut attribuer ce rôle."),
                code="forbidden",
            )
        return
    if not organisations_administered_by(granter).filter(pk=organisation.pk).exists():
        raise ApplicationError(
            _("Vous n'administrez pas cette organisation."), code="forbidden"
        )


def _intervener_designation_check(*, granter: User, user: User, organisation: Organisation):
    if organisation.kind != Organisation.Kind.SCHOOL:
        raise ApplicationError(
            _("Un intervenant Sexto est désigné dans une école."), code="scope"
        )
    if not user_has_role(granter, Role.PRINCIPAL, organisation=organisation):
        raise ApplicationError(
            _("Seule la direction de l'école désigne ses intervenants Sexto."), code="forbidden"
        )
    if not Membership.objects.filter(
        user=user, organisation=organisation, role__in=[r.value for r in SCHOOL_STAFF_ROLES]
    ).exists():
        raise ApplicationError(
            _("Cette personne ne fait pas partie du personnel de l'école."), code="not_staff"
        )


def principals_concerned_by(organisation: Organisation) -> list[User]:
    """The principals who must hear of a role opening cases in `organisation`.

    A school's own principals; for a police force, the principals of the schools it serves.
    """
    if organisation.kind == Organisation.Kind.POLICE_FORCE:
        schools = Organisation.objects.filter(territory__police_force=organisation)
    else:
        schools = Organisation.objects.filter(pk=organisation.pk)
    return list(
        User.objects.filter(
            is_active=True, memberships__role=Role.PRINCIPAL,
            memberships__organisation__in=schools,
        ).distinct()
    )


def _case_role_notify(*, membership: Membership) -> None:
    """Tell the principals that someone may now open case files. No name of a student, ever."""
    for principal in principals_concerned_by(membership.organisation):
        if principal.pk == membership.user_id:
            continue
        with translation.override(principal.preferred_language):
            subject = _("Sexto : un accès aux dossiers d'incident a été accordé")
            body = render_to_string(
                "accounts/email/case_role_granted.txt",
                {"principal": principal, "membership": membership,
                 "url": settings.SITE_URL + reverse("accounts:people")},
            )
        mail_send(subject=subject, body=body, to=principal.email, what="case role granted")


@transaction.atomic
def role_grant(
    *, granter: User, user: User, role: str, organisation: Organisation | None = None,
    request=None,
) -> Membership:
    role_grant_check(granter=granter, user=user, role=role, organisation=organisation)
    membership, created = Membership.objects.get_or_create(
        user=user, role=role, organisation=organisation, defaults={"granted_by": granter}
    )
    if not created:
        raise ApplicationError(_("Cette personne a déjà ce rôle."), code="duplicate")
    record(
        action="role.granted", actor=granter, target=user, request=request,
        data={"role": role, "organisation": str(organisation.pk) if organisation else None},
    )
    if role in CASE_ROLES:
        transaction.on_commit(lambda: _case_role_notify(membership=membership))
    return membership


@transaction.atomic
def role_revoke(*, revoker: User, membership: Membership, request=None) -> None:
    if revoker.pk == membership.user_id:
        # The same rule as granting (role_grant_check), with words that fit a removal.
        raise ApplicationError(_("Personne ne peut se retirer un rôle."), code="self_grant")
    # Taking a role away follows the same rules as giving it.
    role_grant_check(
        granter=revoker, user=membership.user, role=membership.role,
        organisation=membership.organisation,
    )
    record(
        action="role.revoked", actor=revoker, target=membership.user, request=request,
        data={
            "role": membership.role,
            "organisation": str(membership.organisation_id) if membership.organisation_id else None,
        },
    )
    membership.delete()


def membership_bootstrap(*, user: User, role: str, organisation: Organisation | None = None,
                         reason: str) -> Membership:
    """Give a role with no granter: for the first platform administrator and for demo data.

    Only the command line calls this (createsuperuser-style), never a view; it is audited.
    """
    membership, _created = Membership.objects.get_or_create(
        user=user, role=role, organisation=organisation
    )
    record(action="role.bootstrapped", target=user,
           data={"role": role, "organisation": str(organisation.pk) if organisation else None,
                 "reason": reason})
    return membership


# --- Accounts: creation, email verification, profile ------------------------------------


def _email_fingerprint(email: str) -> str:
    # The token names the address by a hash: the link carries no readable personal data, and
    # a token sent to an old address stops working once the address changes.
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:16]


def email_verification_token(user: User) -> str:
    """A signed, timestamped token (django.core.signing) proving the person got our email."""
    return signing.dumps(
        {"u": str(user.pk), "e": _email_fingerprint(user.email)}, salt=EMAIL_VERIFICATION_SALT
    )


def email_token_user(*, token: str) -> User:
    """The user a verification token is for; ApplicationError if it is tampered or expired."""
    invalid = ApplicationError(
        _("Ce lien de confirmation n'est pas valide. Vérifiez que vous avez copié le lien au "
          "complet, ou demandez un nouveau lien depuis votre compte."),
        code="invalid_token",
    )
    try:
        payload = signing.loads(
            token, salt=EMAIL_VERIFICATION_SALT, max_age=EMAIL_VERIFICATION_MAX_AGE
        )
    except signing.SignatureExpired as exc:
        raise ApplicationError(
            _("Ce lien de confirmation a expiré. Connectez-vous et demandez un nouveau lien "
              "depuis votre compte."),
            code="expired_token",
        ) from exc
    except signing.BadSignature as exc:
        raise invalid from exc
    if not isinstance(payload, dict):
        raise invalid
    user = User.objects.filter(pk=payload.get("u"), is_active=True).first()
    if user is None or payload.get("e") != _email_fingerprint(user.email):
        raise invalid
    return user


def email_verification_send(*, user: User) -> None:
    """Email the person a link that confirms their address, in their own language."""
    token = email_verification_token(user)
    with translation.override(user.preferred_language):
        url = settings.SITE_URL + reverse("accounts:verify_email", args=[token])
        subject = _("Confirmez votre adresse courriel pour Sexto")
        body = render_to_string(
            "accounts/email/verify_email.txt",
            {"user": user, "url": url, "days": EMAIL_VERIFICATION_MAX_AGE.days},
        )
    # A mail server down must not lose the account just created: the person asks for another
    # link from their profile once it is back (accounts:verify_email_resend).
    mail_send(subject=subject, body=body, to=user.email, what="email verification")


def email_verify(*, token: str, request=None) -> User:
    user = email_token_user(token=token)
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
        record(action="email.verified", actor=user, target=user, request=request)
    return user


def account_create(
    *, full_name: str, email: str, password: str, preferred_language: str,
    school: Organisation | None = None, request=None,
) -> User:
    """Create an account; a declared school becomes a pending join request, never a role."""
    email = User.objects.normalize_email(email).strip().lower()
    if preferred_language not in dict(settings.LANGUAGES):
        raise ApplicationError(_("Langue non offerte."), code="language")
    taken = ApplicationError(
        _("Un compte utilise déjà cette adresse courriel. Connectez-vous, ou utilisez « Mot de "
          "passe oublié »."),
        code="email_taken",
    )
    if User.objects.filter(email__iexact=email).exists():
        raise taken
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email=email, password=password, full_name=full_name.strip(),
                preferred_language=preferred_language,
            )
            record(action="account.created", actor=user, target=user, request=request,
                   data={"preferred_language": preferred_language})
            if school is not None:
                join_request_create(user=user, organisation=school, request=request)
    except IntegrityError as exc:  # two sign-ups racing for the same address
        raise taken from exc
    email_verification_send(user=user)
    return user


def account_signup(
    *, full_name: str, email: str, password: str, preferred_language: str,
    school: Organisation | None = None, request=None,
) -> User | None:
    """Sign-up as the page offers it, telling nobody but the address's owner whether it has an
    account: a new address gets an account and a link to confirm it; an address that already
    has one gets an email saying so to its owner (how to sign in or reset the password), and
    the account is not touched. The page answers the same either way (accounts.views.signup).

    Returns the new account, or None when the address already had one.
    """
    email = User.objects.normalize_email(email).strip().lower()
    existing = User.objects.filter(email__iexact=email).first()
    if existing is None:
        try:
            return account_create(full_name=full_name, email=email, password=password,
                                  preferred_language=preferred_language, school=school,
                                  request=request)
        except ApplicationError as error:
            if error.code != "email_taken":  # taken meanwhile by a sign-up racing this one
                raise
            existing = User.objects.filter(email__iexact=email).first()
            if existing is None:
                raise
    else:
        # As long as creating an account takes: the time of the answer tells nothing either.
        make_password(password)
    record(action="account.signup_existing", target=existing, request=request)
    # A few a day at most: sign-up must not become a way to flood someone's inbox.
    if existing.is_active and not ratelimit.hit("signup_notice", existing.email).exceeded:
        _signup_existing_notify(existing)
    return None


def _signup_existing_notify(user: User) -> None:
    with translation.override(user.preferred_language):
        body = render_to_string("accounts/email/signup_existing.txt", {
            "user": user,
            "login_url": settings.SITE_URL + reverse("accounts:login"),
            "reset_url": settings.SITE_URL + reverse("accounts:password_reset"),
        })
        subject = _("Vous avez déjà un compte Sexto")
    mail_send(subject=subject, body=body, to=user.email,
              what="sign-up notice to an existing account")


def profile_update(*, user: User, full_name: str, preferred_language: str, request=None) -> User:
    if preferred_language not in dict(settings.LANGUAGES):
        raise ApplicationError(_("Langue non offerte."), code="language")
    full_name = full_name.strip()
    if not full_name:
        raise ApplicationError(_("Le nom complet est obligatoire."), code="required")
    changed = [
        name for name, value in (("full_name", full_name), ("preferred_language",
                                                            preferred_language))
        if getattr(user, name) != value
    ]
    if changed:
        user.full_name = full_name
        user.preferred_language = preferred_language
        user.save(update_fields=changed)
        # Which fields changed, never their values: the audit log is not a copy of profiles.
        record(action="profile.updated", actor=user, target=user, request=request,
               data={"fields": changed})
    return user


def profile_publish_set(*, user: User, published: bool, request=None) -> bool:
    """Show or hide the person's public profile (hidden by default). True if it changed."""
    if user.profile_published == published:
        return False
    user.profile_published = published
    user.save(update_fields=["profile_published"])
    record(action="profile.published_changed", actor=user, target=user, request=request,
           data={"published": published})
    return True


def password_changed(*, user: User, via: str, request=None) -> None:
    """Audit a new password, set by the person ("change") or through an emailed link ("reset")."""
    record(action="password.changed", actor=user, target=user, request=request,
           data={"via": via})
    if via == "reset":
        # Whoever reset it read the account's email: a lock from failures spread over many
        # addresses (accounts/lockout.py) ends here, as its email promises.
        account_unlock(email=user.email)


# --- Join requests: "I work at this school" ---------------------------------------------


def join_request_create(*, user: User, organisation: Organisation, request=None) -> JoinRequest:
    if organisation.kind != Organisation.Kind.SCHOOL:
        raise ApplicationError(_("Seule une école peut être déclarée."), code="not_a_school")
    if Membership.objects.filter(
        user=user, organisation=organisation, role__in=[r.value for r in SCHOOL_STAFF_ROLES]
    ).exists():
        raise ApplicationError(
            _("Vous faites déjà partie du personnel de cette école."), code="already_member"
        )
    if JoinRequest.objects.filter(
        user=user, organisation=organisation, decided_at__isnull=True
    ).exists():
        raise ApplicationError(
            _("Votre déclaration pour cette école attend déjà une décision."), code="duplicate"
        )
    join_request = JoinRequest.objects.create(user=user, organisation=organisation)
    record(action="join_request.created", actor=user, target=join_request, request=request,
           data={"organisation": str(organisation.pk)})
    return join_request


def _join_request_lock_pending(join_request: JoinRequest) -> JoinRequest:
    locked = (
        JoinRequest.objects.select_for_update()
        .select_related("user", "organisation")
        .get(pk=join_request.pk)
    )
    if not locked.pending:
        raise ApplicationError(_("Cette demande a déjà été traitée."), code="decided")
    return locked


@transaction.atomic
def join_request_approve(
    *, approver: User, join_request: JoinRequest, request=None
) -> JoinRequest:
    """Approve a declared school: grants the staff role there, under the usual granting rules."""
    join_request = _join_request_lock_pending(join_request)
    user, school = join_request.user, join_request.organisation
    role_grant_check(granter=approver, user=user, role=Role.STAFF, organisation=school)
    if not Membership.objects.filter(user=user, organisation=school, role=Role.STAFF).exists():
        role_grant(granter=approver, user=user, role=Role.STAFF, organisation=school,
                   request=request)
    join_request.decided_at = timezone.now()
    join_request.decided_by = approver
    join_request.accepted = True
    join_request.save(update_fields=["decided_at", "decided_by", "accepted", "updated_at"])
    record(action="join_request.approved", actor=approver, target=join_request, request=request,
           data={"user": str(user.pk), "organisation": str(school.pk)})
    return join_request


@transaction.atomic
def join_request_decline(
    *, decider: User, join_request: JoinRequest, request=None
) -> JoinRequest:
    join_request = _join_request_lock_pending(join_request)
    # Only someone who could have granted the role may refuse it.
    role_grant_check(granter=decider, user=join_request.user, role=Role.STAFF,
                     organisation=join_request.organisation)
    join_request.decided_at = timezone.now()
    join_request.decided_by = decider
    join_request.accepted = False
    join_request.save(update_fields=["decided_at", "decided_by", "accepted", "updated_at"])
    record(action="join_request.declined", actor=decider, target=join_request, request=request,
           data={"user": str(join_request.user_id),
                 "organisation": str(join_request.organisation_id)})
    return join_request


# --- Reference data ----------------------------------------------------------------------


@dataclass(frozen=True)
class ReferenceImportResult:
    kind: str
    created: int
    updated: int
    unchanged: int


def reference_import(*, kind: str, path: Path, display_name: str | None = None,
                     actor: User | None = None) -> ReferenceImportResult:
    """Import one CSV of reference data, all or nothing.

    Every row is checked first; if any is wrong, ApplicationError carries the full list in
    `extra["errors"]` and nothing is written.
    """
    name = display_name or str(path)
    with transaction.atomic():
        # Validation reads the database inside the transaction that writes, so what was
        # checked is what gets written.
        plan = reference.plan_import(kind=kind, path=path, display_name=name)
        if plan.errors:
            raise ApplicationError(
                _("%(count)s erreur(s) : rien n'a été importé.") % {"count": len(plan.errors)},
                code="invalid_file", extra={"errors": plan.errors},
            )
        counts = reference.apply_import(plan)
        record(action="reference.imported", actor=actor,
               data={"kind": kind, "file": Path(name).name, **counts})
    return ReferenceImportResult(kind=kind, **counts)


# --- Second factor ----------------------------------------------------------------------
#
# Authenticator apps (django-otp's TOTPDevice), passkeys (accounts.models.PasskeyDevice) and
# one-time recovery codes (django-otp's StaticDevice). The audit log names the kind of device
# and what happened, never a code, a secret or a key.

RECOVERY_CODE_COUNT = 10
HEX_KEY_PATTERN = re.compile(r"^(?:[0-9a-f]{2}){10,40}$")  # 10 to 40 bytes, as django-otp allows


def totp_secret_base32(device: TOTPDevice) -> str:
    """The key as authenticator apps ask for it when typed in: base32, without padding."""
    return b32encode(device.bin_key).decode().rstrip("=")


def totp_provisioning_uri(*, device: TOTPDevice) -> str:
    """The otpauth:// address a QR code carries (Google Authenticator's Key Uri Format)."""
    issuer = settings.SEXTO_SECOND_FACTOR_ISSUER.replace(":", "")
    label = quote(f"{issuer}:{device.user.email}")
    query = urlencode({"secret": totp_secret_base32(device), "issuer": issuer,
                       "algorithm": "SHA1", "digits": device.digits, "period": device.step},
                      quote_via=quote)
    return f"otpauth://totp/{label}?{query}"


def totp_device_create(
    *, user: User, name: str, key_hex: str | None = None, confirmed: bool = True, request=None
) -> tuple[TOTPDevice, str]:
    """An authenticator-app device for `user`, and its secret in base32 (for the person's app).

    `key_hex` sets the secret (hexadecimal, 10 to 40 bytes), as the demo data does so that its
    README can give each demo account's secret; by default a random 20-byte key.
    `confirmed=False` is an enrolment underway, which totp_device_confirm() completes.
    """
    device = TOTPDevice(user=user, name=name.strip()[:64] or _("Application d'authentification"),
                        confirmed=confirmed)
    if key_hex is not None:
        key_hex = key_hex.strip().lower()
        if not HEX_KEY_PATTERN.match(key_hex):
            raise ApplicationError(_("La clé doit être en hexadécimal, de 10 à 40 octets."),
                                   code="invalid_key")
        device.key = key_hex
    device.save()
    if confirmed:
        record(action="auth.device_added", actor=request.user if request else None,
               target=user, request=request, data={"kind": "totp"})
    return device, totp_secret_base32(device)


def totp_enrolment_device(*, user: User) -> tuple[TOTPDevice, str]:
    """The authenticator app being added: the same secret until it is confirmed.

    Reloading the page keeps the QR code the person may already have scanned.
    """
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        return totp_device_create(user=user, name="", confirmed=False)
    return device, totp_secret_base32(device)


def totp_device_confirm(*, device: TOTPDevice, token: str, name: str, request=None) -> TOTPDevice:
    """Confirm an enrolment with the first code the person's app shows."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        allowed = device.verify_is_allowed()[0]
        # A wrong code is saved as such (django-otp's throttling), so the error comes after.
        verified = allowed and device.verify_token(token)
        if verified:
            device.name = name.strip()[:64] or _("Application d'authentification")
            device.confirmed = True
            device.save(update_fields=["name", "confirmed"])
            # Other enrolments left half-way are abandoned.
            TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
    if not allowed:
        raise ApplicationError(_throttled_message(), code="throttled")
    if not verified:
        raise ApplicationError(
            _("Ce code ne correspond pas. Vérifiez que l'heure de votre téléphone est exacte, "
              "puis entrez le code affiché maintenant."),
            code="invalid",
        )
    record(action="auth.device_added", actor=device.user, target=device.user, request=request,
           data={"kind": "totp"})
    return device


def passkey_device_create(*, user: User, name: str, passkey: passkeys.NewPasskey,
                          request=None) -> PasskeyDevice:
    if PasskeyDevice.objects.filter(credential_id=passkey.credential_id).exists():
        raise ApplicationError(_("Cette clé d'accès est déjà enregistrée."), code="duplicate")
    device = PasskeyDevice.objects.create(
        user=user, name=name.strip()[:64] or _("Clé d'accès"), confirmed=True,
        credential_id=passkey.credential_id, public_key=passkey.public_key,
        sign_count=passkey.sign_count, transports=passkey.transports, aaguid=passkey.aaguid,
        backed_up=passkey.backed_up,
    )
    record(action="auth.device_added", actor=user, target=user, request=request,
           data={"kind": "passkey"})
    return device


@transaction.atomic
def recovery_codes_generate(*, user: User, request=None) -> list[str]:
    """Ten new one-time recovery codes; the previous ones stop working. Shown to the person once."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=_("Codes de secours"), confirmed=True)
    codes = [StaticToken.random_token() for _code in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    record(action="auth.recovery_codes_generated", actor=user, target=user, request=request,
           data={"count": len(codes)})
    return codes


@transaction.atomic
def second_factor_device_remove(*, user: User, device: Device, request=None) -> None:
    """Remove an authenticator app or a passkey; with the last one go the recovery codes."""
    if device.user_id != user.pk or not isinstance(device, TOTPDevice | PasskeyDevice):
        raise ApplicationError(_("Cet appareil n'est pas le vôtre."), code="forbidden")
    kind = "totp" if isinstance(device, TOTPDevice) else "passkey"
    device.delete()
    record(action="auth.device_removed", actor=user, target=user, request=request,
           data={"kind": kind})
    if not user_has_second_factor(user):
        # Spare codes for a second factor the person no longer has would be one by themselves.
        StaticDevice.objects.filter(user=user).delete()


def second_factor_reset(*, user: User, reason: str, unlock_only: bool = False,
                        actor: User | None = None, request=None) -> dict:
    """For a person locked out of their second factor, or who lost every one of them.

    Lifts the lock set by repeated failures; unless `unlock_only`, also removes the person's
    authenticator apps, passkeys and recovery codes, so that they add new ones after signing in
    with their password (a case role sends them there). Removing the devices also ends the
    second-factor verification of every session the person has open (django-otp checks the
    device at each request). Audited with the reason, and the person is told by email once the
    change is committed, so that a reset they did not ask for does not go unnoticed (an email
    that cannot leave is logged; it does not undo the reset).

    Who may ask for it is checked by the caller: `sexto second_factor` (the command line) or
    the people page (accounts.access._get_person_for_second_factor_help).
    """
    with transaction.atomic():
        locks = SecondFactorLock.objects.filter(user=user)
        # A lock whose hour is over no longer blocks anyone: only a current one counts as lifted.
        counts = {"lock": locks.filter(locked_until__gt=timezone.now()).count()}
        locks.delete()
        if not unlock_only:
            counts["totp"] = TOTPDevice.objects.filter(user=user).delete()[0]
            counts["passkey"] = PasskeyDevice.objects.filter(user=user).delete()[0]
            counts["recovery_codes"] = StaticDevice.objects.filter(user=user).delete()[0]
        record(action="auth.second_factor_unlocked" if unlock_only
               else "auth.second_factor_reset",
               actor=actor, request=request, target=user, data={"reason": reason, **counts})
        if not unlock_only or counts["lock"]:
            transaction.on_commit(lambda: _second_factor_reset_notify(
                user=user, unlock_only=unlock_only, actor=actor), robust=True)
    return counts


def _second_factor_reset_notify(*, user: User, unlock_only: bool, actor: User | None) -> None:
    with translation.override(user.preferred_language):
        subject = (_("Sexto : votre second facteur a été débloqué") if unlock_only
                   else _("Sexto : votre second facteur a été réinitialisé"))
        body = render_to_string("accounts/email/second_factor_reset.txt", {
            "user": user, "unlock_only": unlock_only, "actor": actor,
            "url": settings.SITE_URL + reverse("accounts:security"),
        })
    # The unlock or reset is done and audited: a mail server down leaves one warning line.
    mail_send(subject=subject, body=body, to=user.email, what="second factor reset")


def second_factor_locked_until(user: User) -> datetime.datetime | None:
    """When the lock set by repeated second-factor failures ends, if it has not yet."""
    lock = SecondFactorLock.objects.filter(user=user).first()
    if lock is not None and lock.locked_until is not None and lock.locked_until > timezone.now():
        return lock.locked_until
    return None


def _throttled_message() -> str:
    return _("Trop d'essais rapprochés : attendez quelques secondes, puis entrez le nouveau code.")


def _second_factor_failed(*, user: User, method: str, reason: str, purpose: str,
                          request=None) -> SecondFactorLock:
    """Count a refused second factor (throttled tries are not counted) and audit it."""
    limit = settings.SEXTO_SECOND_FACTOR_FAILURE_LIMIT
    window = datetime.timedelta(seconds=settings.SEXTO_SECOND_FACTOR_LOCKOUT_SECONDS)
    now = timezone.now()
    with transaction.atomic():
        lock, _created = SecondFactorLock.objects.select_for_update().get_or_create(user=user)
        if lock.last_failure_at is not None and now - lock.last_failure_at > window:
            # Failures older than the lock's length are forgotten, as django-axes does.
            lock.failures, lock.locked_until = 0, None
        newly_locked = False
        if reason == "invalid":
            lock.failures += 1
            lock.last_failure_at = now
            if lock.failures >= limit and (lock.locked_until is None or lock.locked_until <= now):
                lock.locked_until = now + window
                newly_locked = True
        lock.save()
    record(action="auth.second_factor_failed", actor=user, target=user, request=request,
           data={"method": method, "reason": reason, "purpose": purpose,
                 "failures": lock.failures})
    if newly_locked:
        record(action="auth.second_factor_locked", actor=user, target=user, request=request,
               data={"failures": lock.failures, "until": lock.locked_until.isoformat()})
    return lock


def _locked_error(locked_until: datetime.datetime) -> ApplicationError:
    return ApplicationError(
        _("Par sécurité, la vérification est bloquée après trop d'essais infructueux."),
        code="locked", extra={"locked_until": locked_until},
    )


def _verify_totp(user: User, token: str) -> tuple[Device | None, str]:
    devices = list(TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True))
    allowed = [device for device in devices if device.verify_is_allowed()[0]]
    if devices and not allowed:
        return None, "throttled"
    for device in allowed:
        if device.verify_token(token):
            return device, ""
    return None, "invalid"


def _verify_recovery_code(user: User, code: str) -> tuple[Device | None, str]:
    device = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
    if device is None:
        return None, "invalid"
    if not device.verify_is_allowed()[0]:
        return None, "throttled"
    return (device, "") if device.verify_token(code) else (None, "invalid")


def _verify_passkey(request, user: User, assertion: str) -> tuple[Device | None, str]:
    try:
        return passkeys.authentication_verify(request, user=user, assertion_json=assertion), ""
    except passkeys.PasskeyError:
        return None, "invalid"


def second_factor_verify(*, request, user: User, method: str, value: str,
                         purpose: str) -> Device:
    """The device that accepts `value`, or ApplicationError (code locked, throttled, invalid).

    `method` is "totp" (a 6-digit code), "recovery_code" (spent once used) or "passkey" (a
    WebAuthn assertion in JSON); `purpose` ("login", "verify", "reauth") goes to the audit log.
    Every refusal is audited; after SEXTO_SECOND_FACTOR_FAILURE_LIMIT of them in a row the
    account is locked for SEXTO_SECOND_FACTOR_LOCKOUT_SECONDS, password or not.
    """
    locked_until = second_factor_locked_until(user)
    if locked_until is not None:
        _second_factor_failed(user=user, method=method, reason="locked", purpose=purpose,
                              request=request)
        raise _locked_error(locked_until)
    with transaction.atomic():
        if method == "totp":
            device, reason = _verify_totp(user, value)
        elif method == "recovery_code":
            device, reason = _verify_recovery_code(user, value)
        elif method == "passkey":
            device, reason = _verify_passkey(request, user, value)
        else:
            raise ValueError(f"unknown second factor method {method!r}")
    if device is not None:
        SecondFactorLock.objects.filter(user=user).delete()
        record(action="auth.second_factor_verified", actor=user, target=user, request=request,
               data={"method": method, "purpose": purpose})
        return device
    lock = _second_factor_failed(user=user, method=method, reason=reason, purpose=purpose,
                                 request=request)
    if lock.locked_until is not None and lock.locked_until > timezone.now():
        raise _locked_error(lock.locked_until)
    if reason == "throttled":
        raise ApplicationError(_throttled_message(), code="throttled")
    left = settings.SEXTO_SECOND_FACTOR_FAILURE_LIMIT - lock.failures
    attempts_left = ngettext(
        "Encore %(left)s essai avant un blocage de %(delay)s.",
        "Encore %(left)s essais avant un blocage de %(delay)s.", left,
    ) % {"left": left, "delay": duration(
        datetime.timedelta(seconds=settings.SEXTO_SECOND_FACTOR_LOCKOUT_SECONDS))}
    messages_by_method = {
        "totp": _("Ce code n'est pas valide. Vérifiez que l'heure de votre téléphone est "
                  "exacte, puis entrez le code affiché maintenant."),
        "recovery_code": _("Ce code de secours n'est pas valide, ou il a déjà servi."),
        "passkey": _("Votre clé d'accès n'a pas pu être vérifiée. Réessayez, ou utilisez un "
                     "autre moyen."),
    }
    raise ApplicationError(f"{messages_by_method[method]} {attempts_left}", code="invalid",
                           extra={"attempts_left": left})
