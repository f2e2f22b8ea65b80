"""CSL-JSON read with nothing silently dropped (issue #11) and written so that
it reads back the same (issue #16): each rule of publications/sources/csljson.py
with its variants. The whole corpus is in test_csl_round_trip.py."""

import io
import json

import pytest
from django.core.management import call_command

from publications.bibtex.export import export, exportable
from publications.bibtex.importer import import_bibtex
from publications.models import Publication
from publications.sources.service import import_publications

pytestmark = pytest.mark.django_db


def load(*items):
    """Import items as one CSL-JSON file; returns the report."""
    return import_publications(files=[("lib.json", json.dumps(list(items)))])


def item(**variables):
    return {
        "id": "w1",
        "type": "article-journal",
        "title": "A Work",
        "issued": {"date-parts": [[2021]]},
        **variables,
    }


def warnings(report):
    return [(p.key, p.message) for p in report.warnings]


def reimported():
    """Export the site as CSL-JSON, empty it and import the export back."""
    text = export(exportable().order_by("pk"), "csl-json")
    Publication.objects.all().delete()
    report = import_publications(files=[("export.json", text)])
    assert report.failed == 0
    return text


# Dates -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("issued", "year", "month", "year_text"),
    [
        ({"date-parts": [[2021, 3]]}, 2021, 3, ""),
        ({"date-parts": [[1982], [1983]]}, 1982, None, "1982/1983"),
        (
            {"date-parts": [[2017, 9, 3], [2017, 9, 9]]},
            2017,
            9,
            "2017-09-03/2017-09-09",
        ),
        (
            {"date-parts": [[1982], [1983]], "raw": "1982--1983"},
            1982,
            None,
            "1982--1983",
        ),
        (
            {"date-parts": [[1984, 1], [1985]], "raw": "1984--1985"},
            1984,
            1,
            "1984--1985",
        ),
        ({"date-parts": [[1987, 5]], "raw": "May 1987"}, 1987, 5, "May 1987"),
        ({"raw": "2020-05-17"}, 2020, 5, ""),
        ({"raw": "1984/1986"}, 1984, None, "1984/1986"),
        ({"literal": "c. 1900"}, 1900, None, "c. 1900"),
        ({"literal": "n.d."}, None, None, "n.d."),
    ],
)
def test_csl_dates_and_ranges_keep_the_first_year_and_the_text(
    issued, year, month, year_text
):
    load(item(issued=issued))
    work = Publication.objects.get()
    assert (work.year, work.month, work.year_text) == (year, month, year_text)


@pytest.mark.parametrize(
    "issued",
    [{"date-parts": [[2020, 13]]}, {"date-parts": [[2020, 0, 1]]}, {"raw": "2020-13"}],
)
def test_a_month_that_is_no_month_is_a_warning_and_the_rest_imports(issued):
    report = load(item(issued=issued, volume="7"))
    work = Publication.objects.get()
    assert (work.year, work.month, work.volume) == (2020, None, "7")
    [(key, message)] = warnings(report)
    assert key == "w1"
    assert "is not a month (1-12); left out" in message


@pytest.mark.parametrize(
    ("year_text", "month"),
    [
        ("1982--1983", "month=jan,"),
        ("1984/1986", ""),
        ("May 1987", "month=may,"),
        ("2017-09-03/2017-09-09", ""),
        # A month beside a year of no number has no CSL form: not given here.
        ("6", ""),
    ],
)
def test_a_year_as_written_survives_the_csl_json_export(year_text, month):
    field = "date" if "/" in year_text else "year"
    import_bibtex(
        sources=[("y.bib", f"@article{{y, title={{Y}}, {month}"
                  f" {field}={{{year_text}}}}}")]
    )  # fmt: skip
    before = Publication.objects.values_list("year", "month", "year_text").get()
    reimported()
    after = Publication.objects.values_list("year", "month", "year_text").get()
    assert after == before
    assert after[2] == year_text


# Values of the wrong shape ----------------------------------------------------


@pytest.mark.parametrize(
    ("keyword", "keywords"),
    [
        (["optics", "lasers", "noise"], "optics, lasers, noise"),
        (["only"], "only"),
        ("optics, lasers", "optics, lasers"),
    ],
)
def test_a_keyword_list_keeps_every_item(keyword, keywords):
    report = load(item(keyword=keyword))
    assert Publication.objects.get().keywords == keywords
    assert warnings(report) == []


@pytest.mark.parametrize(
    ("title", "expected", "warned"),
    [
        (["Main Title", "A Subtitle"], "Main Title: A Subtitle", True),
        (["Only One"], "Only One", False),
    ],
)
def test_a_title_given_as_a_list_is_read_whole(title, expected, warned):
    report = load(item(title=title))
    assert Publication.objects.get().title == expected
    assert bool(warnings(report)) == warned


@pytest.mark.parametrize(
    ("authors", "names", "position"),
    [
        ([{"family": "Lee", "given": "Ann"}, {}], ["Ann Lee"], 2),
        ([{}, {"family": "Lee", "given": "Ann"}], ["Ann Lee"], 1),
        ([{"family": "", "given": ""}], [], 1),
    ],
)
def test_an_empty_name_object_is_a_warning_not_a_crash_or_a_blank_author(
    authors, names, position
):
    report = load(item(author=authors))
    work = Publication.objects.get()
    assert [a.display_name for a in work.ordered_authorships()] == names
    [(key, message)] = warnings(report)
    assert key == "w1"
    assert message.startswith(f"author name {position} is empty")


def test_an_empty_editor_is_named_as_an_editor():
    report = load(item(editor=[{}]))
    assert warnings(report) == [("w1", "editor name 1 is empty ({}); left out")]


@pytest.mark.parametrize("csl_type", ["journal-article", "podcast", "Article"])
def test_an_unknown_type_is_imported_as_other_and_reported(csl_type):
    report = load(item(type=csl_type))
    assert Publication.objects.get().kind == Publication.Kind.OTHER
    assert warnings(report) == [
        ("w1", f"type {csl_type!r} is not a CSL type; imported as other")
    ]


# Nothing silently dropped -------------------------------------------------------

# Variable, its value, and what the other fields keep (the value itself when None).
VARIABLES = [
    ("PMID", "31415926", None),
    ("PMCID", "PMC2718281", None),
    ("event-place", "Lisbon", None),
    ("title-short", "Work", None),
    ("collection-number", 12, "12"),
    ("archive", "Zenodo", None),
    ("archive_location", "Box 3", None),
    ("call-number", "QC 174", None),
    ("number-of-pages", "212", None),
    ("medium", "Online", None),
    ("source", "Crossref", None),
    ("accessed", {"date-parts": [[2024, 2, 29]]}, "2024-02-29"),
    ("original-date", {"raw": "1905"}, "1905"),
    (
        "translator",
        [{"family": "Moreau", "given": "Claire"}, {"literal": "Lab"}],
        "Moreau, Claire and {Lab}",
    ),
    # A writer's own object: JSON text, escaped as BibTeX text is.
    ("custom", {"shelf": "B2"}, '\\{"shelf": "B2"\\}'),
]
UNMAPPED = {name: value for name, value, _kept in VARIABLES}
KEPT = {
    name.lower(): value if kept is None else kept for name, value, kept in VARIABLES
}


def test_every_unmapped_variable_is_kept_in_the_other_fields():
    load(item(**UNMAPPED))
    assert Publication.objects.get().other_fields == KEPT


@pytest.mark.parametrize("name", sorted(UNMAPPED))
def test_each_kept_variable_survives_the_csl_json_export(name):
    load(item(**{name: UNMAPPED[name]}))
    text = reimported()
    assert Publication.objects.get().other_fields == {name.lower(): KEPT[name.lower()]}
    # Written as the variable: text as text, a date as its ISO text.
    written = {
        "collection-number": "12",
        "accessed": {"raw": "2024-02-29"},
    }.get(name, UNMAPPED[name])
    assert json.loads(text)[0][name] == written


def test_kept_variables_are_written_to_the_bibtex_export_too():
    load(item(PMID="31415926", **{"event-place": "Lisbon"}))
    text = export(exportable(), "bibtex", full=True)
    assert "pmid = {31415926}" in text
    assert "event-place = {Lisbon}" in text


def test_a_number_beside_an_issue_is_kept_apart():
    load(item(issue="4", number="e1234"))
    text = reimported()
    work = Publication.objects.get()
    assert (work.number, work.other_fields) == ("4", {"csl-number": "e1234"})
    assert json.loads(text)[0]["number"] == "e1234"


def test_a_license_is_the_works_licence():
    load(item(type="software", license="MIT"))
    assert Publication.objects.get().license == "MIT"


@pytest.mark.parametrize(
    ("variables", "named"),
    [
        ({"citation-key": "w1", "id": "ITEM-7"}, ["id"]),
        ({"citation-label": "Lee21", "locator": "12"}, ["citation-label", "locator"]),
        (
            {"year-suffix": "a", "citation-number": 3},
            ["citation-number", "year-suffix"],
        ),
    ],
)
def test_citation_variables_are_named_as_ignored(variables, named):
    record = {"type": "article-journal", "title": "A Work", "id": "w1", **variables}
    report = load(record)
    found = sorted(p.message.split("'")[1] for p in report.ignored)
    assert found == named
    assert all(p.key == "w1" for p in report.ignored)
    assert Publication.objects.get().other_fields == {}


def test_the_same_id_and_citation_key_is_not_reported():
    report = load(item(**{"citation-key": "w1"}))
    assert report.ignored == []


# What the reader used to change ------------------------------------------------


@pytest.mark.parametrize(
    ("variables", "venue", "publisher"),
    [
        # labsite's export: the school as container, a publisher beside it.
        ({"container-title": "Univ. A", "publisher": "PIT"}, "Univ. A", "PIT"),
        # Zotero and citeproc: the university is the publisher.
        ({"publisher": "Univ. A"}, "Univ. A", ""),
        ({"container-title": "Univ. A"}, "Univ. A", ""),
    ],
)
def test_a_thesis_keeps_its_school_and_its_publisher_apart(variables, venue, publisher):
    load(item(type="thesis", genre="PhD thesis", **variables))
    work = Publication.objects.get()
    assert (work.kind, work.venue, work.publisher) == (
        Publication.Kind.THESIS,
        venue,
        publisher,
    )
    assert work.other_fields == {"genre": "PhD thesis"}


@pytest.mark.parametrize(
    ("csl_type", "genre"),
    [("thesis", "Master's thesis"), ("report", "Technical report"), ("book", "Atlas")],
)
def test_a_genre_is_kept_and_written_back(csl_type, genre):
    load(item(type=csl_type, genre=genre))
    text = reimported()
    assert Publication.objects.get().other_fields == {"genre": genre}
    assert json.loads(text)[0]["genre"] == genre


@pytest.mark.parametrize(
    ("abstract", "kept"),
    [
        ("Cu<sub>2</sub>O nanorods", "Cu<sub>2</sub>O nanorods"),
        ("An <i>in vivo</i> study", "An <i>in vivo</i> study"),
        ("<jats:p>Plain <jats:italic>x</jats:italic></jats:p>", "Plain x"),
    ],
)
def test_an_abstract_keeps_its_rich_text_and_loses_jats(abstract, kept):
    load(item(abstract=abstract))
    assert Publication.objects.get().abstract == kept


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("http://arxiv.org/abs/2002.02414", "http://arxiv.org/abs/2002.02414"),
        ("https://arxiv.org/pdf/2002.02414v2", "https://arxiv.org/pdf/2002.02414v2"),
        ("https://arxiv.org/abs/2002.02414", ""),
    ],
)
def test_an_arxiv_url_gives_the_id_and_stays_unless_it_is_the_sites_own_link(url, kept):
    load(item(type="article", URL=url))
    work = Publication.objects.get()
    assert (work.arxiv_id, work.url) == ("2002.02414", kept)


@pytest.mark.parametrize(
    "url",
    ["http://www.cs.umd.edu/~nau/papers/x.pdf", "https://example.org/a_b%20c#d"],
)
def test_a_url_is_kept_as_written(url):
    load(item(URL=url))
    assert Publication.objects.get().url == url


@pytest.mark.parametrize(
    ("key", "kept"),
    [
        ("10.1:18", True),
        ("O'Hara_1999", True),
        ("IJCAI01*425", True),
        ("AAAI/IAAI99*570", True),
        ("12345", False),
        ("http://zotero.org/users/1/items/ABCD", False),
        ("has space", False),
    ],
)
def test_a_key_a_bibtex_file_could_hold_is_kept(key, kept):
    load(item(id=key, author=[{"family": "Lee", "given": "Ann"}]))
    assert (Publication.objects.get().bibtex_key == key) == kept


@pytest.mark.parametrize(
    ("name", "display"),
    [
        ({"family": "S. Liporace", "given": "Frederico"}, "Frederico S. Liporace"),
        ({"family": "Sousa", "given": "a.", "non-dropping-particle": "a."}, None),
        ({"family": "Buka\\la", "given": "M"}, "M Buka\\la"),
        ({"literal": "AT&T Labs"}, "AT&T Labs"),
        ({"family": "Dupont_Moretti", "given": "Éric"}, "Éric Dupont_Moretti"),
    ],
)
def test_names_come_through_as_given(name, display):
    report = load(item(author=[{"family": "Lee", "given": "Ann"}, name]))
    work = Publication.objects.get()
    assert work.authors_raw == ""
    names = [a.display_name for a in work.ordered_authorships()]
    assert len(names) == 2
    if display:
        assert names[1] == display
    assert warnings(report) == []


def test_the_command_lists_ignored_variables_at_verbosity_2(tmp_path):
    path = tmp_path / "lib.json"
    path.write_text(json.dumps([item(**{"citation-label": "Lee21", "PMID": "1"})]))
    quiet, loud = io.StringIO(), io.StringIO()
    call_command("import_publications", str(path), "--dry-run", stdout=quiet)
    call_command("import_publications", str(path), verbosity=2, stdout=loud)
    assert "citation-label" not in quiet.getvalue()
    assert (
        f"ignored: {path}:1:w1: variable 'citation-label' ignored "
        "(a label a style makes when citing)"
    ) in loud.getvalue()
    assert Publication.objects.get().other_fields == {"pmid": "1"}


@pytest.mark.parametrize(
    ("variables", "added"),
    [
        ({"PMID": "31415926"}, {"pmid": "31415926"}),
        ({"PMID": "1", "archive": "Zenodo"}, {"pmid": "1", "archive": "Zenodo"}),
        ({}, {}),
    ],
)
def test_a_csl_json_file_adds_its_kept_variables_to_a_publication_from_bibtex(
    variables, added
):
    import_bibtex(
        sources=[("w.bib", "@article{w1, title={A Work}, year={2021},"
                  " mycustom={kept as written}}")]
    )  # fmt: skip
    report = load(item(**variables))
    work = Publication.objects.get()
    assert work.other_fields == {"mycustom": "kept as written", **added}
    assert report.updated == (1 if added else 0)
    again = load(item(**variables))
    assert (again.updated, again.unchanged) == (0, 1)


def test_al_folios_dimensions_badge_is_not_csls_dimensions():
    # al-folio's `dimensions = {true}` shows a badge; CSL's "dimensions" is a
    # physical size: neither becomes the other on export and re-import.
    import_bibtex(
        sources=[
            ("a.bib", "@article{a, title={Badge}, year={2020}, dimensions={true}}")
        ]
    )
    assert "dimensions" not in json.loads(export(exportable(), "csl-json"))[0]
    Publication.objects.all().delete()
    load(item(dimensions="24 cm"))
    work = Publication.objects.get()
    assert work.other_fields == {"csl-dimensions": "24 cm"}
    assert json.loads(export(exportable(), "csl-json"))[0]["dimensions"] == "24 cm"


def test_a_talks_place_survives_the_csl_json_export():
    load(item(type="speech", **{"event-title": "Talk Event", "event-place": "Berlin"}))
    assert Publication.objects.get().other_fields == {"venue": "Berlin"}
    text = reimported()
    assert json.loads(text)[0]["event-place"] == "Berlin"
    assert Publication.objects.get().other_fields == {"venue": "Berlin"}


# biblatex fields with a CSL variable of the same meaning -------------------------


@pytest.mark.parametrize(
    ("field", "value", "variable", "written"),
    [
        ("urldate", "2024-02-29", "accessed", {"raw": "2024-02-29"}),
        ("eventdate", "2023-06-12/2023-06-16", "event-date",
         {"raw": "2023-06-12/2023-06-16"}),
        ("origdate", "1905", "original-date", {"raw": "1905"}),
        ("pagetotal", "212", "number-of-pages", "212"),
        ("origtitle", "Zur Elektrodynamik", "original-title", "Zur Elektrodynamik"),
        ("origpublisher", "Barth", "original-publisher", "Barth"),
        ("origlocation", "Leipzig", "original-publisher-place", "Leipzig"),
    ],
)  # fmt: skip
def test_a_biblatex_field_is_written_as_its_csl_variable(
    field, value, variable, written
):
    import_bibtex(
        sources=[("w.bib", f"@book{{w1, title={{A Work}}, year={{2021}}, "
                  f"{field}={{{value}}}}}")]
    )  # fmt: skip
    [csl] = json.loads(export(exportable(), "csl-json"))
    assert csl[variable] == written
    assert field not in csl
    # The BibTeX export keeps the field under its own name.
    assert f"{field} = {{{value}}}" in export(exportable(), "bibtex", full=True)


def test_a_csl_variable_read_from_csl_json_wins_over_the_biblatex_field():
    # Both present: the CSL-JSON reader's own variable is written, once.
    import_bibtex(
        sources=[("w.bib", "@book{w1, title={A Work}, year={2021}, "
                  "urldate={2020-01-01}, accessed={2024-02-29}}")]
    )  # fmt: skip
    [csl] = json.loads(export(exportable(), "csl-json"))
    assert csl["accessed"] == {"raw": "2024-02-29"}
