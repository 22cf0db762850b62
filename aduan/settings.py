"""Settings from the environment (12-factor).

SQLite under ``ADUAN_DATA_DIR`` (default ``./var``) is the embedded default;
``DATABASE_URL=postgres://...`` switches to PostgreSQL everywhere.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("ADUAN_DATA_DIR", Path.cwd() / "var")).resolve()


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("ADUAN_DEBUG", False)
# The development key only ever exists when no secret is configured; production sets one.
SECRET_KEY = os.environ.get("ADUAN_SECRET_KEY", "dev-only-insecure-key-change-me")
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ADUAN_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
    if h.strip()
]
SITE_URL = os.environ.get("ADUAN_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "aduan.core",
    "aduan.regions",
    "aduan.agencies",
    "aduan.sla",
    "aduan.reports",
    "aduan.audit",
    "aduan.accounts",
    "aduan.notifications",
    "aduan.backoffice",
    "aduan.integrations",
    "aduan.webhooks",
    "aduan.open311",
    "aduan.channels.sms",
    "aduan.channels.email",
    "aduan.stats",
    "aduan.triage",
    "aduan.dedup",
    "aduan.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses logins for locked-out username + address pairs.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("ADUAN_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("ADUAN_LOGIN_COOLOFF_HOURS", "0.25"))  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Any login form (the admin's too) answers a lockout with our page: 429 and a clear text.
AXES_LOCKOUT_CALLABLE = "aduan.accounts.views.auth.lockout_response"
OTP_TOTP_ISSUER = "Aduan"

ROOT_URLCONF = "aduan.urls"
WSGI_APPLICATION = "aduan.wsgi.application"

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
            ],
        },
    },
]

SQLITE_PATH = DATA_DIR / "aduan.sqlite3"
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{SQLITE_PATH}",
        conn_max_age=int(os.environ.get("ADUAN_DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers work while one writer commits; IMMEDIATE takes the write lock
        # at BEGIN so two writers queue instead of deadlocking on a lock upgrade.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # A file, not shared-cache memory, so tests of concurrent writers see real SQLite
    # locking (WAL + busy timeout); one file per process keeps parallel runs apart.
    DATABASES["default"]["TEST"] = {
        "NAME": os.environ.get(
            "ADUAN_TEST_SQLITE", str(Path(tempfile.gettempdir()) / f"aduan-test-{os.getpid()}.db")
        )
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Shared by all web processes on one machine (rate-limit counters, throttles); a
# multi-machine deployment points ADUAN_CACHE_LOCATION at a shared directory or swaps the
# backend for Redis.
CACHES = {
    "default": {
        "BACKEND": os.environ.get(
            "ADUAN_CACHE_BACKEND", "django.core.cache.backends.filebased.FileBasedCache"
        ),
        "LOCATION": os.environ.get("ADUAN_CACHE_LOCATION", str(DATA_DIR / "cache")),
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not env_bool("ADUAN_PLAIN_STATIC")
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"

# Uploads: reports carry a few photos or documents, never huge files.
ADUAN_MAX_ATTACHMENT_BYTES = int(os.environ.get("ADUAN_MAX_ATTACHMENT_BYTES", 5 * 1024 * 1024))
ADUAN_MAX_ATTACHMENTS = 5
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

LOGIN_URL = "/akun/masuk/"
LOGIN_REDIRECT_URL = "/petugas/"

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    "EXCEPTION_HANDLER": "aduan.core.api.exception_handler",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Aduan API",
    "DESCRIPTION": "Public-service complaints and aspirations: citizen and agency API v1.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
}

TASKS = {
    "default": {
        "BACKEND": os.environ.get("ADUAN_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

EMAIL_BACKEND = os.environ.get(
    "ADUAN_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("ADUAN_FROM_EMAIL", "Aduan <no-reply@aduan.localhost>")
EMAIL_HOST = os.environ.get("ADUAN_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("ADUAN_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("ADUAN_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("ADUAN_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("ADUAN_EMAIL_TLS")
EMAIL_TIMEOUT = 10  # a hung SMTP server must not block the worker

# ---- notifications and the SLA engine ------------------------------------------------
ADUAN_NOTIFICATIONS = env_bool("ADUAN_NOTIFICATIONS", True)
ADUAN_SMS_GATEWAY = os.environ.get("ADUAN_SMS_GATEWAY", "aduan.notifications.sms.LoggingSmsGateway")
ADUAN_SMS_GATEWAY_URL = os.environ.get("ADUAN_SMS_GATEWAY_URL", "")
ADUAN_SMS_GATEWAY_TOKEN = os.environ.get("ADUAN_SMS_GATEWAY_TOKEN", "")
ADUAN_DIGEST_HOUR = int(os.environ.get("ADUAN_DIGEST_HOUR", "6"))
ADUAN_SLA_ESCALATION_STEP_DAYS = int(os.environ.get("ADUAN_SLA_ESCALATION_STEP_DAYS", "2"))

# ---- integrations: agency API, webhooks, inbound channels ------------------------------
ADUAN_API_RATE_PER_MINUTE = int(os.environ.get("ADUAN_API_RATE_PER_MINUTE", "120"))
ADUAN_API_AUTH_FAILURES_PER_MINUTE = int(os.environ.get("ADUAN_API_AUTH_FAILURES_PER_MINUTE", "30"))
ADUAN_WEBHOOKS_ALLOW_HTTP_LOOPBACK = env_bool("ADUAN_WEBHOOKS_ALLOW_HTTP_LOOPBACK")
ADUAN_WEBHOOKS_ALLOW_PRIVATE_NETWORKS = env_bool("ADUAN_WEBHOOKS_ALLOW_PRIVATE_NETWORKS")
ADUAN_WEBHOOKS_LOG_DAYS = int(os.environ.get("ADUAN_WEBHOOKS_LOG_DAYS", "90"))
# Inbound gateways authenticate with shared secrets; empty means the endpoint is closed.
ADUAN_SMS_GATEWAY_SECRET = os.environ.get("ADUAN_SMS_GATEWAY_SECRET", "")
ADUAN_CHAT_GATEWAY_SECRET = os.environ.get("ADUAN_CHAT_GATEWAY_SECRET", "")
ADUAN_EMAIL_INBOUND_SECRET = os.environ.get("ADUAN_EMAIL_INBOUND_SECRET", "")
ADUAN_SMS_PER_NUMBER_PER_HOUR = int(os.environ.get("ADUAN_SMS_PER_NUMBER_PER_HOUR", "10"))
ADUAN_SMS_SHORT_NUMBER = os.environ.get("ADUAN_SMS_SHORT_NUMBER", "1708")
ADUAN_EMAIL_MAX_BYTES = int(os.environ.get("ADUAN_EMAIL_MAX_BYTES", str(15 * 1024 * 1024)))
ADUAN_OPEN311_JURISDICTION = os.environ.get("ADUAN_OPEN311_JURISDICTION", "aduan.go.id")

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
if env_bool("ADUAN_HTTPS"):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ADUAN_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
