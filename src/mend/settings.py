"""Mend settings. Everything a deployment changes comes from environment variables (README.md)."""

import base64
import hashlib
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
REPO_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("MEND_VAR_DIR", REPO_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")
# Production mode turns on HSTS, secure cookies and refuses missing secrets.
PRODUCTION = env_bool("MEND_PRODUCTION")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when MEND_PRODUCTION is on.")
    SECRET_KEY = "insecure-development-key-" + "x" * 40

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "mend.core",
    "mend.people",
    "mend.cases",
    "mend.training",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "axes",
    "rules.apps.AutodiscoverRulesConfig",
    "csp",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "mend.core.middleware.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "mend.core.middleware.PreferredLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "mend.core.middleware.SessionLimitsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "mend.core.middleware.SessionActivityMiddleware",
    "mend.core.middleware.OrganisationMiddleware",
    "mend.core.middleware.AccessPolicyMiddleware",
    "mend.core.middleware.NoStoreMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "mend.urls"
WSGI_APPLICATION = "mend.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "mend.core.context_processors.mend",
                "mend.cases.context_processors.casework",
                "mend.training.context_processors.training",
            ],
        },
    }
]

# Database: PostgreSQL through DATABASE_URL; SQLite (WAL, synchronous=FULL) as the embedded default.
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # PostgreSQL's JIT compiles a plan once its estimated cost is high; for Mend's short
        # queries that costs more than it saves (measured: 75 ms of compiling for a search whose
        # rows took 20 ms). MEND_PG_JIT=on turns it back on.
        jit = "on" if os.environ.get("MEND_PG_JIT", "").lower() in ("1", "on", "true") else "off"
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = f"-c jit={jit}"
        # A streaming read replica for reports, dashboards and exports (core/replicas.py). Tests
        # treat it as a mirror of the primary's test database (tests/test_replicas.py points it
        # at the second server).
        REPLICA_DATABASE_URL = os.environ.get("MEND_REPLICA_DATABASE_URL", "")
        if REPLICA_DATABASE_URL:
            DATABASES["replica"] = dj_database_url.parse(REPLICA_DATABASE_URL, conn_max_age=60)
            DATABASES["replica"]["OPTIONS"] = {"options": f"-c jit={jit}"}
            DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "mend.sqlite3",
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
                "transaction_mode": "IMMEDIATE",
            },
        }
    }
DATABASE_ROUTERS = ["mend.core.replicas.ReplicaRouter"]
# Reports, dashboards and exports read from the replica when there is one (MEND_READ_FROM_REPLICA=off
# sends them to the primary, as when the replica is being rebuilt).
MEND_READ_FROM_REPLICA = "replica" in DATABASES and os.environ.get(
    "MEND_READ_FROM_REPLICA", "on"
).lower() not in ("0", "off", "false")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"

# django-allauth: sign in by email, no open sign-up (people join by invitation), MFA.
ACCOUNT_ADAPTER = "mend.core.auth.MendAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
# Addresses of invited people are verified by the invitation itself. A changed address becomes the
# sign-in address only once its confirmation link is followed (CHANGE_EMAIL).
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Mend] "
# Failed sign-ins are counted by django-axes (below), per username and address, not by allauth.
ACCOUNT_RATE_LIMITS = {"login_failed": False}
MFA_ADAPTER = "mend.core.auth.MendMFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_TOTP_ISSUER = os.environ.get("MEND_TOTP_ISSUER", "Mend")
# Accept the code of the 30-second step before or after the current one (RFC 6238 section 5.2's
# allowance for a code typed as it changes, or a phone clock a little out); ADR 0006.
MFA_TOTP_TOLERANCE = 1
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
# Activity is tracked by mend.core.middleware.SessionActivityMiddleware (not on every request).
USERSESSIONS_TRACK_ACTIVITY = True

# django-axes: 10 failures lock that username from that address only.
AXES_FAILURE_LIMIT = int(os.environ.get("MEND_LOCKOUT_FAILURES", "10"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("MEND_LOCKOUT_MINUTES", "30")))
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "mend.core.auth.axes_username"
AXES_LOCKOUT_CALLABLE = "mend.core.auth.lockout_response"
# Behind N reverse proxies that append to X-Forwarded-For, set MEND_TRUSTED_PROXY_COUNT=N so that
# lockouts and audit records use the client's address, not the proxy's.
MEND_TRUSTED_PROXY_COUNT = int(os.environ.get("MEND_TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "mend.core.middleware.client_ip"
AXES_VERBOSE = False

# Sessions: database-backed so that they can be listed and ended.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# The cache holds allauth's limits on emails and sign-in codes. In production it is the database
# (`manage.py createcachetable`), so every app server shares it; elsewhere it is per process.
# Mend's own public-form limits and submission guard are counted in the database either way.
if PRODUCTION:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "mend_cache",
        }
    }
MEND_IDLE_TIMEOUT_MINUTES = int(os.environ.get("MEND_IDLE_TIMEOUT_MINUTES", "30"))
MEND_SESSION_MAX_HOURS = int(os.environ.get("MEND_SESSION_MAX_HOURS", "12"))
SESSION_COOKIE_AGE = MEND_SESSION_MAX_HOURS * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "mend.core.views.csrf_failure"

# Bad input: size limits give a clear 400 page, never a 500.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 500
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Language: English and Welsh.
LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en", _("English")), ("cy", _("Welsh"))]
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_vendor"]
LANGUAGE_COOKIE_NAME = "mend_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
USE_I18N = True
TIME_ZONE = "Europe/London"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("MEND_STATIC_ROOT", VAR_DIR / "staticfiles"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
MEDIA_ROOT = VAR_DIR / "media"

# Background tasks (django-tasks; ADR 0015). Production stores them in the database for
# `manage.py db_worker`; elsewhere they run at once, in the process that enqueues them.
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "MEND_TASKS_BACKEND",
            "django_tasks_db.DatabaseBackend"
            if PRODUCTION
            else "django_tasks.backends.immediate.ImmediateBackend",
        )
    }
}

# Email.
EMAIL_BACKEND = os.environ.get(
    "MEND_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("MEND_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("MEND_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("MEND_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("MEND_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("MEND_EMAIL_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("MEND_FROM_EMAIL", "Mend <no-reply@localhost>")
# Rows per page on every list page (core.web.keyset_page).
MEND_PAGE_SIZE = int(os.environ.get("MEND_PAGE_SIZE", "50"))
MEND_INVITATION_DAYS = int(os.environ.get("MEND_INVITATION_DAYS", "7"))


# Field encryption keys: comma-separated Fernet keys, newest first; older keys still decrypt.
def _development_field_key() -> str:
    digest = hashlib.sha256(("mend-field-key:" + SECRET_KEY).encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


MEND_FIELD_KEYS = env_list("MEND_FIELD_KEYS")
if not MEND_FIELD_KEYS:
    if PRODUCTION:
        raise ImproperlyConfigured("MEND_FIELD_KEYS must be set when MEND_PRODUCTION is on.")
    MEND_FIELD_KEYS = [_development_field_key()]

# Content Security Policy: no inline script or style, nothing from other origins.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("MEND_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("MEND_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-mend-session"
    CSRF_COOKIE_NAME = "__Host-mend-csrf"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("MEND_LOG_LEVEL", "WARNING")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# The address people use to reach this Mend, for links in emails.
MEND_BASE_URL = os.environ.get("MEND_BASE_URL", "http://127.0.0.1:8000")
