"""``import_publications``: files in any format and identifiers, through the one
importer (dedupe, protected edits, report), with a history of every run."""

import io
import shutil

import pytest
from django.core.management import CommandError, call_command
from django.core.management.base import OutputWrapper

from publications.management.commands.import_publications import ProgressBar
from publications.models import ImportRun, Publication
from tests.publications.sources.conftest import ARXIV, CROSSREF, DATA, offline_error

CSL_FILE = DATA / "csljson" / "zotero-library.json"
RIS_FILE = DATA / "ris" / "mixed-export.ris"


def run(*args):
    out = io.StringIO()
    call_command("import_publications", *args, stdout=out)
    return out.getvalue()


def snapshot():
    return sorted(
        Publication.objects.values_list(
            "title", "year", "month", "venue", "pages", "doi", "arxiv_id", "kind"
        )
    )


@pytest.mark.django_db
@pytest.mark.parametrize("library", [CSL_FILE, RIS_FILE], ids=["csl-json", "ris"])
def test_file_imports_and_reimport_changes_nothing(library):
    out = run(str(library))
    assert "5 entries: 5 created" in out
    first = snapshot()
    pub = Publication.objects.get(doi="10.1103/PhysRevB.99.125411")
    assert [a.display_name for a in pub.authorships.all()] == [
        "Johannes van der Waals",
        "Zoë Müller",
        "Anders Jonas Ångström",
    ]
    assert Publication.objects.get(arxiv_id="1706.03762").status == "preprint"
    again = run(str(library))
    assert "5 entries: 0 created, 0 updated, 5 unchanged" in again
    assert snapshot() == first


@pytest.mark.django_db
def test_same_works_in_ris_after_csl_are_not_duplicated():
    run(str(CSL_FILE))
    run(str(RIS_FILE))
    assert Publication.objects.count() == 5


@pytest.mark.django_db
def test_format_is_told_by_content_whatever_the_name(tmp_path):
    disguised = tmp_path / "export.txt"
    shutil.copy(RIS_FILE, disguised)
    assert "5 created" in run(str(disguised))


@pytest.mark.django_db
def test_unknown_format_stops_with_a_message_and_writes_nothing(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("Remember to import the papers.\n")
    with pytest.raises(CommandError, match="notes.txt is not BibTeX, CSL-JSON or RIS"):
        run(str(CSL_FILE), str(notes))
    assert Publication.objects.count() == 0


@pytest.mark.django_db
def test_dry_run_writes_nothing_and_import_bibtex_keeps_working(tmp_path):
    assert "Dry run" in run("--dry-run", str(CSL_FILE))
    assert Publication.objects.count() == 0
    bib = tmp_path / "lab.bib"
    bib.write_text("@article{k1, title={A Paper}, author={Lee, Ann}, year={2020}}\n")
    out = io.StringIO()
    call_command("import_bibtex", str(bib), stdout=out)
    assert "1 created" in out.getvalue()


@pytest.mark.django_db
def test_editor_changes_survive_a_reimport():
    run(str(CSL_FILE))
    pub = Publication.objects.get(doi="10.1103/PhysRevB.99.125411")
    pub.title = "Edited by hand"
    pub.save()
    run(str(CSL_FILE))
    pub.refresh_from_db()
    assert pub.title == "Edited by hand"


@pytest.mark.django_db
def test_doi_and_arxiv_ids_are_added(recorded):
    out = run(
        "--doi",
        "10.1145/3600006.3613165",
        "--doi",
        "https://doi.org/10.5281/zenodo.7654321",
        "--arxiv",
        "arXiv:2401.01234v2",
    )
    assert "3 entries: 3 created" in out
    paper = Publication.objects.get(doi="10.1145/3600006.3613165")
    assert (paper.kind, paper.year) == ("conference", 2023)
    dataset = Publication.objects.get(title="Solar corona spectra, 2022 campaign")
    assert dataset.publisher == "Zenodo"
    preprint = Publication.objects.get(arxiv_id="2401.01234")
    assert preprint.status == "preprint"


@pytest.mark.django_db
def test_doi_already_on_the_site_updates_it_instead_of_duplicating(recorded):
    run(str(CSL_FILE))
    before = Publication.objects.count()
    out = run("--doi", "10.1103/PhysRevB.99.125411")
    assert Publication.objects.count() == before
    assert "0 created" in out
    again = run("--doi", "10.1103/PhysRevB.99.125411")
    assert "1 unchanged" in again


@pytest.mark.django_db
def test_arxiv_record_with_a_published_doi_becomes_one_published_paper(recorded):
    out = run("--arxiv", "1903.00001")
    assert Publication.objects.count() == 1
    paper = Publication.objects.get()
    assert (paper.doi, paper.arxiv_id) == ("10.1103/PhysRevB.99.125411", "1903.00001")
    assert paper.status == "published"
    assert paper.venue == "Physical Review B"
    assert "1 created" in out


@pytest.mark.django_db
def test_unknown_doi_fails_alone(recorded):
    with pytest.raises(CommandError, match="1 entries failed"):
        run("--doi", "10.9999/unknown.42", "--doi", "10.1145/3600006.3613165")
    assert Publication.objects.count() == 1


@pytest.mark.django_db
def test_no_network_is_a_clear_error_and_nothing_is_written(replay):
    replay.add(
        CROSSREF + "10.1145/3600006.3613165",
        file="crossref/10.1145_3600006.3613165.json",
    )
    replay.fail(ARXIV.format("2401.01234", 1), offline_error())
    with pytest.raises(CommandError, match="Cannot reach export.arxiv.org"):
        run("--doi", "10.1145/3600006.3613165", "--arxiv", "2401.01234")
    assert Publication.objects.count() == 0
    history = ImportRun.objects.get()
    assert history.state == ImportRun.State.FAILED
    assert "Cannot reach export.arxiv.org" in history.error


@pytest.mark.django_db
def test_bad_identifier_is_refused_before_any_request(replay):
    with pytest.raises(CommandError, match="'12345' is not a DOI"):
        run("--doi", "12345")
    assert replay.requests == []


@pytest.mark.django_db
def test_every_run_is_kept_in_the_history():
    run(str(CSL_FILE))
    pub = Publication.objects.get(doi="10.1103/PhysRevB.99.125411")
    pub.pages = "1--2"
    pub.save()
    run("--dry-run", str(CSL_FILE))
    first, second = ImportRun.objects.order_by("pk")
    assert first.state == ImportRun.State.DONE
    assert (first.source, first.origin) == ("files", "command")
    assert (first.created, first.failed) == (5, 0)
    assert "5 created" in first.summary
    assert str(CSL_FILE) in first.report["files"]
    assert (second.dry_run, second.created) == (True, 0)
    assert first.finished_at >= first.started_at


@pytest.mark.django_db
def test_history_keeps_each_changed_field_with_old_and_new_values(tmp_path):
    library = tmp_path / "library.json"
    library.write_text(CSL_FILE.read_text())
    run(str(library))
    library.write_text(
        CSL_FILE.read_text().replace('"volume": "99"', '"volume": "100"')
    )
    out = io.StringIO()
    call_command("import_publications", str(library), "-v", "2", stdout=out)
    assert "1 updated" in out.getvalue()
    latest = ImportRun.objects.order_by("-pk").first()
    changed = [c for entry in latest.changes for c in entry["changes"]]
    assert {"field": "volume", "old": "99", "new": "100"} in changed
    assert Publication.objects.get(doi="10.1103/PhysRevB.99.125411").volume == "100"


def test_command_line_progress_bar_draws_one_line():
    out = io.StringIO()
    bar = ProgressBar(OutputWrapper(out))
    bar("/data/library.ris", 5, 10)
    bar("DOI", 10, 10)
    bar.close()
    lines = out.getvalue().split("\r")
    assert lines[1].startswith("library.ris [###############---------------] 5/10")
    assert lines[2].startswith("DOI [" + "#" * 30 + "] 10/10")
    assert out.getvalue().endswith("\n")


def full_snapshot():
    return sorted(
        (
            *row,
            tuple(
                Publication.objects.get(title=row[0]).authorships.values_list(
                    "printed_name", flat=True
                )
            ),
        )
        for row in Publication.objects.values_list(
            "title",
            "year",
            "month",
            "venue",
            "pages",
            "doi",
            "arxiv_id",
            "kind",
            "status",
            "volume",
            "number",
            "publisher",
        )
    )


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csl-json", "ris"])
def test_own_exports_read_back_as_the_same_publications(tmp_path, fmt):
    run(str(CSL_FILE))
    before = full_snapshot()
    exported = tmp_path / "export.txt"
    call_command(
        "export_publications",
        "--format",
        fmt,
        "--output",
        str(exported),
        stdout=io.StringIO(),
    )
    Publication.objects.all().delete()
    assert "5 created" in run(str(exported))
    assert full_snapshot() == before
