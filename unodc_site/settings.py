"""All settings, read from the environment (see README: "Settings").

Defaults make `make run` work on SQLite with nothing configured; production sets
SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, REDIS_URL and HTTPS=true.
"""

import datetime
from base64 import b64encode
from hashlib import sha256
from pathlib import Path
from urllib.parse import urlsplit

import environ
from botocore.config import Config
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _
from js_asset.js import static_lazy

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str(
    "SECRET_KEY", default="django-insecure-local-development-key-never-use-in-production"
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "modeltranslation",  # before the admin, which it extends
    "unodc_site.apps.SiteAdminConfig",  # django.contrib.admin, with the site's admin site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_filters",
    "corsheaders",
    "rest_framework",
    "drf_spectacular",
    "django_prose_editor",
    "imagekit",
    "simple_history",
    "django_tasks_db",
    "unodc_site.apps.LoginLockoutsConfig",  # axes
    "django_otp",
    "unodc_site.apps.AuthenticatorAppsConfig",  # django_otp.plugins.otp_totp
    "unodc_site.apps.OneTimeCodesConfig",  # django_otp.plugins.otp_static
    "unodc_site",
    "editorial",
    "images",
    "sources",
    "programmes",
    "news",
    "pages",
    "publications",
    "search",
    "api",
    "bench",
]

MIDDLEWARE = [
    "corsheaders.middleware.CorsMiddleware",  # first: it must answer before anything else does
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "unodc_site.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # What the page cache does not send (the admin, editors' pages, exports) goes gzipped to
    # clients that accept it; below WhiteNoise, which sends static files compressed already.
    # Django adds random bytes to each (against BREACH: the admin's pages carry CSRF tokens).
    "django.middleware.gzip.GZipMiddleware",
    # ETag on every page, and 304 to a matching If-None-Match, cached page or not.
    "django.middleware.http.ConditionalGetMiddleware",
    "unodc_site.page_cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "unodc_site.middleware.AdminAddressMiddleware",
    # A page not found may have moved or be gone: the redirects are looked up last.
    "editorial.addresses.RedirectMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
]

ROOT_URLCONF = "unodc_site.urls"
WSGI_APPLICATION = "unodc_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "unodc_site.context_processors.language_links",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
# Connections are checked before use: after PostgreSQL restarts, a request gets a fresh one
# instead of an error.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)
# On PostgreSQL each app server process keeps a pool of connections (psycopg_pool): no connect
# per request, and one broken by a restart is replaced. Django refuses CONN_MAX_AGE with it.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env.bool(
    "DB_POOL", default=True
):
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env.int("DB_POOL_MIN_SIZE", default=1),
        "max_size": env.int("DB_POOL_MAX_SIZE", default=4),
        # Seconds a request waits for a connection; with the database down, the 503 comes then.
        "timeout": env.float("DB_POOL_TIMEOUT", default=3.0),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis is shared by every app server (page cache, sessions, rate limits). django-redis rather
# than Django's own backend because it can treat Redis being down as a cache miss: the site then
# serves from the database, slower, instead of answering 500.
if REDIS_URL := env.str("REDIS_URL", default=""):
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.25,
                "SOCKET_TIMEOUT": 0.25,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Anonymous pages are kept whole in the cache for at most this long (0: not cached); any change
# to content makes them stale at once (unodc_site/page_cache.py).
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=600)
# Whoever made or submitted changes cannot approve them (a publisher may still publish without
# review, giving the reason); false for an office with a single publisher.
EDITORIAL_SECOND_PAIR_OF_EYES = env.bool("EDITORIAL_SECOND_PAIR_OF_EYES", default=True)
# Sessions live in the database, read through the cache: any app server finds them, and they
# survive Redis going down.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        # Every account is a staff account (the public site has none).
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ru", _("Russian"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Content has English and Russian fields (django-modeltranslation); a missing Russian text falls
# back to the English one, and the page says so.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
USE_I18N = True
TIME_ZONE = "Asia/Tashkent"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]

# The rich-text editor's one extension of our own: "Link to an item of this site", a button that
# opens a search of the site's items (editorial/static/editorial/site_link.js). It adds no markup
# beyond the Link extension's, so it adds nothing to the sanitiser's allow-list.
DJANGO_PROSE_EDITOR_EXTENSIONS = [
    {
        "js": [static_lazy("editorial/site_link.js")],
        "extensions": {"SiteLink": lambda config, allow_list: None},
    }
]
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    # Publication files and their covers: never under MEDIA_URL; only publications.views hands
    # out a published publication's (docs/publications.md).
    "publication_files": {"BACKEND": "publications.storage.PrivateFileStorage"},
}
PUBLICATION_FILES_ROOT = env.path("PUBLICATION_FILES_ROOT", default=BASE_DIR / "private-media")
# Uploads on this machine's disk by default. With several app servers they go to S3-compatible
# object storage (django-storages), which every server reads and writes and which serves them.
# Credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, read from the environment by boto3.
if AWS_STORAGE_BUCKET_NAME := env.str("AWS_STORAGE_BUCKET_NAME", default=""):
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage"}
    AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default="") or None  # None: AWS
    AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default="") or None
    AWS_S3_CUSTOM_DOMAIN = env.str("AWS_S3_CUSTOM_DOMAIN", default="") or None  # e.g. a CDN
    AWS_S3_FILE_OVERWRITE = False  # an upload never replaces a file that pages link to
    AWS_DEFAULT_ACL = None  # the bucket's policy makes objects public, not each upload
    # Plain URLs, the same on every server and every request: pages are cached whole.
    AWS_QUERYSTRING_AUTH = False
    # A stored name is never reused for other content (renditions are named after their
    # source and settings), so browsers and CDNs may keep each file for a year.
    AWS_S3_OBJECT_PARAMETERS = {"CacheControl": "public, max-age=31536000, immutable"}
    # Storage that does not answer fails an upload within seconds (the editor is told), rather
    # than after botocore's default minute per attempt.
    AWS_S3_CLIENT_CONFIG = Config(
        signature_version="s3v4",
        s3={"addressing_style": env.str("AWS_S3_ADDRESSING_STYLE", default="auto")},
        connect_timeout=3,
        read_timeout=20,
        retries={"mode": "standard", "max_attempts": 3},
    )
    if AWS_S3_CUSTOM_DOMAIN:
        _media_default = f"https://{AWS_S3_CUSTOM_DOMAIN}/"
    elif AWS_S3_ENDPOINT_URL:
        _media_default = f"{AWS_S3_ENDPOINT_URL.rstrip('/')}/{AWS_STORAGE_BUCKET_NAME}/"
    else:
        _media_default = f"https://{AWS_STORAGE_BUCKET_NAME}.s3.amazonaws.com/"
    # S3Storage builds the URLs itself; MEDIA_URL names their origin (the CSP allows images
    # from there).
    MEDIA_URL = env.str("MEDIA_URL", default=_media_default)
else:
    MEDIA_URL = env.str("MEDIA_URL", default="media/")

# Where `manage.py backup` writes its archives (README: "Backups").
BACKUP_DIR = env.path("BACKUP_DIR", default=BASE_DIR / "backups")

# Uploaded images: refused above this size before Pillow opens them.
# An upload up to MAX_IMAGE_UPLOAD_BYTES is taken; the copy stored is scaled down until it fits
# MAX_IMAGE_STORED_BYTES and MAX_IMAGE_STORED_SIDE pixels (images/processing.py).
MAX_IMAGE_UPLOAD_BYTES = env.int("MAX_IMAGE_UPLOAD_BYTES", default=25 * 1024 * 1024)
MAX_IMAGE_STORED_BYTES = env.int("MAX_IMAGE_STORED_BYTES", default=5 * 1024 * 1024)
MAX_IMAGE_STORED_SIDE = env.int("MAX_IMAGE_STORED_SIDE", default=3200)
MAX_IMAGE_PIXELS = env.int("MAX_IMAGE_PIXELS", default=40_000_000)
# Publication files (PDF, DOCX, XLSX): refused above this size, and a zip unpacking beyond it.
MAX_PUBLICATION_BYTES = env.int("MAX_PUBLICATION_BYTES", default=50 * 1024 * 1024)

# HTTPS=true behind TLS in production; off for `make run` and the test server on 127.0.0.1.
HTTPS = env.bool("HTTPS", default=False)
SECURE_SSL_REDIRECT = HTTPS
# The balancer probes each app server over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # the admin takes the token from its forms, never from the cookie
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
# Only staff have sessions (public pages set no cookie): a working day at most, and none after
# the browser closes.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = env.bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", default=True)
X_FRAME_OPTIONS = "DENY"
# The only login is the admin's: an unsafe or missing next= lands on its index, not on
# Django's default /accounts/profile/, which the site does not have.
LOGIN_REDIRECT_URL = "admin:index"
# Permissions-Policy and Cross-Origin-Resource-Policy come from unodc_site/middleware.py.

# Content Security Policy (Django's own). Public pages have no script and no inline style, so their
# policy never carries a nonce and a page cached whole stays valid; the admin's templates put
# the per-request nonce on their scripts and styles. JSON-LD blocks are data, not scripts: CSP
# does not apply to them. Uploaded images may be on another host (S3): it is allowed for images.
_media = urlsplit(MEDIA_URL)
MEDIA_ORIGIN = f"{_media.scheme}://{_media.netloc}" if _media.netloc else None
SECURE_CSP = {
    "default-src": [CSP.NONE],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, MEDIA_ORIGIN] if MEDIA_ORIGIN else [CSP.SELF],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "object-src": [CSP.NONE],
}
# The admin's pages also allow, by their hashes, two inline styles that libraries add without a
# nonce: the rich-text editor's base CSS (a <style> that Tiptap writes; its hash changes with
# django-prose-editor's version, and tests/test_security.py fails if it does) and one style
# attribute in django-simple-history's list of revisions.
ADMIN_CSP = SECURE_CSP | {
    "style-src": [
        *SECURE_CSP["style-src"],
        CSP.UNSAFE_HASHES,  # lets a hash match a style attribute, and only that exact one
        "'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='",
        f"'sha256-{b64encode(sha256(b'border-top: 0').digest()).decode()}'",
    ],
}

# The admin: a password and, when ADMIN_REQUIRE_2FA (production by default), a TOTP code from
# an authenticator app (django-otp; README: "Security"). django-axes locks a username for one
# address after five wrong passwords in a row.
ADMIN_REQUIRE_2FA = env.bool("ADMIN_REQUIRE_2FA", default=HTTPS)
OTP_TOTP_ISSUER = "UNODC ROCA"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: it refuses a locked-out login outright
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("ADMIN_LOCKOUT_MINUTES", default=30))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "unodc_site.security.locked_out"
AXES_USERNAME_CALLABLE = "unodc_site.security.username_for_lockout"
# The client's address as the API's rate limit finds it (API_NUM_PROXIES): behind the TLS proxy,
# the last X-Forwarded-For entry, which the proxy wrote; else the connection's own.
AXES_CLIENT_IP_CALLABLE = "unodc_site.security.client_ip_address"

# Mail: EMAIL_URL in django-environ's form, e.g. smtp+tls://user:password@relay.example:587;
# without it, the console in DEBUG and a relay on this machine otherwise (README, "Settings").
_email = env.email_url_config(
    env.str("EMAIL_URL", default="") or ("consolemail://" if DEBUG else "smtp://localhost:25")
)
_mailer_options = {}
if _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend"):
    _mailer_options = {
        "host": _email["EMAIL_HOST"] or "localhost",
        "port": _email["EMAIL_PORT"],
        "username": _email["EMAIL_HOST_USER"] or None,
        "password": _email["EMAIL_HOST_PASSWORD"] or None,
        "use_tls": _email.get("EMAIL_USE_TLS", False),
        "use_ssl": _email.get("EMAIL_USE_SSL", False),
        "timeout": env.int("EMAIL_TIMEOUT", default=10),  # a relay that hangs cannot hold a worker
    }
elif _email["EMAIL_BACKEND"].endswith("filebased.EmailBackend"):
    _mailer_options = {"file_path": _email["EMAIL_FILE_PATH"]}
MAILERS = {"default": {"BACKEND": _email["EMAIL_BACKEND"], "OPTIONS": _mailer_options}}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="webmaster@localhost")
# Background tasks (the workflow's mail): queued in the database and run by `manage.py db_worker`
# in production; run at once, in the request, with TASKS_BACKEND=immediate (`make run`).
_task_backends = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
}
TASKS = {
    "default": {
        "BACKEND": _task_backends[
            env.str("TASKS_BACKEND", default="immediate" if DEBUG else "database")
        ]
    }
}
SERVER_EMAIL = DEFAULT_FROM_EMAIL

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
    "filters": {"once_per_minute": {"()": "unodc_site.log_filters.OncePerMinute"}},
    "loggers": {
        # django-dbbackup's connectors log each pg_dump command at DEBUG, whatever LOG_LEVEL
        # says; not propagated, only its warnings reach stderr (through logging's last resort).
        "dbbackup": {"propagate": False},
        "django_redis.cache": {"filters": ["once_per_minute"]},
    },
}

NEWS_PER_PAGE = 10

# The public API (/api/v1/, api/): Django REST framework with drf-spectacular, because they are
# mature and maintained, generate the OpenAPI 3 schema from the code, and bring throttling,
# pagination and content negotiation ready-made. Read-only, anonymous and JSON only.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": env.str("API_RATE_LIMIT", default="120/minute")},
    # The rate is counted per client address: behind the TLS proxy, the last X-Forwarded-For one.
    "NUM_PROXIES": env.int("API_NUM_PROXIES", default=1 if HTTPS else 0),
    "DEFAULT_SCHEMA_CLASS": "api.schema.PublicAPISchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "UNODC ROCA public API",
    "DESCRIPTION": "Published news, programmes, countries, offices and thematic areas of the "
    "UNODC Regional Office for Central Asia, in English and Russian. Read-only.",
    "VERSION": "1.0.0",
    "SCHEMA_PATH_PREFIX": "/api/v1/",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
}
# Anyone may read the API from a browser on another site; the rest of the site is not shared.
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
