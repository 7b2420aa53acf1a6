"""Settings shared by every environment.

Secure by default: DEBUG is off, cookies are secure and the secret key must come from the
environment. `dev` and `test` relax what they need; `production` reads everything from the
environment.
"""

import json
import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent
VAR_DIR = Path(os.environ.get("ELEARNING_VAR_DIR", BASE_DIR / "var"))

DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]

# Public address of the site, used in e-mails, certificates and QR codes (no trailing slash).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "elearning",
    "accounts",
    "courses",
    "quizzes",
    "certificates",
    "evaluation",
    "reports",
    "surveys",
    "retention",
    "lti",
    "learning_records",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.simple_translation",
    "wagtail.embeds",
    "wagtail.sites",
    "accounts.wagtail_apps.UsersAppConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.locales",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "elearning.infrastructure.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "elearning.infrastructure.caching.serving.RequestCacheMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "elearning.infrastructure.middleware.SecurityHeadersMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "elearning.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

WSGI_APPLICATION = "elearning.wsgi.application"

# SQLite is the zero-setup default; DATABASE_URL (PostgreSQL in production and CI) overrides it.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the worker writes; the timeout rides out short locks.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: the coordinators' exports (100,000 rows with correlated subqueries)
    # have estimated costs far past jit_above_cost, and PostgreSQL spent longer compiling such a
    # query than running it without JIT (benchmarks/README.md, "Coordinator reports"). A web
    # application's short queries never gain.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# Django's ModelBackend with the throttled password check and the logged-in user read from the
# cache (accounts/backends.py).
AUTHENTICATION_BACKENDS = ["accounts.backends.AccountBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 3  # three days: also the life of activation links

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Brute-force protection (accounts/throttling.py): failed logins allowed per window.
LOGIN_FAILURES_PER_ACCOUNT = int(os.environ.get("LOGIN_FAILURES_PER_ACCOUNT", "5"))
LOGIN_FAILURES_PER_IP = int(os.environ.get("LOGIN_FAILURES_PER_IP", "20"))
LOGIN_FAILURE_WINDOW_SECONDS = int(os.environ.get("LOGIN_FAILURE_WINDOW_SECONDS", str(15 * 60)))
# Registration and password-reset requests per IP address per hour (they send e-mail).
ACCOUNT_EMAILS_PER_IP_PER_HOUR = int(os.environ.get("ACCOUNT_EMAILS_PER_IP_PER_HOUR", "10"))
# Set when the site sits behind a proxy that overwrites X-Forwarded-For with the client address.
TRUST_X_FORWARDED_FOR = os.environ.get("TRUST_X_FORWARDED_FOR", "") == "1"

# Internationalisation: Romanian is the default; every public URL carries /ro/ or /en/.
LANGUAGE_CODE = "ro"
LANGUAGES = [("ro", "Română"), ("en", "English")]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
# Slugs in ASCII (“curs-de-proba”): a URL with diacritics is percent-encoded when copied
# (“curs-de-prob%C4%83”). Also see elearning.infrastructure.slugs.
WAGTAIL_ALLOW_UNICODE_SLUGS = False
# The admin speaks the site's two languages; a person's choice is kept in step with their
# preferred language on the site (accounts.admin_language).
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["elearning.formats"]
TIME_ZONE = "Europe/Bucharest"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "elearning_language"
LANGUAGE_COOKIE_SECURE = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [PROJECT_DIR / "static"]
STATIC_ROOT = BASE_DIR / "static_collected"
STATIC_URL = "/static/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"
# Files with personal data that only views may hand out (certificates, report exports): never
# under MEDIA_ROOT. They go through the "private" storage below
# (elearning/infrastructure/private_files.py): by default the folder PRIVATE_FILES_ROOT; a
# deployment whose web and worker machines share no disk names another backend, e.g.
# PRIVATE_STORAGE_BACKEND=storages.backends.s3.S3Storage with its options as JSON in
# PRIVATE_STORAGE_OPTIONS (README, "Configuration").
PRIVATE_FILES_ROOT = Path(os.environ.get("PRIVATE_FILES_ROOT", VAR_DIR / "private"))
PRIVATE_STORAGE_BACKEND = os.environ.get(
    "PRIVATE_STORAGE_BACKEND", "elearning.infrastructure.private_files.PrivateFileSystemStorage"
)
PRIVATE_STORAGE_OPTIONS = json.loads(os.environ.get("PRIVATE_STORAGE_OPTIONS") or "{}")
# How the download views hand a private file out: "" streams it through Django;
# "x-accel-redirect" (nginx, an `internal` location at PRIVATE_FILES_ACCEL_PREFIX) or
# "x-sendfile" (Apache, lighttpd) let the proxy send it after the view has checked who asks.
PRIVATE_FILES_SERVE = os.environ.get("PRIVATE_FILES_SERVE", "")
if PRIVATE_FILES_SERVE not in ("", "x-accel-redirect", "x-sendfile"):
    raise ImproperlyConfigured("PRIVATE_FILES_SERVE must be empty, x-accel-redirect or x-sendfile.")
PRIVATE_FILES_ACCEL_PREFIX = os.environ.get("PRIVATE_FILES_ACCEL_PREFIX", "/_private/")
# How long a coordinator's export file stays downloadable.
REPORT_EXPORT_EXPIRY_DAYS = int(os.environ.get("REPORT_EXPORT_EXPIRY_DAYS", "7"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    "private": {"BACKEND": PRIVATE_STORAGE_BACKEND, "OPTIONS": PRIVATE_STORAGE_OPTIONS},
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Security: on unless an environment relaxes it.
# Sessions are read on every request: from the cache (Redis in production; Django's cached_db,
# fetched with the request's first cache read), written through to the database so a cache
# flush logs nobody out.
SESSION_ENGINE = "elearning.infrastructure.caching.sessions"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "1") == "1"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = [SITE_URL] if SITE_URL.startswith("https://") else []

# LTI 1.3 (lti/): our tool's RSA private key, PEM, from the environment (LTI_TOOL_PRIVATE_KEY)
# or a file (LTI_TOOL_PRIVATE_KEY_FILE; `make run` creates a demo key there once with
# `manage.py lti_tool_key`). Without one the LTI endpoints answer 503 and the admin says so.
LTI_TOOL_PRIVATE_KEY = os.environ.get("LTI_TOOL_PRIVATE_KEY", "")
LTI_TOOL_PRIVATE_KEY_FILE = os.environ.get(
    "LTI_TOOL_PRIVATE_KEY_FILE", str(VAR_DIR / "lti" / "tool-key.pem")
)
# Key rotation (`manage.py lti_tool_key --rotate`): the previous key's public half, PEM, served
# in our key set beside the current key until platforms have fetched the new one (a day), so
# a platform's cached key set and tokens signed just before the rotation still verify. From
# the environment (LTI_TOOL_PREVIOUS_KEY) or a file; we never sign with it.
LTI_TOOL_PREVIOUS_KEY = os.environ.get("LTI_TOOL_PREVIOUS_KEY", "")
LTI_TOOL_PREVIOUS_PUBLIC_KEY_FILE = os.environ.get(
    "LTI_TOOL_PREVIOUS_PUBLIC_KEY_FILE", str(VAR_DIR / "lti" / "tool-key-previous.pub.pem")
)
# Platforms' key set, login and token URLs must be https (the registration form refuses http;
# the HTTP client will not call it; `check --deploy` warns about a stored one). Dev and tests,
# whose platforms run on http://127.0.0.1, allow http; production never does.
LTI_ALLOW_INSECURE_PLATFORM_URLS = False
# How long a platform's key set is cached (seconds); an unknown key id fetches it again.
LTI_JWKS_CACHE_SECONDS = int(os.environ.get("LTI_JWKS_CACHE_SECONDS", "600"))
# Timeout of every request to a platform (key set, token, scores, memberships), seconds.
LTI_HTTP_TIMEOUT = float(os.environ.get("LTI_HTTP_TIMEOUT", "5"))

# Cache: Redis when configured (shared by every web process, so throttling counts across them),
# and each process's own memory (`local`: the page tree's entries and rendered fragments, which
# every request reads; see elearning/infrastructure/caching/).
LOCAL_CACHE = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "elearning-process",
    "OPTIONS": {"MAX_ENTRIES": 5000},
}
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "elearning.infrastructure.caching.backend.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            # A Redis that hangs must not hang the site: give up quickly and carry on uncached.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
            "KEY_PREFIX": "elearning",
            # Entries are pickles naming classes by module path. Move this on when a cached
            # class moves (2: the user moved to accounts), so no process unpickles an old path.
            "VERSION": 2,
        },
        "local": LOCAL_CACHE,
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "local": LOCAL_CACHE,
    }

# E-mail
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "") == "1"
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "no-reply@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Whom the holder of a revoked certificate writes to when the person who revoked it has no
# active account any more (certificates.selectors.certificate_revocation_contact).
CERTIFICATES_CONTACT_EMAIL = os.environ.get("CERTIFICATES_CONTACT_EMAIL", "")

# The programme's learning record store (issue 20): its xAPI endpoint (the URL the
# "/statements" resource is under, e.g. https://lrs.example/xAPI) and its Basic-auth key and
# secret. Off unless the endpoint is set: nothing is recorded or sent, and institutions must
# opt in as well (accounts.Institution.share_learning_records).
XAPI_LRS_ENDPOINT = os.environ.get("XAPI_LRS_ENDPOINT", "")
XAPI_LRS_KEY = os.environ.get("XAPI_LRS_KEY", "")
XAPI_LRS_SECRET = os.environ.get("XAPI_LRS_SECRET", "")


# Seconds from the commit that queued statements to their send (learning_records.services.
# statements_send_soon): a burst of commits in this time (a quiz's answers, a backfill) asks
# for one send. None: only the beat task sends, every minute. From the environment: a whole
# number of seconds, or "off" for None.
def _xapi_send_delay(value):
    if value.strip().lower() == "off":
        return None
    try:
        seconds = int(value)
    except ValueError:
        seconds = -1
    if seconds < 0:
        raise ImproperlyConfigured(
            f'XAPI_SEND_DELAY_SECONDS must be a whole number of seconds or "off", not {value!r}'
        )
    return seconds


XAPI_SEND_DELAY_SECONDS = _xapi_send_delay(os.environ.get("XAPI_SEND_DELAY_SECONDS", "5"))
# Days before a certificate expires when its holder is reminded, once each; a certificate found
# inside several is reminded of the nearest only (certificates.services.expiry_reminders_send).
CERTIFICATE_EXPIRY_REMINDER_DAYS = (60, 14)
# Days before a re-certification's date when holders who have not renewed are reminded (at
# most one e-mail a week per certificate, the announcement included).
RECERTIFICATION_REMINDER_DAYS = (30, 7)
# The issuing organisation's electronic seal on every certificate PDF (certificates/sealing.py;
# README, "Configuration"): a PKCS#12 file and its passphrase, or a key on a PKCS#11 token.
CERTIFICATE_SEAL_PKCS12_FILE = os.environ.get("CERTIFICATE_SEAL_PKCS12_FILE", "")
CERTIFICATE_SEAL_PKCS12_PASSPHRASE = os.environ.get("CERTIFICATE_SEAL_PKCS12_PASSPHRASE", "")
CERTIFICATE_SEAL_PKCS11_MODULE = os.environ.get("CERTIFICATE_SEAL_PKCS11_MODULE", "")
CERTIFICATE_SEAL_PKCS11_TOKEN_LABEL = os.environ.get("CERTIFICATE_SEAL_PKCS11_TOKEN_LABEL", "")
CERTIFICATE_SEAL_PKCS11_KEY_LABEL = os.environ.get("CERTIFICATE_SEAL_PKCS11_KEY_LABEL", "")
# Empty: the certificate object has the key's label.
CERTIFICATE_SEAL_PKCS11_CERT_LABEL = os.environ.get("CERTIFICATE_SEAL_PKCS11_CERT_LABEL", "")
CERTIFICATE_SEAL_PKCS11_PIN = os.environ.get("CERTIFICATE_SEAL_PKCS11_PIN", "")
# A timestamp authority (RFC 3161): the seal then carries a trusted time (PAdES B-T).
CERTIFICATE_SEAL_TSA_URL = os.environ.get("CERTIFICATE_SEAL_TSA_URL", "")
CERTIFICATE_SEAL_LOCATION = os.environ.get("CERTIFICATE_SEAL_LOCATION", "România")
# Secure by default: with no usable seal a certificate fails (with the reason, for an
# administrator to retry) instead of being issued unsealed. Only the dev settings relax it.
CERTIFICATE_SEAL_REQUIRED = True
# The PEM private key (P-256 for ES256; RSA or Ed25519 also work) that signs the Open Badges
# credentials and their status lists; its public half is served at /credentials/issuer/jwks.json.
# `make run` creates a demo one here (manage.py credentials_signing_key); production sets its
# own, kept as long as credentials signed with it should verify.
CREDENTIALS_SIGNING_KEY = Path(
    os.environ.get("CREDENTIALS_SIGNING_KEY", VAR_DIR / "credentials" / "signing-key.pem")
)


# Celery: Redis in production; a broker on disk for `make run` (Kombu's filesystem transport).
def filesystem_broker_options(root: Path) -> dict:
    """Transport options for a broker that lives in folders under `root` (created here)."""
    for folder in ("queue", "control"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    return {
        "data_folder_in": str(root / "queue"),
        "data_folder_out": str(root / "queue"),
        "control_folder": str(root / "control"),
        "store_processed": False,
    }


# Publishing a task to a broker that does not answer is tried three times within about half a
# second, then the task waits in the outbox (elearning.infrastructure.queueing). Kombu's
# default retries sleep for seconds inside the learner's request (a course completed while
# Redis was down waited for them: benchmarks/README.md, "Faults after the outage work"). The
# worker's own reconnection follows CELERY_BROKER_CONNECTION_* and is unchanged.
BROKER_PUBLISH_RETRIES = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}

CELERY_BROKER_URL = REDIS_URL or "filesystem://"
CELERY_BROKER_TRANSPORT_OPTIONS = (
    dict(BROKER_PUBLISH_RETRIES) if REDIS_URL else filesystem_broker_options(VAR_DIR / "broker")
)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# Periodic work (celery beat), at fixed times in CELERY_TIMEZONE: overdue reminders on weekday
# mornings (people read them at work), expired export files at night.
CELERY_BEAT_SCHEDULE = {
    "remind-overdue-learners": {
        "task": "reports.tasks.remind_overdue_learners",
        "schedule": crontab(hour=8, minute=30, day_of_week="mon-fri"),
    },
    # Tasks kept in the database while the broker was down (elearning.infrastructure.queueing).
    "send-pending-tasks": {"task": "elearning.tasks.send_pending_tasks", "schedule": 60.0},
    # Daily, after the night's work and before the working day: each reminder is claimed
    # before it is sent, so a second run the same day sends nothing again.
    "remind-expiring-certificates": {
        "task": "certificates.tasks.remind_expiring_certificates",
        "schedule": crontab(hour=8, minute=0),
    },
    "remind-recertification": {
        "task": "certificates.tasks.remind_recertification",
        "schedule": crontab(hour=8, minute=10),
    },
    "delete-expired-exports": {
        "task": "reports.tasks.delete_expired_exports",
        "schedule": crontab(hour=3, minute=15),
    },
    # The 90-day follow-up surveys that are due (each claimed before it is sent).
    "send-follow-up-invitations": {
        "task": "surveys.tasks.send_follow_up_invitations",
        "schedule": crontab(hour=9, minute=0),
    },
    # Each check is claimed before its e-mail is queued: a second run sends nothing again.
    "send-retention-invitations": {
        "task": "retention.tasks.send_retention_invitations",
        "schedule": crontab(hour=9, minute=15),
    },
    # Weekly, Monday morning: each claimed per coordinator and week (reports.DirectoryReminder).
    "remind-stale-directory-entries": {
        "task": "reports.tasks.remind_stale_directory_entries",
        "schedule": crontab(hour=8, minute=20, day_of_week="mon"),
    },
}
# Learning records (xAPI statements) waiting in the outbox, sent to the LRS when one is set.
CELERY_BEAT_SCHEDULE["send-learning-records"] = {
    "task": "learning_records.tasks.send_learning_records",
    "schedule": 60.0,
}
# LTI: the OIDC login states are useless after a few minutes; kept a day, then deleted.
CELERY_BEAT_SCHEDULE["purge-lti-login-states"] = {
    "task": "lti.tasks.purge_login_states",
    "schedule": crontab(hour=3, minute=30),
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# Wagtail
WAGTAIL_SITE_NAME = "Formare: protecția copiilor împotriva traficului"
WAGTAILADMIN_BASE_URL = SITE_URL
# No avatars from gravatar.com: nothing loads from another host, and no e-mail hash leaves.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# No release check either: a superuser's dashboard would ask Wagtail's release server from the
# browser (our admin's Content-Security-Policy blocks it, and the console shows the refusal).
# Upgrades are the maintainers' work, through pinned versions and `make audit`.
WAGTAIL_ENABLE_UPDATE_CHECK = False
# The login address is changed by an administrator (Users), not on the Account page, as on the
# site (accounts/admin_account.py).
WAGTAIL_EMAIL_MANAGEMENT_ENABLED = False
# The database backend, fed only the words of what was typed (elearning/infrastructure/search.py).
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "elearning.infrastructure.search"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "txt", "xlsx"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILEMBEDS_RESPONSIVE_HTML = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"elearning": {"level": "INFO"}},
}
