"""Settings come from the environment; every default is the embedded one
(SQLite, e-mail to the console, Celery tasks run in process)."""

import os
import warnings
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor

from config.logging import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    return os.environ.get(name, str(default)).strip().lower() in ("1", "true", "yes", "on")


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Safe by default: DEBUG only when asked for (bin/run asks), and outside DEBUG no start
# without a real SECRET_KEY (the development key below is public).
DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable to a long random value "
            "(e.g. the output of: python3 -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or DEBUG=1 for development only. See README, Production."
        )
    SECRET_KEY = "dev-only-not-secret-change-me"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# HTTPS, under Django's own setting names from the environment (README, Production). Off by
# default so bin/run and the tests work on plain http://127.0.0.1.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD")
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE")
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE")
# The header the TLS proxy sets and its value for https, e.g. "HTTP_X_FORWARDED_PROTO,https".
SECURE_PROXY_SSL_HEADER = tuple(env_list("SECURE_PROXY_SSL_HEADER")) or None
if SECURE_PROXY_SSL_HEADER and len(SECURE_PROXY_SSL_HEADER) != 2:
    raise ImproperlyConfigured("SECURE_PROXY_SSL_HEADER must be 'HEADER,value', e.g. 'HTTP_X_FORWARDED_PROTO,https'.")
# The load balancer probes the health endpoint on plain http, behind the proxy.
SECURE_REDIRECT_EXEMPT = [r"^health/"]
# A form sent without a valid CSRF token: a Danish page in the site's layout (config/errors.py).
CSRF_FAILURE_VIEW = "config.errors.csrf_failure"

# Absolute base for links in e-mails (no request there).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# A department's administrator gets the catalogue and workflow models' permissions from
# approvals.policy (which rows: the scoped admin); everybody else as Django's own.
AUTHENTICATION_BACKENDS = [
    # First: refuses a username locked out from this client before any password is checked (django-axes).
    "accounts.backends.LoginLockoutBackend",
    # Django's passwords (off with LOCAL_LOGIN=false) and the directory's single sign-on.
    "accounts.backends.LocalPasswordBackend",
    "accounts.sso.OidcBackend",
    "accounts.backends.DepartmentAdministratorBackend",
]

INSTALLED_APPS = [
    "config.apps.AdminConfig",  # django.contrib.admin with config.admin_site.AdminSite
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_filters",
    "import_export",
    "simple_history",
    "accounts.axes_app.AxesConfig",  # django-axes, named in Danish
    "proposals",
    "approvals",
    "accounts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files (hashed, compressed, long cache after collectstatic) without a web server in front.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A directory user's groups and claims are checked again every SSO_RECHECK_MINUTES.
    "accounts.middleware.DirectorySessionRefresh",
    # A NUL byte in the address is a 400 before any view reads it (PostgreSQL refuses NUL in text).
    "config.middleware.RefuseNullCharactersMiddleware",
    # The access policy reads who the user is once per request (approvals.policy.Reach).
    "approvals.middleware.PolicyScopeMiddleware",
    # Anonymous users see nothing but the login page.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # The signed-in user is named in the history of every figure changed during the request.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns a lockout into the lockout page (django-axes).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"


def database_from_environment(environ):
    """The default database: DATABASE_URL, or PostgreSQL from DATABASE_HOST, DATABASE_PORT,
    DATABASE_NAME, DATABASE_USER and DATABASE_PASSWORD (taken as they are: a password with
    ``/``, ``#`` or ``@`` needs no URL-quoting; compose.yaml uses these), or SQLite."""
    url = environ.get("DATABASE_URL", "")
    parts = {key: environ.get(f"DATABASE_{key}", "") for key in ("HOST", "PORT", "NAME", "USER", "PASSWORD")}
    if url and any(parts.values()):
        named = ", ".join(f"DATABASE_{key}" for key, value in parts.items() if value)
        raise ImproperlyConfigured(f"Set either DATABASE_URL or {named}, not both.")
    if any(parts.values()):
        url = "postgres://"  # the engine only; the parts below are set as they are
    # Persistent connections (a minute), checked before their first use in each request or
    # task: a connection the server dropped (restart, failover) is replaced, not a 500.
    database = dj_database_url.parse(
        url or f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=60, conn_health_checks=True
    )
    if any(parts.values()):
        database.update(
            HOST=parts["HOST"] or "localhost",
            PORT=int(parts["PORT"] or 5432),
            NAME=parts["NAME"] or "budget",
            USER=parts["USER"] or "budget",
            PASSWORD=parts["PASSWORD"],
        )
    return database


DATABASES = {"default": database_from_environment(os.environ)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite has no SELECT ... FOR UPDATE: take the write lock when a transaction starts, so
    # two people pressing the same button wait for each other instead of one getting
    # "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(transaction_mode="IMMEDIATE", timeout=20)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Passwords: scrypt, memory-hard (16 MiB a hash), with Django's parameters N = 2^14, r = 8,
# p = 5: OWASP's minimum for scrypt (its equal-cost form of N = 2^17, p = 1). About 0,15 CPU
# seconds a hash on this project's 2-core machine, less than PBKDF2 at Django's 1.000.000 rounds
# (0,19 s) and far costlier to guess on a GPU. Hashes made before (PBKDF2) still sign in and are
# stored anew as scrypt at that sign-in. Argon2 is not used: it needs a compiled package
# (argon2-cffi); scrypt is in Python's hashlib. README "Sign-in under a burst".
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# The number of proxies in front (the municipality's TLS proxy or load balancer: usually 1).
# Each appends the address it was reached from to X-Forwarded-For, so the client is that many
# addresses from the right (accounts.client); 0: the connection's own address. (Read from
# AXES_IPWARE_PROXY_COUNT too, the name it had when only the lockout used it.)
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT") or os.environ.get("AXES_IPWARE_PROXY_COUNT") or 0)
# Login lockout (django-axes): the 10th wrong password in a row for one username from one client
# locks that username from that client (HTTP 429, a Danish page); from other clients the user
# still signs in. A right password resets the count. The lockout lifts after AXES_COOLOFF_TIME
# hours (default half an hour; 0: only an administrator lifts it, in the admin (Adgangsforsøg)
# or with `manage.py axes_reset_username USERNAME`).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "10"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_COOLOFF_TIME = timedelta(hours=float(os.environ.get("AXES_COOLOFF_TIME") or 0.5)) or None
AXES_CLIENT_IP_CALLABLE = "accounts.client.client_address"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
# The log says which user name was tried from which address (never the password).
AXES_SENSITIVE_PARAMETERS = []
# Password reset e-mails (local accounts only): per address and per client within an hour.
PASSWORD_RESET_PER_ADDRESS_PER_HOUR = int(os.environ.get("PASSWORD_RESET_PER_ADDRESS_PER_HOUR", "3"))
PASSWORD_RESET_PER_CLIENT_PER_HOUR = int(os.environ.get("PASSWORD_RESET_PER_CLIENT_PER_HOUR", "20"))
# The attempted user name as recorded, cut to the length axes' tables hold (accounts.lockout).
AXES_USERNAME_CALLABLE = "accounts.lockout.attempted_username"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Single sign-on with the municipality's directory (OpenID Connect: Entra ID, AD FS;
# mozilla-django-oidc's setting names): on when OIDC_RP_CLIENT_ID is set. The endpoints are in
# the provider's /.well-known/openid-configuration. Group claims map to committees and
# departments in the admin (Grupper fra single sign-on). LOCAL_LOGIN=false leaves only SSO.
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
OIDC_OP_ISSUER = os.environ.get("OIDC_OP_ISSUER", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "")  # optional: claims from the ID token
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = os.environ.get("OIDC_RP_SCOPES", "openid email profile")
OIDC_USERNAME_CLAIM = os.environ.get("OIDC_USERNAME_CLAIM", "preferred_username")
OIDC_GROUPS_CLAIM = os.environ.get("OIDC_GROUPS_CLAIM", "groups")
OIDC_PROVIDER_NAME = os.environ.get("OIDC_PROVIDER_NAME", "")
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 10
# The e-mail claim decides manager access and where e-mail goes; it is copied only when the ID
# token says email_verified, or when the provider is declared to vouch for every address it
# issues (e.g. the municipality's own Entra ID tenant, whose users cannot set their address).
OIDC_EMAIL_VERIFIED_BY_PROVIDER = env_bool("OIDC_EMAIL_VERIFIED_BY_PROVIDER")
# A directory user's claims (groups, e-mail, the account itself) are checked again this often
# (accounts.middleware): removing someone from a group ends their access within this time.
OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS = int(float(os.environ.get("SSO_RECHECK_MINUTES", "15")) * 60)
OIDC_EXEMPT_URLS = ["logout", "health"]
LOCAL_LOGIN = env_bool("LOCAL_LOGIN", True)
if not LOCAL_LOGIN and not OIDC_RP_CLIENT_ID:
    raise ImproperlyConfigured("LOCAL_LOGIN=false needs single sign-on: set OIDC_RP_CLIENT_ID and the OIDC_* settings.")

LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Dansk")), ("en", _("Engelsk"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
# Named date formats per language (config/formats/da, en): templates and code ask for
# "DATE_FORMAT"/"DATETIME_FORMAT", never a pattern of their own.
FORMAT_MODULE_PATH = ["config.formats"]

# History of every figure (django-simple-history): read-only in the admin; a catalogue is
# changed by its own forms and imports, not by restoring one row of it.
SIMPLE_HISTORY_REVERT_DISABLED = True

STATIC_URL = "static/"
# collectstatic writes hashed, compressed copies here (the Dockerfile and the README's
# production steps run it); WhiteNoise serves them with a one-year cache. Before that (bin/run,
# the tests) the plain files are served from the folders below (config.static).
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "config.static.StaticFilesStorage"},
}
# Before collectstatic, WhiteNoise finds each file in those folders when asked (no start-up scan,
# which every test client would pay); after it, it serves the collected files only.
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = not (STATIC_ROOT / "staticfiles.json").exists()
warnings.filterwarnings("ignore", message="No directory at: ")  # WhiteNoise, before collectstatic
# Not worth compressing: DKFDS' legacy font formats (browsers take its woff2) and its sources.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "ttf", "otf", "eot", "map", "scss"]
# DKFDS is installed from npm by bin/setup into node_modules; served by the app, no CDN.
STATICFILES_DIRS = [BASE_DIR / "static"]
if (BASE_DIR / "node_modules" / "dkfds" / "dist").exists():
    STATICFILES_DIRS.append(("dkfds", BASE_DIR / "node_modules" / "dkfds" / "dist"))
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "media/"

# E-mail: console by default; EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and
# the settings below for a real server (e.g. Exchange Online: port 587, EMAIL_USE_TLS=1, user
# and password). The server's certificate is verified against the system's CAs (SSL_CERT_FILE
# names another bundle, e.g. the municipality's own CA).
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")  # STARTTLS on a plain connection (port 587)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")  # TLS from the first byte (port 465)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("Set EMAIL_USE_TLS (STARTTLS, port 587) or EMAIL_USE_SSL (port 465), not both.")
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "budget@kommune.example")

# Celery: with no broker configured, tasks run in process (the embedded default).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "memory://")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", "CELERY_BROKER_URL" not in os.environ)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
# A web request spends at most about this long on the broker when it queues tasks (config.celery.enqueue):
# what it could not queue is queued by the beat's sweep.
BROKER_ENQUEUE_SECONDS = float(os.environ.get("BROKER_ENQUEUE_SECONDS", "0.5"))
CELERY_BEAT_SCHEDULE = {
    "hearing-reminders": {"task": "approvals.tasks.send_hearing_reminders", "schedule": crontab(minute=0, hour=7)},
    # Memos, hearings past their deadline, stale memo pages, waiting imports, due e-mails (approvals.sweep).
    "sweep": {"task": "approvals.tasks.sweep", "schedule": float(os.environ.get("MEMO_SWEEP_INTERVAL_SECONDS", "60"))},
}

# The hearing response and HMU review forms post a stance, a comment and a confirmation per
# proposal (approvals.forms.PerProposalForm). Django's limits (1,000 fields, 2.5 MB) would
# refuse a catalogue of more than ~330 proposals; they are sized from the largest catalogue
# we take instead (a whole municipality's budget: 5,000 proposals, with room), so an
# oversized or abusive POST is still refused. Body: about 1,000 characters per proposal.
LARGEST_CATALOGUE_PROPOSALS = int(os.environ.get("LARGEST_CATALOGUE_PROPOSALS", "6000"))
DATA_UPLOAD_MAX_NUMBER_FIELDS = 3 * LARGEST_CATALOGUE_PROPOSALS + 100
DATA_UPLOAD_MAX_MEMORY_SIZE = max(2_621_440, 1_000 * LARGEST_CATALOGUE_PROPOSALS)

# Workflow and memo settings.
HEARING_REMINDER_DAYS = int(os.environ.get("HEARING_REMINDER_DAYS", "2"))
MEMO_QUIET_PERIOD_SECONDS = int(os.environ.get("MEMO_QUIET_PERIOD_SECONDS", "600"))
# The memo sweep looks at the signed-off catalogues changed since it last looked (change marks);
# as a safety net for writes that mark nothing (a bulk update, SQL) it looks at each one again
# once its last look is older than this, at most MEMO_FULL_CHECKS_PER_SWEEP of them a pass.
MEMO_FULL_CHECK_SECONDS = int(os.environ.get("MEMO_FULL_CHECK_SECONDS", str(24 * 3600)))
MEMO_FULL_CHECKS_PER_SWEEP = int(os.environ.get("MEMO_FULL_CHECKS_PER_SWEEP", "20"))
# Attempts per e-mail (any kind) before it is marked failed (back-off 5 s doubling to 1 hour:
# ~6 hours). MEMO_DELIVERY_MAX_ATTEMPTS is its old name, still read when the new one is not set.
EMAIL_MAX_ATTEMPTS = int(os.environ.get("EMAIL_MAX_ATTEMPTS") or os.environ.get("MEMO_DELIVERY_MAX_ATTEMPTS") or "16")
# A worker sending an e-mail holds it this long (approvals.outbox.delivery): nobody else sends it
# meanwhile; a worker that died holding it is replaced once it runs out. Far above EMAIL_TIMEOUT.
EMAIL_SEND_LEASE_SECONDS = int(os.environ.get("EMAIL_SEND_LEASE_SECONDS", "600"))
# Days a budget party's signed link to a memo (no login; approvals.memos.links) stays valid.
MEMO_READER_LINK_MAX_AGE_DAYS = int(os.environ.get("MEMO_READER_LINK_MAX_AGE_DAYS", "90"))

DJANGO_TABLES2_TEMPLATE = "proposals/tables/dkfds_table.html"  # DKFDS markup, no Bootstrap
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
# The admin import's preview and its confirmation may reach different web servers: the
# uploaded file waits in the cache they all share (config/cache.py): a database table made by
# migrate, or Redis with CACHE_URL=redis://host:6379/1.
IMPORT_EXPORT_TMP_STORAGE_CLASS = "import_export.tmp_storages.CacheStorage"
# A confirmed import of a file with more rows than this runs in a Celery task, with its
# progress in the admin (proposals.import_jobs); smaller files are imported in the request.
IMPORT_IN_BACKGROUND_ROWS = int(os.environ.get("IMPORT_IN_BACKGROUND_ROWS", "3000"))

# --- Limits of a catalogue spreadsheet (proposals/spreadsheets/limits.py) -------------------
# One set for every way in: the admin's upload, import_catalogue and the background import.
# A file over one is refused before it is parsed, with a Danish message naming the limit and
# the file's figure. Defaults: a 50.000-row, 40-column catalogue fits with room (README,
# "Limits"). The admin upload stops reading a file past IMPORT_MAX_UPLOAD_BYTES (the upload
# handler below keeps only a count of the rest), so a huge upload never fills memory or disk;
# the proxy's own body limit (e.g. nginx client_max_body_size) should be at least as large.
IMPORT_MAX_UPLOAD_BYTES = int(os.environ.get("IMPORT_MAX_UPLOAD_BYTES", str(32 * 1024 * 1024)))
IMPORT_MAX_UNPACKED_BYTES = int(os.environ.get("IMPORT_MAX_UNPACKED_BYTES", str(200 * 1024 * 1024)))
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "100000"))
IMPORT_MAX_CELLS = int(os.environ.get("IMPORT_MAX_CELLS", "3000000"))
FILE_UPLOAD_HANDLERS = [
    "proposals.uploads.UploadLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# --- end of the spreadsheet limits ------------------------------------------------------------
CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "django_cache"}}
if os.environ.get("CACHE_URL"):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["CACHE_URL"]}
    }

# Content-Security-Policy (django-csp): nothing inline, nothing from elsewhere. The pages' CSS
# and script are static files; the admin pages in use have no inline script or style either
# (tests/deployment/test_production_csp.py visits them in Chromium).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Operations (config.health): GET /health/ for the load balancer (the database), GET
# /health/monitor/ for monitoring (also broker, worker, beat's sweep, e-mail), which is unhealthy
# when an e-mail has waited longer than this to be sent or beat's sweep has not run for that long.
HEALTH_EMAIL_MAX_AGE_SECONDS = int(os.environ.get("HEALTH_EMAIL_MAX_AGE_SECONDS", "3600"))
HEALTH_SWEEP_MAX_AGE_SECONDS = int(os.environ.get("HEALTH_SWEEP_MAX_AGE_SECONDS", "300"))

# Log lines with time, level and logger; LOG_FORMAT=json for one JSON object a line.
LOGGING = logging_config(os.environ.get("LOG_FORMAT", "text"), os.environ.get("LOG_LEVEL", "INFO"))

# Errors to Sentry when SENTRY_DSN is set (no personal data sent).
if os.environ.get("SENTRY_DSN"):
    import sentry_sdk

    sentry_sdk.init(
        dsn=os.environ["SENTRY_DSN"],
        environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
        traces_sample_rate=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0")),
        send_default_pii=False,
    )
