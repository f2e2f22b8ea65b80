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
from django.core.exceptions import TooManyFieldsSent
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.db.models import F
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from django.utils.text import compress_string

from site_config.core.http import accepts_gzip
from site_config.pagecache.entry import PageEntry
from site_config.pagecache.models import ContentVersion
from site_config.pagecache.public import (
    cache_query,
    public_page_for,
    public_page_of,
)

VERSION_KEY = "labsite:content-version"
PAGE_KEY_PREFIX = "labsite:page:"
# Entries go stale by version long before this; the timeout only frees memory.
PAGE_TIMEOUT = 24 * 60 * 60
# Browsers may keep the page but must ask again; the ETag makes asking cheap.
CACHE_CONTROL = "no-cache"
VERSION_ROW = 1
# Local-memory page cache budget per process unless OPTIONS["MAX_BYTES"] says.
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
# Cookies that mean this visitor may see something personal on the page.
PERSONAL_COOKIES = ("messages",)

_skipped_headers = frozenset(
    {"content-length", "content-encoding", "etag", "last-modified", "set-cookie"}
)


def page_cache():
    return caches[getattr(settings, "PAGE_CACHE_ALIAS", "default")]


class _Budget:
    """Bytes held by one named local-memory page cache, per key and in all."""

    __slots__ = ("sizes", "total")

    def __init__(self):
        self.sizes = {}
        self.total = 0


# Shared by every instance of one name, as LocMemCache shares its entries (each
# thread gets its own cache object over the same dictionaries).
_budgets = {}


def _size_of(value):
    if isinstance(value, PageEntry):
        return value.size
    if isinstance(value, bytes | str):
        return len(value) + 64
    return 64


class PageMemoryCache(LocMemCache):
    """Local-memory cache that keeps values as given, within a budget of bytes.

    Page entries are immutable (``PageEntry``), so sharing them is safe;
    unpickling would copy a large page on every hit, which costs more than the
    rest of the cached path. ``OPTIONS["MAX_BYTES"]`` bounds the bytes held
    (bodies and headers): storing past it drops the least recently used
    entries first, and an entry larger than the whole budget is not kept.
    """

    def __init__(self, name, params):
        super().__init__(name, params)
        options = params.get("OPTIONS", {})
        self._max_bytes = int(options.get("MAX_BYTES", DEFAULT_MAX_BYTES))
        self._budget = _budgets.setdefault(name, _Budget())

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

    def clear(self):
        with self._lock:
            self._cache.clear()
            self._expire_info.clear()
            self._budget.sizes.clear()
            self._budget.total = 0

    def stored_bytes(self):
        """Bytes held now, as counted against MAX_BYTES."""
        return self._budget.total

    def _set(self, key, value, timeout=DEFAULT_TIMEOUT):
        budget = self._budget
        size = _size_of(value)
        self._delete(key)
        if size > self._max_bytes:
            return
        while budget.total + size > self._max_bytes and self._cache:
            # The least recently used sits at the end (get moves hits to the front).
            oldest, _ = self._cache.popitem()
            self._expire_info.pop(oldest, None)
            budget.total -= budget.sizes.pop(oldest, 0)
        super()._set(key, value, timeout)
        budget.sizes[key] = size
        budget.total += size

    def _delete(self, key):
        deleted = super()._delete(key)
        if deleted:
            self._budget.total -= self._budget.sizes.pop(key, 0)
        return deleted

    def _cull(self):
        super()._cull()
        budget = self._budget
        for key in budget.sizes.keys() - self._cache.keys():
            budget.total -= budget.sizes.pop(key)


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


# Settings that change what every page says without a change of code or
# content: dates in the time zone, the language of dates and labels, the
# addresses of static files and media. Part of the release, so a page cached
# under other values is not served (and the static export renders again).
PAGE_SETTINGS = (
    "TIME_ZONE",
    "USE_TZ",
    "LANGUAGE_CODE",
    "USE_I18N",
    "STATIC_URL",
    "MEDIA_URL",
)


def release():
    """A fingerprint of the code and settings pages are rendered with: 12 hex
    characters of ``_code_release()`` and the values of PAGE_SETTINGS (read on
    each call, so an overridden setting counts at once)."""
    shaping = "|".join(
        f"{name}={getattr(settings, name, None)!r}" for name in PAGE_SETTINGS
    )
    return hashlib.md5(
        f"{_code_release()}|{shaping}".encode(), usedforsecurity=False
    ).hexdigest()[:12]


@functools.cache
def _code_release():
    """The code's part of ``release``, worked out once a process.

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
    return str(named)


def page_key(request, mark=None):
    """The entry's key: release, scheme, host, path and the page's own parameters.

    mark is the page's PublicPage (looked up from the path when not given);
    parameters it does not declare are no part of the key. Returns None for a
    path that is no public page, and for a query string Django refuses to
    parse (more parameters than DATA_UPLOAD_MAX_NUMBER_FIELDS): such a request
    is never cached, and ``RefuseNulMiddleware`` answers it 400.
    """
    mark = mark or public_page_for(request.path_info)
    if mark is None:
        return None
    meta = request.META
    try:
        query, _unknown = cache_query(request.GET, mark)
    except TooManyFieldsSent:
        return None
    url = "{}://{}{}?{}".format(
        request.scheme,
        meta.get("HTTP_HOST", meta.get("SERVER_NAME", "")),
        meta.get("PATH_INFO", ""),
        query,
    )
    digest = hashlib.md5(url.encode(), usedforsecurity=False).hexdigest()
    return f"{PAGE_KEY_PREFIX}{release()}:{digest}"


def is_public_page(request):
    """True when the view that answered request is marked with @public_page."""
    match = getattr(request, "resolver_match", None)
    return match is not None and public_page_of(match.func) is not None


def has_unknown_parameters(request):
    """True when request's query holds a parameter its page does not declare."""
    mark = public_page_for(request.path_info)
    return mark is None or cache_query(request.GET, mark)[1]


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
    # A page asked for with parameters it does not know is served from the
    # entry of its own parameters but never stored: ?utm_source=1..150 must not
    # make 150 copies (issue #13, finding 2).
    return is_public_page(request) and not has_unknown_parameters(request)


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
    modified = int(time.time())
    return PageEntry(
        version=version,
        headers=headers,
        body=body,
        compressed=compressed,
        etag=hashlib.md5(body, usedforsecurity=False).hexdigest(),
        modified=modified,
        last_modified=http_date(modified),
    )


def respond_from_entry(request, entry, *, source):
    gzip = bool(entry.compressed) and accepts_gzip(request.META)
    response = HttpResponse(
        entry.compressed if gzip else entry.body, headers=entry.headers
    )
    if gzip:
        response.headers["Content-Encoding"] = "gzip"
        # Weak, so the compressed and plain forms still validate each other.
        response.headers["ETag"] = f'W/"{entry.etag}"'
    else:
        response.headers["ETag"] = f'"{entry.etag}"'
    response.headers["Last-Modified"] = entry.last_modified
    response.headers["Content-Length"] = str(len(response.content))
    response.headers["X-Page-Cache"] = source
    meta = request.META
    if "HTTP_IF_NONE_MATCH" in meta or "HTTP_IF_MODIFIED_SINCE" in meta:
        return get_conditional_response(
            request,
            etag=response.headers["ETag"],
            last_modified=entry.modified,
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
    if not isinstance(entry, PageEntry) or entry.version != version:
        # Stale, or a value another release stored under this key.
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
        key = page_key(request)
        if key is None:
            return self.get_response(request)
        backend = page_cache()
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
        if entry.sent is None:
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
