"""export_site on the demo group: every page, links, search, incremental runs."""

import json
import re
import shutil
import sqlite3
import threading
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from people.models import Person
from publications import selectors as publication_selectors
from publications import views as publication_views
from publications.models import Publication
from research.models import ResearchTheme
from site_config.export import build, deps, search
from site_config.export.build import ExportError, export_site, mirror_site
from site_config.export.check import check_mirror
from site_config.export.deps import state_path
from site_config.export.parallel import JOBS_LIMIT
from site_config.management.commands import export_site as export_site_command
from site_config.models import NavigationLink
from tests.site_config.export.conftest import (
    BASE_URL,
    assert_same_as_a_full_export,
    run_export,
)

SUMMARY = re.compile(r"^(\d+) pages written, (\d+) unchanged, (\d+) removed$", re.M)


def export(directory, *args):
    text, errors = run_export(directory, *args)
    written, unchanged, removed = map(int, SUMMARY.findall(text)[-1])
    assert (
        text.rstrip().splitlines()[-1]
        == f"{written} pages written, {unchanged} unchanged, {removed} removed"
    )
    return written, unchanged, text + errors


def removed_count(text):
    return int(SUMMARY.findall(text)[-1][2])


def page_file(root, url):
    """The mirror file of a live site path such as /people/ada/."""
    return Path(root) / url.lstrip("/") / "index.html"


def test_demo_export_has_every_page_no_broken_link_and_a_search_index(
    demo_site, tmp_path
):
    site = tmp_path / "site"
    written, unchanged, output = export(site, "--check")
    assert unchanged == 0
    assert "Every link and asset leads to a file." in output

    expected = ["/", "/people/", "/research/", "/publications/", "/search/"]
    expected += [p.get_absolute_url() for p in Publication.objects.all()]
    expected += [p.get_absolute_url() for p in Person.objects.all()]
    expected += [t.get_absolute_url() for t in ResearchTheme.objects.active()]
    missing = [url for url in expected if not page_file(site, url).is_file()]
    assert missing == []
    for publication in Publication.objects.all():
        folder = site / publication.get_absolute_url().lstrip("/")
        assert {"cite.bib", "cite.json", "cite.ris"} <= {
            p.name for p in folder.iterdir()
        }
    for name in ("404.html", "sitemap.xml", "robots.txt", "feeds/publications.atom"):
        assert (site / name).is_file(), name

    # Absolute addresses come from --base-url; site links carry its path.
    assert f"Sitemap: {BASE_URL}sitemap.xml" in (site / "robots.txt").read_text()
    sitemap = (site / "sitemap.xml").read_text()
    assert f"<loc>{BASE_URL}people/</loc>" in sitemap
    home = (site / "index.html").read_text()
    links = re.findall(r'(?:href|src)="(/[^"]*)"', home)
    assert links
    assert all(link.startswith("/lab/") for link in links)

    # No page per filter value: the browser filters from the index, which
    # holds every item once on the unfiltered pages and each value's items.
    publication = Publication.objects.exclude(year=None).first()
    assert not page_file(site, f"/publications/year={publication.year}/").exists()
    index = json.loads((site / "publications" / "filters.json").read_text())
    listed = [pk for page in index["pages"] for pk in page]
    assert sorted(listed) == sorted(Publication.objects.values_list("pk", flat=True))
    assert publication.pk in index["values"]["year"][str(publication.year)]
    # Links to a filtered list keep their query; the list's page serves them.
    detail = page_file(site, publication.get_absolute_url()).read_text()
    assert f'href="/lab/publications/?year={publication.year}"' in detail
    # Static files, and photos with their thumbnails.
    assert (site / "static" / "css" / "site.css").is_file()
    assert list((site / "media" / "thumbs").rglob("*.webp"))
    # Pagefind's index (one bundle: the demo is small), and the search page.
    bundles = json.loads((site / "pagefind" / "bundles.json").read_text())["bundles"]
    assert bundles == ["site"]
    for bundle in bundles:
        assert (site / "pagefind" / bundle / "pagefind.js").is_file()
        assert list((site / "pagefind" / bundle).glob("*.pf_meta"))
    search = page_file(site, "/search/").read_text()
    assert "/lab/pagefind/pagefind-ui.js" in search
    detail = page_file(site, Publication.objects.first().get_absolute_url())
    assert "data-pagefind-body" in detail.read_text()

    # A second export with no change writes nothing.
    before = {p: p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()}
    again, same, output = export(site)
    assert (again, same) == (0, written)
    after = {p: p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()}
    assert after == before


def test_after_one_edit_only_changed_pages_are_rewritten_and_deleted_ones_removed(
    demo_site, tmp_path
):
    site = tmp_path / "site"
    total, _, _ = export(site)
    publication = Publication.objects.filter(authorships__isnull=False).first()
    authors = set(publication.authorships.values_list("person", flat=True))
    bystander = (
        Person.objects.exclude(pk__in=authors)
        .exclude(authorships__publication__themes__in=publication.themes.all())
        .first()
    )
    untouched = page_file(site, bystander.get_absolute_url())
    stamp = untouched.stat().st_mtime_ns

    publication.title = "A Freshly Renamed Paper"
    publication.save()
    written, unchanged, _ = export(site)
    assert 0 < written < total
    assert written + unchanged == total
    detail = page_file(site, publication.get_absolute_url()).read_text()
    assert "A Freshly Renamed Paper" in detail
    assert untouched.stat().st_mtime_ns == stamp

    gone = Publication.objects.exclude(pk=publication.pk).first()
    folder = site / gone.get_absolute_url().lstrip("/")
    gone.delete()
    _, _, output = export(site, "--check")
    assert not folder.exists()
    # Its page, its card and its three downloads at least.
    assert removed_count(output) >= 5


def test_check_names_the_page_and_the_broken_link(demo_site, tmp_path):
    site = tmp_path / "site"
    export(site)
    person = Person.objects.filter(is_member=True).first()
    page_file(site, person.get_absolute_url()).unlink()
    broken = check_mirror(site, mirror_site(BASE_URL))
    assert any(
        link.page == "people/index.html"
        and link.url == f"/lab{person.get_absolute_url()}"
        and link.reason == "no such file"
        for link in broken
    )


def test_check_fails_on_a_link_to_a_page_the_site_does_not_have(demo_site, tmp_path):
    NavigationLink.objects.create(label="Lost", url="/no-such-page/", order=99)
    errors = StringIO()
    with pytest.raises(CommandError, match="broken links"):
        call_command(
            "export_site",
            str(tmp_path / "site"),
            "--base-url",
            BASE_URL,
            "--check",
            stdout=StringIO(),
            stderr=errors,
        )
    assert "index.html: /lab/no-such-page/ (no such file)" in errors.getvalue()


def test_a_bad_base_url_is_a_clear_error(db, tmp_path):
    with pytest.raises(CommandError, match="not an http"):
        call_command("export_site", str(tmp_path), "--base-url", "example.org")


@pytest.mark.parametrize(
    ("base", "message"),
    [
        ("https://example.org/my%20lab/", "'my%20lab' in its path"),
        ("https://example.org/caf%C3%A9/", "only ASCII letters"),
        ("https://example.org/café/", "'café' in its path"),
        ("https://example.org/my lab/", "'my lab' in its path"),
        ("https://example.org/a/../b/", "'..' segment"),
        ("https://example.org/lab/index.html", "looks like a file"),
        ("http://[::1/", r"base URL 'http://\[::1/' is not a valid address"),
    ],
)
def test_a_base_url_path_a_static_host_cannot_serve_is_a_clear_error(
    db, tmp_path, base, message
):
    with pytest.raises(CommandError, match=message):
        call_command("export_site", str(tmp_path / "site"), "--base-url", base)
    assert not (tmp_path / "site").exists()


def test_an_empty_base_url_is_an_error_not_the_default(db, tmp_path):
    with pytest.raises(CommandError, match="--base-url is empty"):
        call_command("export_site", str(tmp_path), "--base-url", "")


def test_jobs_above_the_limit_are_capped_and_said(db, tmp_path, monkeypatch):
    asked = {}

    def fake_export(directory, **options):
        asked.update(options)
        raise ExportError("stopped")

    monkeypatch.setattr(export_site_command, "export_site", fake_export)
    errors = StringIO()
    with pytest.raises(CommandError, match="stopped"):
        call_command("export_site", str(tmp_path), "--jobs", "100", stderr=errors)
    assert asked["jobs"] == JOBS_LIMIT
    assert errors.getvalue() == (
        f"--jobs 100 is above the limit of {JOBS_LIMIT}; "
        f"rendering in {JOBS_LIMIT} processes.\n"
    )


def test_production_static_files_not_collected_is_a_clear_error(db, tmp_path, settings):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        },
    }
    with pytest.raises(CommandError, match=r"run `python manage.py collectstatic`"):
        call_command("export_site", str(tmp_path / "site"))
    assert not (tmp_path / "site").exists()


def test_after_edits_an_incremental_export_equals_a_full_one(demo_site, tmp_path):
    site = tmp_path / "site"
    first = export_site(site, base_url=BASE_URL)

    # A title: its page, lists and its authors' pages read it; no one else.
    publication = Publication.objects.filter(authorships__isnull=False).first()
    publication.title = "A Freshly Renamed Paper"
    publication.save()
    renamed = export_site(site, base_url=BASE_URL)
    assert 0 < renamed.pages_rendered < first.pages_rendered / 3
    assert renamed.pages_written <= renamed.pages_rendered

    # A year (moves it between the year filter pages), an author removed, a
    # person renamed, a publication deleted and one added.
    moved = Publication.objects.exclude(pk=publication.pk).exclude(year=None).first()
    moved.year = moved.year - 7
    moved.save()
    publication.authorships.order_by("-position").first().delete()
    person = Person.objects.filter(is_member=True).last()
    person.full_name = "Renamed Person"
    person.save()
    Publication.objects.exclude(pk__in=[publication.pk, moved.pk]).last().delete()
    added = Publication.objects.create(title="Brand New Work", year=moved.year)
    added.authorships.create(person=person, position=1)
    export_site(site, base_url=BASE_URL)
    assert_same_as_a_full_export(site, tmp_path / "fresh")


def test_an_update_without_base_url_keeps_the_copys_address(demo_site, tmp_path):
    site = tmp_path / "site"
    total, _, _ = export(site)
    out = StringIO()
    call_command("export_site", str(site), stdout=out, stderr=StringIO())
    text = out.getvalue()
    assert f"Base URL of the earlier export: {BASE_URL}" in text
    assert (
        text.rstrip().splitlines()[-1]
        == f"0 pages written, {total} unchanged, 0 removed"
    )
    assert "localhost" not in (site / "sitemap.xml").read_text()


@pytest.fixture
def paged_list(transactional_db, make_publication, monkeypatch):
    """Four years of publications, one year a page: the list has four pages."""
    monkeypatch.setattr(publication_selectors, "PAGE_TARGET", 1)
    for year in (2024, 2023, 2022, 2021):
        make_publication(f"Paper {year}", year=year)


def test_every_page_of_the_publications_list_is_exported_and_linked(
    paged_list, tmp_path
):
    site = tmp_path / "site"
    _written, _unchanged, output = export(site, "--check")
    assert "Every link and asset leads to a file." in output
    index = json.loads((site / "publications" / "filters.json").read_text())
    assert len(index["pages"]) == 4
    first = (site / "publications" / "index.html").read_text()
    for number in range(2, 5):
        page = site / "publications" / f"page={number}" / "index.html"
        assert page.is_file()
        assert f'href="/lab/publications/page={number}/"' in first
        assert f"Paper {2025 - number}" in page.read_text()
    assert 'href="?page' not in first
    assert not (site / "publications" / "page=1").exists()


def test_check_fails_on_a_page_link_the_static_server_would_ignore(
    paged_list, tmp_path
):
    site = tmp_path / "site"
    export(site)
    listing = site / "publications" / "index.html"
    listing.write_text(
        listing.read_text().replace("/lab/publications/page=2/", "?page=2")
    )
    (site / "publications" / "page=3" / "index.html").unlink()
    broken = {
        (b.page, b.url, b.reason) for b in check_mirror(site, mirror_site(BASE_URL))
    }
    assert (
        "publications/index.html",
        "?page=2",
        "a static server ignores the query; the page is /lab/publications/page=2/",
    ) in broken
    assert (
        "publications/filters.json",
        "/lab/publications/page=3/",
        "no such file",
    ) in broken


def test_a_changed_slug_leaves_a_redirect_page_at_the_old_address(demo_site, tmp_path):
    site = tmp_path / "site"
    export(site)
    person = Person.objects.filter(is_member=True).first()
    old_url = person.get_absolute_url()
    person.slug = f"{person.slug}-renamed"
    person.save()
    _written, _unchanged, output = export(site, "--check")
    assert "Every link and asset leads to a file." in output
    new_link = f"/lab{person.get_absolute_url()}"
    moved = page_file(site, old_url).read_text()
    assert f'http-equiv="refresh" content="0; url={new_link}"' in moved
    origin = BASE_URL.removesuffix("/lab/")
    assert f'<link rel="canonical" href="{origin}{new_link}">' in moved
    assert page_file(site, person.get_absolute_url()).is_file()
    # A full export writes it too.
    export(site, "--full")
    assert new_link in page_file(site, old_url).read_text()


class _Stopped(BaseException):
    """The process killed (SIGTERM, a lost machine) while Pagefind indexed."""


def test_an_export_stopped_while_indexing_is_finished_by_the_next_one(
    demo_site, tmp_path, monkeypatch
):
    site = tmp_path / "site"
    export_site(site, base_url=BASE_URL)
    publication = Publication.objects.filter(authorships__isnull=False).first()
    publication.title = "A Title The Search Must Find"
    publication.save()

    def stop(directory, groups):
        raise _Stopped

    with monkeypatch.context() as patch:
        patch.setattr(search, "_index_bundles", stop)
        with pytest.raises(_Stopped):
            export_site(site, base_url=BASE_URL)
    export_site(site, base_url=BASE_URL)

    fresh = tmp_path / "fresh"
    export_site(fresh, base_url=BASE_URL, full=True)
    manifest = json.loads((site / ".labsite-export.json").read_text())
    assert (
        manifest["pages"]
        == json.loads((fresh / ".labsite-export.json").read_text())["pages"]
    )
    assert "search_pending" not in manifest
    digests = json.loads((site / "pagefind" / "bundles.json").read_text())["digests"]
    assert (
        digests
        == json.loads((fresh / "pagefind" / "bundles.json").read_text())["digests"]
    )


def test_an_export_stopped_while_storing_its_state_waits_for_the_index(
    demo_site, tmp_path, monkeypatch
):
    # Pagefind indexes while the export stores its dependency state: stopped
    # then, the export ends only once indexing has, and its manifest sends the
    # next export through every page and the index again.
    site = tmp_path / "site"
    first = export_site(site, base_url=BASE_URL)
    publication = Publication.objects.filter(authorships__isnull=False).first()
    publication.title = "A Title Indexed While The State Was Stored"
    publication.save()
    indexed = threading.Event()
    update_index = search.update_index

    def index_then_note(*args, **kwargs):
        report = update_index(*args, **kwargs)
        indexed.set()
        return report

    def stop(self, stamp):
        raise _Stopped

    with monkeypatch.context() as patch:
        patch.setattr(search, "update_index", index_then_note)
        patch.setattr(build._Walk, "save_row_states", stop)
        with pytest.raises(_Stopped):
            export_site(site, base_url=BASE_URL)
    assert indexed.is_set()
    # Other tests of the run may leave threads of their own (servers).
    assert not [
        thread
        for thread in threading.enumerate()
        if thread.name.startswith("labsite-pagefind") and thread.is_alive()
    ]
    manifest = json.loads((site / ".labsite-export.json").read_text())
    assert manifest["search_pending"] is True
    assert manifest["rows_valid"] is False

    again = export_site(site, base_url=BASE_URL)
    assert again.pages_rendered == first.pages_rendered
    assert_same_as_a_full_export(site, tmp_path / "fresh")
    manifest = json.loads((site / ".labsite-export.json").read_text())
    assert "search_pending" not in manifest
    assert manifest["rows_valid"] is True


def test_pages_depending_on_whole_tables_follow_inserts_and_edits(
    demo_site, tmp_path, monkeypatch
):
    # Every group of keys counts as its whole table, as a whole list's
    # download's do on a large site.
    monkeypatch.setattr(deps, "WHOLE_ROWS", 1)
    site = tmp_path / "site"
    export_site(site, base_url=BASE_URL)
    state = sqlite3.connect(state_path(site))
    table = Publication._meta.db_table
    (whole,) = state.execute(
        "SELECT count(*) FROM node_keys WHERE key = ?", [deps.table_key(table)]
    ).fetchone()
    state.close()
    assert whole > 0

    person = Person.objects.filter(authorships__isnull=False).first()
    added = Publication.objects.create(title="Zz Inserted Work", year=2001)
    added.authorships.create(person=person, position=1)
    Publication.objects.exclude(pk=added.pk).first().authorships.all().delete()
    renamed = Publication.objects.exclude(pk=added.pk).last()
    renamed.title = "Aa Renamed Work"
    renamed.save()
    export_site(site, base_url=BASE_URL)
    assert_same_as_a_full_export(site, tmp_path / "fresh")


def test_a_title_edit_leaves_the_filter_index_unrendered(
    demo_site, tmp_path, monkeypatch
):
    site = tmp_path / "site"
    export_site(site, base_url=BASE_URL)
    filters = (site / "publications" / "filters.json").read_bytes()
    words = (site / "publications" / "words.json").read_bytes()
    calls = []

    def counted(real=publication_views.publication_filter_index):
        calls.append(1)
        return real()

    monkeypatch.setattr(publication_views, "publication_filter_index", counted)
    # Last in the list's order within its year, whatever its title was.
    publication = Publication.objects.exclude(year=None).first()
    publication.title = "Zzz: A Title That Sorts Last"
    publication.save()
    export_site(site, base_url=BASE_URL)
    # Which items each filter keeps does not turn on a title: the index is
    # not rendered again; the words filter's texts are.
    assert calls == []
    assert (site / "publications" / "filters.json").read_bytes() == filters
    assert (site / "publications" / "words.json").read_bytes() != words
    # Folded as the words filter folds what is typed (no punctuation).
    assert "zzz a title that sorts last" in (
        (site / "publications" / "words.json").read_text()
    )


def test_static_and_media_files_removed_by_hand_are_copied_again(demo_site, tmp_path):
    site = tmp_path / "site"
    export_site(site, base_url=BASE_URL)
    photo = next(p for p in (site / "media").rglob("*") if p.is_file())
    scripts = sorted(p.name for p in (site / "static" / "js").iterdir())
    shutil.rmtree(site / "static" / "js")
    photo.unlink()

    _written, _unchanged, text = export(site)

    assert "Nothing changed since the last export." not in text
    assert sorted(p.name for p in (site / "static" / "js").iterdir()) == scripts
    assert photo.is_file()
    assert check_mirror(site, mirror_site(BASE_URL)) == []
    # Pages linking them were not rendered again for it: no page file is missing.
    assert _written == 0


def test_a_script_no_rerendered_page_links_is_copied_again(demo_site, tmp_path):
    site = tmp_path / "site"
    export_site(site, base_url=BASE_URL)
    shutil.rmtree(site / "people")
    shutil.rmtree(site / "static" / "js")

    export(site)

    assert check_mirror(site, mirror_site(BASE_URL)) == []
    assert_same_as_a_full_export(site, tmp_path / "fresh")
