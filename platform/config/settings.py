"""KnowBridge settings, read from the environment with embedded defaults.

The defaults run the whole platform on one machine with nothing but Python: SQLite, a file-system
Celery broker and e-mail written to files, all under ``var/``. Setting ``DJANGO_ENV=production``
turns on the production hardening and refuses to start without real secrets.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parents[2]

env = environ.Env()
VAR_DIR = Path(env.str("VAR_DIR", default="") or BASE_DIR / "var")


def var_path(*parts: str) -> Path:
    """A folder under var/ for the embedded defaults, created on first use."""
    path = VAR_DIR.joinpath(*parts)
    path.mkdir(parents=True, exist_ok=True)
    return path


def redis_url_of_this_test_worker(url: str) -> str:
    """Under pytest-xdist (``PYTEST_XDIST_WORKER`` gw0, gw1 …) test worker n uses the Redis
    database its URL names plus 2 × n, so that broker and cache on adjacent databases (0 and 1,
    as CI gives them) stay apart from every other worker's: a real Celery worker would take
    another test worker's tasks, and cache.clear() would clear its rate limits."""
    worker = env.str("PYTEST_XDIST_WORKER", default="")
    if not worker or not url.startswith("redis://"):
        return url
    parts = urlsplit(url)
    database = int(parts.path.strip("/") or 0) + 2 * int(worker.removeprefix("gw"))
    if database > 15:
        raise ImproperlyConfigured(
            f"Test worker {worker} would use Redis database {database} of {url}; Redis has 16: "
            "run fewer workers (pytest -n) or give lower database numbers."
        )
    return parts._replace(path=f"/{database}").geturl()


DJANGO_ENV = env.str("DJANGO_ENV", default="development")
PRODUCTION = DJANGO_ENV == "production"
DEVELOPMENT_SECRET_KEY = "django-insecure-knowbridge-development-only"  # noqa: S105

SECRET_KEY = env.str("SECRET_KEY", default=DEVELOPMENT_SECRET_KEY)
DEBUG = env.bool("DEBUG", default=not PRODUCTION)
BENCHMARK = env.bool("BENCHMARK", default=False)  # mounts /bench/one-query/ for make bench
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")  # links in e-mails

if PRODUCTION:
    if SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "Production needs SECRET_KEY: a random string of 50+ characters."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("Production needs ALLOWED_HOSTS: the host names it serves.")
    if DEBUG:
        raise ImproperlyConfigured("Production must not run with DEBUG=true.")

INSTALLED_APPS = [
    # First: its ready() labels empty choices in words before the admin's autodiscovery imports
    # the apps' forms, whose fields are made as their classes are.
    "core",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "drf_standardized_errors",
    "django_filters",
    "django_htmx",
    "csp",
    "django_watchfiles",  # runserver reloads on inotify events instead of polling every file
    "members",
    "notifications",
    "conversations",
    "forums",
    "matchmaking",
    "economy",
    "digests",
    "moderation",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "members.middleware.StaffMFARequiredMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "csp.context_processors.nonce",
            ],
        },
    },
    {  # hot pages, the chrome and shared parts (core.jinja), always named with using="jinja2"
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "NAME": "jinja2",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "core.jinja.environment",
            "extensions": ["jinja2.ext.i18n"],
            "context_processors": [
                "core.jinja.csrf",
                "core.jinja.translations",
                "notifications.context_processors.bell",
            ],
        },
    },
]

# --- Data -----------------------------------------------------------------------------------------

DATABASE_URL = env.str("DATABASE_URL", default="")
DATABASES = {
    "default": env.db_url_config(DATABASE_URL)
    if DATABASE_URL
    else {"ENGINE": "django.db.backends.sqlite3", "NAME": var_path() / "knowbridge.sqlite3"}
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat write at once. BEGIN IMMEDIATE takes the write lock up front, where
    # the busy timeout applies (a lock upgrade mid-transaction fails at once with "database is
    # locked"); WAL lets readers go on while one writer writes.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        **DATABASES["default"].get("OPTIONS", {}),
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # core.prepared's reads ask PostgreSQL to keep their plans (prepared statements); every other
    # query binds on the client, which never prepares. Off behind a transaction-mode pooler.
    # Their plans are generic, made once: the unread view's read, left to choose, was planned
    # again for every member (3.5 ms of planning for 1 ms of work) as that looked a little cheaper.
    if env.bool("DATABASE_PREPARED_STATEMENTS", default=True):
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["prepare_threshold"] = 5
        options["options"] = f"{options.get('options', '')} -c plan_cache_mode=force_generic_plan"
# A read replica for reports and exports (core.replica); its tests read the primary's test database.
if DATABASE_REPLICA_URL := env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = {
        **DATABASES["default"],
        **env.db_url_config(DATABASE_REPLICA_URL),
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["core.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": env.cache_url_config(
        redis_url_of_this_test_worker(env.str("CACHE_URL", default="locmemcache://knowbridge"))
    )
}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # Redis away is a cache miss, not a 500, and costs milliseconds (see core.cache).
    CACHES["default"]["BACKEND"] = "core.cache.ResilientRedisCache"
    CACHES["default"]["OPTIONS"] = {
        "socket_connect_timeout": 0.5,
        "socket_timeout": 1,
        **CACHES["default"].get("OPTIONS", {}),
    }
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Directory facet counts are shared this long by visitors using the same filters (0: never).
DIRECTORY_FACETS_CACHE_SECONDS = env.int("DIRECTORY_FACETS_CACHE_SECONDS", default=300)

# --- Accounts -------------------------------------------------------------------------------------

AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = [  # Django's and allauth's, reading the member of a session faster
    "members.backends.ModelBackend",
    "members.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "members:dashboard"

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
# One click on the link in the mail confirms the address, and signs the member in when it is
# opened in the browser that signed up (allauth resumes only the log-in held in that session).
ACCOUNT_CONFIRM_EMAIL_ON_GET = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
# A password reset asked for an unknown address mails no one; the page answers the same.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[KnowBridge] "
ACCOUNT_ADAPTER = "members.adapters.AccountAdapter"
ACCOUNT_FORMS = {"signup": "members.forms.SignupForm", "login": "members.forms.LoginForm"}
ACCOUNT_RATE_LIMITS = {  # merged into allauth's defaults; these two are policy, so stated
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
}
# Rate limits count per client address. Behind a proxy that is the last address the proxy adds to
# X-Forwarded-For; without one the header is the client's to forge, so it is ignored.
BEHIND_TLS_PROXY = env.bool("BEHIND_TLS_PROXY", default=False)
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1) if BEHIND_TLS_PROXY else 0
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "KnowBridge"

STAFF_GROUPS = ("Editors", "Moderators", "Administrators")

# --- Moderation -----------------------------------------------------------------------------------

# Flags hide a post or thread until a moderator decides once they weigh this much: a flag weighs
# its member's trust level times their past accuracy (1 for a basic member with no history; see
# moderation.services).
MODERATION_HIDE_SCORE = env.float("MODERATION_HIDE_SCORE", default=3.0)
# Hold the first posts of new members (trust level 0) for a moderator's review.
MODERATION_HOLD_FIRST_POSTS = env.bool("MODERATION_HOLD_FIRST_POSTS", default=False)

# --- Internationalisation -------------------------------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
    ("zh-hans", _("Simplified Chinese")),
    ("zh-hant", _("Traditional Chinese")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
FILTERS_EMPTY_CHOICE_LABEL = _("— Choose —")  # as core.forms.EMPTY_CHOICE
TIME_ZONE = env.str("TIME_ZONE", default="America/Toronto")
USE_I18N = True
USE_TZ = True

# --- Static files and media -----------------------------------------------------------------------

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.str("STATIC_ROOT", default="") or str(var_path("staticfiles"))
MEDIA_URL = "media/"  # never served: uploads are not public (core.protected_files)
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
# nginx's internal location for MEDIA_ROOT, e.g. /protected-media/ (README); empty: Django streams
PROTECTED_MEDIA_ACCEL_PREFIX = env.str("PROTECTED_MEDIA_ACCEL_PREFIX", default="")
# Files attached to a message (conversations.uploads): the largest, and how many per message
MESSAGE_ATTACHMENT_MAX_BYTES = env.int("MESSAGE_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
MESSAGE_ATTACHMENTS_PER_MESSAGE = 5
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

# --- E-mail ---------------------------------------------------------------------------------------
# Every message is handed to Celery; the worker delivers it through the backend EMAIL_URL names.

EMAIL_BACKEND = "core.mail.CeleryEmailBackend"
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default="") or str(var_path("mail"))
EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    _email = env.email_url_config(EMAIL_URL)
    # Django's SMTP backend, pipelining where the server offers it (core.mail.SMTPBackend).
    EMAIL_DELIVERY_BACKEND = _email["EMAIL_BACKEND"].replace(
        "django.core.mail.backends.smtp.EmailBackend", "core.mail.SMTPBackend"
    )
    EMAIL_HOST = _email["EMAIL_HOST"] or "localhost"
    EMAIL_PORT = _email["EMAIL_PORT"] or 25
    EMAIL_HOST_USER = _email["EMAIL_HOST_USER"] or ""
    EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"] or ""
    EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
    EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
else:
    EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="KnowBridge <no-reply@knowbridge.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Notifications are mailed in batches: at most one mail per member and kind this often (seconds).
NOTIFICATION_EMAIL_PERIOD = env.int("NOTIFICATION_EMAIL_PERIOD", default=600)
if NOTIFICATION_EMAIL_PERIOD < 1:
    raise ImproperlyConfigured("NOTIFICATION_EMAIL_PERIOD is a number of seconds, at least 1.")
# Every digest names its sender and a postal address where they can be reached (Canada's
# anti-spam law); set the real one in production.
DIGEST_SENDER_NAME = env.str("DIGEST_SENDER_NAME", default="KnowBridge")
POSTAL_ADDRESS = env.str("POSTAL_ADDRESS", default="KnowBridge, Toronto, Ontario, Canada")

# Feeds of economy updates are fetched from public addresses only, unless this says otherwise
# (the tests serve feeds from 127.0.0.1).
FEEDS_ALLOW_PRIVATE_ADDRESSES = env.bool("FEEDS_ALLOW_PRIVATE_ADDRESSES", default=False)

# --- Forums ---------------------------------------------------------------------------------------

# How long after posting an author may still edit a post (staff always may).
FORUM_EDIT_WINDOW = timedelta(seconds=env.int("FORUM_EDIT_WINDOW", default=24 * 60 * 60))

# --- Reports --------------------------------------------------------------------------------------

# What an hour of a professional's help is worth in the reports (Canadian dollars).
REPORTS_HOUR_VALUE = env.int("REPORTS_HOUR_VALUE", default=150)

# --- Celery ---------------------------------------------------------------------------------------

CELERY_BROKER_URL = redis_url_of_this_test_worker(
    env.str("CELERY_BROKER_URL", default="filesystem://")
)
if CELERY_BROKER_URL == "filesystem://":  # core.broker's transport, see config.celery_app
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(var_path("broker")),
        "data_folder_out": str(var_path("broker")),
        "control_folder": str(var_path("broker", "control")),
    }
    CELERY_WORKER_ENABLE_REMOTE_CONTROL = False  # no broadcast messages through the files
elif CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS = {  # a broker away costs a request a second, not minutes
        "socket_connect_timeout": 1,
        "socket_timeout": 5,
        # A task a killed worker held is given to another after this long; every countdown
        # (retries included) must stay well under it, or the task is delivered again and again.
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=60 * 60),
    }
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_MAX_RETRIES = None  # workers wait for the broker however long it is away
CELERY_TASK_PUBLISH_RETRY_POLICY = {  # then core.outbox keeps the task
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = env.str("CELERY_BEAT_SCHEDULE_FILENAME", default="") or str(
    var_path() / "celerybeat-schedule"
)
CELERY_BEAT_SCHEDULE = {
    "relay-outbox": {  # tasks kept while the broker was away (also sent as soon as it is back)
        "task": "core.tasks.relay_outbox",
        "schedule": 60,
    },
    "clear-expired-sessions": {
        "task": "core.tasks.clear_expired_sessions",
        "schedule": 60 * 60 * 6,
    },
    "warm-directory-facets": {  # before the facets of the unfiltered directory expire
        "task": "members.tasks.warm_directory_facets",
        "schedule": 240,
    },
    "send-notification-emails": {  # at most one mail per member, kind and period
        "task": "notifications.tasks.send_notification_emails",
        "schedule": NOTIFICATION_EMAIL_PERIOD,
    },
    "close-help-requests-past-their-deadline": {  # and warn their SMEs a few days before
        "task": "matchmaking.tasks.close_requests_past_their_deadline",
        "schedule": 60 * 60,
    },
    "expire-unanswered-invitations-and-offers": {  # and remind whoever must answer
        "task": "matchmaking.tasks.expire_unanswered_engagements",
        "schedule": 15 * 60,
    },
    "ask-follow-ups-on-completed-engagements": {  # 30 and 90 days after each
        "task": "matchmaking.tasks.ask_follow_ups",
        "schedule": 60 * 60,
    },
    "import-economy-feeds": {  # feeds that keep failing are tried less often
        "task": "economy.tasks.import_feeds",
        "schedule": 30 * 60,
    },
    "queue-due-digests": {  # each member's at their hour, in their own time zone
        "task": "digests.tasks.queue_due_digests",
        "schedule": 60,
    },
    "lift-ended-suspensions": {
        "task": "moderation.tasks.lift_ended_suspensions",
        "schedule": 5 * 60,
    },
    "remind-moderators-of-waiting-cases": {  # waiting more than 48 hours, once a day each
        "task": "moderation.tasks.remind_moderators",
        "schedule": 60 * 60,
    },
    "refresh-report-counts": {  # what the administrators' dashboard sums over a range
        "task": "reports.tasks.refresh_daily_counts",
        "schedule": 10 * 60,
    },
    "send-monthly-report": {  # last month's, once to each administrator (catches up if missed)
        "task": "reports.tasks.send_monthly_report",
        "schedule": 60 * 60,
    },
}
# One queue per kind of work, so that a run of digests never delays a verification mail. A worker
# started without -Q consumes them all (make run); in production each kind has workers of its own.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = [Queue(name) for name in ("celery", "mail", "digests", "reports")]
CELERY_TASK_ROUTES = {
    "core.tasks.deliver_email": {"queue": "mail"},
    "digests.tasks.*": {"queue": "digests"},
    "reports.tasks.*": {"queue": "reports"},
}
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # Every node may run beat: the one holding a lock in Redis sends the periodic tasks (once),
    # the others wait to take over. The lock lasts five loops, so a standby takes over within
    # 25 s of a leader's death; the schedule's last runs are kept in Redis, not in a file.
    CELERY_BEAT_SCHEDULER = "redbeat.RedBeatScheduler"
    CELERY_BEAT_MAX_LOOP_INTERVAL = env.int("BEAT_MAX_LOOP_INTERVAL", default=5)
    CELERY_REDBEAT_REDIS_URL = env.str("REDBEAT_REDIS_URL", default=CELERY_BROKER_URL)
    CELERY_REDBEAT_REDIS_OPTIONS = {"retry_period": -1}  # beat waits for Redis however long

# --- API ------------------------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [  # token first, so anonymous calls get 401, not 403
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_PAGINATION_CLASS": "core.pagination.CursorPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "NUM_PROXIES": ALLAUTH_TRUSTED_PROXY_COUNT,  # whose X-Forwarded-For addresses to believe
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="60/minute"),
        "user": env.str("API_THROTTLE_USER", default="600/minute"),
    },
    "DEFAULT_SCHEMA_CLASS": "drf_standardized_errors.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "drf_standardized_errors.handler.exception_handler",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
}
DRF_STANDARDIZED_ERRORS = {"ENABLE_IN_DEBUG_FOR_UNHANDLED_EXCEPTIONS": True}
SPECTACULAR_SETTINGS = {
    "TITLE": "KnowBridge API",
    "DESCRIPTION": "Members, organisations, forums, help requests and digests of KnowBridge.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {  # the error enums of drf-standardized-errors, named once
        name: f"drf_standardized_errors.openapi_serializers.{name}.choices"
        for name in (
            "ValidationErrorEnum",
            "ClientErrorEnum",
            "ServerErrorEnum",
            "ErrorCode401Enum",
            "ErrorCode403Enum",
            "ErrorCode404Enum",
            "ErrorCode405Enum",
            "ErrorCode406Enum",
            "ErrorCode415Enum",
            "ErrorCode429Enum",
            "ErrorCode500Enum",
        )
    }
    | {
        "DeliveryEnum": "notifications.registry.Delivery.choices",  # one field per kind uses it
        "KindEnum": "members.models.OrganisationKind.choices",
        "FlaggedKindEnum": "moderation.models.FlagKind.choices",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_standardized_errors.openapi_hooks.postprocess_schema_enums",
    ],
}

# --- Security -------------------------------------------------------------------------------------

X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    if BEHIND_TLS_PROXY:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
