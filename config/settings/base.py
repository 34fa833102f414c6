"""Settings shared by every environment, driven by environment variables.

Every variable is documented in docs/operations.md. Defaults give a working local installation
on SQLite under var/ with the console e-mail backend.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("SAVEIT_VAR_DIR", "").strip() or BASE_DIR / "var")


def env(name: str, default: str) -> str:
    """A setting from the environment; set but empty (DATABASE_URL= in a unit file) means unset."""
    value = os.environ.get(name, "").strip()
    return value or default


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    return value.lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


# "production" in config.settings.production: commands that must never touch real data
# (the demo loader) refuse to run there.
SAVEIT_ENVIRONMENT = "development"

SECRET_KEY = env("SECRET_KEY", "insecure-local-development-key-change-me")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "django_prose_editor",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "saveit.core",
    "saveit.accounts",
    "saveit.audit",
    "saveit.engagements",
    "saveit.documents",
    "saveit.catalog",
    "saveit.learning",
    "saveit.attendance",
    "saveit.certificates",
    "saveit.reporting",
    "saveit.support",
    "saveit.quality",
    "saveit.billing",
    "saveit.privacy",
    "saveit.orchestration",
    "saveit.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "saveit.core.middleware.FrenchFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "saveit.core.middleware.RequestContextMiddleware",
    "saveit.accounts.middleware.ActiveMembershipMiddleware",
    "saveit.accounts.middleware.StaffIdleTimeoutMiddleware",
    "saveit.accounts.middleware.StaffSecondFactorMiddleware",
    "saveit.accounts.middleware.NoStoreForSignedInMiddleware",
    "saveit.billing.middleware.SuspensionMiddleware",
    "axes.middleware.AxesMiddleware",
    "saveit.core.refusals.RefusalMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "saveit" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "saveit.web.context_processors.membership",
                "saveit.learning.context_processors.learner_name",
                "saveit.support.context_processors.maintenance_banner",
                "saveit.billing.middleware.suspension_notice",
            ],
            # {% url %} remembering what it reversed and |choice_label, get_FOO_display()
            # without its dict of every choice on each call (issue 22)
            "builtins": [
                "saveit.core.templatetags.cached_url",
                "saveit.core.templatetags.choices",
            ],
        },
    }
]


def database(url: str) -> dict[str, Any]:
    """The database settings for a DATABASE_URL (also used by bench/ and the e2e settings)."""
    config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers work while one writer commits; IMMEDIATE takes the write lock at the
        # start of each transaction so two writers never both read a chain head and then collide.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
        }
        # One connection per process (thread), kept between requests for ten minutes: opening
        # one and running the pragmas above cost about as much as a learner page's queries
        # (issue 22). SQLite has no server to drop it, so the health check costs nothing.
        config["CONN_MAX_AGE"] = 600
        config["CONN_HEALTH_CHECKS"] = True
    elif config["ENGINE"] == "django.db.backends.postgresql" and env_bool(
        "DATABASE_PREPARED_STATEMENTS", True
    ):
        # The queries every signed-in page runs (saveit.core.prepared: the session, the
        # memberships, the learner's assignments) are kept prepared by the server after a few
        # uses, so PostgreSQL stops planning them on each request (issue 22: planning cost more
        # than running them). The ORM's other queries are not prepared. Set
        # DATABASE_PREPARED_STATEMENTS=off behind a transaction pooler that cannot keep them.
        config.setdefault("OPTIONS", {})["prepare_threshold"] = 5
    return config


DATABASE_URL = env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'saveit.sqlite3'}")
DATABASES = {"default": database(DATABASE_URL)}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "saveit.accounts.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24
# "Forgot my password": at most this many e-mails per address, and requests per IP address, in
# the window (the answer is the same when capped, so it tells nobody which addresses exist).
PASSWORD_RESET_MAILS_PER_ADDRESS = int(env("PASSWORD_RESET_MAILS_PER_ADDRESS", "3"))
PASSWORD_RESET_REQUESTS_PER_IP = int(env("PASSWORD_RESET_REQUESTS_PER_IP", "20"))
PASSWORD_RESET_WINDOW_MINUTES = int(env("PASSWORD_RESET_WINDOW_MINUTES", "60"))

# Login throttling: five failures for one username from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = int(env("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(env("AXES_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False

# Re-authentication (signing, current password at a change): this many wrong answers of one
# user within the window lock it for the lock-out time (saveit/accounts/reauth.py).
REAUTH_FAILURE_LIMIT = int(env("REAUTH_FAILURE_LIMIT", "5"))
REAUTH_WINDOW_MINUTES = int(env("REAUTH_WINDOW_MINUTES", "15"))
REAUTH_LOCKOUT_MINUTES = int(env("REAUTH_LOCKOUT_MINUTES", "15"))

OTP_TOTP_ISSUER = "SAVE IT"
# The admin never shows a TOTP seed, its QR code, or recovery codes of an existing device.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Sessions stay in the database (revoked at logout on every instance); read without the ORM.
SESSION_ENGINE = "saveit.core.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 10
# Provider staff are signed out after this many minutes without a request (other members keep
# SESSION_COOKIE_AGE, ten hours from sign-in).
STAFF_IDLE_TIMEOUT_MINUTES = int(env("STAFF_IDLE_TIMEOUT_MINUTES", "30"))
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "saveit" / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "saveit" / "static"]
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "saveit.core.static_storage.StaticFilesStorage"},
}

UPLOAD_MAX_BYTES = int(env("UPLOAD_MAX_BYTES", str(25 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Parsing an uploaded procedure runs in a child process held to these limits (docs/operations.md).
INGEST_MAX_MEMORY_MB = int(env("INGEST_MAX_MEMORY_MB", "768"))
INGEST_MAX_CPU_SECONDS = int(env("INGEST_MAX_CPU_SECONDS", "20"))
INGEST_TIMEOUT_SECONDS = float(env("INGEST_TIMEOUT_SECONDS", "25"))
INGEST_MAX_OUTLINE_BYTES = int(env("INGEST_MAX_OUTLINE_BYTES", str(2 * 1024 * 1024)))
# Files above this size are analysed by the worker, never inside the request (SPEC §15); there
# the child may take longer: nobody waits on the page.
INGEST_INLINE_MAX_BYTES = int(env("INGEST_INLINE_MAX_BYTES", str(1024 * 1024)))
INGEST_BACKGROUND_CPU_SECONDS = int(env("INGEST_BACKGROUND_CPU_SECONDS", "120"))
INGEST_BACKGROUND_TIMEOUT_SECONDS = float(env("INGEST_BACKGROUND_TIMEOUT_SECONDS", "150"))
# First, the size guard: a request carrying a file over UPLOAD_MAX_BYTES is stopped there.
FILE_UPLOAD_HANDLERS = [
    "saveit.core.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "SAVE IT <no-reply@saveit.local>")

INVITATION_VALIDITY_HOURS = int(env("INVITATION_VALIDITY_HOURS", "72"))

TASKS: dict[str, dict[str, Any]] = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Scale-out (docs/operations.md): the same code on several stateless instances. Each switch is an
# environment variable; none is needed on one machine.
# REDIS_URL: the task queue runs on Redis (RQ: `manage.py rqworker default --job-class
# django_tasks_rq.Job`) and the cache is shared; sessions, locks and counters stay in the database.
REDIS_URL = env("REDIS_URL", "")
if REDIS_URL:
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 3600}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
# S3_BUCKET: every stored file (uploads, signed PDFs, packs, job results) goes to an
# S3-compatible object storage instead of MEDIA_ROOT.
S3_BUCKET = env("S3_BUCKET", "")
if S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env("S3_ENDPOINT_URL", "") or None,
            "region_name": env("S3_REGION", "eu-west-3"),
            "access_key": env("S3_ACCESS_KEY_ID", ""),
            "secret_key": env("S3_SECRET_ACCESS_KEY", ""),
            "file_overwrite": False,
            "default_acl": None,
            "querystring_auth": True,
        },
    }

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
    },
}

# The installation's Ed25519 key signs the Open Badges credentials, the evidence packs' seals and
# the audit chain checkpoints; created on first use, rotated by `manage.py rotate_signing_key`
# (the retired public keys are kept in retired/ beside it). Every app server of one installation
# must read the same files (shared volume or secret mount); backups carry them (manage.py backup).
SAVEIT_SIGNING_KEY_PATH = Path(
    env("SAVEIT_SIGNING_KEY_PATH", str(VAR_DIR / "keys" / "installation-ed25519.pem"))
)
# A learner's sign-in link asked for on the page lives minutes (they are waiting for it); the
# one in an assignment e-mail, which may be read the next day, lives as long as an invitation.
SIGN_IN_LINK_VALIDITY_MINUTES = int(env("SIGN_IN_LINK_VALIDITY_MINUTES", "15"))
LEARNER_INVITATION_LINK_HOURS = int(env("LEARNER_INVITATION_LINK_HOURS", "72"))
# "Send me a new link": at most one link e-mail per learner in this many minutes (the invitation
# counts), and at most this many requests per IP address in the window (a whole site behind one
# NAT may ask at the start of a campaign, hence not lower).
SIGN_IN_LINK_RESEND_MINUTES = int(env("SIGN_IN_LINK_RESEND_MINUTES", "5"))
SIGN_IN_LINK_REQUESTS_PER_IP = int(env("SIGN_IN_LINK_REQUESTS_PER_IP", "20"))
SIGN_IN_LINK_REQUESTS_WINDOW_MINUTES = int(env("SIGN_IN_LINK_REQUESTS_WINDOW_MINUTES", "15"))
# Invitation e-mails are sent by background tasks, this many per task.
INVITATION_BATCH_SIZE = 500
# A re-certification campaign launched by a new activation gives people this long.
RECERTIFICATION_DUE_DAYS = int(env("RECERTIFICATION_DUE_DAYS", "30"))
# Quality (SPEC §11): a complaint is acknowledged and answered within these many French working
# days; the cold survey goes this many days after completion, and unanswered surveys are
# reminded every QUALITY_SURVEY_REMINDER_DAYS days, at most QUALITY_SURVEY_MAX_REMINDERS times.
QUALITY_ACK_WORKING_DAYS = int(env("QUALITY_ACK_WORKING_DAYS", "2"))
QUALITY_ANSWER_WORKING_DAYS = int(env("QUALITY_ANSWER_WORKING_DAYS", "15"))
QUALITY_COLD_SURVEY_DAYS = int(env("QUALITY_COLD_SURVEY_DAYS", "90"))
QUALITY_SURVEY_REMINDER_DAYS = int(env("QUALITY_SURVEY_REMINDER_DAYS", "7"))
QUALITY_SURVEY_MAX_REMINDERS = int(env("QUALITY_SURVEY_MAX_REMINDERS", "2"))
# Public complaint form: at most this many submissions per IP address per hour.
QUALITY_PUBLIC_COMPLAINTS_PER_HOUR = int(env("QUALITY_PUBLIC_COMPLAINTS_PER_HOUR", "5"))

# A population import committing more rows than this runs as a background job (saveit.core.jobs).
POPULATION_IMPORT_BACKGROUND_ROWS = int(os.environ.get("POPULATION_IMPORT_BACKGROUND_ROWS", "5000"))
# Exports above these sizes are written by a background job whose page offers the file; smaller
# ones are answered at once (same function for the file either way). A dashboard's learner list:
# rows of assignments (each reads a learner, a version, a population and an attestation).
REPORTING_EXPORT_BACKGROUND_ROWS = int(env("REPORTING_EXPORT_BACKGROUND_ROWS", "5000"))
# The audit trail: events (plain stored values written as they are read, so more per request).
AUDIT_EXPORT_BACKGROUND_ROWS = int(env("AUDIT_EXPORT_BACKGROUND_ROWS", "20000"))
# A monthly SLA report (PDF or XLSX): its rows (restored tickets, breaches, maintenance). Its
# figures are frozen at closing: a usual month renders in ~15 ms (PDF), 400 rows in ~0.5 s, so
# only a month with more rows than this goes to the worker (-1: every report in the background).
SLA_REPORT_BACKGROUND_ROWS = int(env("SLA_REPORT_BACKGROUND_ROWS", "300"))
# How long a previewed learner file may be imported without being checked again.
POPULATION_IMPORT_PREVIEW_HOURS = int(os.environ.get("POPULATION_IMPORT_PREVIEW_HOURS", "24"))
