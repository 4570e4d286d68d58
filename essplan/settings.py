"""essplan settings: one module, every deployment value read from the environment.

Every variable is read by one of the env_* helpers below, and only by them; a variable
NAME may also be given as a file, NAME_FILE (Docker/Kubernetes secrets). django-environ
parses the two URL values (DATABASE_URL, EMAIL_URL). Production defaults are safe (DEBUG
off, HTTPS only, secure cookies, HSTS); a developer opts into DEBUG. A malformed value
stops the start-up with an ImproperlyConfigured error that names the variable.
"""

import datetime
import ipaddress
import os
from pathlib import Path
from typing import Any, overload
from urllib.parse import unquote, urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from django.middleware.csp import CSP

from essplan.release import fingerprint

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


@overload
def env_str(name: str, default: str) -> str: ...
@overload
def env_str(name: str, default: None = None) -> str | None: ...
def env_str(name: str, default: str | None = None) -> str | None:
    """NAME's value, or the content of the file named by NAME_FILE."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE: cannot read {path} ({exc}).") from exc
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = env_str(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a boolean: use one of true/false, 1/0, yes/no, on/off."
    )


def env_int(name: str, default: int) -> int:
    raw = env_str(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = env_str(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def database_from_url(name: str) -> dict[str, Any]:
    """DATABASES["default"] from a postgres:// URL in the NAME variable."""
    raw = env_str(name)
    scheme = urlsplit(raw).scheme
    if scheme not in {"postgres", "postgresql", "pgsql"}:
        raise ImproperlyConfigured(
            f"{name} must be a PostgreSQL URL such as "
            f"postgresql://user:password@host:5432/essplan (got scheme {scheme!r})."
        )
    try:
        config = environ.Env.db_url_config(raw)
    except (ValueError, KeyError) as exc:
        raise ImproperlyConfigured(f"{name} is malformed: {exc}.") from exc
    if not config.get("NAME"):
        raise ImproperlyConfigured(f"{name} must name a database, e.g. .../essplan.")
    if config.get("PORT") == "":
        config.pop("PORT")
    # A socket directory is written percent-encoded: postgresql://user@%2Fvar%2Frun%2Fpg/db.
    config["HOST"] = unquote(config.get("HOST") or "")
    return config


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only-key-never-use-it-in-production-0123"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "pgtrigger",
    "pghistory",
    "django_filters",
    "import_export",
    "axes",
    "structures",
    "actions",
    "indicators",
    "committee",
    "reports",
    "jobs",
    "publicsite",
    "django_tasks_db",
    # Last: its post_migrate hooks (roles, version triggers) see every app's tables.
    "essplan",
]

MIDDLEWARE = [
    # First: /healthz answers before any redirect, session or login (essplan/health.py).
    "essplan.health.HealthCheckMiddleware",
    # The security headers on every answer below, errors of other middleware included.
    "essplan.security.SecurityHeadersMiddleware",
    "essplan.security.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "essplan.security.RejectNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "essplan.datacache.RequestMemoMiddleware",
    # The public site's answers, kept whole per data version: before the session and the login.
    "publicsite.cache.PublicCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before the CSRF check reads the body: a visitor's or an account's size limit.
    "essplan.security.BodySizeLimitMiddleware",
    # A session idle for SESSION_IDLE_TIMEOUT is logged out, then sent to log in (sessions.py).
    "essplan.sessions.IdleTimeoutMiddleware",
    # A session opened by a personal link opens only its campaign's pages (essplan/links.py).
    "essplan.links.LinkSessionMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "pghistory.middleware.HistoryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
]

# The history records who wrote: only requests that write carry that context (a reading
# request then never loads the user for it: the public pages touch no session).
PGHISTORY_MIDDLEWARE_METHODS = ("POST", "PUT", "PATCH", "DELETE")

ROOT_URLCONF = "essplan.urls"
WSGI_APPLICATION = "essplan.wsgi.application"

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
                "django.template.context_processors.csp",
                "essplan.datacache.context",
                "reports.navigation.context",
            ],
            "builtins": ["essplan.french"],
        },
    },
]

# The release (essplan.release): shared-cache keys carry it, so a deploy starts from fragments
# rendered by its own templates.
RELEASE = env_str("RELEASE", "") or fingerprint(BASE_DIR)


# The cache of rendered fragments: each process's own memory by default (one server); with
# several servers, a Redis server that they share (CACHE_URL=redis://host:6379/1, Django's own
# Redis backend). Keys carry the versions of the data they print (essplan.datacache) and the
# release, so a value never outlives the data or the code it was made from.
def cache_from_url(name: str) -> dict[str, Any]:
    raw = env_str(name, "")
    if urlsplit(raw).scheme not in {"redis", "rediss", "unix"}:
        raise ImproperlyConfigured(
            f"{name} must be a Redis URL such as redis://127.0.0.1:6379/1 (got {raw!r})."
        )
    return {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": own_test_database(raw),
        "KEY_PREFIX": f"{env_str('CACHE_KEY_PREFIX', 'essplan')}-{RELEASE}",
    }


def own_test_database(url: str) -> str:
    """URL, or, in a parallel test worker (pytest-xdist names it gw0, gw1… in
    PYTEST_XDIST_WORKER), the Redis database that many after URL's: the tests empty their
    cache between tests (FLUSHDB), which must not empty another worker's."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw"):
        return url
    parts = urlsplit(url)
    number = int(parts.path.strip("/") or 0) + int(worker[2:])
    return parts._replace(path=f"/{number}").geturl()


# The public site's kept answers (publicsite.cache) have a cache of their own, apart from the
# rest: in Redis under their own key prefix (bounded by the server's maxmemory), else 32 MiB a
# process (essplan.boundedcache). An hour at most: the copies of older data versions go.
if env_str("CACHE_URL"):
    CACHES = {"default": cache_from_url("CACHE_URL")}
    CACHES["public"] = {
        **CACHES["default"],
        "TIMEOUT": 3600,
        "KEY_PREFIX": f"{CACHES['default']['KEY_PREFIX']}-public",
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "essplan.boundedcache.BoundedLocMemCache",
            "LOCATION": "default",
            "OPTIONS": {
                "MAX_BYTES": env_int("CACHE_MAX_BYTES", 32 * 2**20),
                "MAX_ENTRIES": 1_000_000,
            },
        },
        "public": {
            "BACKEND": "essplan.boundedcache.BoundedLocMemCache",
            "LOCATION": "public",
            "TIMEOUT": 3600,
            "OPTIONS": {"MAX_BYTES": 32 * 2**20, "MAX_ENTRIES": 1_000_000},
        },
    }
# The figures and page bodies kept by each process as they are (essplan.datacache), weighed
# by their pickled size (about a third of what they take in memory).
DATACACHE_MAX_BYTES = env_int("DATACACHE_MAX_BYTES", 32 * 2**20)

# Long work (reports, large imports) runs as jobs (jobs/): queued in the database by
# django-tasks-db and run by `manage.py db_worker` processes; JOBS_BACKEND=immediate runs a
# job inside the request that asks for it (no worker needed).
TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
    "immediate": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"},
}
JOBS_BACKEND = env_str("JOBS_BACKEND", "default")

# Database: the server named by DATABASE_URL, else the embedded one in var/pgdata.
if env_str("DATABASE_URL"):
    DATABASES = {"default": database_from_url("DATABASE_URL")}
else:
    DATABASES = {
        "default": {
            "ENGINE": "essplan.pgembedded",
            "NAME": "postgres",
            "USER": "postgres",
        }
    }
DATABASES["default"]["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# psycopg's connection pool, one per process (it replaces persistent connections). Through a
# database outage it fails fast and comes back with the database, as the application does
# without it: a request waits DATABASE_POOL_TIMEOUT seconds for a connection, then fails (503
# from /healthz) instead of the pool's default 30 s; a lost connection is retried for 2 s, then
# the next request asks for a new one at once (by default the retries back off to minutes and
# outlived a 40 s outage by 15 s and more); a new connection gives up after 5 s (a host that
# drops packets). Each connection is checked as it is taken (CONN_HEALTH_CHECKS, above).
if env_bool("DATABASE_POOL", False):
    DATABASES["default"]["OPTIONS"] = {
        "connect_timeout": 5,
        **DATABASES["default"].get("OPTIONS", {}),
        "pool": {
            "min_size": 1,
            "max_size": env_int("DATABASE_POOL_SIZE", 4),
            "timeout": env_int("DATABASE_POOL_TIMEOUT", 3),
            "reconnect_timeout": 2,
        },
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
# Two test runs at once (CI's two passes, a developer's run) each get their own database.
DATABASES["default"]["TEST"] = {"NAME": f"test_essplan_{os.getpid()}"}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "essplan.backends.CachedPermissionsBackend",
]

# Brute-force protection (django-axes): 5 failed logins for one account from one address
# lock that pair for 15 minutes. The account is counted whatever the spelling of its name
# (username, address in any case): essplan/backends.py.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "essplan.backends.lockout_key"
# How many reverse proxies stand before the application and append to X-Forwarded-For: the
# client address that the lockout counts is read through them (essplan/security.py).
TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 0)
# The addresses those proxies reach the application from: X-Forwarded-* headers from any
# other address are dropped (essplan.security.TrustedProxyMiddleware).
try:
    TRUSTED_PROXY_NETWORKS = [
        ipaddress.ip_network(item)
        for item in env_list("TRUSTED_PROXY_ADDRESSES", ["127.0.0.1", "::1"])
    ]
except ValueError as exc:
    raise ImproperlyConfigured(f"TRUSTED_PROXY_ADDRESSES: {exc}.") from None
AXES_CLIENT_IP_CALLABLE = "essplan.security.client_ip"
# « Mot de passe oublié ? » requests that send a mail, within an hour: per address, per client.
RESET_REQUESTS_PER_ADDRESS = env_int("RESET_REQUESTS_PER_ADDRESS", 3)
RESET_REQUESTS_PER_CLIENT = env_int("RESET_REQUESTS_PER_CLIENT", 10)

# The largest request body accepted, before it is read: an account's (the 10 MB upload of an
# import or an attachment and its form) and a visitor's (the login, reset and listing forms).
# Below them, Django's own limits apply (DATA_UPLOAD_MAX_MEMORY_SIZE, 2.5 MB of form fields;
# a file above FILE_UPLOAD_MAX_MEMORY_SIZE, 2.5 MB, is spooled to a temporary file).
REQUEST_MAX_BYTES = env_int("REQUEST_MAX_BYTES", 11 * 1024 * 1024)
ANONYMOUS_REQUEST_MAX_BYTES = env_int("ANONYMOUS_REQUEST_MAX_BYTES", 64 * 1024)

# A checked import file waits this long for its confirmation, then is erased.
IMPORT_STAGING_TTL = datetime.timedelta(minutes=env_int("IMPORT_STAGING_MINUTES", 60))
# The licence of the open data (/public/donnees/).
OPEN_DATA_LICENCE = env_str("OPEN_DATA_LICENCE", "Licence Ouverte 2.0 (Etalab)")
OPEN_DATA_LICENCE_URL = env_str(
    "OPEN_DATA_LICENCE_URL", "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
)
# Requests to appear on the public directory accepted from one address within an hour.
LISTING_REQUESTS_PER_HOUR = env_int("LISTING_REQUESTS_PER_HOUR", 5)
# A file of more rows than this is checked and imported by a background job.
IMPORT_JOB_ROWS = env_int("IMPORT_JOB_ROWS", 2000)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "reports:home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
WHITENOISE_AUTOREFRESH = DEBUG
# Every file the application writes (reports, attachments) goes through the default storage:
# MEDIA_ROOT, a directory that several servers may share (NFS), or, with S3_BUCKET, an
# S3-compatible object store through django-storages (pip install -e '.[s3]').
if env_str("S3_BUCKET"):
    default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("S3_BUCKET"),
            "endpoint_url": env_str("S3_ENDPOINT_URL"),
            "region_name": env_str("S3_REGION"),
            "access_key": env_str("S3_ACCESS_KEY_ID"),
            "secret_key": env_str("S3_SECRET_ACCESS_KEY"),
            "location": env_str("S3_PREFIX", ""),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": default_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}


# E-mail: the SMTP server of EMAIL_URL (smtp+tls://user:password@host:587), else
# the local mail transfer agent; the console in development. Tests use locmem.
def mailer_from_url(name: str) -> dict[str, Any]:
    try:
        config = environ.Env.email_url_config(env_str(name))
    except (ValueError, KeyError) as exc:
        raise ImproperlyConfigured(f"{name} is malformed: {exc}.") from exc
    return {
        "BACKEND": config["EMAIL_BACKEND"],
        "OPTIONS": {
            "host": config.get("EMAIL_HOST", "localhost"),
            "port": config.get("EMAIL_PORT") or 25,
            "username": config.get("EMAIL_HOST_USER", ""),
            "password": config.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": bool(config.get("EMAIL_USE_TLS")),
            "use_ssl": bool(config.get("EMAIL_USE_SSL")),
        },
    }


if env_str("EMAIL_URL"):
    MAILERS = {"default": mailer_from_url("EMAIL_URL")}
elif DEBUG:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
else:
    # The server's own mail transfer agent.
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend"}}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "essplan <ne-pas-repondre@essplan.local>")
# Where the ESS team is reached: given in every reminder, and its Reply-To.
ESS_TEAM_CONTACT_EMAIL = env_str("ESS_TEAM_CONTACT_EMAIL", DEFAULT_FROM_EMAIL)
# The address of the application in e-mails (links of reminders and invitations).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Campaign reminders go this many days before the due date, on it, then weekly.
try:
    REMINDER_DAYS_BEFORE = sorted(
        {int(day) for day in env_list("REMINDER_DAYS_BEFORE", ["14", "3"])}, reverse=True
    )
except ValueError:
    raise ImproperlyConfigured("REMINDER_DAYS_BEFORE is a list of whole numbers of days.") from None

# Personal links (essplan/links.py): the reminders and hand-off mails to a pilot carry a link
# that signs the pilot in (django-sesame), kept to the campaign's pages, refused once the
# campaign is closed or PERSONAL_LINK_GRACE_DAYS past its due date (the weekly reminders go on
# after it), once the account is deactivated, its password changed or its links revoked.
# Off: the mails carry the plain URLs, a log-in needed.
PERSONAL_LINKS = env_bool("PERSONAL_LINKS", True)
PERSONAL_LINK_GRACE_DAYS = env_int("PERSONAL_LINK_GRACE_DAYS", 90)
AUTHENTICATION_BACKENDS.append("essplan.backends.PersonalLinkBackend")
SESAME_MAX_AGE = datetime.timedelta(days=400)  # a ceiling: each campaign bounds its own
SESAME_INVALIDATE_ON_PASSWORD_CHANGE = True
SESAME_ONE_TIME = False  # a reminder is opened again; mail scanners open links first
# django-axes keeps a failed log-in's query string, these values masked: the token too.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "sesame"]

# Security: safe unless DEBUG (development) opts out of HTTPS.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# Believed only from a trusted proxy (the header is dropped otherwise, essplan.security).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUSTED_PROXIES else None
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Database sessions (essplan/sessions.py): one query a request, the same in every process.
SESSION_ENGINE = "essplan.sessions"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
# A session without a request for this long (seconds) is logged out at its next one.
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 2 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
X_FRAME_OPTIONS = "DENY"
SECURE_CSP: dict[str, Any] = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    # The nonce lets the inline <style> of the server-side SVG charts (pygal) apply; their
    # style="…" attributes (dash patterns) need style-src-attr. Scripts stay 'self' only.
    "style-src": [CSP.SELF, CSP.NONCE],
    "style-src-attr": [CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Server errors (500) are logged and, when ADMINS lists addresses, mailed to them.
ADMINS = env_list("ADMINS", [])
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
        },
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
    "loggers": {
        "django.request": {
            "handlers": ["console", "mail_admins"],
            "level": "ERROR",
            "propagate": False,
        },
    },
}
