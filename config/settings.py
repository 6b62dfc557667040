"""One settings module for every environment; everything that differs comes from the environment.

See README.md ("Configuration") for the variables.
"""

from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_int, env_list, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("SEXTO_VAR_DIR", str(BASE_DIR / "var")))

# With no configuration at all, the `sexto` command (config/cli.py says it is the caller) runs
# on the demo's configuration once `sexto demo` has prepared its database in this checkout:
# DEBUG, that database, email to the console. Any configuration given wins, and a server
# (gunicorn, WSGI) never falls back to it.
DEMO_CONFIGURATION = (
    env_bool("SEXTO_COMMAND_LINE", False)
    and not any(env_str(name) for name in ("DEBUG", "SECRET_KEY", "SECRET_KEY_FILE",
                                             "DATABASE_URL"))
    and (VAR_DIR / "sexto.sqlite3").exists()
)
DEBUG = env_bool("DEBUG", DEMO_CONFIGURATION)
# A development-only key is accepted only when DEBUG is on; the deploy check refuses it.
SECRET_KEY = env_secret("SECRET_KEY") or ("insecure-dev-key-only-for-debug" if DEBUG else "")
if not SECRET_KEY:
    # Sessions, reset links and the audit chain depend on it: never start without one.
    raise ImproperlyConfigured(
        "SECRET_KEY (or SECRET_KEY_FILE) must be set when DEBUG is off; for the demo, run "
        "`uv run sexto demo` first.")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "accounts.admin_site.SextoAdminConfig",  # django.contrib.admin, open to platform admins
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "core",
    "audit",
    "accounts",
    "notifications",
    "training",
    "badges",
    "credentials",
    "privacy",
    "cases",
    "demo",
    "bench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # First after it, so that every response gets the policy, the early refusals of the
    # middleware below (case uploads, CSRF, lockouts) and the admin's pages included.
    "csp.middleware.CSPMiddleware",
    "core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before CSRF, whose check parses the body: a file sent to a case URL is refused unread.
    "cases.middleware.CaseRequestMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session passed a second factor.
    "django_otp.middleware.OTPMiddleware",
    # Idle and absolute session limits for case-file readers (accounts/middleware.py).
    "accounts.middleware.SessionPolicyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lockout into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "core.context_processors.site",
                "accounts.context_processors.nav",
                "notifications.context_processors.notices",
            ],
        },
    },
]

try:
    DATABASES = {
        "default": dj_database_url.parse(
            env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'sexto.sqlite3'}"),
            conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
            # A persistent connection the database dropped (a restart, a failover) is replaced
            # at the next request instead of failing it: the site recovers by itself.
            conn_health_checks=True,
        )
    }
except ValueError as error:  # the address itself is not repeated: it may hold a password
    raise ImproperlyConfigured(
        "DATABASE_URL must be a database address such as "
        "postgres://USER@HOST:5432/NAME or sqlite:///PATH "
        f"({type(error).__name__})") from error
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database out of reach answers the 503 page (core/errors.py) within seconds instead of
    # holding every worker until the operating system gives up on the connection.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 3))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's backend with a flush that empties the append-only audit table too
    # (config/sqlite_backend). IMMEDIATE takes the write lock at BEGIN: two requests appending
    # to the audit chain then wait for each other, where a read lock upgraded later would fail.
    DATABASES["default"]["ENGINE"] = "config.sqlite_backend"
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        **DATABASES["default"].get("OPTIONS", {}),
    }
    # Tests run on an in-memory database, as with Django's own SQLite backend: pytest-xdist's
    # workers (one database each) would otherwise get a file named after this one.
    DATABASES["default"].setdefault("TEST", {}).setdefault("NAME", ":memory:")
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend with a hook run just before COMMIT (config/postgresql_backend): the
    # audit chain is appended there, holding its row lock for the shortest time.
    DATABASES["default"]["ENGINE"] = "config.postgresql_backend"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first so that a locked-out account is refused before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
     "OPTIONS": {"user_attributes": ("email", "full_name")}},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"

# --- Client address, shared cache, abuse limits ------------------------------------------------
# How many reverse proxies stand in front of the application, each appending the address it
# received from to X-Forwarded-For (core/client_ip.py). 0: the connection's address is the
# client's, and X-Forwarded-For is ignored (anybody can write it).
SEXTO_TRUSTED_PROXIES = env_int("SEXTO_TRUSTED_PROXIES", 0)
if SEXTO_TRUSTED_PROXIES < 0:
    raise ImproperlyConfigured("SEXTO_TRUSTED_PROXIES must be 0 or more")

# Rate limits, lockout counters and the anonymous attestation pages live in Django's cache. With
# several server processes the counters must be shared, hence Redis in production; the embedded
# default (one process) keeps them in its own memory.
REDIS_URL = env_str("REDIS_URL") or env_str("CACHE_URL")
if REDIS_URL:
    if not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(
            "REDIS_URL (or CACHE_URL) must be a redis://, rediss:// or unix:// address")
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # Lets several sites (or test runs) share one Redis server without seeing each other.
            "KEY_PREFIX": env_str("SEXTO_CACHE_KEY_PREFIX", "sexto"),
            # An unreachable cache answers in a second rather than holding the request.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                          "LOCATION": "sexto"}}

# One table for every limit (core/ratelimit.py): name -> (how many, per how many seconds).
# Each is counted per client address unless its comment says otherwise; fixed windows, so a
# refusal says exactly when to come back (Retry-After).
SEXTO_RATE_LIMITS = {
    # A school's staff often share one public address (its network's): the per-address limits
    # leave room for a whole staff meeting signing up or in together.
    "signup": (20, 3600),                 # sign-up forms sent
    "signup_notice": (3, 86400),          # per address typed: "you already have an account" emails
    "password_reset": (10, 3600),         # reset forms sent
    "password_reset_email": (3, 3600),    # per address typed: reset emails asked for
    "email_verification": (30, 3600),     # confirmations and new links asked for
    "login": (120, 600),                  # sign-in forms sent, right or wrong
    "verifier": (10, 60),                 # the public verifier: pasted, uploaded or fetched
    "credential_documents": (120, 60),    # public credential documents and attestation pages
    # /healthz (a database query and a cache round trip each): a load balancer probes about once
    # a second, far below this; a flood from one address is refused before it costs anything.
    "healthz": (600, 60),
    # Failed passwords (accounts/lockout.py, on top of django-axes's pair lock below).
    "login_failures_address": (100, 3600),  # from one address, any account: address locked
    "login_failures_account": (50, 86400),  # on one account, from anywhere: account locked
    # How many of one address's failures on one account count towards the account's, per day:
    # reaching the account's count then takes many addresses, never one patient one.
    "login_failures_pair_day": (5, 86400),
}
# Off only for load measurements from one address; failed-password locks stay on regardless.
SEXTO_RATE_LIMITS_ENABLED = env_bool("SEXTO_RATE_LIMITS_ENABLED", True)
# An account locked by failures spread over many addresses stays locked this long, unless its
# owner resets the password (they are emailed how).
SEXTO_ACCOUNT_LOCKOUT_SECONDS = env_int("SEXTO_ACCOUNT_LOCKOUT_SECONDS", 3600)

AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 1  # hours
# django-axes locks an account from one address (the client's, core/client_ip.py): locking a
# whole address at 5 would lock out a school behind one NAT, and locking an account everywhere
# would let anyone lock out a person. The address alone and the account alone are locked at
# the much higher counts above, by accounts.lockout.SextoAxesHandler.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "core.client_ip.client_ip"
AXES_HANDLER = "accounts.lockout.SextoAxesHandler"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"  # which lock, until when
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

# Second factor (accounts/mfa.py): TOTP and recovery codes through django-otp, passkeys.
# Whoever holds a role opening case files (accounts.models.CASE_ROLES) must use one.
SEXTO_SECOND_FACTOR_ISSUER = "Sexto"  # the name authenticator apps and passkeys show
SEXTO_SECOND_FACTOR_FAILURE_LIMIT = 5  # failed second-factor attempts before the lock
SEXTO_SECOND_FACTOR_LOCKOUT_SECONDS = 3600  # as long as django-axes's password lockout
SEXTO_REAUTH_SECONDS = 300  # how long a re-authentication opens names and exports
# django-otp's admin pages would otherwise show TOTP secrets to superusers.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Sessions verified with a second factor, or of case-role holders, end after this long idle,
# and in any case this long after signing in.
SEXTO_IDLE_TIMEOUT_SECONDS = 15 * 60
SEXTO_ABSOLUTE_TIMEOUT_SECONDS = 8 * 3600

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "America/Montreal"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG and env_bool("SEXTO_MANIFEST_STATIC", True)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
                        if DEMO_CONFIGURATION else
                        "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Sexto <no-reply@sexto.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# The issuer named in every credential (Open Badges Profile). Signing keys: credentials/keys.py.
SEXTO_ISSUER_NAME = env_str("SEXTO_ISSUER_NAME", "Sexto")
SEXTO_ISSUER_EMAIL = env_str("SEXTO_ISSUER_EMAIL", "badges@sexto.localhost")

# The audit chain is keyed; a separate key lets the audit key be rotated apart from sessions.
AUDIT_KEY = env_secret("AUDIT_KEY") or SECRET_KEY
# The credential signing keyring (credentials/keys.py): its JSON, or the file holding it. The
# file is named rather than read here: `sexto keys rotate` rewrites it and a running process
# reads the new keyring without a restart.
SEXTO_SIGNING_KEYS = env_str("SEXTO_SIGNING_KEYS")
SEXTO_SIGNING_KEYS_FILE = env_str("SEXTO_SIGNING_KEYS_FILE")
# The Fernet keys of case content (cases/crypto.py), newest first, comma-separated.
SEXTO_CASE_KEYS = [key.strip() for key in env_secret("SEXTO_CASE_KEYS").split(",")
                   if key.strip()]

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
CSRF_COOKIE_HTTPONLY = True
# A refused form explains itself in the site's layout and language (core/errors.py).
CSRF_FAILURE_VIEW = "core.errors.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# One Content-Security-Policy for every response, the administration included (django-csp):
# our own scripts and styles only, no inline script or style attribute. A template that needs
# an inline <script> or <style> gives it nonce="{{ request.csp_nonce }}": the nonce is then
# added to the header of that response only (none of ours needs one today, nor does Django's
# admin in 5.2).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # A load balancer probes /healthz over plain HTTP, behind the TLS it terminates.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SILENCED_SYSTEM_CHECKS = [] if env_bool("SECURE_HSTS_PRELOAD", False) or DEBUG else [
    # Preloading HSTS is a one-way decision for the operator's domain, not ours to make.
    "security.W021",
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"database_outage": {"()": "core.errors.DatabaseOutageLogFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # A database outage is one line per request, not a traceback each (core/errors.py).
        "django.request": {"filters": ["database_outage"]},
    },
}

SEXTO_CONTENT_DIR = BASE_DIR / "content"

# Error reports (emails to ADMINS, the debug page) never show what was typed into a case.
DEFAULT_EXCEPTION_REPORTER_FILTER = "cases.error_reports.CaseSafeExceptionReporterFilter"
