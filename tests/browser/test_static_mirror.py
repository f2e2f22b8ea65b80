"""The exported static copy, served by a plain file server, used in Chromium:
one filter value and two combined, both applied in the browser, and
Pagefind's search from the header's search box. The copy lives under /lab/, as
on a project's GitHub Pages site."""

import contextlib
import gzip
import json
import socket
import subprocess
import sys
import time
import urllib.request
from io import StringIO
from urllib.parse import quote

import pytest
from django.core.management import call_command

from people.models import Person
from publications.models import Publication
from site_config.export import search
from tests.browser.conftest import DESKTOP, PageWatch, screenshot

pytestmark = [pytest.mark.browser]


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def serve_export(root):
    """Export the site into root/lab and serve root with python's http.server;
    yields the copy's base URL, ``http://127.0.0.1:<port>/lab/``."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}/lab/"
    call_command(
        "export_site", str(root / "lab"), "--base-url", base, stdout=StringIO()
    )
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "http.server",
            str(port),
            "--bind",
            "127.0.0.1",
            "--directory",
            str(root),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base, timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def mirror(demo, tmp_path):
    """The base URL of the demo's export, served by python's http.server."""
    with serve_export(tmp_path / "www") as base:
        yield base


@pytest.fixture
def static_page(browser):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.watch = PageWatch(page)
    yield page
    context.close()


def _titles(page):
    return page.locator("main .pub .pub-title").all_inner_texts()


def test_filters_work_in_the_static_copy(static_page, mirror):
    page = static_page
    sample = Publication.objects.exclude(year=None).order_by("pk").first()
    page.goto(f"{mirror}publications/")
    page.select_option("select[name=year]", str(sample.year))
    page.get_by_role("button", name="Filter").click()
    # Filtered in the browser from filters.json: no page per filter value.
    page.wait_for_url(f"{mirror}publications/?year={sample.year}")
    page.wait_for_function("!document.querySelector('main[aria-busy]')")
    in_year = Publication.objects.filter(year=sample.year)
    assert sorted(_titles(page)) == sorted(in_year.values_list("title", flat=True))

    # A second filter on top: combined in the browser from filters.json.
    page.select_option("select[name=type]", sample.kind)
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(f"{mirror}publications/?type={sample.kind}&year={sample.year}")
    page.wait_for_function("!document.querySelector('main[aria-busy]')")
    both = in_year.filter(kind=sample.kind)
    assert sorted(_titles(page)) == sorted(both.values_list("title", flat=True))
    assert page.locator("select[name=year]").input_value() == str(sample.year)
    summary = page.locator(".result-summary").inner_text()
    assert summary.startswith(str(both.count()))
    # As on the live page, a value that would now list nothing is disabled,
    # and every other value can be picked.
    wrong = page.evaluate(
        """Array.from(document.querySelectorAll("form[data-mirror-filters] option"))
        .filter(o => o.value && !o.selected
            && o.textContent.trim().endsWith("(0)") !== o.disabled)
        .map(o => o.textContent)"""
    )
    assert wrong == []

    # Words on top, matched in the browser from words.json as the live filter
    # matches them: accents and case ignored, in an author's name too.
    author = both.first().authorships.order_by("position").first()
    family = author.person.family_name
    page.fill("form[data-mirror-filters] input[name=q]", family.upper())
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(f"{mirror}publications/?q=*")
    page.wait_for_function("!document.querySelector('main[aria-busy]')")
    worded = both.matching_words([family])
    assert worded.exists()
    assert sorted(_titles(page)) == sorted(worded.values_list("title", flat=True))
    words = page.locator("form[data-mirror-filters] input[name=q]")
    assert words.input_value() == family.upper()
    # Words alone, that nothing holds: the copy says so.
    page.goto(f"{mirror}publications/?q=zzzqqq")
    page.wait_for_function("!document.querySelector('main[aria-busy]')")
    assert _titles(page) == []
    assert "Nothing matches" in page.locator("main").inner_text()
    assert page.watch.take() == []


def test_the_copy_reads_odd_filter_queries_as_the_live_list_does(static_page, mirror):
    page = static_page
    sample = Publication.objects.order_by("pk").first()
    page.goto(f"{mirror}publications/")
    unfiltered = sorted(_titles(page))
    # A value no choice has is left out with a note; the others still apply.
    page.goto(f"{mirror}publications/?year=1900&type={sample.kind}")
    page.wait_for_function("!document.querySelector('main[aria-busy]')")
    of_kind = Publication.objects.filter(kind=sample.kind)
    assert sorted(_titles(page)) == sorted(of_kind.values_list("title", flat=True))
    assert "“1900”" in page.locator("main .notice").inner_text()
    # Alone, it leaves the whole list, as the live page does.
    page.goto(f"{mirror}publications/?year=1900")
    page.wait_for_function("!document.querySelector('main[aria-busy]')")
    page.locator("main .notice").wait_for()
    assert sorted(_titles(page)) == unfiltered
    # Blank words are no filter; of repeated values the last counts.
    page.goto(f"{mirror}publications/?q=%20%20")
    assert sorted(_titles(page)) == unfiltered
    assert page.locator("main .notice").count() == 0
    page.goto(f"{mirror}publications/?type=bogus&type={sample.kind}")
    page.wait_for_function("!document.querySelector('main[aria-busy]')")
    assert sorted(_titles(page)) == sorted(of_kind.values_list("title", flat=True))
    assert page.watch.take() == []


def test_the_copy_follows_a_persons_old_slug_as_the_live_list_does(
    static_page, demo, tmp_path
):
    person = Person.objects.filter(authorships__isnull=False).distinct().first()
    old = person.slug
    person.slug = f"{old}-renamed"
    person.save()
    theirs = sorted(
        Publication.objects.filter(authorships__person=person)
        .distinct()
        .values_list("title", flat=True)
    )
    with serve_export(tmp_path / "www") as copy:
        page = static_page
        page.goto(f"{copy}publications/?person={old}")
        page.wait_for_function("!document.querySelector('main[aria-busy]')")
        assert sorted(_titles(page)) == theirs
        assert page.locator("main .notice").count() == 0
        assert page.locator("select[name=person]").input_value() == person.slug
        assert page.watch.take() == []


def test_the_copy_offers_no_citation_style_it_cannot_show(static_page, mirror):
    page = static_page
    publication = Publication.objects.order_by("pk").first()
    page.goto(mirror + publication.get_absolute_url().lstrip("/"))
    assert page.locator(".cite-block__text").is_visible()
    assert page.locator("form.cite-block__style").count() == 0
    assert page.watch.take() == []


def test_search_in_the_static_copy_uses_pagefind(static_page, mirror):
    page = static_page
    page.goto(mirror)
    box = page.get_by_role("searchbox", name="Search publications, people and themes")
    box.fill("transformer")
    box.press("Enter")
    page.wait_for_url(f"{mirror}search/?q=transformer")
    results = page.locator(".pagefind-ui__result-link")
    results.first.wait_for(timeout=15000)
    assert "transformer" in results.first.inner_text().lower()
    screenshot(page, "static-copy-search")
    results.first.click()
    page.wait_for_load_state("load")
    assert page.url.startswith(mirror)
    assert "transformer" in page.locator("h1").inner_text().lower()
    assert page.watch.take() == []


def test_search_finds_pages_of_the_first_bundle_and_of_the_merged_ones(
    demo, static_page, tmp_path, monkeypatch
):
    """With the index in shards of a few pages, a page of the bundle the search
    page loads, a person's page and a paper are all found (at least one of them
    from a merged bundle), linked under the copy's base URL."""
    page = static_page
    monkeypatch.setattr(search, "PAGES_PER_BUNDLE", 4)
    with serve_export(tmp_path / "www") as mirror:
        index = tmp_path / "www" / "lab" / search.BUNDLE
        listed = json.loads((index / search.BUNDLES).read_text())
        assert listed["shards"] > 1
        fragment = next((index / listed["bundles"][0] / "fragment").iterdir())
        first = json.loads(
            gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd")
        )
        person = Person.objects.order_by("pk").first()
        publication = Publication.objects.order_by("-pk").first()
        merged = [
            search.bundle_of(item.get_absolute_url().lstrip("/") + "index.html", n)
            for item, n in ((person, listed["shards"]), (publication, listed["shards"]))
        ]
        assert set(merged) - {listed["bundles"][0]}
        for query, url in (
            (first["meta"]["title"], first["url"]),
            (person.full_name, person.get_absolute_url()),
            (publication.title, publication.get_absolute_url()),
        ):
            page.goto(f"{mirror}search/?q={quote(query)}")
            _show_result(page, f"/lab{url}")
    assert page.watch.take() == []


def _show_result(page, href):
    """Wait for the search results, pressing "Load more" (a person's name is
    also on their papers' pages) until the link to href is listed."""
    page.locator(".pagefind-ui__result-link").first.wait_for(timeout=15000)
    link = page.locator(f'.pagefind-ui__result-link[href="{href}"]')
    more = page.locator("button.pagefind-ui__button")
    while not link.count() and more.count():
        more.click()
        page.wait_for_timeout(200)
    link.first.wait_for(timeout=5000)


def test_a_persons_full_name_finds_their_page_first_across_bundles(
    demo, static_page, tmp_path, monkeypatch
):
    """Ranking over merged bundles: Pagefind scores a page within its own
    bundle, so each bundle must be a sample of the whole site (shards by a hash
    of the path, not by section), and a person's name in the publication lists
    of others' pages is not indexed (data-pagefind-ignore). Then a search for
    a person's full name lists their own page first, as the live search does."""
    page = static_page
    monkeypatch.setattr(search, "PAGES_PER_BUNDLE", 16)
    with serve_export(tmp_path / "www") as mirror:
        index = tmp_path / "www" / "lab" / search.BUNDLE
        assert json.loads((index / search.BUNDLES).read_text())["shards"] > 1
        people = Person.objects.filter(authorships__isnull=False).distinct()
        for person in people.order_by("pk")[:6]:
            page.goto(f"{mirror}search/?q={quote(person.full_name)}")
            first = page.locator(".pagefind-ui__result-link").first
            first.wait_for(timeout=15000)
            assert first.get_attribute("href") == f"/lab{person.get_absolute_url()}"
    assert page.watch.take() == []
