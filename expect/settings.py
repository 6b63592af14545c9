"""Settings of the EXPE-CT portal, read from the environment only (12-factor).

Every variable has an embedded default that runs the portal on one machine with
nothing to install: SQLite under var/, a broker kept in files under var/broker,
e-mails written to var/mail and media under var/media. Production sets
DATABASE_URL, REDIS_URL, SECRET_KEY, ALLOWED_HOSTS, EMAIL_URL and the S3
variables (see docker-compose.yml).
"""

from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from expect.core.accessibility import read_compliance
from expect.envreader import env_bool, env_int, env_str, env_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("EXPECT_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env()


def _secret_key() -> str:
    """The secret key comes from SECRET_KEY; a local run keeps a generated one in var/."""
    if key := env.str("SECRET_KEY", default=""):
        return key
    from django.core.management.utils import get_random_secret_key

    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(get_random_secret_key())
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # The Django admin, whose site asks for the second factor (expect/accounts/admin_site.py).
    "expect.accounts.admin_site.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.forms",
    "dsfr",
    "widget_tweaks",
    "crispy_forms",
    "django_filters",
    "django_countries",
    "expect.core",
    "expect.organisations",
    "expect.accounts",
    "expect.notifications",
    "labellisation",
    "missions",
    "reports",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "simple_history",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so that static files (SVG icons among them) carry the policies too.
    "csp.middleware.CSPMiddleware",
    "expect.core.security.PermissionsPolicyMiddleware",
    # Refuses what did not come through the proxy, bodies over the cap and control bytes.
    "expect.core.guards.RequestGuardMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Django's, saving the session at each request (idle expiry), with a 503 page if it cannot.
    "expect.accounts.middleware.SlidingSessionMiddleware",
    "expect.core.middleware.FrenchFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # No shared or browser cache keeps a signed-in person's pages, nor any download.
    "expect.core.security.PrivateCacheMiddleware",
    # Records who made each change kept by django-simple-history (expect/core/archive.py).
    "simple_history.middleware.HistoryRequestMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # DAECT staff, and whoever enrolled, give their second factor before anything else.
    "expect.accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Visitors' public pages from the shared cache, until what they show changes.
    "expect.core.public_pages.PublicPageCacheMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A database that cannot be reached gives a 503 page with Retry-After, not a 500.
    "expect.core.dbdown.DatabaseUnavailableMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "expect.urls"
WSGI_APPLICATION = "expect.wsgi.application"

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
                "expect.core.context_processors.portal",
            ],
        },
    },
]
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
FORMS_URLFIELD_ASSUME_HTTPS = True

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'expect.sqlite3'}")
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default: every transaction takes the write lock when it starts, so
    # two of them (a sweep and a delivery, the web and the worker) wait their turn
    # instead of failing with "database is locked" or both reading the same rows.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 30}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# Kept as a list so that ProConnect (OpenID Connect) can be added beside it.
AUTHENTICATION_BACKENDS = [
    # First: refuses any attempt, right password or not, on a locked-out account and address.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "core:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # one day
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 8)  # a working day
# Idle expiry: each request pushes the end of the session a working day further.
SESSION_SAVE_EVERY_REQUEST = True

# Sign-in throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one
# account from one address, that pair is locked for AXES_COOLOFF_MINUTES; a password
# reset through the e-mailed link lifts the lock.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The sign-in forms call the e-mail address "username", as Django's AuthenticationForm does.
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "expect.accounts.lockout.username"
AXES_LOCKOUT_CALLABLE = "expect.accounts.lockout.locked_out"
AXES_HTTP_RESPONSE_CODE = 429
# Behind the reverse proxy (BEHIND_PROXY), the client's address is the last one it added.
AXES_CLIENT_IP_CALLABLE = "expect.accounts.lockout.client_ip"

# Second factor (django-otp): TOTP in an authenticator app, single-use backup codes.
# Each wrong code doubles the wait before the next try (1 s, 2 s, 4 s…).
OTP_TOTP_ISSUER = "EXPE-CT"
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
# Spanish is offered only to foreign partners (their feedback form and its e-mails):
# locale/es holds those few strings.
LOCALE_PATHS = [BASE_DIR / "locale"]
# English pages follow British conventions (15/05/2029): expect/formats/en/formats.py.
FORMAT_MODULE_PATH = ["expect.formats"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"

AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    # Documents are private: they are only ever served through views that check
    # permissions, by short-lived signed URLs.
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env.str("AWS_S3_REGION_NAME", default=None),
            "access_key": env.str("AWS_ACCESS_KEY_ID", default=None),
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default=None),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# The fields of a form, files apart: every free text has its max_length, far below this.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
MAX_UPLOAD_SIZE = env_int("MAX_UPLOAD_SIZE", 10 * 1024 * 1024, minimum=1)
# A request body holds at most one file and its form: larger ones get the 413 page before
# a byte is read (expect.core.guards). deploy/nginx.conf's client_max_body_size matches.
REQUEST_FORM_OVERHEAD = 1024 * 1024
REQUEST_BODY_MAX_SIZE = MAX_UPLOAD_SIZE + REQUEST_FORM_OVERHEAD
# Antivirus: the ClamAV daemon's socket, "unix:///run/clamav/clamd.ctl" (or the bare path)
# or "tcp://127.0.0.1:3310". Empty, as in a local run, means uploads are not scanned: the
# admin says so on every page and `check --deploy` warns. When it is set and the daemon does
# not answer, uploads are held until the task scan_held_uploads scans them.
CLAMAV_URL = env.str("CLAMAV_URL", default="")
CLAMAV_TIMEOUT = env_int("CLAMAV_TIMEOUT", 30, minimum=1)  # seconds

# E-mail: EMAIL_URL (smtp://user:password@host:587/?tls=True) in production;
# by default every message is written as a file under var/mail/ for a person to read.
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="EXPE-CT <expe-ct@diplomatie.gouv.fr>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
DAECT_EMAIL = env.str("DAECT_EMAIL", default="secretariat.dgm-aect@diplomatie.gouv.fr")
_email_options: dict = {}
if env.str("EMAIL_URL", default=""):
    _email = env.email_url("EMAIL_URL")
    _email_options = _email.pop("OPTIONS", {})  # ?timeout=10 lands here
    globals().update(_email)
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
# Seconds an SMTP connect or answer may take: a server that stops answering must not
# hold a worker (EMAIL_TIMEOUT, or `?timeout=` in EMAIL_URL; EMAIL_TIMEOUT wins).
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", int(_email_options.get("TIMEOUT", 20)), minimum=1)
if EMAIL_TIMEOUT <= 0:
    raise ImproperlyConfigured("EMAIL_TIMEOUT must be a positive number of seconds.")

# Celery: Redis in production; by default a broker kept in files under var/broker,
# so that a worker and beat really run with no server installed.
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    for _sub in ("queue", "processed"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
    }
# Task results are only kept when a result backend is given (the tests wait on them).
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_TASK_IGNORE_RESULT = CELERY_RESULT_BACKEND is None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# No task runs for ever: the soft limit raises inside the task (a batch then puts its
# unsent rows back), the hard one kills the worker process.
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 300, minimum=1)
CELERY_TASK_TIME_LIMIT = CELERY_TASK_SOFT_TIME_LIMIT + 30
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# The whole beat schedule, one entry per periodic job (see expect/celery.py).
CELERY_BEAT_SCHEDULE: dict = {
    # Finds every due reminder step, records it in the log and sends it (catches up).
    # Every hour at a fixed minute, so that the 7 o'clock digest leaves at 7:05.
    "reminders-sweep": {
        "task": "notifications.sweep",
        "schedule": crontab(minute=env_int("REMINDER_SWEEP_MINUTE", 5, maximum=59)),
    },
    # Sends again what failed, once its back-off delay has passed, what a dead worker
    # left "sending" once its lease ran out, and the outbox of the other e-mails.
    "reminders-retry": {
        "task": "notifications.deliver",
        "schedule": crontab(minute="*/5"),
    },
    # Scans the uploads held while the antivirus did not answer (CLAMAV_URL).
    "uploads-scan-held": {
        "task": "core.scan_held_uploads",
        "schedule": crontab(minute="*/5"),
    },
    # The mission calendar moves confirmed missions to under way and returned on their
    # dates; it runs before the sweep's minute so that the report reminders of a mission
    # returned today are planned by the same hour's sweep.
    "missions-calendar": {
        "task": "missions.advance_on_calendar",
        "schedule": crontab(minute=1),
    },
    # The foreign partner's feedback and the collectivity's follow-ups at 6 and 12 months
    # (and their single reminder), once a day in the morning.
    "missions-what-followed": {
        "task": "missions.what_followed",
        "schedule": crontab(hour=9, minute=15),
    },
}

# Reminders (expect/notifications): a step missed while the system was down is still
# sent within the catch-up window; a failing message is tried again with a back-off
# delay (base × 3^n) and marked failed after the last attempt.
REMINDER_CATCH_UP_DAYS = env_int("REMINDER_CATCH_UP_DAYS", 30)
REMINDER_MAX_ATTEMPTS = env_int("REMINDER_MAX_ATTEMPTS", 5)
REMINDER_RETRY_DELAY = env_int("REMINDER_RETRY_DELAY", 5 * 60)  # seconds
# Local hour of the DAECT digest; 24 never comes, which turns the digest off.
REMINDER_DIGEST_HOUR = env_int("REMINDER_DIGEST_HOUR", 7, maximum=24)
# Delivery in batches: a batch task claims this many rows, sends them over one SMTP
# connection and records them; a claimed row is not taken again before its lease ends
# (longer than a batch's hard time limit, so a live worker is never overtaken).
REMINDER_BATCH_SIZE = env_int("REMINDER_BATCH_SIZE", 50)
REMINDER_BATCH_SOFT_TIME_LIMIT = env_int("REMINDER_BATCH_SOFT_TIME_LIMIT", 240)
REMINDER_SWEEP_SOFT_TIME_LIMIT = env_int("REMINDER_SWEEP_SOFT_TIME_LIMIT", 240)
REMINDER_LEASE_SECONDS = env_int(
    "REMINDER_LEASE_SECONDS", 2 * (REMINDER_BATCH_SOFT_TIME_LIMIT + 30)
)
if REMINDER_LEASE_SECONDS <= REMINDER_BATCH_SOFT_TIME_LIMIT + 30:
    raise ImproperlyConfigured("REMINDER_LEASE_SECONDS must exceed a batch's hard time limit.")

# The foreign partner's feedback (missions/feedback.py): asked this many days after the
# return, its link valid for so many days, one reminder if unanswered after so many days.
PARTNER_FEEDBACK_DELAY_DAYS = env.int("PARTNER_FEEDBACK_DELAY_DAYS", default=21)
PARTNER_FEEDBACK_LINK_DAYS = env.int("PARTNER_FEEDBACK_LINK_DAYS", default=60)
PARTNER_FEEDBACK_REMINDER_DAYS = env.int("PARTNER_FEEDBACK_REMINDER_DAYS", default=14)

# Capitalisation booklets (reports/booklets.py): built by a task, at most this many reports
# each (a visitor is asked to narrow the filter beyond); a booklet still not built after
# BOOKLET_REQUEUE_AFTER seconds (a worker died) is queued again by the next request.
BOOKLET_MAX_REPORTS = env_int("BOOKLET_MAX_REPORTS", 200, minimum=1)
# The niceness the worker takes to build one (0 keeps its priority; 19 is the lowest).
BOOKLET_TASK_NICENESS = env_int("BOOKLET_TASK_NICENESS", 10, maximum=19)
BOOKLET_REQUEUE_AFTER = env_int(
    "BOOKLET_REQUEUE_AFTER", CELERY_TASK_TIME_LIMIT + 60, minimum=CELERY_TASK_TIME_LIMIT + 1
)

if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# How long a visitor's public page is kept at most (expect/core/public_pages.py); it is
# renewed as soon as what it shows changes, and never kept past midnight. 0 turns it off.
PUBLIC_PAGE_CACHE_SECONDS = env_int("PUBLIC_PAGE_CACHE_SECONDS", 600, minimum=0)

# The accessibility statement (expect/core/accessibility.py): « non conforme » until an
# audit; DAECT sets the status, the audit's date and the measured rate after one.
ACCESSIBILITY = read_compliance(
    env.str("ACCESSIBILITY_STATUS", default="non_compliant"),
    env.str("ACCESSIBILITY_AUDIT_DATE", default=""),
    env.str("ACCESSIBILITY_COMPLIANCE_RATE", default=""),
)
ACCESSIBILITY_STATUS = ACCESSIBILITY.status
ACCESSIBILITY_AUDIT_DATE = ACCESSIBILITY.audit_date
# The date the statement was written or last updated (YYYY-MM-DD).
ACCESSIBILITY_STATEMENT_DATE = date.fromisoformat(
    env.str("ACCESSIBILITY_STATEMENT_DATE", default="2026-12-01")
)

# Phone numbers (expect/core/phones.py): French by default, stored as E.164.
PHONENUMBER_DEFAULT_REGION = "FR"
PHONENUMBER_DB_FORMAT = "E164"
PHONENUMBER_DEFAULT_FORMAT = "INTERNATIONAL"

CRISPY_ALLOWED_TEMPLATE_PACKS = ["dsfr_crispy"]
CRISPY_TEMPLATE_PACK = "dsfr_crispy"
CRISPY_FAIL_SILENTLY = not DEBUG

# HTTP hardening; a production configuration passes `manage.py check --deploy`.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): every script, style, font and image comes from
# the portal itself, as files; no inline script, no inline style, no eval. The design
# system's stylesheet draws some of its icons as data: SVG images. The Django admin
# passes its data to its scripts in json_script blocks, which are data, not scripts.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "frame-src": [NONE],
        "worker-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "upgrade-insecure-requests": SECURE_SSL_REDIRECT,
    }
}
# Permissions-Policy (expect.core.security): the portal uses none of these browser
# features, so no page, and no frame inside one, may ask for them.
# (Chromium's names; an unknown name only earns a console warning.) No interest-based
# advertising either: the visits of a State service are nobody's "topics".
PERMISSIONS_POLICY = [
    "accelerometer",
    "autoplay",
    "browsing-topics",
    "camera",
    "clipboard-read",
    "display-capture",
    "encrypted-media",
    "geolocation",
    "gyroscope",
    "hid",
    "idle-detection",
    "local-fonts",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "screen-wake-lock",
    "serial",
    "usb",
    "window-management",
    "xr-spatial-tracking",
]
# Behind the reverse proxy of docker-compose.yml (deploy/nginx.conf), which overwrites
# X-Forwarded-For and X-Forwarded-Proto with what it saw: the application trusts exactly
# TRUSTED_PROXY_HOPS proxies (expect.core.guards.client_ip) and refuses, with a 400, any
# request that did not come through them (expect.core.guards.RequestGuardMiddleware).
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
TRUSTED_PROXY_HOPS = env_int("TRUSTED_PROXY_HOPS", 1 if BEHIND_PROXY else 0, maximum=5)
if BEHIND_PROXY and TRUSTED_PROXY_HOPS < 1:
    raise ImproperlyConfigured("BEHIND_PROXY=true needs TRUSTED_PROXY_HOPS of 1 or more.")
if not BEHIND_PROXY and TRUSTED_PROXY_HOPS:
    raise ImproperlyConfigured("TRUSTED_PROXY_HOPS is set but BEHIND_PROXY is not true.")
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint reports each rendering step at INFO level.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # django-axes announces itself at start-up; `manage.py check --deploy` must print
        # its verdict alone (its sign-in failures, logged elsewhere, are still reported).
        "axes.apps": {"level": "WARNING"},
        # pikepdf (the uploads' disarm) says hello at import; its warnings still show.
        "pikepdf": {"level": "WARNING"},
    },
}

ADMINS = [("DAECT", DAECT_EMAIL)]

# The project's own crispy template pack renders DSFR field groups (templates/dsfr_crispy).
CRISPY_CLASS_CONVERTERS = {
    "textinput": "fr-input",
    "emailinput": "fr-input",
    "passwordinput": "fr-input",
    "numberinput": "fr-input",
    "urlinput": "fr-input",
    "dateinput": "fr-input",
    "datetimeinput": "fr-input",
    "timeinput": "fr-input",
    "textarea": "fr-input",
    "select": "fr-select",
    "lazyselect": "fr-select",
    "lazyselectmultiple": "fr-select",
    "comboboxselect": "fr-select",
    "regionalphonenumberwidget": "fr-input",
    "comboboxselectmultiple": "fr-select",
    "selectmultiple": "fr-select",
    "fileinput": "fr-upload",
    "clearablefileinput": "fr-upload",
    "checkboxinput": "",
}

# The manifest storage rewrites url() references inside the DSFR stylesheets, which
# changes their bytes: the package's integrity hashes would then block them.
DSFR_USE_INTEGRITY_CHECKSUMS = False

# --- The public API and the open data (expect/api/) -----------------------------------------
# Read-only, anonymous, versioned under /api/v1/; its OpenAPI document is made by
# drf-spectacular from the serializers. Kept in one block: the integrator merges it.
INSTALLED_APPS += ["rest_framework", "drf_spectacular", "corsheaders", "expect.api"]
# Around the guards, which answer before any view: their refusals are JSON under /api/
# (ApiErrorsMiddleware) and carry the CORS headers too (django-cors-headers asks to be
# placed high, before CommonMiddleware in any case).
_guards = MIDDLEWARE.index("expect.core.guards.RequestGuardMiddleware")
MIDDLEWARE[_guards:_guards] = [
    "corsheaders.middleware.CorsMiddleware",
    "expect.api.middleware.ApiErrorsMiddleware",
]
REST_FRAMEWORK = {
    # Nobody signs in to the API: no session, hence no CSRF and no personal view of it.
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_PAGINATION_CLASS": "expect.api.pagination.PagePagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": ["expect.api.throttling.ClientRateThrottle"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_VERSIONING_CLASS": None,
}
# Requests per minute and per client address (expect/api/throttling.py), on the cache;
# 0 turns the limit off. The bulk files have their own, lower, limit per hour.
API_THROTTLE_PER_MINUTE = env_int("API_THROTTLE_PER_MINUTE", 120)
API_DATASET_THROTTLE_PER_HOUR = env_int("API_DATASET_THROTTLE_PER_HOUR", 60)
API_PAGE_SIZE = env_int("API_PAGE_SIZE", 50, minimum=1, maximum=500)
API_MAX_PAGE_SIZE = env_int("API_MAX_PAGE_SIZE", 200, minimum=1, maximum=1000)
SPECTACULAR_SETTINGS = {
    "TITLE": "API EXPE-CT",
    "DESCRIPTION": _(
        "Read-only public API of the EXPE-CT programme: labels in force, labelled "
        "collectivities, completed missions and published reports."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "expect.api.schema.add_error_responses",
    ],
    "LICENSE": {
        "name": "Licence Ouverte 2.0 (Etalab)",
        "url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
    },
}
# Any site may read the API from a browser; nothing else crosses origins.
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ("GET", "HEAD", "OPTIONS")
CORS_ALLOW_CREDENTIALS = False
CORS_EXPOSE_HEADERS = ("Retry-After", "Last-Modified")
# Makes the bulk files not made yet (the day's, and those of content changed since), so
# that downloads at national volume read the cache (expect/api/tasks.py).
CELERY_BEAT_SCHEDULE["open-data-build"] = {
    "task": "api.build_datasets",
    "schedule": crontab(minute=20),
}
# --- End of the public API block ---------------------------------------------------------------

# ---------------------------------------------------------------------------------------
# Sign-in for public agents: ProConnect (OpenID Connect) and passkeys (WebAuthn).
# expect/accounts/proconnect.py and passkeys.py; the README's « ProConnect » section.
# ---------------------------------------------------------------------------------------
# Passkeys (django-otp-webauthn) are a second factor beside TOTP and backup codes, and a
# sign-in of their own (the passkey proves both the person and the second factor).
INSTALLED_APPS.append("django_otp_webauthn")
AUTHENTICATION_BACKENDS.append("django_otp_webauthn.backends.WebAuthnBackend")
OTP_WEBAUTHN_RP_NAME = "EXPE-CT"
# The domain a passkey belongs to: the portal's own (SITE_URL's host) unless set. WebAuthn
# takes no IP address: a local run on 127.0.0.1 uses its passkeys at http://localhost.
_site = urlsplit(SITE_URL)
_local = _site.hostname in {"127.0.0.1", "::1"}
OTP_WEBAUTHN_RP_ID = env_str("WEBAUTHN_RP_ID", "localhost" if _local else _site.hostname or "")
_port = f":{_site.port}" if _site.port else ""
_origin = f"{_site.scheme}://{'localhost' + _port if _local else _site.netloc}"
OTP_WEBAUTHN_ALLOWED_ORIGINS = env.list("WEBAUTHN_ALLOWED_ORIGINS", default=[_origin])
OTP_WEBAUTHN_EXCEPTION_LOGGER_NAME = "expect.accounts.passkeys"

# ProConnect: the issuer's URL (its discovery document gives every endpoint), the client
# id and secret DAECT receives when it registers the portal. All three or none: without
# them there is no ProConnect button, URL, backend nor middleware.
PROCONNECT_ISSUER = env_url("PROCONNECT_ISSUER")
PROCONNECT_CLIENT_ID = env_str("PROCONNECT_CLIENT_ID")
PROCONNECT_CLIENT_SECRET = env_str("PROCONNECT_CLIENT_SECRET")
_proconnect = (PROCONNECT_ISSUER, PROCONNECT_CLIENT_ID, PROCONNECT_CLIENT_SECRET)
if any(_proconnect) and not all(_proconnect):
    raise ImproperlyConfigured(
        "ProConnect needs PROCONNECT_ISSUER, PROCONNECT_CLIENT_ID and PROCONNECT_CLIENT_SECRET "
        "together (or none of them)."
    )
PROCONNECT_ENABLED = all(_proconnect)
# The eIDAS level asked with acr_values, and the lowest one accepted back.
PROCONNECT_ACR_VALUES = env_str("PROCONNECT_ACR_VALUES", "eidas1")
# The levels (acr) that stand for the second factor of DAECT staff: an authentication
# with several factors at the agent's identity provider. Below them, the portal asks its own.
PROCONNECT_SECOND_FACTOR_ACR = env_str(
    "PROCONNECT_SECOND_FACTOR_ACR", "eidas1-mfa eidas2 eidas3"
).split()
# ProConnect sends no email_verified claim: an address is taken as verified when the claim
# says so, or when it comes from one of these identity providers (idp_id), whose mail
# domains ProConnect has checked (DNS record of each domain).
PROCONNECT_TRUSTED_IDP_IDS = env.list("PROCONNECT_TRUSTED_IDP_IDS", default=[])
# When true, DAECT staff sign in only through ProConnect: their password is refused.
PROCONNECT_REQUIRED_FOR_STAFF = env_bool("PROCONNECT_REQUIRED_FOR_STAFF", False)
if PROCONNECT_REQUIRED_FOR_STAFF and not PROCONNECT_ENABLED:
    raise ImproperlyConfigured("PROCONNECT_REQUIRED_FOR_STAFF needs ProConnect configured.")
PROCONNECT_TIMEOUT = env_int("PROCONNECT_TIMEOUT", 10, minimum=1)  # seconds per call
if PROCONNECT_ENABLED:
    AUTHENTICATION_BACKENDS.append("expect.accounts.proconnect.ProConnectBackend")
    # mozilla-django-oidc: authorisation code flow with PKCE, state and nonce, RS256 tokens
    # checked against the provider's JWKS (the endpoints come from the discovery document).
    OIDC_RP_CLIENT_ID = PROCONNECT_CLIENT_ID
    OIDC_RP_CLIENT_SECRET = PROCONNECT_CLIENT_SECRET
    OIDC_RP_SIGN_ALGO = "RS256"
    OIDC_RP_SCOPES = "openid given_name usual_name email uid siret idp_id"
    OIDC_USE_PKCE = True
    OIDC_USE_NONCE = True
    OIDC_STATE_SIZE = 48
    OIDC_NONCE_SIZE = 48
    OIDC_TIMEOUT = PROCONNECT_TIMEOUT
    OIDC_AUTHENTICATION_CALLBACK_URL = "proconnect:callback"
    OIDC_AUTH_REQUEST_EXTRA_PARAMS = {"acr_values": PROCONNECT_ACR_VALUES}
    OIDC_STORE_ID_TOKEN = True  # the end-session endpoint asks for it (id_token_hint)
    OIDC_CREATE_USER = False
    # The sign-out goes through the provider's end-session page, a form's redirection.
    _issuer = urlsplit(PROCONNECT_ISSUER)
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"].append(
        f"{_issuer.scheme}://{_issuer.netloc}"
    )
