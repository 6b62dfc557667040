import secrets
import uuid

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, TimestampMixin

from core.models import BaseModel

HANDLE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def new_handle() -> str:
    """A public, meaningless member identifier: no name or email leaks into public URLs."""
    return "m-" + "".join(secrets.choice(HANDLE_ALPHABET) for _ in range(10))


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("email_verified_at", timezone.now())
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with an email address.

    Personal information: yes (name, email, language, public handle).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(_("adresse courriel"), unique=True)
    full_name = models.CharField(_("nom complet"), max_length=200)
    handle = models.SlugField(_("identifiant public"), max_length=40, unique=True,
                              default=new_handle)
    preferred_language = models.CharField(
        _("langue"), max_length=2, choices=settings.LANGUAGES, default="fr"
    )
    email_verified_at = models.DateTimeField(null=True, blank=True)
    profile_published = models.BooleanField(
        _("profil public"), default=False,
        help_text=_("Votre profil n'est visible par le public que si vous le publiez."),
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Organisation(BaseModel):
    """A school service centre, a private school network, a school, or a police force.

    Personal information: no.
    """

    class Kind(models.TextChoices):
        SERVICE_CENTRE = "service_centre", _("Centre de services scolaire")
        PRIVATE_NETWORK = "private_network", _("Réseau d'écoles privées")
        SCHOOL = "school", _("École")
        POLICE_FORCE = "police_force", _("Corps de police")

    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("nom"), max_length=200)
    code = models.SlugField(_("code"), max_length=60, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
        verbose_name=_("organisation mère"),
    )
    territory = models.ForeignKey(
        "Territory", null=True, blank=True, on_delete=models.PROTECT, related_name="schools",
        verbose_name=_("territoire"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            # Only a school sits in a territory: that is what ties it to a police force.
            models.CheckConstraint(
                condition=Q(kind="school", territory__isnull=False) | Q(territory__isnull=True),
                name="territory_only_for_schools",
            ),
            models.CheckConstraint(
                condition=~Q(kind="school") | Q(territory__isnull=False),
                name="school_has_territory",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Territory(BaseModel):
    """A municipality (or group of them) and the police force that serves it.

    Personal information: no.
    """

    name = models.CharField(_("nom"), max_length=200)
    code = models.SlugField(_("code"), max_length=60, unique=True)
    police_force = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT,
        related_name="territories_served", limit_choices_to={"kind": "police_force"},
        verbose_name=_("corps de police"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("territoire")
        verbose_name_plural = _("territoires")

    def __str__(self) -> str:
        return self.name


class DpcpAgreement(BaseModel):
    """An agreement (entente) between a police force and the DPCP; the Sexto kit needs one.

    Personal information: no.
    """

    police_force = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="dpcp_agreements",
        limit_choices_to={"kind": "police_force"}, verbose_name=_("corps de police"),
    )
    signed_on = models.DateField(_("signée le"))
    ended_on = models.DateField(_("terminée le"), null=True, blank=True)

    class Meta:
        ordering = ["-signed_on"]
        verbose_name = _("entente avec le DPCP")
        verbose_name_plural = _("ententes avec le DPCP")
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("signed_on")),
                name="agreement_ends_after_signing",
            ),
            # The reference import finds an agreement by its force and signing date.
            models.UniqueConstraint(
                fields=["police_force", "signed_on"], name="one_agreement_per_force_and_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.police_force} ({self.signed_on:%Y-%m-%d})"

    def is_active_on(self, day) -> bool:
        return self.signed_on <= day and (self.ended_on is None or day < self.ended_on)


class Role(models.TextChoices):
    STAFF = "staff", _("Personnel (apprenant)")
    PRINCIPAL = "principal", _("Direction d'école")
    # Designated by the school's principal; opens the school's cases while the person holds a
    # valid Sexto Architecte badge and the school's police force an active DPCP agreement.
    INTERVENER = "intervener", _("Intervenant Sexto")
    REVIEWER = "reviewer", _("Évaluateur")
    PROGRAM_AUTHOR = "program_author", _("Auteur de programme")
    ORG_ADMIN = "org_admin", _("Administrateur d'organisation")
    POLICE_LIAISON = "police_liaison", _("Agent de liaison policier")
    PRIVACY_OFFICER = "privacy_officer", _(
        "Responsable de la protection des renseignements personnels"
    )
    PLATFORM_ADMIN = "platform_admin", _("Administrateur de la plateforme")


# Roles held across the whole platform rather than within one organisation.
PLATFORM_ROLES = {Role.REVIEWER, Role.PROGRAM_AUTHOR, Role.PLATFORM_ADMIN}

# Roles that open case files (or, for the privacy officer, their metadata). Granting one is
# notified to the principal, and whoever holds one logs in with a second factor.
CASE_ROLES = {Role.PRINCIPAL, Role.INTERVENER, Role.POLICE_LIAISON, Role.PRIVACY_OFFICER}


class Membership(BaseModel):
    """A role a person holds, in an organisation or (for platform roles) across the platform.

    Personal information: yes (links a person to a workplace and a role).
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices)
    granted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("rôle")
        verbose_name_plural = _("rôles")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="one_membership_per_role"
            ),
            models.UniqueConstraint(
                fields=["user", "role"], condition=Q(organisation__isnull=True),
                name="one_platform_membership_per_role",
            ),
            models.CheckConstraint(
                condition=(
                    Q(role__in=[r.value for r in sorted(PLATFORM_ROLES)], organisation__isnull=True)
                    | (~Q(role__in=[r.value for r in sorted(PLATFORM_ROLES)])
                       & Q(organisation__isnull=False))
                ),
                name="platform_roles_have_no_organisation",
            ),
        ]

    def __str__(self) -> str:
        where = self.organisation or _("plateforme")
        return f"{self.user} · {self.get_role_display()} · {where}"


class JoinRequest(BaseModel):
    """A person's declaration "I work at this school", waiting for an administrator's decision.

    Personal information: yes (links a person to a workplace they declared).
    Declaring a school grants nothing: nobody gives themselves a role. An administrator of the
    school (or of its service centre or network) or a platform administrator approves it, and
    only then is the staff role granted, through accounts.services.role_grant.
    `accepted` is None while the request waits, then True (approved) or False (declined).
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="join_requests")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="join_requests",
        verbose_name=_("école"),
    )
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("décidée par"),
    )
    accepted = models.BooleanField(_("acceptée"), null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("demande de rattachement")
        verbose_name_plural = _("demandes de rattachement")
        constraints = [
            # One open question per person and school; a declined one may be asked again.
            models.UniqueConstraint(
                fields=["user", "organisation"], condition=Q(decided_at__isnull=True),
                name="one_pending_join_request",
            ),
            models.CheckConstraint(
                condition=Q(decided_at__isnull=True, accepted__isnull=True)
                | Q(decided_at__isnull=False, accepted__isnull=False),
                name="join_request_decision_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.organisation}"

    @property
    def pending(self) -> bool:
        return self.decided_at is None


class PasskeyDevice(TimestampMixin, Device):
    """A passkey (WebAuthn public-key credential) a person signs in with as a second factor.

    Personal information: yes (the name the person gave it, the credential's public key and
    identifier, when it was added and last used). No secret is kept: the private key never
    leaves the person's authenticator.

    A django-otp device, so that `django_otp.login(request, device)` and
    `request.user.is_verified()` treat it like an authenticator app. It verifies signed
    assertions (accounts.passkeys), not typed tokens.
    """

    # base64url of the raw credential id (at most 1023 bytes, so at most 1364 characters).
    credential_id = models.CharField(max_length=1400, unique=True)
    public_key = models.BinaryField()  # COSE-encoded
    sign_count = models.PositiveBigIntegerField(default=0)
    transports = models.JSONField(default=list, blank=True)
    aaguid = models.CharField(max_length=36, blank=True)
    backed_up = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("clé d'accès")
        verbose_name_plural = _("clés d'accès")

    def verify_token(self, token) -> bool:
        # A passkey answers a challenge with a signature; there is no code to type.
        return False


class SecondFactorLock(models.Model):
    """Consecutive failed second-factor attempts of one account, and the lock they lead to.

    Personal information: yes (ties a person to failed sign-in attempts and their times).
    Counted per account, not per address: whoever fails here already knows the password.
    """

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, primary_key=True, related_name="second_factor_lock"
    )
    failures = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("verrou du second facteur")
        verbose_name_plural = _("verrous du second facteur")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.failures}"


class KeptForm(BaseModel):
    """A form someone sent as their session ended, kept until they sign in again to see it
    restored (accounts.typed_work).

    Personal information: yes (whatever the person typed, in the case tool the facts of an
    incident and students' names), encrypted with a key derived from SECRET_KEY; the person it
    belongs to, the form's address. Deleted when given back, or within minutes of its expiry
    (TYPED_WORK_SECONDS, 10 minutes).
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    # The form's address, in the default language (the page may come back in the other).
    action = models.CharField(max_length=2000)
    # Fernet token of {"user", "action", "fields"}: never the text in clear.
    ciphertext = models.TextField()
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("formulaire conservé")
        verbose_name_plural = _("formulaires conservés")
        indexes = [models.Index(fields=["user", "action"])]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.action}"
