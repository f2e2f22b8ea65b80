"""Cached pages answered in front of Django, the way WhiteNoise answers static files.

``pagecache.cache.PageCacheMiddleware`` decides what is cached and when it is
stale. Serving a hit through it still costs Django's request object, the outer
middleware and the response object: about as much as WhiteNoise spends on a
whole static file, and a large page then still has to be copied into the
socket. This WSGI layer wraps the application (``site_config.wsgi``):

- on the way out it learns, for each entry the middleware stored or served, the
  headers the page leaves Django with (security headers, CSP, Vary ...), and adds
  them to the entry;
- on the way in, a plain anonymous GET whose entry is current and complete is
  answered from the entry's bytes without entering Django.

(Handing large bodies to the server as files, for ``sendfile()``, was measured
too: the open file and its wrapper cost more than the copy they save, even for a
650 KiB page.)

Everything else (conditional requests, HEAD, cookies, misses, any error) goes
through Django, where the middleware gives the same answer more slowly. Django's
request signals are not sent for an answer that never reaches it: the only work
done is reading the version stamp (a ``stat`` for SQLite files, the cache, or
one query), and a failure there falls back to the full path, whose
request-start handling replaces a broken database connection.
"""

import logging

from django.conf import settings
from django.core.handlers.wsgi import WSGIRequest

from site_config.core.http import accepts_gzip, raw_request_has_nul
from site_config.pagecache.cache import (
    PageCacheMiddleware,
    lookup,
    page_cache,
    page_key,
    store_entry,
)

logger = logging.getLogger(__name__)

# Requests the middleware answers with validators or partial content: left to it.
_CONDITIONAL = frozenset(
    {
        "HTTP_IF_NONE_MATCH",
        "HTTP_IF_MODIFIED_SINCE",
        "HTTP_IF_MATCH",
        "HTTP_IF_UNMODIFIED_SINCE",
        "HTTP_RANGE",
    }
)
# Set for each answer from the entry itself, not learnt from the first one.
_PER_ANSWER = frozenset(
    {
        "content-length",
        "content-encoding",
        "etag",
        "last-modified",
        "x-page-cache",
        "set-cookie",
        "date",
        "server",
    }
)


class CachedPagesApplication:
    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        if (
            environ.get("REQUEST_METHOD") == "GET"
            and _CONDITIONAL.isdisjoint(environ)
            and not raw_request_has_nul(environ)
        ):
            try:
                answer = self.answer_from_cache(environ, start_response)
            except Exception:
                # The full path below meets the same problem and reports it the
                # way Django does (logging, error pages).
                logger.debug("Cached page not served directly", exc_info=True)
                answer = None
            if answer is not None:
                return answer
        return self.through_django(environ, start_response)

    def answer_from_cache(self, environ, start_response):
        # WSGIRequest rewrites PATH_INFO and SCRIPT_NAME in the dict it is given
        # (decoded from the server's Latin-1 to text); handed on to Django, a
        # decoded non-ASCII path would then fail to decode again. A copy keeps
        # the environ Django sees exactly as the server built it.
        request = WSGIRequest(dict(environ))
        if not PageCacheMiddleware.may_use_cache(request):
            return None
        if settings.SECURE_SSL_REDIRECT and not request.is_secure():
            return None  # SecurityMiddleware redirects it
        key = page_key(request)
        if key is None:
            return None
        _version, entry = lookup(page_cache(), key)
        if entry is None or entry.sent is None:
            return None
        gzip = bool(entry.compressed) and accepts_gzip(environ)
        served = entry.compressed if gzip else entry.body
        headers = [
            *entry.sent,
            ("Content-Length", str(len(served))),
            ("ETag", f'W/"{entry.etag}"' if gzip else f'"{entry.etag}"'),
            ("Last-Modified", entry.last_modified),
            ("X-Page-Cache", "hit"),
        ]
        if gzip:
            headers.append(("Content-Encoding", "gzip"))
        start_response("200 OK", headers)
        return [served]

    def through_django(self, environ, start_response):
        sent = []

        def noting_start_response(status, headers, exc_info=None):
            sent.append((status, headers))
            return start_response(status, headers, exc_info)

        response = self.application(environ, noting_start_response)
        entry = getattr(response, "page_cache_entry", None)
        if entry is not None and sent and sent[-1][0].startswith("200 "):
            self.learn_headers(response.page_cache_key, entry, sent[-1][1])
        return response

    @staticmethod
    def learn_headers(key, entry, headers):
        """Keep with the entry the headers every answer from it carries."""
        lasting = tuple(
            (name, value) for name, value in headers if name.lower() not in _PER_ANSWER
        )
        try:
            store_entry(page_cache(), key, entry.with_sent(lasting))
        except Exception:
            # Not learnt this time: the middleware keeps serving the entry.
            logger.warning("Could not complete a cached page entry", exc_info=True)
