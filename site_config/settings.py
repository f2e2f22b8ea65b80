"""labsite settings, read from the environment.

Development (the quick start) sets DJANGO_DEBUG=1 and may run without a secret key.
Production leaves DEBUG off; then a missing DJANGO_SECRET_KEY stops start-up.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item]


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it in the environment, "
            "or set DJANGO_DEBUG=1 for local development."
        )
    # Development only: a key that changes per process is fine for a local server.
    SECRET_KEY = "django-insecure-development-key-not-for-production"

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else ""
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "markdownx",
    "reversion",
    "django_tasks_db",
    "axes",
    "site_config",
    "people",
    "research",
    "publications",
    "news",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outermost after security headers, so every response carries the policy.
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "site_config.core.http.StaticFilesMiddleware",
    # Compresses what the page cache below does not serve (admin, editors' pages);
    # cached pages arrive already compressed and pass through untouched.
    "site_config.core.http.AcceptEncodingGZipMiddleware",
    # Before the page cache and every view: a NUL or an oversized query never
    # reaches a query or a cache key, and TRACE no view.
    "site_config.core.http.RefuseTraceMiddleware",
    "site_config.core.http.RefuseNulMiddleware",
    # Early, so a cached page skips sessions, auth and the view entirely.
    "site_config.pagecache.cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Inside the page cache, which stores 200s only: a 404 under a changed
    # slug's old address becomes a 301 to the new one (site_config/redirects.py).
    "site_config.redirects.OldSlugRedirectMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into its 429 page.
    "axes.middleware.AxesMiddleware",
]

# Sign-in throttling (site_config/throttle.py): django-axes counts failures in
# the database, so all workers share them, by address and by username apart.
AUTHENTICATION_BACKENDS = [
    "site_config.core.throttle.SignInThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "site_config.core.throttle.client_address"
AXES_LOCKOUT_CALLABLE = "site_config.core.throttle.locked_out"
# Failures are counted in AccessAttempt; a row per successful sign-in is not needed.
AXES_DISABLE_ACCESS_LOG = True

ROOT_URLCONF = "site_config.urls"

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
                "site_config.context_processors.site_profile",
            ],
        },
    },
]

WSGI_APPLICATION = "site_config.wsgi.application"
ASGI_APPLICATION = "site_config.asgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed during a write; IMMEDIATE takes the write lock at
    # BEGIN so two writers queue on the busy timeout instead of failing mid-way.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        # Django's SQLite backend turns foreign keys on itself.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))

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

CACHE_URL = os.environ.get("CACHE_URL", "locmem://")
if CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": os.environ.get("DJANGO_CACHE_PREFIX", "labsite"),
        }
    }
elif CACHE_URL.startswith("memcached://"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache",
            "LOCATION": CACHE_URL.removeprefix("memcached://").rstrip("/"),
            "KEY_PREFIX": os.environ.get("DJANGO_CACHE_PREFIX", "labsite"),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "labsite",
            # Formatted references (publications/references.py), a few hundred
            # bytes each: those of a 10,000-publication site in its style fit
            # (Django's 300 held those of a page or two of a long list).
            "OPTIONS": {"MAX_ENTRIES": 12_000},
        }
    }
# OpenGraph cards (site_config/media/cards.py), 25-70 KiB each: in a shared
# cache beside everything else; with local memory, on disk, where a
# 10,000-publication site's cards fit (at most 12,000 files, about 0.5 GiB) and
# every process and each run of export_site finds the cards drawn before.
if CACHES["default"]["BACKEND"].endswith("LocMemCache"):
    CACHES["cards"] = {
        "BACKEND": "site_config.media.cards.CardFileCache",
        "LOCATION": os.environ.get(
            "LABSITE_CARD_CACHE_DIR", str(BASE_DIR / "var" / "card-cache")
        ),
        "OPTIONS": {"MAX_ENTRIES": 12_000},
    }
else:
    CACHES["cards"] = CACHES["default"]
# Whole public pages for anonymous visitors (site_config.pagecache); on unless off.
# They sit beside the default cache in Redis or Memcached; in local memory they are
# kept as the stored bytes, not pickled copies, with room for every public page.
PAGE_CACHE_ENABLED = env_bool("DJANGO_PAGE_CACHE", True)
PAGE_CACHE_ALIAS = "pages"
# Names the deployed code (e.g. the commit id) so cached pages never outlive it.
PAGE_CACHE_RELEASE = os.environ.get("DJANGO_RELEASE", "")
if CACHES["default"]["BACKEND"].endswith("LocMemCache"):
    CACHES["pages"] = {
        "BACKEND": "site_config.pagecache.cache.PageMemoryCache",
        "LOCATION": "labsite-pages",
        "OPTIONS": {
            "MAX_ENTRIES": 2000,
            # Per worker process: each holds its own copy of each page.
            "MAX_BYTES": int(
                os.environ.get("DJANGO_PAGE_CACHE_MAX_BYTES", 64 * 1024 * 1024)
            ),
        },
    }
else:
    CACHES["pages"] = CACHES["default"]

EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "webmaster@localhost")

# Uploads: anything larger than this is refused before it reaches Pillow.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o644

MARKDOWNX_MARKDOWNIFY_FUNCTION = "site_config.markup.render.render_markdown"
MARKDOWNX_UPLOAD_MAX_SIZE = 5 * 1024 * 1024
MARKDOWNX_UPLOAD_CONTENT_TYPES = ["image/jpeg", "image/png", "image/webp"]
MARKDOWNX_MEDIA_PATH = "markdownx/"
MARKDOWNX_IMAGE_MAX_SIZE = {"size": (1600, 1600), "quality": 85}

# HTTPS and browser protections: on by default in production (DEBUG off), each
# switchable from the environment for setups that terminate TLS differently.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = int(
    os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000")
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Trust X-Forwarded-Proto only when told to: behind a proxy that sets it (and
# strips it from clients), otherwise anyone could claim to be on HTTPS.
if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The request header holding the client's address behind that proxy (e.g.
# HTTP_X_REAL_IP); used by admin sign-in throttling. Empty: REMOTE_ADDR.
CLIENT_IP_HEADER = os.environ.get("DJANGO_CLIENT_IP_HEADER", "")

# No inline script or style anywhere: templates load files from /static/ and
# mark the rare unavoidable inline block with nonce="{{ csp_nonce }}".
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    # Editors may embed images from other sites in Markdown.
    "img-src": [CSP.SELF, "https:", "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Background work (imports started from the admin) runs through Django's tasks
# framework. The default backend keeps the queue in the site's own database
# (django-tasks-db), so nothing but `manage.py db_worker` has to run beside the web
# server; DJANGO_TASKS_BACKEND=immediate runs each task inside the request instead.
TASKS_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
}
TASKS_BACKEND = os.environ.get("DJANGO_TASKS_BACKEND", "database")
if TASKS_BACKEND not in TASKS_BACKENDS:
    raise ImproperlyConfigured(
        f"DJANGO_TASKS_BACKEND={TASKS_BACKEND!r} is not one of "
        f"{', '.join(TASKS_BACKENDS)}."
    )
TASKS = {"default": {"BACKEND": TASKS_BACKENDS[TASKS_BACKEND], "QUEUES": ["default"]}}

# Sent with every request to Crossref, DataCite, arXiv and ORCID: Crossref's
# etiquette asks for a contact address so that they can write before blocking.
LABSITE_CONTACT_EMAIL = os.environ.get("DJANGO_CONTACT_EMAIL", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {
        "handlers": ["console"],
        "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO"),
    },
}

# Static copy of the public site (manage.py export_site, docs/static-hosting.md):
# the address it is published at, and where saves re-export it when enabled.
EXPORT_BASE_URL = os.environ.get("LABSITE_EXPORT_BASE_URL", "http://localhost:8000/")
EXPORT_DIR = os.environ.get("LABSITE_EXPORT_DIR", "")
# What each exported page was made from (site_config/export/deps.py), kept out of
# the published mirror because it holds unpublished rows too.
EXPORT_STATE_DIR = Path(
    os.environ.get("LABSITE_EXPORT_STATE_DIR", BASE_DIR / "var" / "export-state")
)
# Each committed edit queues an incremental export into EXPORT_DIR (a background
# task: run `manage.py db_worker` beside the server).
EXPORT_ON_SAVE = env_bool("LABSITE_EXPORT_ON_SAVE")
