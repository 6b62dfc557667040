"""Writing people, roles and reference data. Every role change is audited."""

import datetime
import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import reference
from accounts.eligibility import SCHOOL_STAFF_ROLES
from accounts.models import (
    CASE_ROLES,
    PLATFORM_ROLES,
    JoinRequest,
    Membership,
    Organisation,
    Role,
    User,
)
from accounts.selectors import organisations_administered_by, user_has_role, user_is_platform_admin
from audit.services import record
from core.exceptions import ApplicationError

logger = logging.getLogger(__name__)

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
        send_mail(subject, body, None, [principal.email])


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
    send_mail(subject, body, None, [user.email])


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
    try:
        email_verification_send(user=user)
    except OSError:
        # A mail server hiccup must not lose the new account: the person can ask for a new
        # link from their profile.
        logger.warning("Verification email to a new account could not be sent", exc_info=True)
    return user


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
