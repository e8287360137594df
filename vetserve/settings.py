"""VetServe settings: one file, every deployment-specific value read from the environment.

`.env.example` lists every variable. The helpers in `vetserve.core.env` refuse values they cannot
parse, so a misconfigured server fails at start-up instead of misbehaving later.
"""

from __future__ import annotations

import ipaddress
import re
import zoneinfo
from pathlib import Path

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from vetserve.core.env import database_url, env_bool, env_choice, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VETSERVE_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("VETSERVE_DEBUG", False)

_secret = env_str("VETSERVE_SECRET_KEY", "")
if not _secret:
    if not DEBUG:
        raise ImproperlyConfigured(
            "VETSERVE_SECRET_KEY is required (set VETSERVE_DEBUG=1 only on a developer machine)."
        )
    _secret = "insecure-development-key-do-not-use-in-production"  # noqa: S105 - DEBUG only
SECRET_KEY = _secret

ALLOWED_HOSTS = env_list("VETSERVE_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("VETSERVE_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "vetserve.core",
    "vetserve.accounts",
    "vetserve.regions",
    "vetserve.orgs",
    "vetserve.audit",
    "vetserve.people",
    "vetserve.badges",
    "vetserve.spreadsheets",
    "vetserve.notify",
    "vetserve.skills",
    "vetserve.activities",
    "vetserve.attendance",
    "vetserve.ledger",
    "vetserve.proofs",
    "vetserve.dispatch",
    "vetserve.reports",
    "vetserve.recognition",
    "vetserve.selection",
    "vetserve.exchange",
    "vetserve.stats",
    "vetserve.api",
    "vetserve.home",
    "vetserve.public",
    "vetserve.demo",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Form widgets render through the project's templates (FORM_RENDERER below), so one
    # override (vetserve/templates/django/forms/) reads "请选择…" instead of "---------".
    "django.forms",
    "js_lib_htmx",
    # django-ninja's own templates and static files: the API docs page (/api/v1/docs) loads
    # Swagger UI from here, not from a CDN, so it works on an offline intranet (issue 12).
    "ninja",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    # /healthz before anything that reads the Host header: a balancer probes by IP address.
    "vetserve.core.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # JSON to bearer-token clients only; pages stay uncompressed (BREACH, docs/decisions/0005).
    "vetserve.core.compress.ApiGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "vetserve.core.locale.PageLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "vetserve.accounts.middleware.PasswordChangeRequiredMiddleware",
    "vetserve.core.context.ClientContextMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "vetserve.urls"
WSGI_APPLICATION = "vetserve.wsgi.application"

FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "vetserve" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "vetserve.core.context_processors.site",
            ],
        },
    },
]

DATABASES = {"default": database_url("DATABASE_URL", f"sqlite:///{VAR_DIR / 'vetserve.sqlite3'}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Every password check, the Django admin's included, goes through the login throttle
# (vetserve/accounts/services.py, docs/operations.md "Password guessing"): failed logins of one
# address on one account before that address is refused for the window, the same times four
# for one address on any account, and the longest delay one account's failures from every
# address impose on everyone, its owner included.
AUTHENTICATION_BACKENDS = ["vetserve.accounts.backends.ThrottledModelBackend"]
LOGIN_MAX_FAILURES = env_int("VETSERVE_LOGIN_MAX_FAILURES", 5, minimum=1)
LOGIN_LOCKOUT_MINUTES = env_int("VETSERVE_LOGIN_LOCKOUT_MINUTES", 15, minimum=1)
LOGIN_MAX_DELAY_SECONDS = env_int("VETSERVE_LOGIN_MAX_DELAY_SECONDS", 60, minimum=1)

# Access logs must be kept at least six months (网络安全法 Art 21); shorter is refused.
AUDIT_RETENTION_DAYS = env_int("VETSERVE_AUDIT_RETENTION_DAYS", 365, minimum=183)

# HTTPS (docs/operations.md, "HTTPS"): VETSERVE_HTTPS=1 says people reach the site over https,
# directly or through a proxy. Cookies then travel over https only, and browsers are told (HSTS)
# to use nothing else for VETSERVE_HSTS_SECONDS. VETSERVE_SECURE_COOKIES=1 alone, as before,
# only marks the cookies.
HTTPS = env_bool("VETSERVE_HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS or env_bool("VETSERVE_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
if HTTPS:
    SECURE_HSTS_SECONDS = env_int("VETSERVE_HSTS_SECONDS", 365 * 24 * 3600, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("VETSERVE_HSTS_INCLUDE_SUBDOMAINS", False)
    # Off by default: the proxy in front usually redirects http itself.
    SECURE_SSL_REDIRECT = env_bool("VETSERVE_SSL_REDIRECT", False)
SESSION_COOKIE_AGE = env_int("VETSERVE_SESSION_HOURS", 12, minimum=1) * 3600
if env_bool("VETSERVE_BEHIND_PROXY", False):
    # Trust the proxy's word on the scheme: only when it sets (not passes on) these headers.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True

# Content-Security-Policy (django-csp): pages load scripts, styles and images from this site
# only, with no inline script or style, and may not be framed. A view needing more says so with
# csp.decorators.csp_update({...}) on itself, never here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "object-src": [NONE],
        "base-uri": [NONE],
    }
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "vetserve" / "locale"]
# Dates people see and the working-day rules follow this zone; logs are written in UTC with
# their offset (below), as proxies and log collectors write theirs.
TIME_ZONE = env_str("VETSERVE_TIME_ZONE", "Asia/Shanghai")
try:
    zoneinfo.ZoneInfo(TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError) as _error:
    raise ImproperlyConfigured(f"VETSERVE_TIME_ZONE: unknown time zone {TIME_ZONE!r}.") from _error
USE_I18N = True
USE_TZ = True

# Uploaded files (volunteer photos, qualification scans). Personal data: never served as
# plain static files, only through views that check scope. Several app servers must share it.
MEDIA_ROOT = Path(env_str("VETSERVE_MEDIA_ROOT", str(VAR_DIR / "media")))
# Django's default makes stored files 0644: readable by every local user (issue 12, item 16).
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

# How many reverse proxies in front of the app append to X-Forwarded-For; the audit log takes
# the client address from that header only when this is set (a client could forge it).
TRUSTED_PROXY_COUNT = env_int("VETSERVE_TRUSTED_PROXY_COUNT", 0, minimum=0)
# ...and only on requests that come from one of these addresses or networks (the proxies
# themselves): a request sent straight to the app port with a forged header is logged with
# its real address.
TRUSTED_PROXIES = env_list("VETSERVE_TRUSTED_PROXIES", ["127.0.0.1", "::1"])
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as _error:
        raise ImproperlyConfigured(
            f"VETSERVE_TRUSTED_PROXIES: {_proxy!r} is not an address or network ({_error})."
        ) from _error

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("VETSERVE_STATIC_ROOT", str(VAR_DIR / "static")))
# Static files are collected with a hash of their content in each name and a gzip twin
# (`vetserve serve` and `vetserve demo` collect them as they start): a hashed name never changes
# its content, so browsers keep it a year and never ask again, and an upgrade changes the name.
# The test settings turn this off (VETSERVE_STATIC_MANIFEST=0) to serve from the apps' folders
# without a collectstatic; a test collects once to check the hashed names (docs/decisions/0005).
STATIC_MANIFEST = env_bool("VETSERVE_STATIC_MANIFEST", True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Without a collected STATIC_ROOT (tests, DEBUG), serve straight from the apps' folders.
WHITENOISE_USE_FINDERS = DEBUG or not STATIC_MANIFEST
WHITENOISE_AUTOREFRESH = DEBUG

# Logs carry no personal numbers: the filter masks ID and mobile numbers in every message and
# traceback (core/logs.py); gunicorn's access log leaves out query strings and the Referer
# (core/management/commands/_gunicorn.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "personal_numbers": {"()": "vetserve.core.logs.RedactPersonalNumbers"},
        "request": {"()": "vetserve.core.logs.RequestContext"},
    },
    # One line per record: UTC time with offset, level, logger, request id, message (no
    # personal numbers: the filter masks them).
    "formatters": {
        "line": {
            "()": "vetserve.core.logs.UTCFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["personal_numbers", "request"],
            "formatter": "line",
        }
    },
    "root": {"handlers": ["console"], "level": env_str("VETSERVE_LOG_LEVEL", "WARNING")},
}

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500

# Personal data keys (see vetserve.core.crypto). Required outside DEBUG: without them the
# roster cannot store ID or phone numbers. Generate a key with `vetserve keys`.
DATA_KEYS = env_str("VETSERVE_DATA_KEYS", "")
DATA_KEY_ID = env_str("VETSERVE_DATA_KEY_ID", "")
BLIND_INDEX_KEY = env_str("VETSERVE_BLIND_INDEX_KEY", "")
if not DATA_KEYS or not BLIND_INDEX_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "VETSERVE_DATA_KEYS and VETSERVE_BLIND_INDEX_KEY are required (see .env.example)."
        )
    # Fixed development keys: fine for a laptop, never for real people's data.
    DATA_KEYS = DATA_KEYS or "dev:ZGV2ZWxvcG1lbnQta2V5LW5vdC1mb3ItcmVhbC1kYXQ"
    BLIND_INDEX_KEY = BLIND_INDEX_KEY or "ZGV2ZWxvcG1lbnQtaW5kZXgtbm90LWZvci1yZWFsISE"

SITE_NAME = _("VetServe veteran volunteer service platform")
# The name printed on badges and proofs; a province deployment sets its own.
CORPS_NAME = env_str("VETSERVE_CORPS_NAME", "张家口退役军人志愿者")

# Badges (vetserve.badges). Numbers read PREFIX-COUNTY-SEQUENCE (ZJK-130709-00001); a volunteer
# number is its own number, never derived from the ID number (MCA standard, 2015).
BADGE_PREFIX = env_str("VETSERVE_BADGE_PREFIX", "ZJK").strip().upper()
if not re.fullmatch(r"[A-Z0-9]{1,8}", BADGE_PREFIX):
    raise ImproperlyConfigured("VETSERVE_BADGE_PREFIX must be 1-8 letters or digits, e.g. ZJK.")
# Printed badges live for years: their QR codes are signed with a key of their own, so rotating
# VETSERVE_SECRET_KEY (sessions) does not void every badge in people's pockets.
BADGE_SIGNING_KEY = env_str("VETSERVE_BADGE_SIGNING_KEY", "") or SECRET_KEY
# Where the public reaches the verify page (https://verify.example.cn); empty: the address the
# badge was printed from, which is wrong when staff print on an intranet the public cannot reach.
BADGE_VERIFY_BASE_URL = env_str("VETSERVE_BADGE_VERIFY_BASE_URL", "").rstrip("/")
# Badge checks one address may make a minute, on the page and the API together: the check is
# public, so without a limit anyone could try code after code.
BADGE_VERIFY_PER_MINUTE = env_int("VETSERVE_BADGE_VERIFY_PER_MINUTE", 30, minimum=1)
# Proofs of service are signed (PAdES) with the deployment's own key and self-signed
# certificate, made once by `vetserve proof-keys` (the demo makes them) and kept private to the
# service user like the database: proof-signing.key (0600) and proof-signing.crt.
PROOF_KEY_DIR = Path(env_str("VETSERVE_PROOF_KEY_DIR", str(VAR_DIR / "keys")))
# The public proof check, per address and minute (the page's and the API's together).
PROOF_VERIFY_PER_MINUTE = env_int("VETSERVE_PROOF_VERIFY_PER_MINUTE", 30, minimum=1)

# Background work (the roster import, expiry reminders): Django's tasks API through the
# django-tasks backport, queued in the database (no broker on an offline intranet); a worker
# runs `vetserve db_worker`, or cron runs the daily commands in-process. VETSERVE_TASKS=immediate
# runs each task inside the request that queues it (no worker; for trying things out).
TASKS = {
    "default": {
        "BACKEND": {
            "database": "django_tasks_db.DatabaseBackend",
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
        }[env_choice("VETSERVE_TASKS", "database", ("database", "immediate"))]
    }
}

# Notifications (vetserve.notify): e-mail through EMAIL_BACKEND; SMS through this class, a
# dotted path to a class with send(phone, text). The default only logs: a deployment names
# its gateway's adapter.
SMS_SENDER = env_str("VETSERVE_SMS_SENDER", "vetserve.notify.sms.LoggingSmsSender")
DEFAULT_FROM_EMAIL = env_str("VETSERVE_FROM_EMAIL", "vetserve@localhost")
# Dispatch (vetserve.dispatch, issue 16): how long an invitation waits for an answer (minutes;
# in emergency mode), and which SMS gateway texts it: "log" (the sender above, the offline
# default), "aliyun" or "tencent" through their official SDKs, with the account's keys, the
# approved signature and template (its parameters: title, post, when, link) and, for tests or
# a private endpoint, the gateway's address.
DISPATCH_INVITE_MINUTES = env_int("VETSERVE_DISPATCH_INVITE_MINUTES", 240, minimum=1)
DISPATCH_EMERGENCY_MINUTES = env_int("VETSERVE_DISPATCH_EMERGENCY_MINUTES", 15, minimum=1)
DISPATCH_SMS_GATEWAY = env_choice("VETSERVE_DISPATCH_SMS", "log", ("log", "aliyun", "tencent"))
DISPATCH_SMS = {
    "key_id": env_str("VETSERVE_DISPATCH_SMS_KEY_ID", ""),
    "key_secret": env_str("VETSERVE_DISPATCH_SMS_KEY_SECRET", ""),
    "app_id": env_str("VETSERVE_DISPATCH_SMS_APP_ID", ""),  # Tencent's SmsSdkAppId
    "sign_name": env_str("VETSERVE_DISPATCH_SMS_SIGN_NAME", ""),
    "template": env_str("VETSERVE_DISPATCH_SMS_TEMPLATE", ""),
    "region": env_str("VETSERVE_DISPATCH_SMS_REGION", "ap-beijing"),
    "endpoint": env_str("VETSERVE_DISPATCH_SMS_ENDPOINT", ""),
    "scheme": env_choice("VETSERVE_DISPATCH_SMS_SCHEME", "https", ("https", "http")),
}
DISPATCH_LINK_BASE_URL = env_str("VETSERVE_DISPATCH_LINK_BASE_URL", "")
EMAIL_HOST = env_str("VETSERVE_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("VETSERVE_EMAIL_PORT", 25, minimum=1)
if DEBUG:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
