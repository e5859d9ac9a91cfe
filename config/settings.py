"""Settings come from the environment; every default is the embedded one
(SQLite, e-mail to the console, Celery tasks run in process)."""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    return os.environ.get(name, str(default)).strip().lower() in ("1", "true", "yes", "on")


SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret-change-me")
DEBUG = env_bool("DEBUG", True)
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

# Absolute base for links in e-mails (no request there).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# A department's administrator gets the catalogue and workflow models' permissions from
# approvals.policy (which rows: the scoped admin); everybody else as Django's own.
AUTHENTICATION_BACKENDS = [
    # Django's passwords (off with LOCAL_LOGIN=false) and the directory's single sign-on.
    "approvals.sso.backends.LocalPasswordBackend",
    "approvals.sso.backends.OidcBackend",
    "approvals.backends.DepartmentAdministratorBackend",
]

INSTALLED_APPS = [
    "django.contrib.admin",
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
    "proposals",
    "approvals",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Anonymous users see nothing but the login page.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # The signed-in user is named in the history of every figure changed during the request.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite has no SELECT ... FOR UPDATE: take the write lock when a transaction starts, so
    # two people pressing the same button wait for each other instead of one getting
    # "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(transaction_mode="IMMEDIATE", timeout=20)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
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

# History of every figure (django-simple-history): read-only in the admin; a catalogue is
# changed by its own forms and imports, not by restoring one row of it.
SIMPLE_HISTORY_REVERT_DISABLED = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# DKFDS is installed from npm by bin/setup into node_modules; served by the app, no CDN.
STATICFILES_DIRS = [BASE_DIR / "static"]
if (BASE_DIR / "node_modules" / "dkfds" / "dist").exists():
    STATICFILES_DIRS.append(("dkfds", BASE_DIR / "node_modules" / "dkfds" / "dist"))
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "media/"

# E-mail: console by default; EMAIL_URL-less SMTP settings switch it to a real server.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "budget@kommune.example")

# Celery: with no broker configured, tasks run in process (the embedded default).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "memory://")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", "CELERY_BROKER_URL" not in os.environ)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "hearing-reminders": {"task": "approvals.tasks.send_hearing_reminders", "schedule": crontab(minute=0, hour=7)},
    "memo-sweep": {"task": "approvals.memo_tasks.sweep_memos", "schedule": 60.0},
}

# Workflow and memo settings.
HEARING_REMINDER_DAYS = int(os.environ.get("HEARING_REMINDER_DAYS", "2"))
MEMO_QUIET_PERIOD_SECONDS = int(os.environ.get("MEMO_QUIET_PERIOD_SECONDS", "600"))
# Attempts per memo e-mail before it is marked failed (back-off 5 s doubling to 1 hour: ~6 hours).
MEMO_DELIVERY_MAX_ATTEMPTS = int(os.environ.get("MEMO_DELIVERY_MAX_ATTEMPTS", "16"))

DJANGO_TABLES2_TEMPLATE = "proposals/tables/dkfds_table.html"  # DKFDS markup, no Bootstrap
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
