"""The site's RIS export reads back as what was stored: one AU and one ED line
per name, both ISBN and ISSN, and a list kept whole as one AU line that reads
back whole, never as one invented name."""

import pytest

from publications.bibtex.export import export, exportable
from publications.bibtex.importer import import_bibtex
from publications.models import Publication
from publications.sources.ris import parse_ris
from publications.sources.service import import_publications

pytestmark = pytest.mark.django_db


def round_trip(bib):
    """Import ``bib``, export RIS, delete everything and import the RIS back."""
    import_bibtex(sources=[("in.bib", bib)])
    text = export(exportable().order_by("pk"), "ris")
    Publication.objects.all().delete()
    report = import_publications(files=[("out.ris", text)])
    assert report.failed == 0
    return text


@pytest.mark.parametrize(
    "editor",
    [
        "Ryszard Michalski, Jaime G. Carbonell, and Tom M. Mitchell",
        "Dowty, D.R., et al.",
        "Michalski, Ryszard and Carbonell, Jaime G. and King, Jr, Martin Luther",
        "{IEEE Computer Society} and van der Berg, Anna",
    ],
)
def test_the_editor_list_survives_a_ris_round_trip(editor):
    import_bibtex(
        sources=[
            (
                "e.bib",
                f"@incollection{{e1, title={{Machine Learning}}, year={{1983}},"
                f" author={{Doe, Jane}}, booktitle={{ML}}, editor={{{editor}}}}}",
            )
        ]
    )
    stored = Publication.objects.get(bibtex_key="e1").editors
    text = export(exportable().order_by("pk"), "ris")
    assert text.count("ED  - ") == len(stored)
    Publication.objects.all().delete()
    assert import_publications(files=[("out.ris", text)]).failed == 0
    assert Publication.objects.get(bibtex_key="e1").editors == stored


def test_isbn_and_issn_are_both_written_and_read_back_into_their_fields():
    text = round_trip(
        "@inproceedings{s1, title={Serials}, author={Doe, Jane}, year={2020},"
        " booktitle={Proc}, isbn={978-3-16-148410-0}, issn={1234-567X}}"
    )
    assert "SN  - 978-3-16-148410-0" in text
    assert "SN  - 1234-567X" in text
    publication = Publication.objects.get(bibtex_key="s1")
    assert (publication.isbn, publication.issn) == ("978-3-16-148410-0", "1234-567X")


@pytest.mark.parametrize(
    ("values", "ris_type", "expected"),
    [
        (["0-306-40615-2"], "JOUR", ("0-306-40615-2", "")),
        (["0378-5955"], "BOOK", ("", "0378-5955")),
        (["9783161484100", "0378-5955"], "CHAP", ("9783161484100", "0378-5955")),
        (["unknown"], "BOOK", ("unknown", "")),
        (["unknown"], "JOUR", ("", "unknown")),
    ],
)
def test_each_sn_goes_to_the_field_its_shape_says(values, ris_type, expected):
    lines = [f"TY  - {ris_type}", "TI  - A title"]
    lines += [f"SN  - {value}" for value in values]
    entry = parse_ris("\n".join([*lines, "ER  - "])).entries[0]
    got = (entry.fields.get("isbn", ""), entry.fields.get("issn", ""))
    assert got == expected


def test_parsed_authors_are_one_au_line_each_and_read_back_in_order():
    text = round_trip(
        "@article{a1, title={Nanowires}, year={2010}, journal={J},"
        " author={Fontcuberta I Morral, Anna and Chen, Weimin M}}"
    )
    assert text.count("AU  - ") == 2
    publication = Publication.objects.get(bibtex_key="a1")
    assert [a.display_name for a in publication.ordered_authorships()] == [
        "Anna Fontcuberta I Morral",
        "Weimin M Chen",
    ]


@pytest.mark.parametrize(
    "authors",
    [
        "M. Halle, J. Bresnan, and G. Miller",
        "A. Smith, B. Jones",
        "Halle M, Bresnan J, Miller G",
        "Dowty, D.R., et al.",
    ],
)
def test_an_author_list_kept_whole_is_one_au_line_and_reads_back_whole(authors):
    text = round_trip(f"@misc{{r1, title={{Kept}}, year=1978, author={{{authors}}}}}")
    assert f"AU  - {authors}" in text.splitlines()
    publication = Publication.objects.get(bibtex_key="r1")
    assert publication.authors_raw == authors
    assert publication.authorships.count() == 0


def test_a_lone_au_line_with_one_name_is_still_one_person():
    round_trip("@misc{r2, title={One}, year={2000}, author={L. Efros, Alexander}}")
    publication = Publication.objects.get(bibtex_key="r2")
    assert publication.authors_raw == ""
    assert [a.display_name for a in publication.ordered_authorships()] == [
        "Alexander L. Efros"
    ]
