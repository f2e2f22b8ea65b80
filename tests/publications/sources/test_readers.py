"""CSL-JSON and RIS readers: the entries they make, read by the BibTeX rules."""

import pytest

from publications.bibtex.normalise import normalise
from publications.sources.csljson import parse_csl_json
from publications.sources.formats import (
    BIBTEX,
    CSL_JSON,
    RIS,
    UnknownFormatError,
    detect_format,
    parse_text,
)
from publications.sources.ris import parse_ris
from tests.publications.sources.conftest import DATA

CSL_FILE = DATA / "csljson" / "zotero-library.json"
RIS_FILE = DATA / "ris" / "mixed-export.ris"


def records(parsed):
    assert not parsed.failures
    return [normalise(entry) for entry in parsed.entries]


@pytest.fixture(params=["csl", "ris"])
def library(request):
    """The same five works, as Zotero exports them in CSL-JSON and in RIS."""
    if request.param == "csl":
        return records(parse_csl_json(CSL_FILE.read_text()))
    return records(parse_ris(RIS_FILE.read_text()))


def test_particles_accents_and_suffixes_become_name_parts(library):
    waals, _cms, fables, *_ = library
    first = waals.authors[0].parts
    assert (first.given, first.von, first.family) == ("Johannes", "van der", "Waals")
    assert [a.display for a in waals.authors[1:]] == [
        "Zoë Müller",
        "Anders Jonas Ångström",
    ]
    la_fontaine, king, garcia = (a.parts for a in fables.authors)
    assert (la_fontaine.von, la_fontaine.family) == ("de", "La Fontaine")
    assert (king.family, king.suffix) == ("King", "Jr.")
    assert garcia.family == "García Márquez"


def test_corporate_author_stays_one_name(library):
    cms = library[1]
    assert [a.display for a in cms.authors] == ["CMS Collaboration"]
    assert cms.authors[0].literal


def test_dates_with_and_without_month(library):
    waals, cms, fables, attention, curie = library
    assert (waals.values["year"], waals.values["month"]) == (2019, 3)
    assert (cms.values["year"], cms.values["month"]) == (2012, None)
    assert (fables.values["year"], fables.values["month"]) == (2021, 7)
    assert (attention.values["year"], attention.values["month"]) == (2017, 6)
    assert (curie.values["year"], curie.values["month"]) == (1904, None)


def test_page_ranges_dois_and_venues(library):
    waals, cms, fables, _attention, curie = library
    assert waals.values["pages"] == "125411--125420"
    assert cms.values["pages"] == "30--61"
    assert fables.values["pages"] == "1012--1020"
    assert waals.values["doi"] == "10.1103/PhysRevB.99.125411"
    assert waals.values["venue"] == "Physical Review B"
    assert (waals.values["volume"], waals.values["number"]) == ("99", "12")
    assert fables.values["kind"] == "conference"
    assert fables.values["venue"].startswith("Proceedings of the 38th")
    assert fables.values["publisher"] == "PMLR"
    assert curie.values["kind"] == "thesis"
    assert curie.values["venue"] == "Faculté des sciences de Paris"


def test_arxiv_preprint_is_a_preprint_with_its_id(library):
    attention = library[3]
    assert attention.values["arxiv_id"] == "1706.03762"
    assert attention.values["kind"] == "preprint"
    assert attention.values["status"] == "preprint"
    assert attention.values["venue"] == "arXiv"


def test_keys_kept_when_bibtex_like_and_made_otherwise(library):
    keys = [record.key for record in library]
    assert "cms2012higgs" in keys
    # Zotero's item URL is no key: one is made from author, year and title.
    assert keys[0] == "vanderwaals2019waals"
    assert all("://" not in key for key in keys)


def test_csl_rich_text_in_titles_keeps_the_formatting_pages_show():
    # Italics and subscripts stay as the tags the site shows (case 25); other
    # rich text (small caps, nocase spans) is taken out.
    parsed = parse_csl_json(CSL_FILE.read_text())
    assert normalise(parsed.entries[0]).values["title"] == (
        "Van der Waals heterostructures of <i>MoS</i><sub>2</sub> on graphene"
    )
    title = '<sc>Nasa</sc> <span class=\\"nocase\\">x</span> <em>y</em>'
    item = f'[{{"id": "a", "type": "book", "title": "{title}"}}]'
    assert (
        normalise(parse_csl_json(item).entries[0]).values["title"] == "Nasa x <i>y</i>"
    )


def test_csl_text_with_latex_characters_survives():
    text = (
        '[{"id": "x1", "type": "article-journal", "title": "Costs of {braces} '
        '~ tildes -- and a back\\\\slash", '
        '"author": [{"family": "Lee", "given": "Ann"}], '
        '"issued": {"date-parts": [[2020]]}}]'
    )
    record = normalise(parse_csl_json(text).entries[0])
    assert record.values["title"] == "Costs of {braces} ~ tildes -- and a back\\slash"


def test_csl_item_without_title_fails_with_its_line_and_the_rest_imports():
    text = '[\n  {"id": "a", "title": "Kept", "type": "book"},\n  {"id": "b"},\n  3\n]'
    parsed = parse_csl_json(text)
    assert [e.key for e in parsed.entries] == ["a"]
    assert [(f.line, f.key, f.message) for f in parsed.failures] == [
        (3, "b", "no title"),
        (4, "", "item is not a JSON object"),
    ]


def test_ris_wrapped_abstract_keywords_and_issn():
    waals = records(parse_ris(RIS_FILE.read_text()))[0]
    assert waals.values["abstract"] == (
        "We study heterostructures. The abstract is long and wrapped onto a "
        "second line."
    )
    assert waals.values["keywords"] == "graphene, heterostructures"


def test_ris_record_without_title_or_er_is_reported_with_its_line():
    text = (
        "TY  - JOUR\nAU  - Lee, Ann\nER  - \n\nTY  - BOOK\nTI  - Cut off\nPY  - 2001\n"
    )
    parsed = parse_ris(text)
    assert [(f.line, f.message) for f in parsed.failures] == [
        (1, "no title (TI or T1)")
    ]
    assert [normalise(e).values["title"] for e in parsed.entries] == ["Cut off"]
    assert [(w.line, w.message) for w in parsed.warnings] == [
        (
            7,
            "the record that starts at line 5 has no 'ER  -' line; read up to "
            "the end of the file",
        )
    ]


def test_formats_are_recognised_by_content_not_name():
    assert detect_format(CSL_FILE.read_text()) == CSL_JSON
    assert detect_format(RIS_FILE.read_text()) == RIS
    assert detect_format("% comment\n@article{k, title={T}}") == BIBTEX
    assert detect_format("\ufeffTY  - JOUR\nTI  - T\nER  - ") == RIS


def test_unknown_or_broken_text_is_a_clear_error():
    with pytest.raises(UnknownFormatError, match="notes.txt is not BibTeX, CSL-JSON"):
        parse_text("just some notes\n", name="notes.txt")
    with pytest.raises(
        UnknownFormatError, match=r"lib.json is not valid CSL-JSON.*line 2"
    ):
        parse_text('[\n {"id": }]', name="lib.json")
    with pytest.raises(UnknownFormatError, match="empty"):
        parse_text("  \n", name="empty.bib")
