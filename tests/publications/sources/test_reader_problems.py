"""A user's bad input is reported with its file, line and field, never dropped
silently, never a traceback: RIS stray lines, bad dates and unclosed records;
CSL-JSON names of the wrong shape. And CSL's ``version`` is read and written."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from publications.bibtex.export import to_csl
from publications.bibtex.normalise import normalise
from publications.models import ImportRun, Publication
from publications.sources.csljson import parse_csl_json
from publications.sources.ris import parse_ris


def problems(parsed):
    return [(w.line, w.key, w.message) for w in parsed.warnings]


def run(path, *args):
    out = io.StringIO()
    call_command("import_publications", str(path), *args, stdout=out)
    return out.getvalue()


STRAY = (
    "TY  - JOUR\n"  # 1
    "TI  - A Title\n"  # 2
    "AU  - \n"  # 3
    "Smith, John\n"  # 4: no tag: not an author
    "AU  - Lee, Ann\n"  # 5
    "PY  - abcd\n"  # 6
    "ID  - stray1\n"  # 7
    "ER  - \n"  # 8
)


def test_ris_untagged_line_after_a_name_is_a_warning_never_an_author():
    parsed = parse_ris(STRAY)
    (entry,) = parsed.entries
    assert [a.display for a in normalise(entry).authors] == ["Ann Lee"]
    assert problems(parsed) == [
        (4, "", "a line without a RIS tag after AU ('Smith, John'); left out"),
        (3, "stray1", "AU has no name; left out"),
        (6, "stray1", "PY 'abcd' is not a date (YYYY or YYYY/MM/DD); left out"),
    ]


@pytest.mark.parametrize("tag", ["DO", "PY", "SN", "ED", "KW"])
def test_ris_untagged_line_after_any_non_text_tag_is_left_out(tag):
    text = f"TY  - JOUR\nTI  - T\n{tag}  - value\nstray words\nER  - \n"
    parsed = parse_ris(text)
    assert (4, "") == problems(parsed)[0][:2]
    assert "stray words" not in json.dumps(parsed.entries[0].fields)


def test_ris_wrapped_title_and_abstract_still_continue():
    text = "TY  - JOUR\nTI  - A long\n  title\nAB  - \nWrapped abstract.\nER  - \n"
    parsed = parse_ris(text)
    assert problems(parsed) == []
    values = normalise(parsed.entries[0]).values
    assert values["title"] == "A long title"
    assert values["abstract"] == "Wrapped abstract."


def test_ris_record_cut_off_by_the_next_record_is_read_and_reported():
    text = "TY  - JOUR\nTI  - First\nPY  - 2001\nTY  - BOOK\nTI  - Second\nER  - \n"
    parsed = parse_ris(text)
    assert [e.fields["title"] for e in parsed.entries] == ["First", "Second"]
    assert problems(parsed) == [
        (
            4,
            "",
            "the record that starts at line 1 has no 'ER  -' line; read up to the "
            "next TY",
        )
    ]


@pytest.mark.django_db
def test_ris_problems_are_shown_with_file_and_line_at_default_verbosity(tmp_path):
    path = tmp_path / "library.ris"
    path.write_text(STRAY + "TY  - BOOK\nTI  - Cut off\nPY  - 2001\n")
    out = run(path)
    assert f"warning: {path}:4: a line without a RIS tag after AU" in out
    assert f"warning: {path}:6:stray1: PY 'abcd' is not a date" in out
    assert f"warning: {path}:11: the record that starts at line 9 has no 'ER  -'" in out
    assert "2 entries: 2 created" in out
    assert not Publication.objects.filter(authorships__person__family_name="Smith")
    # Kept in the import history's report too.
    kept = ImportRun.objects.get().report["warnings"]
    assert any(":6:stray1: PY 'abcd'" in warning for warning in kept)


def test_csl_author_as_a_string_is_read_as_one_name_and_reported():
    text = json.dumps(
        [{"id": "s1", "type": "book", "title": "T", "author": "Smith", "editor": 3}]
    )
    parsed = parse_csl_json(text)
    assert [a.display for a in normalise(parsed.entries[0]).authors] == ["Smith"]
    assert problems(parsed) == [
        (1, "s1", "author is the text 'Smith', not a list of names; read as one name"),
        (1, "s1", "editor is not a list of names (3); left out"),
    ]


@pytest.mark.parametrize(
    ("names", "message"),
    [
        ({"family": "Smith"}, "author is one name object, not a list; read as one"),
        (["Smith"], "author name 1 is 'Smith', not a name object; left out"),
    ],
)
def test_csl_names_of_other_wrong_shapes_are_reported(names, message):
    parsed = parse_csl_json(json.dumps([{"id": "x", "title": "T", "author": names}]))
    assert [w.message for w in parsed.warnings] == [message]


@pytest.mark.django_db
def test_csl_string_author_is_reported_by_the_command(tmp_path):
    path = tmp_path / "lib.json"
    path.write_text(json.dumps([{"id": "s1", "title": "T", "author": "Smith"}]))
    out = run(path)
    assert f"warning: {path}:1:s1: author is the text 'Smith'" in out


@pytest.mark.django_db
def test_csl_version_is_the_software_version_and_is_exported_back():
    item = {"id": "tool", "type": "software", "title": "Tool", "version": "2.0.1"}
    parsed = parse_csl_json(json.dumps([item]))
    values = normalise(parsed.entries[0]).values
    assert (values["kind"], values["version"]) == ("software", "2.0.1")
    publication = Publication.objects.create(
        title="Tool", slug="tool", bibtex_key="tool", kind="software", version="2.0.1"
    )
    assert to_csl(publication)["version"] == "2.0.1"


@pytest.mark.django_db
def test_a_file_with_only_problems_is_a_clear_error_not_a_traceback(tmp_path):
    path = tmp_path / "broken.ris"
    path.write_text("TY  - JOUR\nAU  - Lee, Ann\nER  - \n")
    with pytest.raises(CommandError, match="1 entries failed"):
        run(path)


@pytest.mark.parametrize(
    ("issued", "year", "message"),
    [
        ("2020-05", 2020, "issued is '2020-05', not a CSL date object; read as a"),
        # Kept as written, as a BibTeX year of no number is (normalise's rule).
        ({"raw": "someday"}, None, None),
        ({"date-parts": [["x"]]}, None, "issued {'date-parts': [['x']]} has no year"),
        ({"date-parts": [[2021, 3]]}, 2021, None),
    ],
)
def test_csl_dates_of_the_wrong_shape_are_read_or_reported(issued, year, message):
    item = {"id": "d", "title": "T", "issued": issued}
    parsed = parse_csl_json(json.dumps([item]))
    assert normalise(parsed.entries[0]).values["year"] == year
    found = [w.message for w in parsed.warnings]
    if message is None:
        assert found == []
    else:
        assert len(found) == 1
        assert found[0].startswith(message)


@pytest.mark.parametrize(
    "line", ["AU  -Jones, K.", "AU -Jones, K.", "AU   - Jones, K.", "AU   -Jones, K."]
)
def test_ris_tag_with_a_malformed_separator_is_read_as_that_tag(line):
    parsed = parse_ris(f"TY  - JOUR\nTI  - Second\n{line}\nPY  - 1999\nER  - \n")
    entry = parsed.entries[0]
    assert (entry.fields["title"], entry.fields["author"]) == ("Second", "Jones, K.")
    assert [(w.line, w.message) for w in parsed.warnings] == [
        (3, f"{line!r} is not written 'AU  - value' as RIS asks; read as AU")
    ]


def test_ris_wrapped_text_that_is_no_ris_tag_still_continues():
    parsed = parse_ris("TY  - JOUR\nTI  - The\nUV -irradiated cells\nER  - \n")
    assert parsed.entries[0].fields["title"] == "The UV -irradiated cells"
    assert parsed.warnings == []


@pytest.mark.parametrize(
    ("dates", "year_month", "messages"),
    [
        (
            ["PY  - 2021/13//"],
            ("2021", ""),
            [(2, "PY '2021/13//': month 13 is not a month (1-12); left out")],
        ),
        (
            ["PY  - 2021", "DA  - 2020/02/30"],
            ("2021", ""),
            [
                (
                    3,
                    "DA '2020/02/30': day 30 is not a day of 2020/02; the date "
                    "is read from PY",
                )
            ],
        ),
        (
            ["PY  - 2021/13//", "DA  - 2020/02/30"],
            ("2021", ""),
            [
                (2, "PY '2021/13//': month 13 is not a month (1-12); left out"),
                (
                    3,
                    "DA '2020/02/30': day 30 is not a day of 2020/02; the date "
                    "is read from PY",
                ),
            ],
        ),
        (["PY  - 2021", "DA  - 2020/02/29"], ("2020", "2"), []),
        (["PY  - 2021/05", "DA  - 2021"], ("2021", "5"), []),
        (
            ["Y1  - 2019/04/31"],
            ("2019", "4"),
            [(2, "Y1 '2019/04/31': day 31 is not a day of 2019/04; left out")],
        ),
    ],
)
def test_ris_year_and_month_come_from_one_date_tag(dates, year_month, messages):
    text = "\n".join(["TY  - JOUR", *dates, "TI  - Dated", "ER  - "])
    parsed = parse_ris(text)
    fields = parsed.entries[0].fields
    assert (fields.get("year", ""), fields.get("month", "")) == year_month
    assert [(w.line, w.message) for w in parsed.warnings] == messages
