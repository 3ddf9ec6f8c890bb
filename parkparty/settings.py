"""Settings for ParkParty.

Every setting that differs between machines comes from an environment
variable read through the typed helpers below. A malformed value stops the
process with a message naming the variable; development needs no variables.
"""

import datetime
import os
import re
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def envbool(name: str, default: bool) -> bool:
    """Read a boolean variable; anything but a clear yes/no is an error."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of true/false/1/0/yes/no, not {raw!r}")


def envint(name: str, default: int) -> int:
    """Read an integer variable; a non-integer is an error."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from None


def envlist(name: str, default: list[str]) -> list[str]:
    """Read a comma-separated list variable."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def envpath(name: str, default: Path) -> Path:
    """Read a filesystem path variable; it must be absolute."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    path = Path(raw)
    if not path.is_absolute():
        raise ImproperlyConfigured(f"{name} must be an absolute path, not {raw!r}")
    return path


def envheader(name: str) -> tuple[str, str] | None:
    """Read a request header and the value that marks HTTPS, written as ``X-Forwarded-Proto: https``.

    Returns Django's ``SECURE_PROXY_SSL_HEADER`` form, e.g. ``("HTTP_X_FORWARDED_PROTO", "https")``;
    None when the variable is unset or empty.
    """
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return None
    header, sep, value = raw.partition(":")
    header, value = header.strip(), value.strip()
    if not sep or not re.fullmatch(r"[A-Za-z0-9-]+", header) or not re.fullmatch(r"[!-~]+", value):
        raise ImproperlyConfigured(f"{name} must look like 'X-Forwarded-Proto: https', not {raw!r}")
    return "HTTP_" + header.upper().replace("-", "_"), value


# Production is the default; development opts in (`make run` sets DJANGO_DEBUG=true).
DEBUG = envbool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off")
    SECRET_KEY = "parkparty-development-only-key-not-for-production"  # noqa: S105

ALLOWED_HOSTS = envlist("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = envlist("DJANGO_CSRF_TRUSTED_ORIGINS", [])

DATA_DIR = envpath("PARKPARTY_DATA_DIR", BASE_DIR / "data")
MEDIA_ROOT = envpath("DJANGO_MEDIA_ROOT", DATA_DIR / "media")
MEDIA_URL = "/media/"
STATIC_ROOT = envpath("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles")
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = DEBUG

INSTALLED_APPS = [
    "parkparty.apps.ParkPartyAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "simple_history",
    "axes",
    "parkparty.apps.ParkPartyConfig",
    "organizations.apps.OrganizationsConfig",
    "members.apps.MembersConfig",
    "reports.apps.ReportsConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "parkparty.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "parkparty.core.middleware.RefuseNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "parkparty.core.middleware.AccountSecurityMiddleware",
    "parkparty.core.middleware.DeniedAccessAuditMiddleware",
    # Last, so it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "parkparty.urls"
WSGI_APPLICATION = "parkparty.wsgi.application"
AUTH_USER_MODEL = "parkparty.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

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
                "parkparty.core.navigation.navigation",
            ],
        },
    },
]


def _database_config() -> dict:
    """SQLite under DATA_DIR by default; DATABASE_URL switches the database."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        DATA_DIR.mkdir(parents=True, exist_ok=True)  # zero set-up: the embedded database lives here
        config = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(DATA_DIR / "parkparty.sqlite3")}
    else:
        try:
            config = dj_database_url.parse(url, conn_max_age=envint("DATABASE_CONN_MAX_AGE", 0))
        except ValueError as exc:
            raise ImproperlyConfigured(f"DATABASE_URL is not a usable database URL: {exc}") from None
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config.setdefault("OPTIONS", {})
        # WAL lets readers work while a writer commits; IMMEDIATE avoids
        # "database is locked" when a read transaction turns into a write.
        config["OPTIONS"].update(
            {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            }
        )
        config["TEST"] = {"NAME": None}
    return config


DATABASES = {"default": _database_config()}


def _cache_config() -> dict:
    """Local memory by default (one process); DJANGO_CACHE_URL=redis://… shares the cache between workers."""
    url = os.environ.get("DJANGO_CACHE_URL", "").strip()
    if not url:
        return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "parkparty"}}
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(f"DJANGO_CACHE_URL must be a redis:// URL, not {url!r}")
    return {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}}


CACHES = _cache_config()
#: Searches a user may run per window (seconds) before being told to wait (HTTP 429); 0 turns the limit off.
PARKPARTY_SEARCH_LIMIT = envint("PARKPARTY_SEARCH_LIMIT", 30)
PARKPARTY_SEARCH_WINDOW = envint("PARKPARTY_SEARCH_WINDOW", 60)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # Refuses every sign-in of a locked-out username or address before the password is checked.
    "parkparty.core.lockout.LockoutBackend",
    "parkparty.core.accounts.AccountBackend",
]

# Passwords (parkparty/passwords.py): at least 8 characters from three of the four classes, not close to
# the user's own name, username, phone or ID number, not a common password. Every message is in Chinese.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "parkparty.core.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "parkparty.core.passwords.CharacterClassValidator", "OPTIONS": {"classes": 3}},
    {"NAME": "parkparty.core.passwords.PersonalInformationValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Sign-in lockout (django-axes, parkparty/lockout.py): a username is locked after
# PARKPARTY_LOGIN_FAILURE_LIMIT failures, an address after PARKPARTY_LOGIN_IP_FAILURE_LIMIT (a park
# office shares one address, so the address limit is much higher), each for PARKPARTY_LOCKOUT_MINUTES.
LOGIN_FAILURE_LIMIT = envint("PARKPARTY_LOGIN_FAILURE_LIMIT", 5)
LOGIN_IP_FAILURE_LIMIT = envint("PARKPARTY_LOGIN_IP_FAILURE_LIMIT", 50)
LOCKOUT_MINUTES = envint("PARKPARTY_LOCKOUT_MINUTES", 30)
for _name, _value in (
    ("PARKPARTY_LOGIN_FAILURE_LIMIT", LOGIN_FAILURE_LIMIT),
    ("PARKPARTY_LOGIN_IP_FAILURE_LIMIT", LOGIN_IP_FAILURE_LIMIT),
    ("PARKPARTY_LOCKOUT_MINUTES", LOCKOUT_MINUTES),
):
    if _value < 1:
        raise ImproperlyConfigured(f"{_name} must be at least 1, not {_value}")
AXES_HANDLER = "parkparty.core.lockout.LockoutHandler"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = datetime.timedelta(minutes=LOCKOUT_MINUTES)
AXES_RESET_ON_SUCCESS = True
# The lockout runs LOCKOUT_MINUTES from the failure that caused it; tries during the lockout do not extend it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "parkparty.core.audit.client_ip"
AXES_LOCKOUT_CALLABLE = "parkparty.core.lockout.lockout_response"
# Sign-ins and sign-outs are in the audit log (parkparty.core.audit); axes keeps only the failure counters.
AXES_DISABLE_ACCESS_LOG = True
# Unlocking goes through the user admin's audited action (or axes_reset_username), not by deleting counters.
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False

# Reverse proxies in front of the application that append the client's address to X-Forwarded-For.
# 0 (the default): the address is the connection's (REMOTE_ADDR) and X-Forwarded-For is ignored.
PROXY_COUNT = envint("PARKPARTY_PROXY_COUNT", 0)
if PROXY_COUNT < 0:
    raise ImproperlyConfigured(f"PARKPARTY_PROXY_COUNT must be 0 or more, not {PROXY_COUNT}")

# Sessions: signed out after IDLE_TIMEOUT_MINUTES without a request, and in any case SESSION_COOKIE_AGE
# seconds after signing in (DJANGO_SESSION_AGE). 0 turns the idle timeout off.
IDLE_TIMEOUT_MINUTES = envint("PARKPARTY_IDLE_TIMEOUT_MINUTES", 30)
# A password older than this many days must be changed at the next request; 0 (default): no expiry.
PASSWORD_MAX_AGE_DAYS = envint("PARKPARTY_PASSWORD_MAX_AGE_DAYS", 0)
# Accounts without a sign-in for this many days are disabled (disable_dormant_accounts); 0: never.
DORMANT_ACCOUNT_DAYS = envint("PARKPARTY_DORMANT_ACCOUNT_DAYS", 90)

# The audit log keeps every entry at least AUDIT_MIN_RETENTION_DAYS; purge_audit_log deletes older ones
# (the database refuses to delete younger entries whatever this setting says).
AUDIT_MIN_RETENTION_DAYS = 180
AUDIT_RETENTION_DAYS = envint("PARKPARTY_AUDIT_RETENTION_DAYS", AUDIT_MIN_RETENTION_DAYS)
if AUDIT_RETENTION_DAYS < AUDIT_MIN_RETENTION_DAYS:
    raise ImproperlyConfigured(
        f"PARKPARTY_AUDIT_RETENTION_DAYS must be at least {AUDIT_MIN_RETENTION_DAYS}, not {AUDIT_RETENTION_DAYS}"
    )

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = envint("DJANGO_SESSION_AGE", 8 * 3600)
SESSION_COOKIE_SECURE = envbool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# HTTPS. Behind nginx, DJANGO_SECURE_PROXY_SSL_HEADER names the header the proxy sets
# (`proxy_set_header X-Forwarded-Proto $scheme;`), so Django knows a request came over HTTPS.
SECURE_PROXY_SSL_HEADER = envheader("DJANGO_SECURE_PROXY_SSL_HEADER")
SECURE_SSL_REDIRECT = envbool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = envint("DJANGO_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = envbool("DJANGO_HSTS_PRELOAD", True)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy, sent by parkparty.core.middleware.SecurityHeadersMiddleware (the setting has the
# name and shape of Django 6.0's built-in one). Pages load only our own static files: no inline script
# or style, no framing, forms post only to this site. `data:` images are Bootstrap's CSS icons.
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
CSP_REPORT_URI = os.environ.get("DJANGO_CSP_REPORT_URI", "").strip()
if CSP_REPORT_URI:
    if not re.fullmatch(r"[!-~]+", CSP_REPORT_URI) or ";" in CSP_REPORT_URI or "," in CSP_REPORT_URI:
        raise ImproperlyConfigured(f"DJANGO_CSP_REPORT_URI must be one URL, not {CSP_REPORT_URI!r}")
    SECURE_CSP["report-uri"] = [CSP_REPORT_URI]
SECURE_CSP_REPORT_ONLY: dict[str, list[str]] = {}
# Browser features no page uses, switched off for every page.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
}

SIMPLE_HISTORY_REVERT_DISABLED = True

# Report templates are filled in a child process, stopped after this many seconds or when it asks for
# this many megabytes more than it started with (reports/sandbox.py).
REPORT_RENDER_TIMEOUT = envint("PARKPARTY_REPORT_TIMEOUT", 5)
REPORT_RENDER_MEMORY_MB = envint("PARKPARTY_REPORT_MEMORY_MB", 512)
# Generated reports are also turned into PDF by LibreOffice (reports/pdf.py): whether to, the program
# (found on PATH when unset) and the seconds one conversion may take.
REPORT_PDF_ENABLED = envbool("PARKPARTY_PDF", True)
REPORT_SOFFICE = os.environ.get("PARKPARTY_SOFFICE", "")
REPORT_PDF_TIMEOUT = envint("PARKPARTY_PDF_TIMEOUT", 60)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    # axes reports every sign-in at INFO; sign-ins are in the audit log, failures still show as warnings.
    "loggers": {"axes": {"level": "WARNING"}},
}
