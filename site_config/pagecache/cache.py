"""Whole-page cache for anonymous visitors, kept exact by a content version stamp.

Every change to what public pages show moves one shared version stamp: the signal
receivers in ``pagecache.invalidation`` do it for saves, deletes and m2m changes,
and code that writes around signals (``bulk_create``, ``QuerySet.update``) calls
``bump_content_version()`` itself. A cached page remembers the stamp it was rendered
under and is served only while the stamp is unchanged, so the request after an edit
renders fresh in every worker process.

Where the stamp lives depends on the cache backend. A per-process cache
(local memory, the default) cannot carry it, so it lives with the database: the
one row of ``ContentVersion``, read with one query per request, and for a SQLite
file also a sidecar file beside it that two ``stat`` calls check. A shared cache
(Redis, Memcached) holds it next to the pages, and one ``get_many`` fetches both.
"""

import functools
import hashlib
import os
import secrets
import time
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.db.models import F
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from django.utils.regex_helper import _lazy_re_compile
from django.utils.text import compress_string

from site_config.pagecache.models import ContentVersion

VERSION_KEY = "labsite:content-version"
PAGE_KEY_PREFIX = "labsite:page:"
# URL namespaces (and un-namespaced URL names) whose pages are the public site.
PUBLIC_NAMESPACES = frozenset({"people", "research", "publications"})
PUBLIC_URL_NAMES = frozenset({"home"})
# Entries go stale by version long before this; the timeout only frees memory.
PAGE_TIMEOUT = 24 * 60 * 60
# Browsers may keep the page but must ask again; the ETag makes asking cheap.
CACHE_CONTROL = "no-cache"
VERSION_ROW = 1
# Cookies that mean this visitor may see something personal on the page.
PERSONAL_COOKIES = ("messages",)

_accepts_gzip = _lazy_re_compile(r"\bgzip\b")
_skipped_headers = frozenset(
    {"content-length", "content-encoding", "etag", "last-modified", "set-cookie"}
)


def page_cache():
    return caches[getattr(settings, "PAGE_CACHE_ALIAS", "default")]


class PageMemoryCache(LocMemCache):
    """Local-memory cache that keeps values as given instead of pickling them.

    Page entries are immutable tuples of bytes and strings, so sharing them is
    safe; unpickling would copy a large page on every hit, which costs more than
    the rest of the cached path.
    """

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._set(key, value, timeout)
                return True
            return False

    def get(self, key, default=None, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._delete(key)
                return default
            self._cache.move_to_end(key, last=False)
            return self._cache[key]

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            self._set(key, value, timeout)

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._delete(key)
                raise ValueError(f"Key {key!r} not found")
            self._cache[key] = value = self._cache[key] + delta
        return value


def uses_shared_store(backend):
    """True when every process sees the same entries in ``backend``."""
    return not isinstance(backend, LocMemCache | DummyCache)


def read_db_version(*, using=DEFAULT_DB_ALIAS):
    """The stamp as this database's processes share it.

    A SQLite file's stamp is its sidecar file (see ``stamp_path``), checked with
    two ``stat`` calls; other databases read the one ``ContentVersion`` row.
    """
    connection = connections[using]
    path = stamp_path(connection)
    if path is not None:
        return _stamp_file_version(connection.settings_dict["NAME"], path)
    table = connection.ops.quote_name(ContentVersion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {table} WHERE id = %s", [VERSION_ROW])
        row = cursor.fetchone()
    return row[0] if row else 0


def stamp_path(connection):
    """The sidecar stamp of a SQLite database file; None for other databases.

    Every process using a SQLite file runs on the host that holds it, so a file
    beside it is as shared as the database. Reading it costs two ``stat`` calls,
    where a query costs a SQLite lock round and, with CONN_MAX_AGE 0, a new
    connection: more than serving the whole cached page.
    """
    if connection.vendor != "sqlite" or connection.is_in_memory_db():
        return None
    return f"{connection.settings_dict['NAME']}.content-version"


def _stamp_file_version(database, path):
    # Each bump appends a byte, so the size alone tells every bump apart (a
    # timestamp's granularity could not); the database file's identity is part
    # of the stamp so that replacing the file wholesale also counts as a change.
    try:
        stamp = os.stat(path)
        stamp = (stamp.st_ino, stamp.st_size, stamp.st_mtime_ns)
    except FileNotFoundError:
        stamp = None
    try:
        database = os.stat(database)
        database = (database.st_dev, database.st_ino)
    except FileNotFoundError:
        database = None
    return (stamp, database)


def _touch_stamp_file(path):
    with open(path, "ab") as stamp:
        stamp.write(b".")


def current_content_version(backend=None):
    """The stamp pages are cached under right now."""
    backend = backend or page_cache()
    if not uses_shared_store(backend):
        return read_db_version()
    version = backend.get(VERSION_KEY)
    if version is None:
        version = _start_shared_version(backend)
    return version


def _start_shared_version(backend):
    # A fresh random token cannot equal any stamp an older entry was stored with,
    # so an evicted or flushed stamp never revives stale pages.
    backend.add(VERSION_KEY, secrets.token_hex(8), timeout=None)
    return backend.get(VERSION_KEY)


def _bump_now(using):
    updated = (
        ContentVersion.objects.using(using)
        .filter(pk=VERSION_ROW)
        .update(value=F("value") + 1)
    )
    if not updated:
        # Start from the clock, not from 1, so a recreated table cannot repeat a
        # value that pages in a long-lived cache were stored under.
        try:
            with transaction.atomic(using=using):
                ContentVersion.objects.using(using).create(
                    pk=VERSION_ROW, value=time.time_ns() // 1000
                )
        except IntegrityError:
            ContentVersion.objects.using(using).filter(pk=VERSION_ROW).update(
                value=F("value") + 1
            )
    path = stamp_path(connections[using])
    if path is not None:
        _touch_stamp_file(path)
    backend = page_cache()
    if uses_shared_store(backend):
        backend.set(VERSION_KEY, secrets.token_hex(8), timeout=None)


def bump_content_version(*, using=DEFAULT_DB_ALIAS):
    """Make every cached page stale: call after writes that send no signals.

    Inside a transaction the stamp moves when it commits (once, however many
    changes it holds); a rollback leaves it alone. Outside one it moves at once.
    """
    connection = connections[using]
    if not connection.in_atomic_block:
        _bump_now(using)
        return
    pending = getattr(connection, "_labsite_pending_bump", None)
    # Look the callback up where it was queued rather than trusting a flag: a
    # savepoint rollback drops it from run_on_commit (and may shift the list, at
    # worst costing one extra bump), and a commit empties the list. An import
    # saving thousands of rows thus queues one bump, checked in constant time.
    if pending is not None:
        callback, index = pending
        queued = connection.run_on_commit
        if index < len(queued) and queued[index][1] is callback:
            return

    def bump():
        _bump_now(using)

    connection._labsite_pending_bump = (bump, len(connection.run_on_commit))
    transaction.on_commit(bump, using=using)


@functools.cache
def release():
    """A fingerprint of the code and settings pages are rendered with.

    Part of every page key, so after a deploy a shared cache (Redis, Memcached)
    cannot serve pages rendered by the previous templates or under the previous
    Content-Security-Policy. ``DJANGO_RELEASE`` (e.g. the commit id) names it;
    otherwise the newest modification time of the project's code and templates.
    """
    named = getattr(settings, "PAGE_CACHE_RELEASE", "")
    if not named:
        base = Path(settings.BASE_DIR)
        folders = [Path(config.path) for config in apps.get_app_configs()]
        folders += [
            Path(folder)
            for engine in settings.TEMPLATES
            for folder in engine.get("DIRS", [])
        ]
        newest = 0
        for folder in folders:
            if not folder.is_relative_to(base) or "site-packages" in folder.parts:
                continue
            for path in folder.rglob("*"):
                if path.suffix in {".py", ".html"}:
                    try:
                        newest = max(newest, path.stat().st_mtime_ns)
                    except OSError:
                        continue  # removed while we looked
        named = f"{newest}:{getattr(settings, 'SECURE_CSP', '')}"
    return hashlib.md5(str(named).encode(), usedforsecurity=False).hexdigest()[:12]


def page_key(request):
    """One entry per release, scheme, host, path and query string."""
    meta = request.META
    url = "{}://{}{}?{}".format(
        request.scheme,
        meta.get("HTTP_HOST", meta.get("SERVER_NAME", "")),
        meta.get("PATH_INFO", ""),
        meta.get("QUERY_STRING", ""),
    )
    digest = hashlib.md5(url.encode(), usedforsecurity=False).hexdigest()
    return f"{PAGE_KEY_PREFIX}{release()}:{digest}"


def is_public_page(request):
    match = getattr(request, "resolver_match", None)
    if match is None:
        return False
    if match.namespace:
        return match.namespaces[0] in PUBLIC_NAMESPACES
    return match.url_name in PUBLIC_URL_NAMES


def is_storable(request, response):
    """A complete, impersonal 200 answer from a public page."""
    if response.status_code != 200 or response.streaming:
        return False
    if response.cookies or request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        # The page carries a token or cookie meant for this visitor alone.
        return False
    if getattr(request, "_csp_nonce", None):
        # A CSP nonce in the HTML is valid for this response's header only; a
        # stored copy would be sent with a fresh header that no longer matches.
        return False
    if response.has_header("Content-Encoding"):
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if any(word in cache_control for word in ("private", "no-store", "no-cache")):
        return False
    return is_public_page(request)


def make_entry(version, response):
    """What is stored: both encodings, validators and headers, ready to send."""
    body = response.content
    patch_vary_headers(response, ("Accept-Encoding",))
    headers = tuple(
        (name, value)
        for name, value in response.items()
        if name.lower() not in _skipped_headers
    )
    if not response.has_header("Cache-Control"):
        headers += (("Cache-Control", CACHE_CONTROL),)
    compressed = compress_string(body) if len(body) >= 200 else b""
    if len(compressed) >= len(body):
        compressed = b""
    etag = hashlib.md5(body, usedforsecurity=False).hexdigest()
    modified = int(time.time())
    return (version, headers, body, compressed, etag, modified, http_date(modified))


def accepts_gzip(meta):
    return bool(_accepts_gzip.search(meta.get("HTTP_ACCEPT_ENCODING", "")))


def respond_from_entry(request, entry, *, source):
    _version, headers, body, compressed, etag, modified, last_modified = entry[:7]
    gzip = bool(compressed) and accepts_gzip(request.META)
    response = HttpResponse(compressed if gzip else body, headers=headers)
    if gzip:
        response.headers["Content-Encoding"] = "gzip"
        # Weak, so the compressed and plain forms still validate each other.
        response.headers["ETag"] = f'W/"{etag}"'
    else:
        response.headers["ETag"] = f'"{etag}"'
    response.headers["Last-Modified"] = last_modified
    response.headers["Content-Length"] = str(len(response.content))
    response.headers["X-Page-Cache"] = source
    meta = request.META
    if "HTTP_IF_NONE_MATCH" in meta or "HTTP_IF_MODIFIED_SINCE" in meta:
        return get_conditional_response(
            request,
            etag=response.headers["ETag"],
            last_modified=modified,
            response=response,
        )
    return response


def lookup(backend, key):
    """(the current stamp, the entry stored under key if still current, or None)."""
    if uses_shared_store(backend):
        found = backend.get_many([VERSION_KEY, key])
        version = found.get(VERSION_KEY)
        if version is None:
            version = _start_shared_version(backend)
        entry = found.get(key)
    else:
        version = read_db_version()
        entry = backend.get(key)
    if entry is not None and entry[0] != version:
        entry = None
    return version, entry


def store_entry(backend, key, entry):
    backend.set(key, entry, getattr(settings, "PAGE_CACHE_SECONDS", PAGE_TIMEOUT))


class PageCacheMiddleware:
    """Serve anonymous GETs of public pages from the cache, as stored bytes.

    Sits right after WhiteNoise so a hit skips sessions, auth and the view. A
    request with a session cookie (an editor, or anyone who logged in) always
    gets a fresh page and never fills the cache.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self.may_use_cache(request):
            return self.get_response(request)
        backend = page_cache()
        key = page_key(request)
        version, entry = lookup(backend, key)
        if entry is not None:
            return self.noted(
                respond_from_entry(request, entry, source="hit"), key, entry
            )
        response = self.get_response(request)
        if not is_storable(request, response):
            return response
        entry = make_entry(version, response)
        store_entry(backend, key, entry)
        return self.noted(respond_from_entry(request, entry, source="miss"), key, entry)

    @staticmethod
    def noted(response, key, entry):
        """response, telling the WSGI layer (site_config.pagecache.wsgi) which entry it
        came from, so it can add the headers the page leaves the server with."""
        if len(entry) == 7:
            response.page_cache_key = key
            response.page_cache_entry = entry
        return response

    @staticmethod
    def may_use_cache(request):
        if request.method != "GET" or not getattr(settings, "PAGE_CACHE_ENABLED", True):
            return False
        cookies = request.COOKIES
        if settings.SESSION_COOKIE_NAME in cookies:
            return False
        return not any(name in cookies for name in PERSONAL_COOKIES)
