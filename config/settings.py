"""One settings module for every environment; everything that differs comes from the environment.

See README.md ("Configuration") for the variables.
"""

from pathlib import Path

import dj_database_url
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
    "core.middleware.SecurityHeadersMiddleware",
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

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'sexto.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
    )
}
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

AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 1  # hours
# Lock an account from one address: locking a whole address would let anyone lock out a
# school behind one NAT, and locking an account everywhere would let anyone lock out a person.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
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

if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
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
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

SEXTO_CONTENT_DIR = BASE_DIR / "content"

# Error reports (emails to ADMINS, the debug page) never show what was typed into a case.
DEFAULT_EXCEPTION_REPORTER_FILTER = "cases.error_reports.CaseSafeExceptionReporterFilter"
