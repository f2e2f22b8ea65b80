"""Re-imports, editor protection, dry runs, atomic runs and the import command."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError

from people.models import Person
from publications.bibtex import importer, writer
from publications.bibtex.importer import import_bibtex
from publications.models import Authorship, Publication
from site_config.pagecache.cache import current_content_version

DATA = Path(__file__).resolve().parents[2] / "data" / "bibtex"

ENTRY = """@article{lovelace2020,
  author = {Lovelace, Ada and Babbage, Charles},
  title = {Notes on the {Analytical} Engine},
  journal = {Journal of Engines},
  year = {2020},
  volume = {3},
  pages = {1--10},
}
"""


def run(text, **options):
    return import_bibtex(sources=[("notes.bib", text)], **options)


def test_reimporting_the_same_file_changes_nothing(db):
    first = run(ENTRY)
    stamp = Publication.objects.get().updated_at
    again = run(ENTRY)
    assert (first.created, again.created, again.updated, again.unchanged) == (
        1,
        0,
        0,
        1,
    )
    assert Publication.objects.get().updated_at == stamp
    assert Person.objects.count() == 2


def test_an_edited_file_updates_only_what_it_changed(db):
    run(ENTRY)
    publication = Publication.objects.get()
    publication.venue = "J. Engines (edited in the admin)"
    publication.save()
    report = run(ENTRY.replace("{3}", "{4}"))
    publication.refresh_from_db()
    assert report.updated == 1
    assert publication.volume == "4"
    assert publication.venue == "J. Engines (edited in the admin)"


def test_an_editor_change_is_kept_when_the_file_changes_the_same_field(db):
    run(ENTRY)
    Publication.objects.update(title="Notes, as the editor wants them")
    report = run(ENTRY.replace("Notes on the", "Remarks on the"))
    assert Publication.objects.get().title == "Notes, as the editor wants them"
    assert any("kept the editor's title" in p.message for p in report.warnings)


def test_overwrite_lets_the_file_win(db):
    run(ENTRY)
    Publication.objects.update(title="Edited")
    run(ENTRY, overwrite=True)
    assert Publication.objects.get().title == "Notes on the Analytical Engine"


def test_an_editor_author_change_is_kept(db, make_person):
    run(ENTRY)
    publication = Publication.objects.get()
    Authorship.objects.filter(publication=publication, position=1).update(
        printed_name="C. Babbage (corrected)"
    )
    run(ENTRY.replace("Babbage, Charles", "Babbage, Charles and Hopper, Grace"))
    names = [a.display_name for a in publication.ordered_authorships()]
    assert names == ["Ada Lovelace", "C. Babbage (corrected)"]


def test_an_author_list_changed_in_the_file_is_rewritten(db):
    run(ENTRY)
    run(ENTRY.replace("Babbage, Charles", "Babbage, Charles and Hopper, Grace"))
    publication = Publication.objects.get()
    names = [a.display_name for a in publication.ordered_authorships()]
    assert names == ["Ada Lovelace", "Charles Babbage", "Grace Hopper"]


def test_a_publication_entered_by_hand_is_only_filled_in(db, make_publication):
    make_publication(
        "Notes on the Analytical Engine", year=2020, pages="1--10", publisher="Ours"
    )
    report = run(ENTRY.replace("  pages", "  publisher = {Theirs},\n  pages"))
    publication = Publication.objects.get()
    assert report.updated == 1
    assert (publication.volume, publication.publisher) == ("3", "Ours")
    assert publication.venue == "Journal of Engines"


def test_dry_run_writes_nothing(db):
    report = run(ENTRY, dry_run=True)
    assert report.created == 1
    assert Publication.objects.count() == 0
    assert Person.objects.count() == 0


def test_atomic_run_writes_nothing_when_an_entry_fails(db):
    report = run(ENTRY + "@article{bad, author = {X}}\n", atomic=True)
    assert (report.created, report.failed, report.rolled_back) == (1, 1, True)
    assert Publication.objects.count() == 0


def test_broken_file_reports_each_failure_with_its_line(db):
    report = import_bibtex(sources=[DATA / "broken.bib"])
    assert (report.created, report.failed) == (2, 2)
    found = sorted((p.line, p.key, p.message) for p in report.failures)
    assert found == [
        (11, "broken-braces", "unbalanced braces: this value is never closed"),
        (15, "no-title", "no title"),
    ]


def test_command_prints_summary_and_fails_with_file_line_and_key(db, capsys):
    with pytest.raises(CommandError, match="2 entries failed"):
        call_command("import_bibtex", str(DATA / "broken.bib"))
    out = capsys.readouterr().out
    assert "broken.bib:11:broken-braces: unbalanced braces" in out
    assert "broken.bib:15:no-title: no title" in out
    assert "4 entries: 2 created, 0 updated, 0 unchanged, 0 skipped, 2 failed" in out


def test_command_links_themes_and_runs_dry(db, tmp_path, make_theme, capsys):
    theme = make_theme("Engines")
    path = tmp_path / "notes.bib"
    path.write_text(ENTRY, encoding="utf-8")
    call_command("import_bibtex", str(path), "--dry-run", "--theme", theme.slug)
    assert "Dry run, nothing written" in capsys.readouterr().out
    assert Publication.objects.count() == 0
    call_command("import_bibtex", str(path), "--theme", theme.slug)
    assert list(Publication.objects.get().themes.all()) == [theme]


def test_command_rejects_unknown_theme_and_missing_file(db, tmp_path):
    path = tmp_path / "notes.bib"
    path.write_text(ENTRY, encoding="utf-8")
    with pytest.raises(CommandError, match="No research theme with slug 'nope'"):
        call_command("import_bibtex", str(path), "--theme", "nope")
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_bibtex", str(tmp_path / "missing.bib"))


def test_undecodable_file_gets_a_clear_message(db, tmp_path):
    path = tmp_path / "latin1.bib"
    path.write_bytes(ENTRY.replace("Ada", "Adà").encode("latin-1"))
    with pytest.raises(CommandError, match=r"is not valid utf-8: byte \d+ \(line 2\)"):
        call_command("import_bibtex", str(path))
    assert Publication.objects.count() == 0
    call_command("import_bibtex", str(path), "--encoding", "latin-1")
    assert Person.objects.filter(full_name="Adà Lovelace").exists()


def test_unknown_encoding_gets_a_clear_message(db, tmp_path):
    path = tmp_path / "notes.bib"
    path.write_text(ENTRY, encoding="utf-8")
    with pytest.raises(CommandError, match="Unknown encoding 'klingon'"):
        call_command("import_bibtex", str(path), "--encoding", "klingon")


def test_editing_one_copy_of_a_duplicated_entry_rereads_both(db):
    copies = ENTRY + ENTRY.replace("{3}", "{3}")
    first = run(copies)
    assert (first.created, first.skipped) == (1, 1)
    assert (run(copies).unchanged, Publication.objects.count()) == (2, 1)
    edited = ENTRY + ENTRY.replace("  pages", "  number = {7},\n  pages")
    report = run(edited)
    assert (report.updated, report.skipped, report.created) == (1, 1, 0)
    assert Publication.objects.get().number == "7"


def test_command_draws_no_progress_bar_when_not_on_a_terminal(db, tmp_path):
    path = tmp_path / "notes.bib"
    path.write_text(ENTRY, encoding="utf-8")
    out = StringIO()
    call_command("import_bibtex", str(path), stdout=out)
    assert "\r" not in out.getvalue()
    assert "1 entries: 1 created" in out.getvalue()


def test_an_import_that_writes_makes_cached_pages_stale(
    db, django_capture_on_commit_callbacks
):
    before = current_content_version()
    with django_capture_on_commit_callbacks(execute=True):
        run(ENTRY)
    written = current_content_version()
    assert written != before
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        run(ENTRY)
    assert callbacks == []
    assert current_content_version() == written


def _works(count):
    return "".join(
        f"@article{{w{n}, author = {{Writer, Number{n}}}, title = {{Work {n}}},"
        f" year = {2000 + n}}}\n"
        for n in range(count)
    )


def test_a_large_file_commits_in_batches_each_making_pages_stale(db, monkeypatch):
    monkeypatch.setattr(importer, "COMMIT_BATCH", 2)
    bumps = []
    monkeypatch.setattr(
        writer,
        "bump_content_version",
        lambda: bumps.append(Publication.objects.count()),
    )
    report = run(_works(5) + "@article{w1, title = {Work 1}, year = 2001}\n")
    # Three batches of works (2 + 2 + 1), each telling the page cache once written.
    assert bumps == [2, 4, 5]
    assert (report.created, report.skipped, report.total) == (5, 1, 6)
    again = run(_works(5))
    assert bumps == [2, 4, 5]
    assert (again.unchanged, again.total) == (5, 5)


def test_a_database_error_fails_only_the_batches_not_yet_written(db, monkeypatch):
    monkeypatch.setattr(importer, "COMMIT_BATCH", 2)
    write_batch = importer._Run._write_batch
    calls = []

    def failing_second_batch(self, targets):
        calls.append(len(targets))
        if len(calls) == 2:
            Publication.objects.create(title="Half written", slug="half", year=1)
            raise DatabaseError("disk I/O error")
        write_batch(self, targets)

    monkeypatch.setattr(importer._Run, "_write_batch", failing_second_batch)
    report = run(_works(5))
    assert calls == [2, 2]
    assert (report.created, report.failed, report.total) == (2, 3, 5)
    [failure] = report.failures
    assert "database error, 3 entries not written: disk I/O error" in failure.message
    assert sorted(Publication.objects.values_list("bibtex_key", flat=True)) == [
        "w0",
        "w1",
    ]
    # Atomic runs still write all or nothing.
    Publication.objects.all().delete()
    monkeypatch.setattr(importer._Run, "_write_batch", write_batch)
    report = run(_works(5) + "@article{bad, author = {X}}\n", atomic=True)
    assert report.rolled_back
    assert not Publication.objects.exists()
