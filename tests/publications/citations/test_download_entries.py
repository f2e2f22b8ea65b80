"""List downloads and per-item files written entry by entry: with an entry store
active (the static export) every byte is what a visitor's request gives, and
an edit of a title or of an author's name is never served from a stale entry."""

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from people.models import Person
from publications import downloads, metadata, references
from publications.entries import EntryStore, reusing
from publications.models import Authorship, Publication
from site_config.models import CitationStyle

LISTS = [
    "publications:list_bibtex",
    "publications:list_csljson",
    "publications:list_ris",
    "publications:list_text",
]
ITEMS = [
    "publications:export_bibtex",
    "publications:export_csljson",
    "publications:export_ris",
]


@pytest.fixture
def site(make_publication, make_person, make_theme):
    ada = make_person("Ada Lovelace", is_member=True)
    alan = make_person("Alan Turing", is_member=True)
    theory = make_theme("Learning Theory")
    papers = [
        make_publication(
            "On Bounds: A Study of $x^2$",
            authors=[ada, alan, "Zed Zhang"],
            year=2019,
            venue="Journal of Things",
            themes=[theory],
            abstract="We bound & prove <things>.",
        ),
        make_publication(
            "Later Bounds", authors=[alan, ada], year=2024, venue="J", pages="1--10"
        ),
        make_publication("Draft Bounds", authors=[ada], status="preprint", year=2025),
        make_publication("Other Work", authors=["Zed Zhang"], year=2024, venue="J"),
    ]
    return {"ada": ada, "alan": alan, "theory": theory, "papers": papers}


def urls(site):
    queries = [
        {},
        {"person": site["ada"].slug},
        {"person": site["alan"].slug},
        {"theme": site["theory"].slug},
        {"year": "2024"},
    ]
    found = [(reverse(name), query) for name in LISTS for query in queries]
    text = reverse("publications:list_text")
    found += [
        (text, {"style": style, "person": site["ada"].slug})
        for style in ("ieee", "chicago", "vancouver")
    ]
    found += [
        (reverse(name, args=[paper.slug]), {})
        for name in ITEMS
        for paper in site["papers"]
    ]
    return found


def fetch(client, site):
    answers = []
    for url, query in urls(site):
        response = client.get(url, query)
        answers.append(
            (
                url,
                query,
                response.status_code,
                response["Content-Type"],
                response["Content-Disposition"],
                response.content,
            )
        )
    return answers


def test_downloads_are_the_same_bytes_with_and_without_the_store(client, site):
    plain = fetch(client, site)
    store = EntryStore()
    with reusing(store):
        first = fetch(client, site)
        again = fetch(client, site)
    assert first == plain
    assert again == plain
    # Each paper's entry in each format is written once and reused by every
    # list and item file that holds it: four papers in three data formats and
    # the default style, Ada's three in three more styles.
    assert store.writes == 4 * 3 + 4 + 3 * 3
    # The first data format's miss wrote the other two formats' entries too.
    assert store.misses == 4 + 4 + 3 * 3
    assert store.hits > 4 * store.writes


def plain_fetch(client, site):
    with reusing(None):
        return fetch(client, site)


def test_an_edit_of_a_title_or_an_authors_name_writes_the_entry_again(client, site):
    store = EntryStore()
    paper = site["papers"][0]
    with reusing(store):
        before = fetch(client, site)
        paper.title = "Tighter Bounds"
        paper.save()
        edited = fetch(client, site)
        assert edited == plain_fetch(client, site) != before
        site["alan"].full_name = "Alan M. Turing"
        site["alan"].given_name = "Alan M."
        site["alan"].save()
        renamed = fetch(client, site)
        assert renamed == plain_fetch(client, site) != edited
    bibtex = client.get(reverse("publications:export_bibtex", args=[paper.slug])).text
    assert "Tighter Bounds" in bibtex
    assert "Turing, Alan M." in bibtex
    files = b"".join(answer[-1] for answer in renamed)
    assert b"On Bounds" not in files
    assert b"Turing, Alan}" not in files
    assert b"Turing, A. (" not in files


def test_an_unknown_item_is_not_found_with_the_store_too(client, site):
    with reusing(EntryStore()):
        response = client.get(reverse("publications:export_ris", args=["no-such"]))
    assert response.status_code == 404


def test_a_capped_list_is_the_same_with_the_store(client, site, monkeypatch):
    from publications import export_views

    monkeypatch.setattr(export_views, "TEXT_LIMIT", 2)
    monkeypatch.setattr(export_views, "LIST_LIMIT", 3)
    plain = fetch(client, site)
    with reusing(EntryStore()):
        assert fetch(client, site) == plain
    capped = client.get(reverse("publications:list_bibtex"))
    assert capped["X-Labsite-Truncated"] == "3 of 4"


def test_an_export_store_reads_a_papers_rows_once_and_notes_them_on_each_use(
    client, site, monkeypatch
):
    read = []

    def digests(ids, real=downloads._digests):
        read.extend(ids)
        return real(ids)

    monkeypatch.setattr(downloads, "_digests", digests)
    noted = []
    store = EntryStore(
        keep_inputs=True,
        note_rows=lambda table, column, values: noted.append(
            (table, column, set(values))
        ),
    )
    plain = fetch(client, site)
    with reusing(store):
        assert fetch(client, site) == plain
    # Once for every format, list and item file that holds the paper.
    assert sorted(read) == sorted(paper.pk for paper in site["papers"])
    # Each item file (fetched last) still depends on the paper's row, its
    # authorship rows and its authors' rows, as if it had read them.
    for paper in site["papers"]:
        authors = {a.person_id for a in paper.authorships.all()}
        assert (Publication._meta.db_table, "id", {paper.pk}) in noted
        assert (Authorship._meta.db_table, "publication_id", {paper.pk}) in noted
        assert (Person._meta.db_table, "id", authors) in noted


def test_a_download_without_a_theme_reads_no_theme_and_a_themes_covers_its_subthemes(
    client, site, make_publication, make_theme
):
    sub = make_theme("Sample Complexity", parent=site["theory"])
    make_publication("Sub Bounds", authors=[site["ada"]], year=2023, themes=[sub])
    table = '"research_researchtheme"'
    for query in ({"person": site["ada"].slug}, {"year": "2024"}, {}):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("publications:list_bibtex"), query)
        assert response.status_code == 200
        assert not [q for q in captured if table in q["sql"]], query
    # A theme's download lists its sub-themes' papers, as its page does.
    body = client.get(
        reverse("publications:list_bibtex"), {"theme": site["theory"].slug}
    ).content.decode()
    assert "Sub Bounds" in body
    assert "On Bounds" in body
    assert "Later Bounds" not in body


def test_a_download_reads_the_years_only_when_a_year_is_asked_for(client, site):
    def fetch(query):
        with CaptureQueriesContext(connection) as captured:
            body = client.get(reverse("publications:list_bibtex"), query).text
        years_read = any(
            "DISTINCT" in q["sql"] and "year" in q["sql"] for q in captured
        )
        return body, years_read

    everything, years_read = fetch({"person": site["ada"].slug})
    assert not years_read
    assert "Later Bounds" in everything
    assert "Draft Bounds" in everything
    of_2024, years_read = fetch({"year": "2024"})
    assert years_read
    assert "Later Bounds" in of_2024
    assert "Other Work" in of_2024
    assert "On Bounds" not in of_2024
    # A year no paper has is left out, as the list page leaves it out.
    unknown, _years_read = fetch({"year": "1900"})
    assert "On Bounds" in unknown
    assert "Later Bounds" in unknown


def test_a_list_of_papers_without_authors_is_the_same_with_the_store(
    client, make_publication
):
    make_publication("Anonymous Work", year=2020)
    make_publication("Another Anonymous Work", year=2021)
    plain = [client.get(reverse(name)).content for name in LISTS]
    with reusing(EntryStore(keep_inputs=True)):
        stored = [client.get(reverse(name)).content for name in LISTS]
    assert stored == plain
    assert b"Anonymous Work" in plain[0]


def cite_boxes(site, styles=("apa", "ieee")):
    """The cite box of each paper of site in each of styles, as HTML."""
    papers = Publication.objects.with_authors().filter(
        pk__in=[paper.pk for paper in site["papers"]]
    )
    return [
        render_to_string(
            "includes/_cite.html",
            {
                "publication": paper,
                "citation_style": style,
                "citation_styles": CitationStyle.choices,
            },
        )
        for paper in papers.order_by("pk")
        for style in styles
    ]


def test_the_cite_box_is_the_same_html_with_the_store_and_made_once(site, monkeypatch):
    plain = cite_boxes(site)
    assert "On Bounds" in plain[0]
    assert "@" in plain[0]  # the BibTeX entry
    store = EntryStore(keep_inputs=True)
    with reusing(store):
        assert cite_boxes(site) == plain

        def refuse(*args):
            raise AssertionError("formatted again")

        with monkeypatch.context() as patched:
            patched.setattr(references, "format_reference", refuse)
            patched.setattr(metadata, "bibtex_text", refuse)
            assert cite_boxes(site) == plain
    # An edit of what the box shows makes it anew in the next export, whose
    # store has the same entries (kept on disk) and reads the rows again.
    paper = site["papers"][0]
    paper.title = "Tighter Bounds"
    paper.save()
    later = EntryStore(keep_inputs=True)
    later.entries = store.entries
    with reusing(later):
        edited = cite_boxes(site)
    assert edited == cite_boxes(site) != plain
    assert edited[2:] == plain[2:]
    assert later.hits == len(plain) - 2
    assert "Tighter Bounds" in edited[0]


def test_an_export_store_loads_each_paper_once_for_every_format(
    client, site, monkeypatch
):
    loaded = []

    def counting(publications, real=downloads._loaded):
        found = real(publications)
        loaded.extend(publication.pk for publication in found)
        return found

    monkeypatch.setattr(downloads, "_loaded", counting)
    with reusing(None):
        plain = [client.get(reverse(name)).content for name in reversed(LISTS)]
    assert len(loaded) == 4 * 4
    loaded.clear()
    with reusing(EntryStore(keep_inputs=True)):
        # The formatted text first: its instances serve the data formats.
        stored = [client.get(reverse(name)).content for name in reversed(LISTS)]
    assert stored == plain
    assert sorted(loaded) == sorted(paper.pk for paper in site["papers"])
    loaded.clear()
    with reusing(EntryStore()):
        # A visitor's store keeps no instances: the data formats' entries are
        # still written at the first one's miss.
        assert [client.get(reverse(name)).content for name in LISTS] == plain[::-1]
    assert len(loaded) == 4 * 2


def test_inputs_read_for_all_at_once_give_the_same_files_and_note_each_use(
    client, site, monkeypatch
):
    plain, boxes = fetch(client, site), cite_boxes(site)
    noted = []
    store = EntryStore(
        keep_inputs=True,
        note_rows=lambda table, column, values: noted.append(
            (table, column, set(values))
        ),
    )
    downloads.read_all_inputs(store)
    assert set(store.inputs) == {paper.pk for paper in site["papers"]}
    # The same digests as read paper by paper.
    assert store.inputs == downloads._digests([p.pk for p in site["papers"]])

    def refuse(ids):
        raise AssertionError(f"rows of {ids} read again")

    monkeypatch.setattr(downloads, "_digests", refuse)
    with reusing(store):
        assert fetch(client, site) == plain
        assert cite_boxes(site) == boxes
    for paper in site["papers"]:
        authors = {a.person_id for a in paper.authorships.all()}
        assert (Publication._meta.db_table, "id", {paper.pk}) in noted
        assert (Person._meta.db_table, "id", authors) in noted


def test_reading_all_inputs_leaves_a_store_that_keeps_none_as_it_is(site):
    store = EntryStore()
    downloads.read_all_inputs(store)
    assert store.inputs is None
