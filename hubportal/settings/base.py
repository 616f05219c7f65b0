"""Settings shared by every environment, all read from environment variables.

Production is secure by default: DJANGO_DEBUG is off unless set, and then a secret key is
required and `manage.py check --deploy` has nothing to report. Every variable is listed in
README.md and .env.example.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from hubportal.config import BASE_DIR, ConfigError, StrictEnv, fail

env = StrictEnv()

try:
    DEBUG = env.bool("DJANGO_DEBUG", default=False)
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", required=not DEBUG) or (
        "django-insecure-local-development-only-key-do-not-use-in-production"
    )
    ALLOWED_HOSTS = env.list(
        "DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
    )
    CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
    DATABASES = {"default": env.db("DATABASE_URL")}
    REDIS_URL = env.redis_url("REDIS_URL")
    _email = env.email("EMAIL_URL", default="consolemail://")
    DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", "Hubportal <noreply@hubportal.local>")
    SITE_URL = env.str("HUBPORTAL_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
    # Shown in the footer of pages that belong to no municipality.
    SITE_CONTACT_EMAIL = env.str("HUBPORTAL_CONTACT_EMAIL", "")
    SITE_CONTACT_PHONE = env.str("HUBPORTAL_CONTACT_PHONE", "")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
    BEHIND_TLS_PROXY = env.bool("DJANGO_BEHIND_TLS_PROXY", default=not DEBUG)
    OIDC_PROVIDER_ID = env.str("OIDC_PROVIDER_ID", "")
    OIDC_PROVIDER_NAME = env.str("OIDC_PROVIDER_NAME", "ID-porten")
    OIDC_CLIENT_ID = env.str("OIDC_CLIENT_ID", "")
    OIDC_CLIENT_SECRET = env.str("OIDC_CLIENT_SECRET", "")
    OIDC_SERVER_URL = env.str("OIDC_SERVER_URL", "")
    # Each request to the identity provider (discovery, token, userinfo) gives up after this
    # long: a provider that hangs gets a clear page, not a request that waits for ever.
    OIDC_TIMEOUT_SECONDS = env.int("OIDC_TIMEOUT_SECONDS", default=5)
    # The provider's security levels (`acr`), lowest first: ID-porten's by default. A login
    # asks for at least OIDC_ACR_MINIMUM (`acr_values`) and is refused when the `acr` it
    # comes back with is lower; empty: no level asked for or checked (a provider without
    # levels). Staff opening the admin need OIDC_STAFF_ACR_MINIMUM (empty: no more than
    # anyone else) and are asked to sign in again at that level when their session is lower.
    OIDC_ACR_LEVELS = env.list(
        "OIDC_ACR_LEVELS", default=["idporten-loa-substantial", "idporten-loa-high"]
    )
    OIDC_ACR_MINIMUM = env.str("OIDC_ACR_MINIMUM", "idporten-loa-substantial")
    OIDC_STAFF_ACR_MINIMUM = env.str("OIDC_STAFF_ACR_MINIMUM", "")
    for _name, _level in (
        ("OIDC_ACR_MINIMUM", OIDC_ACR_MINIMUM),
        ("OIDC_STAFF_ACR_MINIMUM", OIDC_STAFF_ACR_MINIMUM),
    ):
        if _level and _level not in OIDC_ACR_LEVELS:
            raise ConfigError(f"{_name} must be one of OIDC_ACR_LEVELS, got {_level!r}")
    # The provider's discovery document is kept this long in the cache.
    OIDC_DISCOVERY_CACHE_SECONDS = env.int("OIDC_DISCOVERY_CACHE_SECONDS", default=3600)
    # Brønnøysund's open Enhetsregisteret API (organisation numbers looked up); `make run`
    # points it at a local stand-in unless set (frivillighet/fake_register.py).
    ENHETSREGISTERET_URL = env.str(
        "HUBPORTAL_ENHETSREGISTERET_URL", "https://data.brreg.no/enhetsregisteret/api"
    )
    ENHETSREGISTERET_TIMEOUT_SECONDS = env.int(
        "HUBPORTAL_ENHETSREGISTERET_TIMEOUT_SECONDS", default=5
    )
    # An organisation's facts from the register are looked up again after this many days.
    ENHETSREGISTERET_REFRESH_DAYS = env.int("HUBPORTAL_ENHETSREGISTERET_REFRESH_DAYS", default=7)
    # Vipps MobilePay's ePayment API (README, *Payment by Vipps*); `make run` points it at a
    # local stand-in (betaling/fake_vipps.py) unless HUBPORTAL_VIPPS_CLIENT_ID is set.
    VIPPS_URL = env.str("HUBPORTAL_VIPPS_URL", "https://apitest.vipps.no")
    VIPPS_CLIENT_ID = env.str("HUBPORTAL_VIPPS_CLIENT_ID", "")
    VIPPS_CLIENT_SECRET = env.str("HUBPORTAL_VIPPS_CLIENT_SECRET", "")
    VIPPS_SUBSCRIPTION_KEY = env.str("HUBPORTAL_VIPPS_SUBSCRIPTION_KEY", "")
    VIPPS_MERCHANT_SERIAL_NUMBER = env.str("HUBPORTAL_VIPPS_MERCHANT_SERIAL_NUMBER", "")
    VIPPS_WEBHOOK_SECRET = env.str("HUBPORTAL_VIPPS_WEBHOOK_SECRET", "")
    VIPPS_TIMEOUT_SECONDS = env.int("HUBPORTAL_VIPPS_TIMEOUT_SECONDS", default=10)
    # A booking to be paid holds its times this long; then the periodic task releases it.
    PAYMENT_HOLD_MINUTES = env.int("HUBPORTAL_PAYMENT_HOLD_MINUTES", default=15)
    # Capture "at_booking" (once authorised) or "when_used" (when the first time begins).
    PAYMENT_CAPTURE = env.str("HUBPORTAL_PAYMENT_CAPTURE", "at_booking")
    if PAYMENT_CAPTURE not in ("at_booking", "when_used"):
        raise ConfigError("HUBPORTAL_PAYMENT_CAPTURE must be at_booking or when_used")
    SMS_BACKEND = env.str("HUBPORTAL_SMS_BACKEND", "hubportal.notifications.sms.ConsoleSmsBackend")
    # LINK Mobility's SMS REST API (README, *SMS*); `make run` points it at a local stand-in.
    SMS_LINK_URL = env.str("HUBPORTAL_SMS_LINK_URL", "https://n-eu.linkmobility.io")
    SMS_LINK_USERNAME = env.str("HUBPORTAL_SMS_LINK_USERNAME", "")
    SMS_LINK_PASSWORD = env.str("HUBPORTAL_SMS_LINK_PASSWORD", "")
    SMS_LINK_PLATFORM_ID = env.str("HUBPORTAL_SMS_LINK_PLATFORM_ID", "")
    SMS_LINK_PLATFORM_PARTNER_ID = env.str("HUBPORTAL_SMS_LINK_PLATFORM_PARTNER_ID", "")
    # The gate LINK posts delivery reports to (its URL, /sms/leveringsrapport/, and the HTTP
    # Basic credentials below are set up at LINK); empty: no delivery reports are asked for.
    SMS_LINK_GATE_ID = env.str("HUBPORTAL_SMS_LINK_GATE_ID", "")
    SMS_REPORT_USERNAME = env.str("HUBPORTAL_SMS_REPORT_USERNAME", "")
    SMS_REPORT_PASSWORD = env.str("HUBPORTAL_SMS_REPORT_PASSWORD", "")
    # The HMAC key of the reference a delivery report names (SECRET_KEY when empty).
    SMS_REFERENCE_KEY = env.str("HUBPORTAL_SMS_REFERENCE_KEY", "")
    # The sender people see: an alphanumeric name of at most 11 characters.
    SMS_SENDER = env.str("HUBPORTAL_SMS_SENDER", "Hubportal")
    if not (1 <= len(SMS_SENDER) <= 11):
        raise ConfigError("HUBPORTAL_SMS_SENDER must be 1 to 11 characters")
    SMS_TIMEOUT_SECONDS = env.int("HUBPORTAL_SMS_TIMEOUT_SECONDS", default=10)
    # Door locks (booking/locks.py): the backend per lock system, and Nuki's Web API.
    LOCK_BACKENDS = {
        "console": "booking.locks.ConsoleLockBackend",
        "nuki": "booking.locks.NukiLockBackend",
    }
    NUKI_API_URL = env.str("HUBPORTAL_NUKI_API_URL", "https://api.nuki.io")
    NUKI_API_TOKEN = env.str("HUBPORTAL_NUKI_API_TOKEN", "")
    LOCK_TIMEOUT_SECONDS = env.int("HUBPORTAL_LOCK_TIMEOUT_SECONDS", default=10)
    MEDIA_STORAGE_BACKEND = env.str(
        "DJANGO_MEDIA_STORAGE", "django.core.files.storage.FileSystemStorage"
    )
    MEDIA_ROOT = env.str("DJANGO_MEDIA_ROOT", str(BASE_DIR / ".data" / "media"))
    STATIC_ROOT = env.str("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles"))
    CONN_MAX_AGE = env.int("DJANGO_CONN_MAX_AGE", default=60)
    # Installations sharing one Redis keep their tasks apart with a queue name each.
    CELERY_TASK_DEFAULT_QUEUE = env.str("HUBPORTAL_CELERY_QUEUE", "hubportal")
    # Seconds before the first retry of a failed message; later ones back off exponentially.
    NOTIFICATION_BACKOFF_SECONDS = env.int("HUBPORTAL_NOTIFICATION_BACKOFF_SECONDS", default=30)
    # A message handed to the broker but still pending after this many seconds is handed over
    # again by the dispatcher (a worker that died with it, a broker that lost it).
    NOTIFICATION_REDISPATCH_SECONDS = env.int(
        "HUBPORTAL_NOTIFICATION_REDISPATCH_SECONDS", default=300
    )
    # Webhooks (api/webhooks.py): a subscription whose deliveries have failed without a
    # success for this many days is disabled and its owner told.
    WEBHOOK_DISABLE_AFTER_DAYS = env.int("HUBPORTAL_WEBHOOK_DISABLE_AFTER_DAYS", default=3)
    # Seconds to connect to a receiver, and again to wait for its answer.
    WEBHOOK_TIMEOUT_SECONDS = env.int("HUBPORTAL_WEBHOOK_TIMEOUT_SECONDS", default=10)
    # Receivers on this machine (127.0.0.1, ::1), over plain http too: for the test suite
    # and `make run` only. Private and link-local networks are refused even then.
    WEBHOOK_ALLOW_LOOPBACK = env.bool("HUBPORTAL_WEBHOOK_ALLOW_LOOPBACK", default=DEBUG)
    # Staff are reminded of booking requests nobody has answered after this many hours.
    BOOKING_REQUEST_REMINDER_HOURS = env.int("HUBPORTAL_BOOKING_REQUEST_REMINDER_HOURS", default=48)
    # Other origins images may come from (uploads on an S3 storage), e.g. https://bilder.example.no
    _csp_image_origins = env.list("DJANGO_CSP_IMAGE_ORIGINS", default=[])
    for _origin in _csp_image_origins:
        _parts = urlsplit(_origin)
        if _parts.scheme != "https" or not _parts.netloc or _parts.path not in ("", "/"):
            raise ConfigError(
                f"DJANGO_CSP_IMAGE_ORIGINS must be https origins (https://host), got {_origin!r}"
            )
    # Where browsers report violations of the Content-Security-Policy (off unless set).
    _csp_report_uri = env.str("DJANGO_CSP_REPORT_URI", "")
    if OIDC_PROVIDER_ID and not (OIDC_CLIENT_ID and OIDC_SERVER_URL):
        raise ConfigError(
            "OIDC_PROVIDER_ID is set, so OIDC_CLIENT_ID and OIDC_SERVER_URL are required"
        )
    # The national identity number (`pid`) is kept only as a keyed hash (HMAC-SHA256) under
    # this key, never in clear: enough to know the same person again, useless without it.
    # Required in production with a provider; elsewhere derived from the secret key.
    OIDC_PID_HMAC_KEY = (
        env.str("OIDC_PID_HMAC_KEY", required=not DEBUG and bool(OIDC_PROVIDER_ID))
        or f"pid-hmac-derived-for-development:{SECRET_KEY}"
    )
except ConfigError as error:
    fail(error)

DATABASES["default"]["CONN_MAX_AGE"] = CONN_MAX_AGE
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "knutepunkt.apps.PortalAdminConfig",  # django.contrib.admin with the portal's site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "django_htmx",
    "csp",
    "corsheaders",
    # Django Ninja: the public API's framework (its Swagger UI from our own static files).
    "ninja",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "hubportal.core",
    "hubportal.accounts",
    "hubportal.notifications",
    "hubportal.search",
    "knutepunkt",
    "innbyggertorg",
    "booking",
    "frivillighet",
    "sesong",
    # The portal as an OAuth 2 authorization server: a citizen lets an application read
    # their own bookings and registrations (/api/v1/me/…), see api/oauth.py. Before `api`,
    # whose admin replaces the toolkit's.
    "oauth2_provider",
    "api",
    "betaling",
    "samarbeid",
]

# OAuth 2 (django-oauth-toolkit): authorization code with PKCE for every client; access
# tokens for an hour, refresh tokens for 30 days; scopes a citizen consents to.
OAUTH2_PROVIDER = {
    "SCOPES": {
        "bookings:read": _("See your bookings"),
        "registrations:read": _("See your event registrations"),
    },
    "DEFAULT_SCOPES": ["bookings:read"],
    "PKCE_REQUIRED": True,
    "ACCESS_TOKEN_EXPIRE_SECONDS": 3600,
    "REFRESH_TOKEN_EXPIRE_SECONDS": 30 * 24 * 3600,
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "ROTATE_REFRESH_TOKEN": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https", "http"] if DEBUG else ["https"],
    "REQUEST_APPROVAL_PROMPT": "auto",
    # The OAuth 2.0 Security BCP (RFC 9700) throughout: tokens kept only as their SHA-256
    # (like the staff API tokens), no implicit or password grant, PKCE with S256 only,
    # tokens never in a query string, `iss` in the authorization response, and a replayed
    # refresh token revokes its whole family.
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
}
# Named so that api.OAuthClient can refer to the (swappable) application model.
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"

# The security headers come first: a response the early page cache or WhiteNoise answers
# passes back through them too.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The API (/api/ only): CORS for reads from other sites, and 304 for a copy the client
    # has (ETag / Last-Modified), both around the early page cache that answers most reads.
    "corsheaders.middleware.CorsMiddleware",
    "api.middleware.ConditionalApiMiddleware",
    "hubportal.core.middleware.EarlyPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "hubportal.core.middleware.PreferredLanguageRedirectMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Staff opening the admin with a session below OIDC_STAFF_ACR_MINIMUM sign in again.
    "hubportal.accounts.middleware.StaffAssuranceMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "hubportal.core.middleware.RefuseNulInQueryMiddleware",
]

ROOT_URLCONF = "hubportal.urls"
WSGI_APPLICATION = "hubportal.wsgi.application"
ASGI_APPLICATION = "hubportal.asgi.application"

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
                "hubportal.core.context_processors.site",
            ],
        },
    },
]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"

# --- django-allauth: email is the login; verification is mandatory; rate limits stay on.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_ADAPTER = "hubportal.accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "hubportal.accounts.adapters.SocialAccountAdapter"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = OIDC_TIMEOUT_SECONDS
SOCIALACCOUNT_PROVIDERS: dict = {}
if OIDC_PROVIDER_ID:
    # A generic OpenID Connect provider, e.g. the national ID-porten login.
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [
            {
                "provider_id": OIDC_PROVIDER_ID,
                "name": OIDC_PROVIDER_NAME,
                "client_id": OIDC_CLIENT_ID,
                "secret": OIDC_CLIENT_SECRET,
                "settings": {"server_url": OIDC_SERVER_URL},
            }
        ],
    }

# --- Languages: Bokmål first, Nynorsk and English available.
LANGUAGE_CODE = "nb"
LANGUAGES = [
    ("nb", _("Norwegian Bokmål")),
    ("nn", _("Norwegian Nynorsk")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "hubportal_language"
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
USE_I18N = True
TIME_ZONE = "Europe/Oslo"
USE_TZ = True

# --- Files: static through WhiteNoise, uploads through STORAGES (S3 is configuration).
STATIC_URL = "/static/"
# static/ is ours; frontend/dist/ is Designsystemet, assembled by `make design` (git-ignored).
STATICFILES_DIRS = [BASE_DIR / "static", BASE_DIR / "frontend" / "dist"]
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": MEDIA_STORAGE_BACKEND},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Sessions live in the database only. They are not read through the cache: a session
# changed while Redis was away (a logout, a login) would come back stale from Redis after it.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# --- Redis is a cache, never the source of truth: while it is away (down, frozen, refusing)
# pages are built afresh and rate limits count in each process's memory (hubportal.core.cache).
CACHES = {
    # django-allauth's rate limits (it uses the default cache) and anything small and local.
    "default": {
        "BACKEND": "hubportal.core.cache.LocalFallbackRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "hubportal",
        "TIMEOUT": 300,
    },
    # The page cache (hubportal.core.page_cache): shared copies and their content versions.
    "pages": {
        "BACKEND": "hubportal.core.cache.FailSafeRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "hubportal",
        "TIMEOUT": 300,
    },
}

# --- Email. A mail server that accepts the connection and then says nothing must not hold a
# worker for ever: 20 s unless EMAIL_URL says otherwise (`?timeout=5`).
EMAIL_BACKEND = _email.pop("EMAIL_BACKEND")
EMAIL_TIMEOUT = int(_email.pop("OPTIONS", {}).get("TIMEOUT", 20))
for _key, _value in _email.items():
    globals()[_key] = _value
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security. Everything below is on unless DEBUG is.
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): only what the portal serves itself. No inline
# scripts or styles anywhere (templates keep them in static/), so no nonces either: one
# cached copy of a page serves every reader. The login form may lead to the identity
# provider (browsers check form-action on the redirect after a form too).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, *_csp_image_origins],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF]
        + (
            [f"{urlsplit(OIDC_SERVER_URL).scheme}://{urlsplit(OIDC_SERVER_URL).netloc}"]
            if OIDC_PROVIDER_ID
            else []
        ),
        **({"report-uri": _csp_report_uri} if _csp_report_uri else {}),
    }
}
# --- The public API (/api/v1/, the `api` app): any site may read it from a browser (GET
# only, no cookies); nothing else of the portal is shared across origins.
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified"]
CORS_PREFLIGHT_MAX_AGE = 86400

if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Celery: Redis as broker; the outbox in PostgreSQL is the source of truth.
CELERY_BROKER_URL = REDIS_URL
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    # A broker that is down or frozen must not hold up the request that hands a message
    # over (the outbox keeps it; the dispatcher hands it over later): no connection retries
    # (redis-py itself replaces a pooled connection that a restarted Redis closed) and short
    # socket timeouts (BRPOP polls every second, inside them). The worker's own
    # reconnection (broker_connection_retry) is not affected.
    "max_retries": 0,
    "socket_connect_timeout": 1,
    "socket_timeout": 2,
}
CELERY_TIMEZONE = TIME_ZONE
# Beat keeps its schedule in Redis under a lock (celery-redbeat): a second beat process
# (a redeploy that overlaps, a second container started by mistake) waits for the lock
# instead of sending every task twice, and takes over within the lock's timeout when the
# first one dies. Beat wakes at least every HUBPORTAL_BEAT_LOOP_SECONDS and renews the lock;
# the lock lasts five of those.
CELERY_BEAT_SCHEDULER = "redbeat.RedBeatScheduler"
CELERY_BEAT_MAX_LOOP_INTERVAL = env.int("HUBPORTAL_BEAT_LOOP_SECONDS", 30)
CELERY_REDBEAT_REDIS_URL = REDIS_URL
CELERY_REDBEAT_KEY_PREFIX = env.str("HUBPORTAL_BEAT_KEY_PREFIX", "hubportal:beat:")
CELERY_REDBEAT_LOCK_TIMEOUT = 5 * CELERY_BEAT_MAX_LOOP_INTERVAL
CELERY_BEAT_SCHEDULE = {
    "dispatch-due-notifications": {
        "task": "hubportal.notifications.tasks.dispatch_due_notifications",
        "schedule": float(env.int("HUBPORTAL_DISPATCH_EVERY_SECONDS", 30)),
    },
    # Door codes: the locks made to agree with the bookings (booking/door_codes.py).
    "sync-door-codes": {
        "task": "booking.tasks.sync_door_codes",
        "schedule": 300,
    },
    "remind-stale-booking-requests": {
        "task": "booking.tasks.remind_stale_requests",
        "schedule": crontab(minute=5),
    },
    "volunteer-weekly-digest": {
        "task": "frivillighet.tasks.weekly_digest",
        "schedule": crontab(day_of_week="mon", hour=7, minute=0),
    },
    "agreements-expiring": {
        "task": "frivillighet.tasks.agreements_expiring",
        "schedule": crontab(hour=6, minute=30),
    },
    "refresh-organisation-register": {
        "task": "frivillighet.tasks.refresh_register_records",
        "schedule": crontab(hour=4, minute=23),
    },
    "purge-ended-identity-sessions": {
        "task": "hubportal.accounts.tasks.purge_ended_identity_sessions",
        "schedule": crontab(hour=3, minute=53),
    },
    "purge-past-registrations": {
        "task": "innbyggertorg.tasks.purge_past_registrations",
        "schedule": crontab(hour=3, minute=41),
    },
    "release-unpaid-booking-holds": {
        "task": "betaling.tasks.release_unpaid_holds",
        "schedule": 60.0,
    },
    "reconcile-payments-with-vipps": {
        "task": "betaling.tasks.reconcile_payments",
        "schedule": crontab(minute="*/5"),
    },
    "retry-refunds": {
        "task": "betaling.tasks.retry_refunds",
        "schedule": crontab(minute="*/15"),
    },
    "capture-due-payments": {
        "task": "betaling.tasks.capture_due_payments",
        "schedule": crontab(minute="*/10"),
    },
    "release-unanswered-season-allocations": {
        "task": "sesong.tasks.release_unanswered_allocations",
        "schedule": crontab(minute=20),
    },
    "purge-old-notifications": {
        "task": "hubportal.notifications.tasks.purge_old_notifications",
        "schedule": crontab(hour=3, minute=17),
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
