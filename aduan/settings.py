"""Settings from the environment (12-factor).

SQLite under ``ADUAN_DATA_DIR`` (default ``./var``) is the embedded default;
``DATABASE_URL=postgres://...`` switches to PostgreSQL everywhere.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

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
    "csp.middleware.CSPMiddleware",
    "aduan.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages compressed for slow mobile connections (static files come precompressed).
    "django.middleware.gzip.GZipMiddleware",
    "aduan.core.dbrouting.ReplicaMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # After CSRF and the session: per-client limits of tracking, submission and login.
    "aduan.core.ratelimit.RateLimitMiddleware",
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
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Fail fast when the server is down (a 503 in seconds, not a hung worker).
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = int(
        os.environ.get("ADUAN_DB_CONNECT_TIMEOUT", "3")
    )
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

# Scale-out: a streaming replica for public and dashboard reads (aduan/core/dbrouting.py).
if os.environ.get("ADUAN_REPLICA_DATABASE_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["ADUAN_REPLICA_DATABASE_URL"],
        conn_max_age=DATABASES["default"].get("CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    if DATABASES["replica"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["replica"]["OPTIONS"] = {
            "connect_timeout": int(os.environ.get("ADUAN_DB_CONNECT_TIMEOUT", "3"))
        }
DATABASE_ROUTERS = ["aduan.core.dbrouting.ReplicaRouter"]
# A database that cannot be reached answers 503 with this Retry-After (aduan.core.views).
ADUAN_RETRY_AFTER_SECONDS = int(os.environ.get("ADUAN_RETRY_AFTER_SECONDS", "5"))
# The sweep re-queues notices and webhook deliveries whose task was lost (a crash between
# commit and enqueue, a worker killed mid-send) after 5–30 minutes; fault-injection runs
# shrink those waits with a factor below 1.
ADUAN_SAFETY_NET_SCALE = float(os.environ.get("ADUAN_SAFETY_NET_SCALE", "1"))
# Statistics pages may show figures up to this many seconds old (aduan.stats.cache): a
# national system records an event every second, and recomputing the national tables
# for each would make every request a cold one. 0: always exact.
ADUAN_STATS_FRESHNESS_SECONDS = int(os.environ.get("ADUAN_STATS_FRESHNESS_SECONDS", "60"))
# 1: an event only marks its report; the worker refreshes the statistics facts and
# rollups in batches seconds later (aduan.stats.rollups.drain). For sites that run
# `aduan worker`; without one (make run) the figures follow the events in-transaction.
ADUAN_STATS_DEFERRED = os.environ.get("ADUAN_STATS_DEFERRED", "0") == "1"
# URL names or namespaces whose GET/HEAD requests may read from the replica.
ADUAN_REPLICA_URLS = [
    u.strip()
    for u in os.environ.get(
        "ADUAN_REPLICA_URLS",
        "stats,inclusion,opendata,stats-api,reports:home,reports:list",
    ).split(",")
    if u.strip()
]
# A browser that has just written reads from the primary this long (read-your-writes).
ADUAN_REPLICA_STICKY_SECONDS = int(os.environ.get("ADUAN_REPLICA_STICKY_SECONDS", "15"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Shared by all web processes on one machine (rate-limit counters, throttles); a
# multi-machine deployment swaps the backend for Redis (a directory shared over NFS would
# not keep the counters exact: see aduan/core/filecache.py).
CACHES: dict[str, dict[str, Any]] = {
    "default": {
        "BACKEND": os.environ.get("ADUAN_CACHE_BACKEND", "aduan.core.filecache.FileCache"),
        "LOCATION": os.environ.get("ADUAN_CACHE_LOCATION", str(DATA_DIR / "cache")),
    }
}
if CACHES["default"]["BACKEND"].endswith(("FileBasedCache", "filecache.FileCache")):
    # Dashboard figures are cached per agency, region and period (aduan/stats/cache.py):
    # far more than the file cache's default 300 entries.
    CACHES["default"]["OPTIONS"] = {"MAX_ENTRIES": 20000}

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
        "BACKEND": os.environ.get("ADUAN_TASK_BACKEND", "aduan.core.tasks.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# Scale-out: tasks in Redis, run by RQ workers (`aduan worker` picks the right runner).
ADUAN_REDIS_URL = os.environ.get("ADUAN_REDIS_URL", "")
if ADUAN_REDIS_URL:
    TASKS["default"]["BACKEND"] = "django_tasks_rq.RQBackend"
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {"default": {"URL": ADUAN_REDIS_URL, "DEFAULT_TIMEOUT": 300}}

EMAIL_BACKEND = os.environ.get(
    "ADUAN_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
# For django.core.mail.backends.filebased.EmailBackend (one file per message).
EMAIL_FILE_PATH = os.environ.get("ADUAN_EMAIL_FILE_PATH", str(DATA_DIR / "mail"))
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
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = int(float(os.environ.get("ADUAN_SESSION_HOURS", "12")) * 3600)
CSRF_COOKIE_HTTPONLY = False
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# Strict CSP: no inline script or style anywhere (django-csp 4).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
# Rate limits per client address (aduan.core.ratelimit); behind a trusted reverse proxy set
# ADUAN_CLIENT_IP_HEADER (e.g. HTTP_X_REAL_IP) or every client shares the proxy's limit.
ADUAN_CLIENT_IP_HEADER = os.environ.get("ADUAN_CLIENT_IP_HEADER", "")
ADUAN_RATE_TRACK_PER_MINUTE = int(os.environ.get("ADUAN_RATE_TRACK_PER_MINUTE", "30"))
ADUAN_RATE_TRACK_MISSES_PER_HOUR = int(os.environ.get("ADUAN_RATE_TRACK_MISSES_PER_HOUR", "20"))
ADUAN_RATE_SUBMISSIONS_PER_HOUR = int(os.environ.get("ADUAN_RATE_SUBMISSIONS_PER_HOUR", "20"))
ADUAN_RATE_LOGIN_PER_10_MINUTES = int(os.environ.get("ADUAN_RATE_LOGIN_PER_10_MINUTES", "30"))
ADUAN_RATE_STATS_PER_MINUTE = int(os.environ.get("ADUAN_RATE_STATS_PER_MINUTE", "120"))
if env_bool("ADUAN_HTTPS"):
    # Production: a real secret from the environment, never the development key.
    if "ADUAN_SECRET_KEY" not in os.environ:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("ADUAN_HTTPS is on: set ADUAN_SECRET_KEY (50+ random chars).")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # __Host- cookies: HTTPS only, this host only, whole site.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = int(os.environ.get("ADUAN_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("ADUAN_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("ADUAN_HSTS_PRELOAD", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ADUAN_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
