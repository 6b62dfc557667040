"""Shared test fixtures: a small fictional world with one person per role."""

import datetime
from types import SimpleNamespace

import pytest
from django.utils import translation

from accounts.models import DpcpAgreement, Membership, Organisation, Role, Territory, User

# Playwright fixtures for browser tests, whichever app they belong to.
pytest_plugins = ["tests.browser.fixtures"]

PASSWORD = "correct-horse-battery-staple-42"  # noqa: S105 - test accounts only


@pytest.fixture(scope="session")
def signing_keyring():
    """The run's credential signing keyring, at SEXTO_SIGNING_KEYS_FILE (tests/environment.py).

    Created once per run: generating its RSA key takes about a second.
    """
    from credentials.keys import keyring_file, keyring_generate, keyring_load, keyring_write

    path = keyring_file()
    if not path.exists():
        keyring_write(keyring_generate(), path)
    return keyring_load()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The `world` fixture creates a dozen accounts; Argon2 makes each one cost about a second.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def cache_empty() -> None:
    """Empty the run's cache: rate-limit counters, lockouts, kept pages.

    On Redis only the run's own keys (settings.CACHES' KEY_PREFIX, unique per run in
    tests/environment.py) go: cache.clear() would empty the whole database, other runs' too.
    """
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    backend = caches["default"]
    if isinstance(backend, RedisCache):
        client = backend._cache.get_client(write=True)
        keys = list(client.scan_iter(match=f"{backend.key_prefix}:*", count=1000))
        if keys:
            client.delete(*keys)
    else:
        backend.clear()


def _redis_url() -> str:
    import os

    import redis

    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except (redis.ConnectionError, redis.TimeoutError):
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis is not reachable at {url}: CI runs the limits against Redis")
        pytest.skip(f"Redis is not reachable at {url}")
    return url


@pytest.fixture(params=["locmem", "redis"])
def shared_cache(request, settings, monkeypatch):
    """The rate limits' cache: each test runs on the local-memory cache of the embedded default
    and on the machine's real Redis (REDIS_URL, else 127.0.0.1:6379), as production does.

    The Redis keys carry a prefix of this test's own: runs and tests never see each other's.
    The limits' clock stands still at the start of a day (so of every window: a minute, an hour,
    a day), unless the test moves it: requests counted together never straddle two windows.
    """
    import os
    import time
    import uuid

    from core import ratelimit

    standing = time.time() // 86400 * 86400
    monkeypatch.setattr(ratelimit, "clock", lambda: standing)

    if request.param == "redis":
        settings.CACHES = {"default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _redis_url(),
            "KEY_PREFIX": f"{os.environ.get('SEXTO_CACHE_KEY_PREFIX', 'sexto-test')}-"
                          f"{uuid.uuid4().hex[:8]}",
        }}
    else:
        settings.CACHES = {"default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"test-{uuid.uuid4().hex[:8]}",
        }}
    yield request.param
    cache_empty()


@pytest.fixture(autouse=True)
def _empty_cache():
    # Counters would otherwise pass from test to test: the tenth sign-up of the run refused.
    cache_empty()


@pytest.fixture(autouse=True)
def _french_by_default():
    # A request to an /en/ page leaves English active in this thread; later reverse() calls
    # would then build /en/ URLs. Each test starts in French, the default language.
    translation.activate("fr")
    yield
    translation.deactivate()


def login_verified(client, user, *, reauthenticated: bool = False):
    """Sign `user` in on `client` as after password and second factor (a TOTP device).

    Pages holding case files or other people's personal information ask for the second factor
    (accounts.mfa.second_factor_required); force_login alone stops at the password.
    """
    import time

    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts import mfa

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or (
        TOTPDevice.objects.create(user=user, name="Téléphone", confirmed=True))
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    now = time.time()
    session[mfa.SIGNED_IN_AT_KEY] = now
    session[mfa.SEEN_AT_KEY] = now
    if reauthenticated:
        session[mfa.REAUTH_AT_KEY] = now
    session.save()
    return client


def make_user(email: str, name: str, **extra) -> User:
    return User.objects.create_user(email=email, password=PASSWORD, full_name=name, **extra)


@pytest.fixture
def world(db):
    """Organisations, territories and a person for each role.

    - "Centre de services scolaire des Trois-Lacs" with two schools:
      École des Pionniers (territory Val-Bleu, served by a force WITH an agreement) and
      École du Ruisseau (territory Mont-Gris, served by a force WITHOUT one).
    """
    today = datetime.date.today()
    force_ok = Organisation.objects.create(
        kind=Organisation.Kind.POLICE_FORCE, name="Service de police de Val-Bleu", code="spvb"
    )
    force_none = Organisation.objects.create(
        kind=Organisation.Kind.POLICE_FORCE, name="Régie de police du Mont-Gris", code="rpmg"
    )
    DpcpAgreement.objects.create(
        police_force=force_ok, signed_on=today - datetime.timedelta(days=400)
    )
    val_bleu = Territory.objects.create(name="Val-Bleu", code="val-bleu", police_force=force_ok)
    mont_gris = Territory.objects.create(
        name="Mont-Gris", code="mont-gris", police_force=force_none
    )
    centre = Organisation.objects.create(
        kind=Organisation.Kind.SERVICE_CENTRE,
        name="Centre de services scolaire des Trois-Lacs", code="css-trois-lacs",
    )
    school = Organisation.objects.create(
        kind=Organisation.Kind.SCHOOL, name="École des Pionniers", code="ecole-pionniers",
        parent=centre, territory=val_bleu,
    )
    school_no_agreement = Organisation.objects.create(
        kind=Organisation.Kind.SCHOOL, name="École du Ruisseau", code="ecole-ruisseau",
        parent=centre, territory=mont_gris,
    )

    def member(email, name, role, organisation=None):
        user = make_user(email, name)
        Membership.objects.create(user=user, role=role, organisation=organisation)
        return user

    w = SimpleNamespace(
        force_ok=force_ok, force_none=force_none, territory=val_bleu,
        territory_no_agreement=mont_gris, centre=centre, school=school,
        school_no_agreement=school_no_agreement, password=PASSWORD,
    )
    w.learner = member("ariane.tremblay@example.test", "Ariane Fictive", Role.STAFF, school)
    w.ineligible_learner = member(
        "bruno.gagnon@example.test", "Bruno Fictif", Role.STAFF, school_no_agreement
    )
    w.principal = member("claire.direction@example.test", "Claire Fictive", Role.PRINCIPAL, school)
    w.org_admin = member("denis.admin@example.test", "Denis Fictif", Role.ORG_ADMIN, centre)
    w.reviewer = member("eve.evaluation@example.test", "Ève Fictive", Role.REVIEWER)
    w.author = member("felix.auteur@example.test", "Félix Fictif", Role.PROGRAM_AUTHOR)
    w.police = member("gina.liaison@example.test", "Gina Fictive", Role.POLICE_LIAISON, force_ok)
    w.platform_admin = member("henri.plateforme@example.test", "Henri Fictif", Role.PLATFORM_ADMIN)
    w.outsider = make_user("ines.externe@example.test", "Inès Fictive")
    for user in User.objects.all():
        user.email_verified_at = user.date_joined
        user.save(update_fields=["email_verified_at"])
    return w
