"""Settings for the DSCP portal, read from the environment only.

With DEBUG on (``make run``) every variable has a local default: SQLite under
``var/``, Celery eager, emails written to ``var/mail/``. With DEBUG off the
production posture applies and each required variable must be set.
"""

import base64
import hashlib
import sys
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
# A developer's checkout has a git-ignored .env (written by `make install`) so
# plain manage.py commands work locally; real environment variables win, and
# production has no .env, so there every required variable must be set.
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")
DEBUG = env.bool("DEBUG", default=False)


def required(name: str, dev_default: str) -> str:
    """Return a variable that production must set; stop start-up naming it if missing."""
    if name in env.ENVIRON:
        return env.str(name)
    if DEBUG:
        return dev_default
    sys.exit(f"dscp: the environment variable {name} must be set when DEBUG is off.")


SECRET_KEY = required("SECRET_KEY", "dev-only-insecure-key-never-use-in-production")
SITE_URL = required("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    sys.exit("dscp: the environment variable ALLOWED_HOSTS must be set when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_URL])

# Local defaults (the SQLite file, mail, uploads) live in var/, which a fresh
# checkout lacks until `make run`; SQLite cannot open a file in a missing folder,
# and system checks open it (JSONField asks SQLite what it supports).
if DEBUG:
    VAR_DIR.mkdir(exist_ok=True)

DATABASES = {
    "default": env.db_url_config(
        required("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
    )
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = required("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "dscp.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "dscp",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Public pages served to readers without a session from the cache (dscp/pagecache.py);
# 0 turns it off, as it is in development so template edits show at once.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=0 if DEBUG else 60)

INSTALLED_APPS = [
    # Django admin, opening on the staff home.
    "dashboard.admin_config.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_forms_gds",
    "django_prose_editor",
    "simple_history",
    "django_ratelimit",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "dscp",
    "pages",
    "priorities",
    "training",
    "evaluations",
    "newsletter",
    "subscriptions",
    "search",
    "dashboard",
    "audit",
    "privacy",
]

MIDDLEWARE = [
    "dscp.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "dscp.middleware.HeadAsGetMiddleware",
    "dscp.middleware.RequestGuardMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages compressed for browsers that ask (an issue's HTML is 45 KB, 9 KB compressed);
    # after WhiteNoise, whose static files are compressed once, at collectstatic. Django
    # pads each compressed page with random bytes against BREACH; CSRF tokens are masked.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "dscp.middleware.SessionIdleTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Inside the session and messages middleware, so the busy page has the site's frame.
    "dscp.middleware.BusyMiddleware",
    # Last, so it sees the lockout raised while signing in.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "dscp.urls"
WSGI_APPLICATION = "dscp.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dscp.context_processors.site",
            ],
        },
    }
]

AUTHENTICATION_BACKENDS = [
    # Refuses a locked-out sign-in before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Admin sign-in. Staff need a code from an authenticator app as well as their
# password (enrol with `manage.py enrol_two_factor USERNAME`); make run's demo
# login is password-only and says so.
ADMIN_REQUIRE_2FA = env.bool("ADMIN_REQUIRE_2FA", default=not DEBUG)
# A path that is not /admin/ keeps out the robots that try only that.
ADMIN_PATH = env.str("ADMIN_PATH", default="admin").strip("/") + "/"
# Five wrong passwords from one address for one username lock that pair out
# for an hour; every attempt, failed or not, is recorded (Axes in admin) and logged.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(hours=1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "dscp.admin_security.client_ip"
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_SENSITIVE_PARAMETERS = ["password", "otp_token"]
# Staff are signed out after this long without a request
# (dscp.middleware.SessionIdleTimeoutMiddleware renews it while they work).
SESSION_COOKIE_AGE = env.int("STAFF_IDLE_MINUTES", default=30) * 60
OTP_TOTP_ISSUER = "DSCP portal"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", "English")]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "static")
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed names in production; plain names where files are
        # served straight from the source folders (runserver, live-server tests).
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env.bool("STATIC_MANIFEST", default=not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# The largest request body read at all. Uploads are limited to 10 MB by their
# forms, which explain the limit; twice that leaves room for a slightly larger
# file to get that explanation rather than the bare "too large" page.
MAX_REQUEST_BYTES = env.int("MAX_REQUEST_BYTES", default=20 * 1024 * 1024)
# Search boxes take whatever people paste: there a control character in the query
# is dropped and the search runs, rather than the 400 page every other URL gives.
QUERY_CLEANED_PATHS = ["/search/"]

# Email: EMAIL_URL picks the transport (smtp+tls://user:pass@host:587 in
# production, filemail:// or consolemail:// locally); EMAIL_BACKEND may name a
# provider backend such as anymail.backends.postmark.EmailBackend instead.
_email = env.email_url_config(required("EMAIL_URL", f"filemail://{VAR_DIR / 'mail'}"))
_email_backend = env.str("EMAIL_BACKEND", default=_email["EMAIL_BACKEND"])
if _email_backend.endswith("smtp.EmailBackend"):
    _email_options = {
        "host": _email["EMAIL_HOST"],
        "port": _email["EMAIL_PORT"],
        "username": _email["EMAIL_HOST_USER"],
        "password": _email["EMAIL_HOST_PASSWORD"],
        "use_tls": _email.get("EMAIL_USE_TLS", False),
        "use_ssl": _email.get("EMAIL_USE_SSL", False),
        "timeout": env.int("EMAIL_TIMEOUT", default=30),
    }
elif _email_backend.endswith("filebased.EmailBackend"):
    # django-environ drops the leading slash of filemail:///absolute/path.
    _email_options = {"file_path": "/" + _email["EMAIL_FILE_PATH"].lstrip("/")}
else:
    _email_options = {}
MAILERS = {"default": {"BACKEND": _email_backend, "OPTIONS": _email_options}}
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Durham Safeguarding Children Partnership <dscp@localhost>"
)
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
REPLY_TO_EMAIL = env.str("REPLY_TO_EMAIL", default="DSCPSecure@durham.gov.uk")
ANYMAIL = env.json("ANYMAIL", default={})

# Celery: reliability first. A task is acknowledged only after it ran, a task
# whose worker died is requeued, and each worker holds one message at a time.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Celery's Django fixup closes the database connection around every task unless
# told to reuse it; dscp/celery.py closes only broken or expired ones instead.
CELERY_DB_REUSE_MAX = 1_000_000
# Redis redelivers an unacknowledged task after this many seconds; it must
# exceed the longest task so a slow task is not run twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", 3600)}
CELERY_TIMEZONE = TIME_ZONE
# Periodic work lives here (django-celery-beat does not support Django 6.1);
# each task reads what is due from the database, so running it twice is safe.
CELERY_BEAT_SCHEDULE = {
    "publish-due-issues": {
        "task": "newsletter.tasks.issue_publish_due",
        "schedule": env.float("NEWSLETTER_SEND_BEAT_SECONDS", default=60.0),
    },
    "start-due-sends": {
        "task": "newsletter.tasks.send_start_due",
        "schedule": env.float("NEWSLETTER_SEND_BEAT_SECONDS", default=60.0),
    },
    "restart-stalled-sends": {
        "task": "newsletter.tasks.send_restart_stalled",
        "schedule": env.float("NEWSLETTER_SEND_WATCHDOG_SECONDS", default=120.0),
    },
    # Mail tasks whose message was lost with Redis or a killed worker (dscp/outbox.py).
    "requeue-mail-tasks": {"task": "dscp.tasks.tasks_requeue_due", "schedule": 30.0},
    "send-training-reminders": {
        "task": "training.tasks.booking_send_due_reminders",
        "schedule": crontab(minute=15),
    },
    "release-unconfirmed-training-bookings": {
        "task": "training.tasks.booking_release_unconfirmed",
        "schedule": crontab(minute="*/5"),
    },
    "send-evaluation-invitations": {
        "task": "evaluations.tasks.invitations_send_due",
        "schedule": crontab(minute="*/15"),
    },
    "purge-expired-training-bookings": {
        "task": "training.tasks.booking_purge_expired",
        "schedule": crontab(hour=3, minute=45),
    },
    "rebuild-search-index": {
        "task": "search.tasks.index_rebuild",
        "schedule": crontab(hour=4, minute=15),
    },
    "purge-unconfirmed-subscriptions": {
        "task": "subscriptions.tasks.subscription_purge_unconfirmed",
        "schedule": crontab(hour=3, minute=30),
    },
}

# Newsletter sending (see "Sending and crash safety" in docs/architecture.md).
# Deliveries per batch: one SMTP connection each, results written in bulk. A
# hard-killed worker can repeat at most BATCH_SIZE x its concurrency messages.
NEWSLETTER_SEND_BATCH_SIZE = env.int("NEWSLETTER_SEND_BATCH_SIZE", default=100)
# Batch chains per send, i.e. how many workers share one send.
NEWSLETTER_SEND_PARALLEL = env.int("NEWSLETTER_SEND_PARALLEL", default=2)
# A batch holds its deliveries this long, renewed while it sends; a dead batch's
# deliveries are taken over after it. A message starts only with two thirds of it
# left, so one stuck SMTP step (EMAIL_TIMEOUT) must end within a third of it.
NEWSLETTER_SEND_LEASE_SECONDS = env.int("NEWSLETTER_SEND_LEASE_SECONDS", default=300)
if _email_options.get("timeout", 0) * 3 > NEWSLETTER_SEND_LEASE_SECONDS:
    sys.exit("dscp: EMAIL_TIMEOUT must be at most a third of NEWSLETTER_SEND_LEASE_SECONDS.")
NEWSLETTER_SEND_MAX_ATTEMPTS = env.int("NEWSLETTER_SEND_MAX_ATTEMPTS", default=5)
# First retry after about this long, doubling each time, with jitter.
NEWSLETTER_SEND_RETRY_SECONDS = env.int("NEWSLETTER_SEND_RETRY_SECONDS", default=60)
# For mail providers that throttle; 0 means no limit.
NEWSLETTER_SEND_RATE_PER_MINUTE = env.int("NEWSLETTER_SEND_RATE_PER_MINUTE", default=0)

# Security. HTTPS defaults on whenever DEBUG is off.
HTTPS = env.bool("HTTPS", default=not DEBUG)
# Trust X-Forwarded-Proto only behind a proxy that sets it (and strips it from
# clients); otherwise anyone could claim their plain-HTTP request was HTTPS.
if env.bool("BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
# GOV.UK Frontend's "JavaScript runs here" classes, set by this one line at the top of
# <body> (templates/base.html) and allowed by its hash alone. Set later, by init.js,
# they folded the mobile menu after the first paint and moved the whole page down.
JS_ENABLED_SCRIPT = (
    "document.body.className+=' js-enabled'+"
    "('noModule' in HTMLScriptElement.prototype?' govuk-frontend-supported':'')"
)
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [
        CSP.SELF,
        f"'sha256-{base64.b64encode(hashlib.sha256(JS_ENABLED_SCRIPT.encode()).digest()).decode()}'",
    ],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# Public forms (subscribe, unsubscribe, book): django-ratelimit counts in the cache.
RATE_LIMIT_PER_IP = env.str("RATE_LIMIT_PER_IP", default="30/10m")
RATE_LIMIT_PER_ADDRESS = env.str("RATE_LIMIT_PER_ADDRESS", default="5/10m")
# Booking posts per client address: a whole council or NHS trust books from behind
# one NAT, and a popular course can draw 200 of them at once, each posting twice
# (asked for a place, then took the waiting list). One a second on average still
# stops a flood; see "Rate limits" in docs/performance.md.
RATE_LIMIT_BOOKING_PER_IP = env.str("RATE_LIMIT_BOOKING_PER_IP", default="600/10m")
# A booking holds its place (or queue spot) until the person follows the emailed link;
# unconfirmed after this many hours, or when the session starts if sooner, it is released.
TRAINING_BOOKING_HOLD_HOURS = env.float("TRAINING_BOOKING_HOLD_HOURS", default=24.0)
# Behind a proxy, the header that holds the client's address (e.g. HTTP_X_FORWARDED_FOR).
RATELIMIT_IP_META_KEY = env.str("RATELIMIT_IP_META_KEY", default="REMOTE_ADDR")
# Django's RedisCache (through dscp.cache) increments atomically, all django-ratelimit
# needs, though the package lists only django-redis. make run has no shared
# cache at all; limits then count per process, which is fine locally.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"] + (
    [] if REDIS_URL else ["django_ratelimit.E003"]
)

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# One JSON object per line in production (LOG_FORMAT=plain for a terminal).
# Either way every line carries the request id and no link's token.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "dscp.logs.RequestIdFilter"}},
    "formatters": {
        "plain": {
            "()": "dscp.logs.ScrubbingFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        },
        "json": {"()": "dscp.logs.JSONFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": env.str("LOG_FORMAT", default="plain" if DEBUG else "json"),
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.security.csrf": {"level": "WARNING"}},
}

# Errors to Sentry when SENTRY_DSN is set; no personal data, tokens scrubbed.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk

    from dscp.logs import sentry_before_send

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        send_default_pii=False,
        before_send=sentry_before_send,
        traces_sample_rate=0,
    )

# Where to report a vulnerability (/.well-known/security.txt).
SECURITY_CONTACT = env.str("SECURITY_CONTACT", default="mailto:DSCPSecure@durham.gov.uk")

ADMINS = [("DSCP business unit", a) for a in env.list("ADMINS", default=[])]

# The partnership's own details, shown in the footer, contact page and emails.
PARTNERSHIP = {
    "name": "Durham Safeguarding Children Partnership",
    "short_name": "DSCP",
    "address": ["Room 3/79-82", "County Hall", "Durham", "DH1 5UJ"],
    "telephone": "03000 265770",
    "email": "DSCPSecure@durham.gov.uk",
    "training_email": "dscptraining@durham.gov.uk",
    "website": "https://www.durham-scp.org.uk",
    "twitter": "DurhamSCP",
    # Said on the home page and the sign-up form; one wording, so they never disagree.
    "newsletter_frequency": "about once a month",
}
