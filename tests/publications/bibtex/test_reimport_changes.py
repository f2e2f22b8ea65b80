"""Re-importing applies the file's current state, removals included, to every
field an editor has not changed; the report lists each change (old → new)."""

from django.core.management import call_command

from publications.bibtex.importer import import_bibtex
from publications.bibtex.merge import FieldChange
from publications.bibtex.report import EntryChanges
from publications.models import Publication

FIRST = (
    "@inproceedings{a, title = {T}, booktitle = {B}, year = 2020,"
    " selected = {true}, isbn = {111}, note = {First note}}\n"
)
SECOND = "@inproceedings{a, title = {T}, booktitle = {B}, year = 2020}\n"


def run(text, **options):
    return import_bibtex(sources=[("lab.bib", text)], **options)


def test_a_removed_field_is_removed_on_reimport(db):
    run(FIRST)
    report = run(SECOND)
    publication = Publication.objects.get()
    assert report.updated == 1
    assert (publication.is_selected, publication.isbn, publication.bib_note) == (
        False,
        "",
        "",
    )
    (entry,) = report.changes
    assert {change.name for change in entry.changes} == {
        "is_selected",
        "isbn",
        "bib_note",
    }


def test_an_editors_change_is_kept_and_reported(db):
    run(FIRST)
    Publication.objects.update(isbn="222")
    report = run(SECOND)
    publication = Publication.objects.get()
    assert publication.isbn == "222"
    assert not publication.is_selected
    (entry,) = report.changes
    assert [(c.name, c.old, c.new) for c in entry.kept] == [("isbn", "222", "")]
    assert "isbn: kept the editor's '222' (file: (empty))" in entry.lines()


def test_dry_run_v2_lists_each_field_that_would_change(db, tmp_path, capsys):
    run(FIRST)
    Publication.objects.update(bib_note="Edited")
    path = tmp_path / "lab.bib"
    path.write_text(SECOND.replace("year = 2020", "year = 2021"))
    call_command("import_bibtex", str(path), dry_run=True, verbosity=2)
    out = capsys.readouterr().out
    assert "year: 2020 → 2021" in out
    assert "is_selected: True → False" in out
    assert "bib_note: kept the editor's 'Edited'" in out
    assert Publication.objects.get().year == 2020


def test_a_partial_copy_in_another_file_never_clears_fields(db):
    run(FIRST)
    import_bibtex(sources=[("other.bib", SECOND.replace("{a,", "{b,"))])
    publication = Publication.objects.get()
    assert (publication.is_selected, publication.isbn) == (True, "111")


def test_a_changed_kind_or_status_is_reported_by_its_label(db):
    run("@article{a, title = {T}, journal = {J}, year = 2020}\n")
    report = run("@misc{a, title = {T}, year = 2020, pubstate = {submitted}}\n")
    text = str(report.changes[0])
    assert "kind: 'Journal article' → 'Other'" in text
    assert "status: 'Published' → 'Under review'" in text
    assert "Publication." not in text


def test_changed_other_fields_and_editors_are_reported(db):
    run("@book{a, title = {T}, year = 2020, editor = {Doe, Jane}, mine = {1}}\n")
    report = run(
        "@book{a, title = {T}, year = 2020, editor = {Roe, Ann}, mine = {2}}\n"
    )
    text = str(report.changes[0])
    assert "editors[1]: 'Jane Doe' → 'Ann Roe'" in text
    assert "other_fields.mine: '1' → '2'" in text


def test_a_change_line_shows_the_part_that_differs():
    changes = EntryChanges(
        "a.bib",
        3,
        "k",
        changes=[
            FieldChange(
                "other_fields",
                {"translator": "Brigitte Goldstein", "origlanguage": "german"},
                {"translator": "Goldstein, Brigitte", "origlanguage": "german"},
            ),
            FieldChange(
                "authors",
                ["Hannah J. Joyce", "Q. Gao", "Chennupati Jagadish", "Ada Lovelace"],
                ["Hannah J. Joyce", "Q. Gao", "Chennupati Jagadish", "Ada Byron"],
            ),
            FieldChange(
                "abstract",
                "Same start " * 10 + "old end.",
                "Same start " * 10 + "new end.",
            ),
            FieldChange("kind", "article", "other"),
        ],
    )
    assert changes.lines() == [
        "other_fields.translator: 'Brigitte Goldstein' → 'Goldstein, Brigitte'",
        "authors[4]: 'Ada Lovelace' → 'Ada Byron'",
        "abstract: '…art Same start old end.' → '…art Same start new end.'",
        "kind: 'Journal article' → 'Other'",
    ]
