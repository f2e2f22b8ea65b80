"""The mirror's search index in bundles: only the bundles whose pages changed
are indexed again, pages removed leave their bundle, old indexes are replaced."""

import gzip
import hashlib
import json
from pathlib import Path

import pytest

from publications.models import Publication
from research.models import ResearchTheme
from site_config.export import search
from site_config.export.build import export_site
from tests.site_config.export.conftest import BASE_URL


def write_page(root, name, title, *, listed="", menu="Menu"):
    """A page as the export writes it: listed is the text of its list of
    publications, which the index skips (data-pagefind-ignore)."""
    path = Path(root) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f'<!doctype html><html lang="en"><head><title>{title}</title></head>'
        f"<body><nav>{menu}</nav><main data-pagefind-body><h1>{title}</h1>"
        f"<p>Notes on {title}.</p>"
        f'<ol class="pub-list" data-pagefind-ignore><li>{listed}</li></ol>'
        f"</main></body></html>"
    )


PAGE = (
    '<!doctype html><html lang="{lang}"><head><title>{title}</title>'
    '<meta name="description" content="{head}"></head>'
    "<body><nav>{menu}</nav><main data-pagefind-body><h1>Ada</h1>"
    "<section data-pagefind-ignore><ol><li>{listed}<ol><li>{nested}</li></ol></li>"
    "</ol></section><p>{after}</p>{extra}</main><footer>{menu}</footer></body></html>"
)
PARTS = {
    "lang": "en",
    "title": "Ada",
    "head": "About Ada",
    "menu": "Menu",
    "listed": "A paper",
    "nested": "Another paper",
    "after": "Ada works on graphs.",
    "extra": "",
}


def digest_of(**changes):
    return search.indexed_digest(PAGE.format(**{**PARTS, **changes}).encode())


def test_the_indexed_digest_follows_what_pagefind_reads_and_nothing_else():
    same = digest_of()
    # Outside the body, and the ignored list (nested lists too): not indexed.
    assert digest_of(menu="Other menu") == same
    assert digest_of(head="Other description") == same
    assert digest_of(listed="A renamed paper") == same
    assert digest_of(nested="Another renamed paper") == same
    # The body after the ignored list, the language, the title: indexed.
    assert digest_of(after="Ada works on trees.") != same
    assert digest_of(lang="de") != same
    assert digest_of(title="Ada L.") != same
    # An element that does not always close is not cut by a count of tags.
    assert digest_of(extra="<p data-pagefind-ignore>x</p>") != digest_of(
        extra="<p data-pagefind-ignore>y</p>"
    )
    # A filter or meta inside an ignored element is still read by Pagefind.
    meta = '<span data-pagefind-meta="topic">{}</span>'
    assert digest_of(listed=meta.format("graphs")) != digest_of(
        listed=meta.format("trees")
    )


def test_a_page_pagefind_may_read_otherwise_is_digested_whole():
    def digest(text):
        return search.indexed_digest(text.encode())

    # No body mark: Pagefind reads the whole page.
    assert digest("<html><body><nav>A</nav><p>x</p></body></html>") != digest(
        "<html><body><nav>B</nav><p>x</p></body></html>"
    )
    # A Pagefind attribute outside the body (a filter, say).
    page = (
        '<html><body><nav data-pagefind-filter="tag">{}</nav>'
        "<main data-pagefind-body><p>x</p></main></body></html>"
    )
    assert digest(page.format("A")) != digest(page.format("B"))
    # A body that does not close.
    page = "<html><body><main data-pagefind-body><p>x</p><nav>{}</nav>"
    assert digest(page.format("A")) != digest(page.format("B"))


def digests(root, names):
    return {n: hashlib.sha256((Path(root) / n).read_bytes()).hexdigest() for n in names}


def bundle_files(root, bundle):
    """{relative name: (mtime_ns, bytes)} of one bundle's files."""
    folder = Path(root) / search.BUNDLE / bundle
    return {
        p.relative_to(folder).as_posix(): (p.stat().st_mtime_ns, p.read_bytes())
        for p in folder.rglob("*")
        if p.is_file()
    }


def indexed_pages(root, bundle):
    """{url: title} of the pages in a bundle, read from Pagefind's fragments
    (gzip: ``pagefind_dcd`` then the page's JSON)."""
    found = {}
    for path in (Path(root) / search.BUNDLE / bundle / "fragment").iterdir():
        data = gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd")
        fragment = json.loads(data)
        found[fragment["url"]] = fragment["meta"]["title"]
    return found


def listed_bundles(root):
    return json.loads((Path(root) / search.BUNDLE / search.BUNDLES).read_text())[
        "bundles"
    ]


@pytest.fixture
def mirror(tmp_path):
    """(root, page names) of a small mirror: a home page, 3 people, 20 papers."""
    root = tmp_path / "site"
    names = ["index.html"]
    names += [f"people/person-{i}/index.html" for i in range(3)]
    names += [f"publications/paper-{i}/index.html" for i in range(20)]
    for name in names:
        write_page(root, name, name.split("/")[-2] if "/" in name else "Home")
    return root, names


def test_a_site_over_the_limit_is_split_into_stable_shards():
    names = [f"publications/paper-{i}/index.html" for i in range(1000)]
    assert search.plan_shards(150, 1, per_bundle=200) == 1
    # A first plan splits anything over the limit (243 pages: 2 bundles),
    # where a standing plan of one bundle waits for twice the limit.
    assert search.plan_shards(243, 0, per_bundle=200) == 2
    assert search.plan_shards(243, 1, per_bundle=200) == 1
    assert search.plan_shards(0, 0, per_bundle=200) == 1
    assert search.bundle_of(names[0], 1) == "site"
    shards = search.plan_shards(len(names), 1, per_bundle=200)
    assert shards == 8
    bundles = {search.bundle_of(n, shards) for n in names}
    assert bundles == {f"site-{k}-of-8" for k in range(1, 9)}
    # The same page, the same bundle, in any run; pages of every section mix.
    assert search.bundle_of(names[7], 8) == search.bundle_of(names[7], 8)
    people = {search.bundle_of(f"people/p-{i}/index.html", 8) for i in range(100)}
    assert people == bundles
    # A few pages more or fewer keep the shards; far more or fewer re-plan them.
    assert search.plan_shards(1100, shards, per_bundle=200) == shards
    assert search.plan_shards(600, shards, per_bundle=200) == shards
    assert search.plan_shards(300, shards, per_bundle=200) == 2
    assert search.plan_shards(4000, shards, per_bundle=200) == 32


def test_after_an_edit_only_the_bundle_of_the_page_is_indexed_again(mirror):
    root, names = mirror
    first = search.update_index(root, digests(root, names), per_bundle=4)
    assert first.rebuilt == first.bundles
    assert len(first.bundles) > 3
    assert listed_bundles(root) == first.bundles
    assert search.has_index(root)
    everything = {}
    for bundle in first.bundles:
        everything.update(indexed_pages(root, bundle))
    assert set(everything) == {search.page_url(n) for n in names}

    edited = "publications/paper-5/index.html"
    home = search.bundle_of(edited, 8)
    before = {b: bundle_files(root, b) for b in first.bundles}
    write_page(root, edited, "A renamed paper")
    second = search.update_index(root, digests(root, names), per_bundle=4)
    assert second.rebuilt == [home]
    assert indexed_pages(root, home)["/publications/paper-5/"] == "A renamed paper"
    for bundle in first.bundles:
        if bundle != home:
            assert bundle_files(root, bundle) == before[bundle], bundle

    # A page removed leaves its bundle, and only that bundle is indexed again.
    gone = next(n for n in names if n.startswith("people/"))
    gone_bundle = search.bundle_of(gone, 8)
    count = len(indexed_pages(root, gone_bundle))
    (root / gone).unlink()
    names.remove(gone)
    before = {b: bundle_files(root, b) for b in second.bundles}
    third = search.update_index(root, digests(root, names), per_bundle=4)
    if count > 1:
        assert third.rebuilt == [gone_bundle]
        assert search.page_url(gone) not in indexed_pages(root, gone_bundle)
        assert len(indexed_pages(root, gone_bundle)) == count - 1
    else:
        assert third.removed == [gone_bundle]
    assert all(
        bundle_files(root, b) == before[b] for b in third.bundles if b != gone_bundle
    )

    # Nothing changed: nothing indexed.
    assert search.update_index(root, digests(root, names), per_bundle=4).rebuilt == []


def test_a_change_pagefind_does_not_read_indexes_no_bundle(mirror):
    root, names = mirror
    search.update_index(root, digests(root, names), per_bundle=4)
    person = "people/person-1/index.html"
    bundle = search.bundle_of(person, 8)
    before = bundle_files(root, bundle)
    # A listed paper renamed and another menu: the page's bytes change, its
    # indexed part does not, so its bundle is left as it was.
    write_page(root, person, "person-1", listed="A renamed paper", menu="Home")
    report = search.update_index(root, digests(root, names), per_bundle=4)
    assert report.rebuilt == []
    assert bundle_files(root, bundle) == before
    # Its own text changed: its bundle is indexed again.
    write_page(root, person, "Person One", listed="A renamed paper", menu="Home")
    report = search.update_index(root, digests(root, names), per_bundle=4)
    assert report.rebuilt == [bundle]
    assert indexed_pages(root, bundle)["/people/person-1/"] == "Person One"
    # pages.json lost: every page is read again, and nothing needs indexing.
    (root / search.BUNDLE / search.PAGES).unlink()
    assert search.update_index(root, digests(root, names), per_bundle=4).rebuilt == []
    assert (root / search.BUNDLE / search.PAGES).is_file()


def test_a_bundle_left_without_pages_is_deleted(mirror):
    root, names = mirror
    search.update_index(root, digests(root, names), per_bundle=4)
    emptied = search.bundle_of(names[0], 8)
    for name in [n for n in names if search.bundle_of(n, 8) == emptied]:
        (root / name).unlink()
        names.remove(name)
    report = search.update_index(root, digests(root, names), per_bundle=4)
    assert report.removed == [emptied]
    assert report.rebuilt == []
    assert not (root / search.BUNDLE / emptied).exists()
    assert emptied not in listed_bundles(root)


def test_an_earlier_single_index_is_replaced_by_bundles(mirror):
    root, names = mirror
    old = root / search.BUNDLE
    (old / "fragment").mkdir(parents=True)
    (old / "fragment" / "en_1.pf_fragment").write_bytes(b"old")
    (old / "pagefind.js").write_text("// old")
    (old / "pagefind-ui.js").write_text("// old")
    assert not search.has_index(root)
    report = search.update_index(root, digests(root, names), per_bundle=4)
    assert report.rebuilt == report.bundles
    assert sorted(p.name for p in old.iterdir()) == sorted(
        [*report.bundles, search.BUNDLES, search.PAGES, *search.UI_FILES]
    )
    assert (old / "pagefind-ui.js").read_text() != "// old"
    assert search.has_index(root)
    # A bundle missing from the folder makes the index incomplete: all redone.
    (old / report.bundles[0] / "pagefind-entry.json").unlink()
    assert not search.has_index(root)
    again = search.update_index(root, digests(root, names), per_bundle=4)
    assert again.rebuilt == again.bundles


def test_an_export_after_a_title_edit_indexes_only_the_papers_bundle(
    demo_site, tmp_path, monkeypatch
):
    # Shards of a few pages, so the demo's pages span many bundles.
    monkeypatch.setattr(search, "PAGES_PER_BUNDLE", 4)
    site = tmp_path / "site"
    first = export_site(site, base_url=BASE_URL)
    bundles = listed_bundles(site)
    assert first.search_bundles == bundles
    assert len(bundles) > 2

    # A paper no theme cites: a citation in a theme's text shows its title in
    # text the index reads, so the theme's bundle would be indexed again too.
    cited = {key for theme in ResearchTheme.objects.all() for key in theme.cited_keys}
    publication = (
        Publication.objects.exclude(bibtex_key__in=cited).order_by("pk").first()
    )
    name = publication.get_absolute_url().lstrip("/") + "index.html"
    shards = json.loads((site / search.BUNDLE / search.BUNDLES).read_text())["shards"]
    home = search.bundle_of(name, shards)
    before = {b: bundle_files(site, b) for b in bundles}
    publication.title = "A Freshly Renamed Paper"
    publication.save()
    second = export_site(site, base_url=BASE_URL)
    # Its authors' and themes' pages list it (and were rewritten), but in lists
    # the index skips: only the bundle of the paper's own page is indexed again.
    authors = [a.person.get_absolute_url() for a in publication.authorships.all()]
    assert any(
        "A Freshly Renamed Paper" in (site / url.lstrip("/") / "index.html").read_text()
        for url in authors
    )
    elsewhere = {
        search.bundle_of(u.lstrip("/") + "index.html", shards) for u in authors
    }
    assert elsewhere - {home}
    assert second.search_bundles == [home]
    untouched = [b for b in bundles if b not in second.search_bundles]
    assert untouched
    for bundle in untouched:
        assert bundle_files(site, bundle) == before[bundle], bundle
    url = "/" + name.removesuffix("index.html")
    assert indexed_pages(site, home)[url] == "A Freshly Renamed Paper"

    gone = Publication.objects.exclude(pk=publication.pk).order_by("pk").first()
    gone_name = gone.get_absolute_url().lstrip("/") + "index.html"
    gone_bundle = search.bundle_of(gone_name, shards)
    gone.delete()
    third = export_site(site, base_url=BASE_URL)
    assert gone_bundle in third.search_bundles or gone_bundle not in listed_bundles(
        site
    )
    left = {}
    for bundle in listed_bundles(site):
        left.update(indexed_pages(site, bundle))
    assert "/" + gone_name.removesuffix("index.html") not in left
    assert url in left


def test_a_formula_in_a_title_is_indexed_as_shown_not_with_its_tex(demo_site, tmp_path):
    publication = Publication.objects.order_by("pk").first()
    publication.title = r"Bounds in $\mathbb{R}^n$ for sparse graphs"
    publication.save()
    site = tmp_path / "site"
    export_site(site, base_url=BASE_URL)
    path = publication.get_absolute_url()
    page = (site / path.lstrip("/") / "index.html").read_text()
    # The page keeps the TeX for copying and for readers without MathML.
    assert r"\mathbb{R}^n</annotation>" in page
    titles = {}
    for bundle in listed_bundles(site):
        titles.update(indexed_pages(site, bundle))
    found = [title for url, title in titles.items() if url.endswith(path)]
    assert found == ["Bounds in ℝn for sparse graphs"]


def test_a_pagefind_binary_that_cannot_run_is_named_with_the_fix(
    mirror, tmp_path, monkeypatch
):
    root, names = mirror

    # Installed without its binary package: get_executable raises.
    def missing():
        raise FileNotFoundError("no pagefind_bin")

    monkeypatch.setattr(search, "get_executable", missing)
    with pytest.raises(search.SearchIndexError, match="pip install"):
        search.update_index(root, digests(root, names), per_bundle=4)
    # A binary that cannot be started (not executable): not a mirror path.
    binary = tmp_path / "pagefind_extended"
    binary.write_bytes(b"not a program")
    binary.chmod(0o644)
    monkeypatch.setattr(search, "get_executable", lambda: binary)
    with pytest.raises(search.SearchIndexError) as raised:
        search.update_index(root, digests(root, names), per_bundle=4)
    assert f"Pagefind's binary {binary} could not be run" in str(raised.value)
    assert "reinstall" in str(raised.value)
    assert not search.has_index(root)
