"""Settings for the test suite: the environment-driven settings with a fixed key."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-secret-key-" + "x" * 40)
# The test client speaks plain HTTP; production redirects it to HTTPS.
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")

from site_config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = BASE_DIR / "var" / "test-media"  # noqa: F405
EXPORT_STATE_DIR = BASE_DIR / "var" / "test-export-state"  # noqa: F405
_cards = CACHES["cards"]  # noqa: F405
if _cards["BACKEND"].endswith("CardFileCache") and not os.environ.get(
    "LABSITE_CARD_CACHE_DIR"
):
    _cards["LOCATION"] = str(BASE_DIR / "var" / "test-card-cache")  # noqa: F405
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
# Page tests measure rendering and its queries; the page cache tests turn it on.
PAGE_CACHE_ENABLED = False
# Tasks run inside the request that enqueues them; the tests of the database
# backend and its worker switch to it with override_settings.
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
