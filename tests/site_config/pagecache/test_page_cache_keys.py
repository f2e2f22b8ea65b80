"""Page cache keys hold known parameters only; local memory is bounded by bytes.

Issue #13, finding 2: the key held the raw query string, so anonymous visitors
could store 150 copies of /publications/ with ?utm_source=1..150 (one worker
grew from 53 to 575 MB). Public pages declare the parameters they read
(``@public_page(params=...)``); the key keeps only those, in one order, and a
page requested with any other parameter is never stored.
"""

import pytest
from django.test import override_settings
from django.urls import reverse

from site_config.pagecache.cache import PageMemoryCache, page_cache
from site_config.pagecache.entry import PageEntry
from site_config.pagecache.public import public_page_for

pytestmark = pytest.mark.django_db


def stored_pages():
    store = page_cache()
    return [key for key in store._cache if "labsite:page:" in key]


def test_unknown_parameters_never_fill_the_cache(visitor, make_publication):
    make_publication("Paper")
    url = reverse("publications:list")
    for n in range(150):
        response = visitor.get(url, {"utm_source": n})
        assert response.status_code == 200
    assert stored_pages() == []
    assert visitor.get(url)["X-Page-Cache"] == "miss"
    # Once the page itself is cached, any unknown parameter is served from it.
    assert visitor.get(url, {"utm_source": 151})["X-Page-Cache"] == "hit"
    assert visitor.get(url, {"fbclid": "x", "ref": "y"})["X-Page-Cache"] == "hit"
    assert len(stored_pages()) == 1


def test_known_parameters_in_any_order_share_one_entry(visitor, make_publication):
    make_publication("Old Paper", year=2001)
    url = reverse("publications:list")
    assert visitor.get(f"{url}?year=2001&type=article")["X-Page-Cache"] == "miss"
    assert visitor.get(f"{url}?type=article&year=2001")["X-Page-Cache"] == "hit"
    assert visitor.get(f"{url}?type=article&year=2001&x=1")["X-Page-Cache"] == "hit"
    assert len(stored_pages()) == 1


def test_a_value_cannot_pose_as_another_parameter(visitor, make_publication):
    make_publication("Old Paper", year=2001, kind="article")
    url = reverse("publications:list")
    visitor.get(f"{url}?type=article&year=2001")
    response = visitor.get(f"{url}?type=article%26year%3D2001")
    assert response["X-Page-Cache"] == "miss"


def test_public_pages_are_marked_where_they_are_defined(make_publication):
    paper = make_publication("Paper")
    listing = public_page_for(reverse("publications:list"))
    assert {"year", "type", "theme", "person", "status", "selected", "page"} <= set(
        listing.params
    )
    for url in [reverse("home"), reverse("people:list"), paper.get_absolute_url()]:
        assert public_page_for(url) is not None, url
    for url in ["/admin/", reverse("search"), "/no/such/page/"]:
        assert public_page_for(url) is None, url


def entry(size):
    return PageEntry(
        version=1,
        headers=(),
        body=b"x" * size,
        compressed=b"",
        etag="e",
        modified=0,
        last_modified="",
    )


def test_local_memory_page_cache_is_bounded_by_bytes():
    store = PageMemoryCache("bounded-test", {"OPTIONS": {"MAX_BYTES": 100_000}})
    store.clear()
    for n in range(30):
        store.set(f"page-{n}", entry(10_000))
        assert store.stored_bytes() <= 100_000
    # The most recently used stay; the oldest went first.
    assert store.get("page-29") is not None
    assert store.get("page-0") is None
    kept = [n for n in range(30) if store.get(f"page-{n}") is not None]
    assert 5 <= len(kept) < 10
    # An entry larger than the whole budget is not stored at all.
    store.set("huge", entry(200_000))
    assert store.get("huge") is None
    assert store.stored_bytes() <= 100_000
    store.delete("page-29")
    store.clear()
    assert store.stored_bytes() == 0


def test_the_page_cache_budget_comes_from_settings(settings, make_publication):
    pages = dict(settings.CACHES["pages"])
    pages["OPTIONS"] = {**pages.get("OPTIONS", {}), "MAX_BYTES": 30_000}
    with override_settings(
        CACHES={**settings.CACHES, "pages": pages}, PAGE_CACHE_ENABLED=True
    ):
        from django.test import Client

        visitor = Client()
        for year in range(2000, 2020):
            make_publication(f"Paper {year}", year=year)
        page_cache().clear()
        url = reverse("publications:list")
        for year in range(2000, 2020):
            visitor.get(url, {"year": year})
        assert 0 < page_cache().stored_bytes() <= 30_000


@pytest.mark.parametrize("accept", ["gzip;q=0", "identity", "br, gzip; q=0.000"])
def test_gzip_refused_by_the_client_is_never_sent(
    visitor, editor_client, make_publication, accept
):
    """Issue #13, finding 12: the cache and Django's GZipMiddleware both sent gzip."""
    make_publication("Paper " * 80)  # under the title's 500 characters
    url = reverse("publications:list")
    for client in [visitor, visitor, editor_client]:
        response = client.get(url, HTTP_ACCEPT_ENCODING=accept)
        assert response.status_code == 200
        assert not response.has_header("Content-Encoding")
        assert b"Paper" in response.content
    packed = visitor.get(url, HTTP_ACCEPT_ENCODING="gzip;q=0.5")
    assert packed["Content-Encoding"] == "gzip"
