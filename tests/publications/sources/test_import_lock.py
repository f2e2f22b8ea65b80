"""An import that waits out the import lock (another import running) fails
with a clear message, caught by type: in the background task, on the run's
page and on the command line; nothing is written."""

import contextlib
import io

import pytest
from django.core.management import CommandError, call_command

from publications.bibtex import importer
from publications.models import ImportRun, Publication
from publications.sources.history import new_run
from publications.tasks import run_import
from site_config.core import locks

BIB = "@article{a, title = {A Title}, journal = {J}, year = 2024}\n"


@pytest.fixture
def busy(monkeypatch):
    """Another import holds the lock for longer than the wait."""

    @contextlib.contextmanager
    def held(name, *, wait_seconds, **_options):
        raise locks.LockTimeout(f"{name} is still running elsewhere")
        yield  # pragma: no cover - never reached

    monkeypatch.setattr(importer.locks, "exclusive", held)


def queued(**flags):
    """An ImportRun of one small .bib, as the admin queues it."""
    return new_run(
        source=ImportRun.Source.FILES,
        description="a.bib",
        request={"files": [["a.bib", BIB]]},
        origin=ImportRun.Origin.ADMIN,
        **flags,
    )


MESSAGE = "Another import was still running after 15 minutes of waiting; nothing"


@pytest.mark.django_db
def test_background_import_records_a_failed_run_with_a_clear_message(busy):
    run = queued()
    assert run_import.call(run.pk) == ImportRun.State.FAILED
    run.refresh_from_db()
    assert run.state == ImportRun.State.FAILED
    assert run.error.startswith(MESSAGE)
    assert "Unexpected" not in run.error
    assert Publication.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("command", ["import_publications", "import_bibtex"])
def test_commands_stop_with_the_message(busy, tmp_path, command):
    path = tmp_path / "a.bib"
    path.write_text(BIB)
    with pytest.raises(CommandError, match=MESSAGE):
        call_command(command, str(path), stdout=io.StringIO())
    assert Publication.objects.count() == 0


@pytest.mark.django_db
def test_a_dry_run_needs_no_lock(busy):
    run = queued(dry_run=True)
    assert run_import.call(run.pk) == ImportRun.State.DONE
