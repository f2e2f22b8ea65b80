"""The page cache: who gets cached pages, what is stored, 304s and gzip."""

import gzip
import os
import uuid

import pytest
from django.conf import settings as django_settings
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import resolve, reverse

from publications.models import Publication
from site_config.models import SiteProfile
from site_config.pagecache.cache import (
    bump_content_version,
    current_content_version,
    is_storable,
    read_db_version,
)


def test_anonymous_repeat_visit_is_served_from_cache_with_one_query(
    visitor, make_publication, django_assert_num_queries
):
    make_publication("Cached Paper", authors=["Ada Lovelace"])
    url = reverse("publications:list")
    first = visitor.get(url)
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(1):  # the content version stamp, nothing else
        second = visitor.get(url)
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert "Cached Paper" in second.text


def test_every_public_page_type_is_cached(
    visitor, make_publication, make_theme, make_person
):
    ada = make_person("Ada Lovelace")
    theme = make_theme("Optimisation")
    publication = make_publication("A Paper", authors=[ada], themes=[theme])
    urls = [
        reverse("home"),
        reverse("people:list"),
        ada.get_absolute_url(),
        reverse("research:list"),
        theme.get_absolute_url(),
        reverse("publications:list"),
        publication.get_absolute_url(),
    ]
    for url in urls:
        assert visitor.get(url)["X-Page-Cache"] == "miss", url
        assert visitor.get(url)["X-Page-Cache"] == "hit", url


def test_cached_page_is_shared_between_anonymous_visitors(
    visitor, second_visitor, make_publication
):
    make_publication("Shared Paper")
    url = reverse("publications:list")
    visitor.get(url)
    assert second_visitor.get(url)["X-Page-Cache"] == "hit"


def test_editor_never_gets_a_cached_page(visitor, editor_client, make_publication):
    publication = make_publication("Old Title")
    url = publication.get_absolute_url()
    visitor.get(url)
    # A write that sends no signal leaves the anonymous copy stale on purpose.
    Publication.objects.filter(pk=publication.pk).update(title="New Title")
    assert "Old Title" in visitor.get(url).text
    response = editor_client.get(url)
    assert "X-Page-Cache" not in response
    assert "New Title" in response.text


def test_editor_visit_does_not_fill_the_cache(visitor, editor_client, make_publication):
    publication = make_publication("Paper")
    url = publication.get_absolute_url()
    editor_client.get(url)
    assert visitor.get(url)["X-Page-Cache"] == "miss"


def test_any_session_cookie_bypasses_the_cache(page_cache_on, make_publication):
    url = make_publication("Paper").get_absolute_url()
    Client().get(url)
    with_session = Client()
    with_session.cookies[django_settings.SESSION_COOKIE_NAME] = "whatever"
    assert "X-Page-Cache" not in with_session.get(url)


def test_pending_messages_cookie_bypasses_the_cache(page_cache_on, make_publication):
    url = make_publication("Paper").get_absolute_url()
    Client().get(url)
    with_messages = Client()
    with_messages.cookies["messages"] = "pending"
    assert "X-Page-Cache" not in with_messages.get(url)


def test_admin_pages_and_unsafe_methods_are_never_cached(visitor, make_publication):
    login = reverse("admin:login")
    assert "X-Page-Cache" not in visitor.get(login)
    assert "X-Page-Cache" not in visitor.get(login)
    url = reverse("publications:list")
    assert "X-Page-Cache" not in visitor.post(url)
    assert "X-Page-Cache" not in visitor.head(url)


def test_missing_pages_are_not_cached(visitor, db):
    url = reverse("publications:detail", kwargs={"slug": "no-such-paper"})
    for _ in range(2):
        response = visitor.get(url)
        assert response.status_code == 404
        assert "X-Page-Cache" not in response


def test_each_query_string_is_its_own_entry(visitor, make_publication):
    make_publication("Old Paper", year=2001)
    make_publication("New Paper", year=2024)
    url = reverse("publications:list")
    assert visitor.get(url)["X-Page-Cache"] == "miss"
    filtered = visitor.get(url, {"year": 2001})
    assert filtered["X-Page-Cache"] == "miss"
    assert visitor.get(url, {"year": 2001})["X-Page-Cache"] == "hit"


def test_responses_with_cookies_or_csrf_tokens_are_not_stored(db):
    request = RequestFactory().get(reverse("publications:list"))
    request.resolver_match = resolve(request.path)
    assert is_storable(request, HttpResponse("page"))
    with_cookie = HttpResponse("page")
    with_cookie.set_cookie("tracking", "1")
    assert not is_storable(request, with_cookie)
    private = HttpResponse("page", headers={"Cache-Control": "private"})
    assert not is_storable(request, private)
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    assert not is_storable(request, HttpResponse("page"))


def test_pages_that_used_a_csp_nonce_are_not_stored(db):
    from django.utils.csp import LazyNonce

    request = RequestFactory().get(reverse("publications:list"))
    request.resolver_match = resolve(request.path)
    request._csp_nonce = LazyNonce()
    assert is_storable(request, HttpResponse("page"))
    str(request._csp_nonce)  # what {{ csp_nonce }} in a template does
    assert not is_storable(request, HttpResponse("page"))


@pytest.mark.django_db(transaction=True)
def test_etag_answers_304_until_content_changes(visitor, make_publication):
    publication = make_publication("Paper")
    url = reverse("publications:list")
    first = visitor.get(url)
    etag = first["ETag"]
    assert first["Cache-Control"] == "no-cache"
    not_modified = visitor.get(url, headers={"if-none-match": etag})
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    assert not_modified["ETag"] == etag
    publication.title = "Retitled Paper"
    publication.save()
    changed = visitor.get(url, headers={"if-none-match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert "Retitled Paper" in changed.text


def test_if_modified_since_answers_304(visitor, make_publication):
    make_publication("Paper")
    url = reverse("publications:list")
    last_modified = visitor.get(url)["Last-Modified"]
    response = visitor.get(url, headers={"if-modified-since": last_modified})
    assert response.status_code == 304
    older = "Mon, 01 Jan 2001 00:00:00 GMT"
    assert visitor.get(url, headers={"if-modified-since": older}).status_code == 200


def test_cached_html_is_gzipped_for_clients_that_accept_it(visitor, make_publication):
    for n in range(5):
        make_publication(f"Compressible Paper {n}", authors=["Ada Lovelace"])
    url = reverse("publications:list")
    plain = visitor.get(url)
    for source in ("hit", "hit"):
        packed = visitor.get(url, headers={"accept-encoding": "gzip, br"})
        assert packed["X-Page-Cache"] == source
        assert packed["Content-Encoding"] == "gzip"
        assert int(packed["Content-Length"]) == len(packed.content) < len(plain.content)
        assert gzip.decompress(packed.content) == plain.content
        assert packed["ETag"] == "W/" + plain["ETag"]
    assert "Accept-Encoding" in plain["Vary"]
    assert "Content-Encoding" not in plain


def test_first_visit_is_gzipped_too(visitor, make_publication):
    make_publication("Compressible Paper", authors=["Ada Lovelace"])
    response = visitor.get(
        reverse("publications:list"), headers={"accept-encoding": "gzip"}
    )
    assert response["X-Page-Cache"] == "miss"
    assert "Compressible Paper" in gzip.decompress(response.content).decode()


def test_editor_html_is_gzipped_by_the_middleware(editor_client, make_publication):
    make_publication("Compressible Paper", authors=["Ada Lovelace"])
    response = editor_client.get(
        reverse("publications:list"), headers={"accept-encoding": "gzip"}
    )
    assert response["Content-Encoding"] == "gzip"
    assert "Compressible Paper" in gzip.decompress(response.content).decode()


def test_cache_can_be_switched_off(settings, make_publication):
    settings.PAGE_CACHE_ENABLED = False
    url = reverse("publications:list")
    assert "X-Page-Cache" not in Client().get(url)
    assert "X-Page-Cache" not in Client().get(url)


@pytest.mark.django_db(transaction=True)
def test_version_moves_once_per_committed_transaction():
    from django.db import transaction

    start = read_db_version()
    bump_content_version()
    after_one = read_db_version()
    assert after_one != start
    with transaction.atomic():
        for n in range(5):
            Publication.objects.create(title=f"Paper {n}", year=2020)
        assert read_db_version() == after_one  # nothing visible before commit
    assert read_db_version() == after_one + 1


@pytest.mark.django_db(transaction=True)
def test_rolled_back_changes_leave_the_version_alone():
    from django.db import transaction

    def create_then_fail(title):
        with transaction.atomic():
            Publication.objects.create(title=title, year=2020)
            raise RuntimeError("editor cancelled")

    bump_content_version()
    before = read_db_version()
    with pytest.raises(RuntimeError):
        create_then_fail("Never committed")
    assert read_db_version() == before
    with transaction.atomic():
        with pytest.raises(RuntimeError):
            create_then_fail("Rolled back savepoint")
        # The savepoint's bump went with it; this change must still register one.
        Publication.objects.create(title="Kept", year=2020)
    assert read_db_version() == before + 1


@pytest.fixture
def redis_cache(settings, page_cache_on):
    url = os.environ.get("LABSITE_TEST_REDIS_URL")
    if not url:
        pytest.skip("LABSITE_TEST_REDIS_URL is not set; Redis cache tests need it.")
    shared = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": url,
        # A prefix per test keeps parallel runs on one Redis apart.
        "KEY_PREFIX": f"labsite-test-{uuid.uuid4().hex}",
    }
    settings.CACHES = {"default": shared, "pages": shared}
    return settings


@pytest.mark.django_db(transaction=True)
def test_shared_cache_holds_the_stamp_and_pages(
    redis_cache, make_publication, django_assert_num_queries
):
    SiteProfile.load()  # created on first use, which would itself move the stamp
    publication = make_publication("Redis Paper")
    url = publication.get_absolute_url()
    visitor = Client()
    assert visitor.get(url)["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):  # stamp and page come from Redis
        assert visitor.get(url)["X-Page-Cache"] == "hit"
    stamp = current_content_version()
    publication.title = "Renamed Redis Paper"
    publication.save()
    assert current_content_version() != stamp
    response = visitor.get(url)
    assert response["X-Page-Cache"] == "miss"
    assert "Renamed Redis Paper" in response.text


def test_local_page_store_hands_back_the_stored_entry_without_copying(
    visitor, make_publication
):
    from site_config.pagecache.cache import PageMemoryCache, page_cache

    store = page_cache()
    assert isinstance(store, PageMemoryCache)
    make_publication("Paper")
    visitor.get(reverse("publications:list"))
    (key,) = [k for k in store._cache if "labsite:page:" in k]
    entry = store._cache[key]
    assert store.get(key.split(":", 2)[2]) is entry
    store.set("counter", 1)
    assert store.incr("counter", 2) == 3
    assert store.add("counter", 9) is False


def test_sqlite_stamp_file_tells_every_bump_and_a_replaced_database_apart(tmp_path):
    from site_config.pagecache.cache import _stamp_file_version, _touch_stamp_file

    database = tmp_path / "site.sqlite3"
    database.write_bytes(b"v1")
    stamp = f"{database}.content-version"
    seen = {_stamp_file_version(database, stamp)}
    for _ in range(3):  # quicker than any file timestamp's granularity
        _touch_stamp_file(stamp)
        seen.add(_stamp_file_version(database, stamp))
    assert len(seen) == 4
    replacement = tmp_path / "restored.sqlite3"
    replacement.write_bytes(b"v2")
    replacement.replace(database)
    assert _stamp_file_version(database, stamp) not in seen


def test_a_new_release_never_sees_pages_cached_by_the_old_one(settings):
    from site_config.pagecache.cache import _code_release, page_key

    request = RequestFactory().get("/publications/")
    try:
        settings.PAGE_CACHE_RELEASE = "commit-one"
        _code_release.cache_clear()
        before = page_key(request)
        settings.PAGE_CACHE_RELEASE = "commit-two"
        _code_release.cache_clear()
        assert page_key(request) != before
    finally:
        _code_release.cache_clear()


def test_a_page_cached_in_another_time_zone_or_language_is_not_served(settings):
    # Dates and labels differ under either: with a shared cache and the same
    # DJANGO_RELEASE, the pages of the old settings were served.
    from site_config.pagecache.cache import page_key

    request = RequestFactory().get("/publications/")
    before = page_key(request)
    settings.TIME_ZONE = "Pacific/Kiritimati"
    in_zone = page_key(request)
    settings.LANGUAGE_CODE = "de"
    assert len({before, in_zone, page_key(request)}) == 3
