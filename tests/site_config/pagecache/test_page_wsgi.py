"""The WSGI layer in front of Django: cached pages answered without entering it.

Requests go through the real WSGI application (Django's handler behind
``CachedPagesApplication``), counting how often Django itself is called.
"""

import gzip

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import RequestFactory
from django.urls import reverse

from site_config.models import SiteProfile
from site_config.pagecache import wsgi as page_wsgi
from site_config.pagecache.wsgi import CachedPagesApplication

pytestmark = pytest.mark.django_db(transaction=True)


class CountingDjango:
    def __init__(self):
        self.handler = WSGIHandler()
        self.calls = 0

    def __call__(self, environ, start_response):
        self.calls += 1
        return self.handler(environ, start_response)


@pytest.fixture
def django_app(page_cache_on):
    return CountingDjango()


def wsgi_get(application, path, *, method="GET", **headers):
    environ = RequestFactory().generic(method, path, **headers).environ
    # RequestFactory hands over the environ its WSGIRequest already decoded; a
    # WSGI server gives the path's raw bytes read as Latin-1 (PEP 3333).
    environ["PATH_INFO"] = environ["PATH_INFO"].encode().decode("latin-1")
    answer = {}

    def start_response(status, response_headers, exc_info=None):
        answer["status"] = int(status.split()[0])
        answer["headers"] = dict(response_headers)

    # As Django's test client does: the test's database connection must outlive
    # the request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        result = application(environ, start_response)
        answer["body"] = b"".join(result)
        if hasattr(result, "close"):
            result.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return answer


@pytest.fixture
def get(django_app):
    application = CachedPagesApplication(django_app)
    return lambda path, **options: wsgi_get(application, path, **options)


@pytest.fixture
def paper_url(make_publication):
    SiteProfile.load()  # made on first use otherwise, which moves the version
    make_publication("Answered Without Django", authors=["Ada Lovelace"])
    return reverse("publications:list")


def test_second_visit_is_answered_without_entering_django(get, django_app, paper_url):
    first = get(paper_url)
    assert first["status"] == 200
    assert first["headers"]["X-Page-Cache"] == "miss"
    second = get(paper_url)
    assert django_app.calls == 1
    assert second["status"] == 200
    assert second["headers"]["X-Page-Cache"] == "hit"
    assert second["body"] == first["body"]
    assert b"Answered Without Django" in second["body"]
    # Every header the page left Django with, security headers included.
    expected = {k: v for k, v in first["headers"].items() if k != "X-Page-Cache"}
    assert {k: v for k, v in second["headers"].items() if k != "X-Page-Cache"} == (
        expected
    )
    assert "Content-Security-Policy" in second["headers"]
    assert second["headers"]["X-Content-Type-Options"] == "nosniff"
    assert second["headers"]["Content-Length"] == str(len(first["body"]))


def test_an_edit_shows_on_the_next_request(get, django_app, paper_url):
    from publications.models import Publication

    get(paper_url)
    get(paper_url)
    paper = Publication.objects.get(title="Answered Without Django")
    paper.title = "Renamed After Caching"
    paper.save()
    answer = get(paper_url)
    assert django_app.calls == 2
    assert answer["headers"]["X-Page-Cache"] == "miss"
    assert b"Renamed After Caching" in answer["body"]


def test_gzip_is_chosen_per_request(get, django_app, paper_url):
    plain = get(paper_url)
    packed = get(paper_url, HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert django_app.calls == 1
    assert packed["headers"]["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed["body"]) == plain["body"]
    assert packed["headers"]["ETag"] == "W/" + plain["headers"]["ETag"]
    assert packed["headers"]["Content-Length"] == str(len(packed["body"]))


@pytest.mark.parametrize(
    "request_headers",
    [
        {"HTTP_COOKIE": "sessionid=someone"},
        {"HTTP_COOKIE": "messages=pending"},
        {"HTTP_IF_NONE_MATCH": '"whatever"'},
        {"HTTP_RANGE": "bytes=0-10"},
    ],
)
def test_visitors_with_cookies_and_conditional_requests_go_through_django(
    get, django_app, paper_url, request_headers
):
    get(paper_url)
    answer = get(paper_url, **request_headers)
    assert django_app.calls == 2
    assert answer["status"] == 200


def test_revalidation_still_gets_a_304_from_django(get, django_app, paper_url):
    etag = get(paper_url)["headers"]["ETag"]
    answer = get(paper_url, HTTP_IF_NONE_MATCH=etag)
    assert answer["status"] == 304
    assert answer["body"] == b""


def test_head_and_post_go_through_django(get, django_app, paper_url):
    get(paper_url)
    assert get(paper_url, method="HEAD")["status"] == 200
    assert get(paper_url, method="POST")["status"] in {403, 405}
    assert django_app.calls == 3


def test_https_redirect_is_never_skipped(get, paper_url, settings):
    get(paper_url)  # cached while plain HTTP was served
    settings.SECURE_SSL_REDIRECT = True
    # Django reads the setting when its middleware is built, as on a restart.
    redirecting = CachedPagesApplication(CountingDjango())
    answer = wsgi_get(redirecting, paper_url)
    assert answer["status"] == 301
    assert answer["headers"]["Location"].startswith("https://")


def test_a_failing_lookup_falls_back_to_django(get, django_app, paper_url, monkeypatch):
    get(paper_url)

    def broken(*args, **kwargs):
        raise ConnectionError("cache server gone")

    monkeypatch.setattr(page_wsgi, "lookup", broken)
    answer = get(paper_url)
    assert django_app.calls == 2
    assert answer["status"] == 200
    assert b"Answered Without Django" in answer["body"]


def test_pages_that_are_not_cached_are_untouched(get, django_app, db):
    answer = get("/no-such-page/")
    assert answer["status"] == 404
    again = get("/no-such-page/")
    assert again["status"] == 404
    assert django_app.calls == 2


def test_a_non_ascii_path_keeps_its_404_through_the_fast_path(get, django_app, db):
    """Issue #13 finding 5: the fast path rewrote PATH_INFO in the live environ,
    so Django failed to decode it again and answered 500."""
    seen = []
    handler = django_app.handler

    def recording(environ, start_response):
        seen.append((environ["PATH_INFO"], environ["SCRIPT_NAME"]))
        return handler(environ, start_response)

    django_app.handler = recording
    answer = get("/people/%E4%B8%AD/")
    assert answer["status"] == 404
    # Exactly what a WSGI server builds: the raw bytes read as Latin-1.
    assert seen == [("/people/中/".encode().decode("latin-1"), "")]


@pytest.mark.parametrize("accept", ["gzip;q=0", "gzip; q=0.0, identity", "br, *;q=0"])
def test_gzip_refused_by_the_client_is_never_sent(get, paper_url, accept):
    """Issue #13 finding 12: ``gzip;q=0`` means "not gzip", RFC 9110 12.5.3."""
    get(paper_url)
    answer = get(paper_url, HTTP_ACCEPT_ENCODING=accept)
    assert answer["headers"]["X-Page-Cache"] == "hit"
    assert "Content-Encoding" not in answer["headers"]
    assert b"Answered Without Django" in answer["body"]
