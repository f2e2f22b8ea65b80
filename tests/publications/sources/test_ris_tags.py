"""Every RIS tag is mapped, kept as an other field or named as ignored (issue
#11: nothing silently dropped), and what the site's RIS export writes reads back
as it was stored (issue #16)."""

import io

import pytest
from django.core.management import call_command

from publications.bibtex.export import export, exportable
from publications.bibtex.importer import import_bibtex
from publications.models import Publication
from publications.sources.ris import parse_ris
from publications.sources.service import import_publications

pytestmark = pytest.mark.django_db

RECORD = """TY  - JOUR
AU  - Doe, Jane
TI  - Tags Nobody Maps
ST  - Tags
T2  - Journal of Tags
PY  - 2020
Y2  - 2024/01/02
AD  - Dept. of Tags, Somewhere
M3  - Letter
L2  - https://example.org/fulltext
OP  - Original Tags
TT  - Étiquettes
A3  - Series, Editor
A3  - Other, Editor
C1  - custom one
AN  - PMID 12345
DP  - EBSCOhost
DB  - Academic Search
L4  - file:///home/jane/tags.pdf
ID  - 42
ER  -
"""


def test_unmapped_tags_are_kept_as_other_fields():
    entry = parse_ris(RECORD).entries[0]
    assert {name: entry.fields[name] for name in entry.fields if "-" in name} == {
        "ris-ad": "Dept. of Tags, Somewhere",
        "ris-m3": "Letter",
        "ris-l2": "https://example.org/fulltext",
        "ris-op": "Original Tags",
        "ris-tt": "Étiquettes",
        "ris-a3": "Series, Editor and Other, Editor",
        "ris-c1": "custom one",
        "ris-an": "PMID 12345",
    }
    assert (entry.fields["shorttitle"], entry.fields["urldate"]) == (
        "Tags",
        "2024/01/02",
    )
    # The year is PY's, never Y2's (the access date).
    assert entry.fields["year"] == "2020"


def test_ignored_tags_are_named_in_the_report_at_verbosity_2(tmp_path):
    path = tmp_path / "tags.ris"
    path.write_text(RECORD)
    out = io.StringIO()
    call_command("import_publications", str(path), verbosity=2, stdout=out)
    text = out.getvalue()
    for tag in ("L4", "DP", "DB"):
        assert f"RIS tag {tag} ignored" in text
    assert "RIS tag ID '42' ignored (not a citation key)" in text
    publication = Publication.objects.get()
    assert publication.other_fields["ris-ad"] == "Dept. of Tags, Somewhere"
    assert publication.other_fields["shorttitle"] == "Tags"


def test_other_fields_go_out_as_their_tags_in_ris_and_as_fields_in_bibtex():
    import_publications(files=[("tags.ris", RECORD)])
    ris = export(exportable(), "ris")
    for line in ("AD  - Dept. of Tags, Somewhere", "ST  - Tags", "Y2  - 2024/01/02"):
        assert line in ris
    bibtex = export(exportable(), "bibtex", full=True)
    assert "ris-ad = {Dept. of Tags, Somewhere}" in bibtex
    assert "shorttitle = {Tags}" in bibtex
    Publication.objects.all().delete()
    import_publications(files=[("again.ris", ris)])
    again = Publication.objects.get()
    assert again.other_fields["ris-a3"] == "Series, Editor and Other, Editor"
    assert again.other_fields["urldate"] == "2024/01/02"


def test_a_second_value_of_a_tag_read_once_is_kept():
    entry = parse_ris(
        "TY  - JOUR\nTI  - T\nDO  - 10.1/a\nDO  - 10.1/b\nUR  - https://a.org\n"
        "UR  - https://b.org\nER  - \n"
    ).entries[0]
    assert (entry.fields["doi"], entry.fields["url"]) == ("10.1/a", "https://a.org")
    assert (entry.fields["ris-do"], entry.fields["ris-ur"]) == (
        "10.1/b",
        "https://b.org",
    )


@pytest.mark.parametrize(
    "stored",
    [
        {"pages": "58--58"},
        {"pages": "10715--"},
        {"pages": "--"},
        {"chapter": "3"},
        {"series": "Lecture Notes"},
        {"url": "http://arxiv.org/abs/1106.5271"},
        {"url": "http://www.cs.umd.edu/~nau/papers/x.pdf"},
        {"year": 1984, "year_text": "1984/1986"},
        {"year": 1987, "year_text": "May 1987"},
        {"year": None, "year_text": "unknown"},
    ],
)
def test_a_value_the_ris_export_writes_reads_back_as_stored(stored):
    import_bibtex(
        sources=[
            (
                "in.bib",
                "@article{k1, title={T}, author={Doe, Jane}, journal={J},"
                " year={2001}, eprint={1106.5271}, archiveprefix={arXiv}}",
            )
        ]
    )
    Publication.objects.update(**stored)
    text = export(exportable(), "ris")
    Publication.objects.all().delete()
    assert import_publications(files=[("out.ris", text)]).failed == 0
    publication = Publication.objects.get(bibtex_key="k1")
    assert {name: getattr(publication, name) for name in stored} == stored
    assert publication.arxiv_id == "1106.5271"


def test_keywords_are_one_comma_list_however_spaced():
    import_bibtex(
        sources=[("k.bib", "@misc{k, title={T}, year={2001}, keywords={a,b ,c}}")]
    )
    assert Publication.objects.get().keywords == "a, b, c"
    text = export(exportable(), "ris")
    assert "KW  - b\r\n" in text
    Publication.objects.all().delete()
    import_publications(files=[("k.ris", text)])
    assert Publication.objects.get().keywords == "a, b, c"


def test_names_with_a_suffix_or_initials_in_the_family_name_read_back():
    import_bibtex(
        sources=[
            (
                "n.bib",
                "@article{n, title={T}, year={2001}, journal={J}, author="
                "{Frank G. {Bennett, Jr.} and E.G. McCluskey, Jr. and"
                " Liporace, Frederico dos S. and Garc\\'ia, Alberto and"
                " Thomas M\\aartensson}}",
            )
        ]
    )
    before = [a.display_name for a in Publication.objects.get().ordered_authorships()]
    text = export(exportable(), "ris")
    Publication.objects.all().delete()
    import_publications(files=[("n.ris", text)])
    after = [a.display_name for a in Publication.objects.get().ordered_authorships()]
    assert after == before


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("10.2:35d", "10.2:35d"),
        ("O'Keeffe_1962", "O'Keeffe_1962"),
        ("journals/corr/abs-1106-5271", "journals/corr/abs-1106-5271"),
        ("123", "doe2020tags"),
        ("http://zotero.org/users/1/items/X", "doe2020tags"),
    ],
)
def test_an_id_a_bibtex_file_could_hold_is_the_key(written, key):
    text = f"TY  - JOUR\nAU  - Doe, Jane\nTI  - Tags\nPY  - 2020\nID  - {written}\n"
    assert parse_ris(text + "ER  - \n").entries[0].key == key


def test_a_type_with_no_kind_of_its_own_is_kept_and_written_back():
    import_publications(files=[("h.ris", "TY  - HEAR\nTI  - A Hearing\nER  -\n")])
    publication = Publication.objects.get()
    assert (publication.kind, publication.other_fields) == ("other", {"ris-ty": "HEAR"})
    text = export(exportable(), "ris")
    assert text.startswith("TY  - HEAR\r\n")
    assert text.count("TY  - ") == 1
    Publication.objects.all().delete()
    import_publications(files=[("again.ris", text)])
    assert Publication.objects.get().other_fields == {"ris-ty": "HEAR"}


def test_an_access_date_that_is_no_date_is_kept_without_a_warning():
    result = parse_ris("TY  - JOUR\nTI  - T\nY2  - last week\nER  -\n")
    assert result.warnings == []
    assert result.entries[0].fields["urldate"] == "last week"


@pytest.mark.parametrize(
    ("entry", "kept"),
    [
        ("@article{v, title={T}, journal={J}, year={2001}, version={1.3}}", "version"),
        ("@software{v, title={T}, year={2001}, version={2.0}, edition={2}}", "edition"),
    ],
)
def test_the_edition_tag_never_clears_what_it_cannot_say(entry, kept):
    import_bibtex(sources=[("in.bib", entry)])
    before = getattr(Publication.objects.get(), kept)
    report = import_publications(files=[("site.ris", export(exportable(), "ris"))])
    assert report.changes == []
    assert getattr(Publication.objects.get(), kept) == before


def test_an_other_field_in_latex_stays_as_written_when_ris_says_the_same_text():
    import_bibtex(
        sources=[
            (
                "in.bib",
                '@book{w, title={Werke}, year={1980}, shorttitle={S{\\"a}mtliche}}',
            )
        ]
    )
    text = export(exportable(), "ris")
    assert "ST  - Sämtliche" in text
    report = import_publications(files=[("site.ris", text)])
    assert report.changes == []
    assert Publication.objects.get().other_fields == {"shorttitle": 'S{\\"a}mtliche'}
    changed = text.replace("ST  - Sämtliche", "ST  - Werke I")
    import_publications(files=[("site.ris", changed)])
    assert Publication.objects.get().other_fields["shorttitle"] == "Werke I"
