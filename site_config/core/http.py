"""Request guards that sit in front of every view: NUL, oversized queries and
TRACE refused, Accept-Encoding read.

NUL (U+0000) has no place in a URL or a form field of this site, and the two
databases disagree about it: SQLite stores it, PostgreSQL refuses any text
holding it with an error that would surface as a 500. Refusing it once, here,
with 400 keeps every view, filter and admin page (and both databases) out of it.
A query string with more parameters than DATA_UPLOAD_MAX_NUMBER_FIELDS makes
Django refuse to parse it (TooManyFieldsSent); answering 400 here keeps it out
of the page cache's key and every view. TRACE echoes the request (cookies and
all) and no page of this site answers it.
"""

import os

from django.core.exceptions import TooManyFieldsSent
from django.http import HttpResponseBadRequest, HttpResponseNotAllowed
from django.http.multipartparser import MultiPartParserError
from django.middleware.gzip import GZipMiddleware
from django.utils.cache import patch_vary_headers
from django.utils.regex_helper import _lazy_re_compile
from whitenoise.middleware import WhiteNoiseMiddleware

NUL = "\x00"
_names_gzip = _lazy_re_compile(r"\bgzip\b")


def nul_in_request(request):
    """Where request carries a NUL character ("path", "query", "form"), or "".

    Reads the path, the decoded query string and, for POST, the decoded form
    fields and uploaded file names (file contents may be binary and are judged
    by the upload checks instead).
    """
    if NUL in request.path_info:
        return "path"
    query = request.META.get("QUERY_STRING", "")
    if query and ("%00" in query or NUL in query) and _holds_nul(request.GET):
        return "query"
    if request.method == "POST" and _holds_nul(request.POST):
        return "form"
    if request.method == "POST" and any(
        NUL in (upload.name or "")
        for uploads in request.FILES.lists()
        for upload in uploads[1]
    ):
        return "form"
    return ""


def _holds_nul(querydict):
    return any(
        NUL in key or any(NUL in value for value in values)
        for key, values in querydict.lists()
    )


class RefuseNulMiddleware:
    """Answer 400 to any request whose path, query or form holds NUL.

    Placed before the page cache and every view, so no view, admin filter or
    autocomplete ever passes a NUL to the database (issue #13, finding 4).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.META.get("QUERY_STRING") and _too_many_fields(request):
            return HttpResponseBadRequest(
                "The query string holds more parameters than this site reads.",
                content_type="text/plain; charset=utf-8",
            )
        try:
            where = nul_in_request(request)
        except MultiPartParserError:
            return HttpResponseBadRequest(
                "The form data of this request is malformed.",
                content_type="text/plain; charset=utf-8",
            )
        if where:
            return HttpResponseBadRequest(
                f"The request's {where} holds a NUL character, which this site "
                "does not accept.",
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


def _too_many_fields(request):
    try:
        request.GET  # noqa: B018 - parsing is the check
    except TooManyFieldsSent:
        return True
    return False


class RefuseTraceMiddleware:
    """Answer 405 to TRACE (RFC 9110, 9.3.8) for every path.

    Class-based views already refuse methods they do not define, but a
    function view answers whatever method arrives; TRACE is never wanted.
    """

    ALLOWED = ("GET", "HEAD", "POST", "OPTIONS")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "TRACE":
            return HttpResponseNotAllowed(self.ALLOWED)
        return self.get_response(request)


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    """WhiteNoise serving STATIC_ROOT once collectstatic has filled it, and the
    finders' files (``static/`` and the apps') until then.

    Development, the tests and ``export_site`` in a fresh checkout run before
    any collectstatic; plain WhiteNoise then warns "No directory at" on every
    start and serves no static file at all.
    """

    def add_files(self, root, prefix=None):
        if (
            not self.autorefresh
            and root == self.static_root
            and not os.path.isdir(root)
        ):
            self.use_finders = True
            return
        super().add_files(root, prefix)


def raw_request_has_nul(environ):
    """True when a WSGI environ's path or raw query string holds a NUL.

    For the page cache's WSGI fast path, which answers before Django: such a
    request must reach ``RefuseNulMiddleware`` and its 400 instead.
    """
    query = environ.get("QUERY_STRING", "")
    return NUL in environ.get("PATH_INFO", "") or "%00" in query or NUL in query


def accepts_gzip(meta):
    """True when the request's Accept-Encoding allows gzip (RFC 9110, 12.5.3).

    meta is a ``request.META`` or WSGI environ. ``gzip;q=0`` refuses gzip, and
    so does ``*;q=0`` when gzip is not named; names match case-insensitively
    and ``x-gzip`` counts as gzip.
    """
    header = meta.get("HTTP_ACCEPT_ENCODING", "")
    if not header or (not _names_gzip.search(header.lower()) and "*" not in header):
        return False
    named = wildcard = None
    for item in header.split(","):
        coding, _, params = item.partition(";")
        coding = coding.strip().lower()
        weight = _quality(params)
        if coding in {"gzip", "x-gzip"}:
            named = weight if named is None else max(named, weight)
        elif coding == "*":
            wildcard = weight
    if named is not None:
        return named > 0
    return bool(wildcard)


def _quality(params):
    # "q=0.5" among other parameters; a malformed weight counts as 1, as most
    # servers read it, since it is no clear refusal.
    for param in params.split(";"):
        name, _, value = param.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                return float(value.strip())
            except ValueError:
                return 1.0
    return 1.0


class AcceptEncodingGZipMiddleware(GZipMiddleware):
    """Django's GZipMiddleware, honouring ``gzip;q=0`` as a refusal.

    Django's own looks for the word "gzip" anywhere in Accept-Encoding, so a
    client that refuses gzip explicitly still got it.
    """

    def process_response(self, request, response):
        if not accepts_gzip(request.META):
            if not response.has_header("Content-Encoding"):
                patch_vary_headers(response, ("Accept-Encoding",))
            return response
        return super().process_response(request, response)
