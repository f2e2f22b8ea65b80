"""Running an ImportRun (from the admin's background task or a command) and
keeping what it did: counts, summary, failures, warnings and per-field changes.
"""

import dataclasses
import shutil
import time
from pathlib import Path

from django.utils import timezone

from people.models import Person
from publications.bibtex.importer import ImportBusyError, ImportOptions
from publications.models import ImportRun
from publications.sources.http import NetworkError
from publications.sources.orcid_sync import people_to_sync, sync_orcid
from publications.sources.service import ImportInputError, import_publications
from research.models import ResearchTheme

# Progress is written to the database at most this often (seconds).
PROGRESS_EVERY = 0.5
# What an import raises for a reason its user can act on (a bad request, no
# network, another import holding the lock): the run fails with the message, and
# the callers (the background task, the commands) catch exactly these.
IMPORT_ERRORS = (ImportInputError, ImportBusyError, NetworkError)


def new_run(*, source, description, request, user=None, origin, **flags):
    """A queued ImportRun: ``request`` as ImportRun documents, ``flags`` the
    ``dry_run``/``overwrite``/``atomic`` choices."""
    return ImportRun.objects.create(
        source=source,
        description=description[:500],
        request=request,
        requested_by=user if user and user.is_authenticated else None,
        origin=origin,
        **flags,
    )


class _Progress:
    """Writes an ImportRun's progress now and then, and passes it on."""

    def __init__(self, run, also=None):
        self.run = run
        self.also = also
        self.last = 0.0

    def __call__(self, label, done, total):
        if self.also:
            self.also(label, done, total)
        now = time.monotonic()
        if now - self.last < PROGRESS_EVERY and done < total:
            return
        self.last = now
        ImportRun.objects.filter(pk=self.run.pk).update(
            progress_label=str(label)[:200], progress_done=done, progress_total=total
        )


def _plain(value):
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


def _change(change):
    return {
        "field": getattr(change, "name", ""),
        "old": _plain(getattr(change, "old", None)),
        "new": _plain(getattr(change, "new", None)),
    }


def report_data(report):
    """``(report dict, changes list)`` for an ImportReport, as JSON-ready values."""
    data = {
        "files": {
            name: dataclasses.asdict(counts) for name, counts in report.files.items()
        },
        "failures": [str(p) for p in report.failures],
        "warnings": [str(p) for p in report.warnings],
        "ignored": [str(p) for p in getattr(report, "ignored", [])],
        "rolled_back": report.rolled_back,
    }
    changes = [
        {
            "entry": f"{c.file}:{c.line}:{c.key}",
            "changes": [_change(x) for x in getattr(c, "changes", [])],
            "kept": [_change(x) for x in getattr(c, "kept", [])],
        }
        for c in getattr(report, "changes", [])
    ]
    return data, changes


def execute(run, *, client=None, progress=None):
    """Run an ImportRun and keep its outcome on it; returns the ImportReport.

    A bad request (ImportInputError), an unreachable service (NetworkError) or
    another import holding the lock too long (ImportBusyError): the
    ``IMPORT_ERRORS`` leave the run FAILED with the message in ``error`` and
    nothing written; the exception is raised again for the caller to show.
    """
    ImportRun.objects.filter(pk=run.pk).update(
        state=ImportRun.State.RUNNING, started_at=timezone.now()
    )
    request = run.request
    themes = list(ResearchTheme.objects.filter(pk__in=request.get("themes", [])))
    tracker = _Progress(run, progress)
    try:
        if run.source == ImportRun.Source.ORCID:
            people = (
                list(Person.objects.filter(pk__in=request["people"]))
                if request.get("people")
                else people_to_sync()
            )
            report = sync_orcid(
                people=people,
                dry_run=run.dry_run,
                client=client,
                progress=tracker,
                themes=themes,
            )
        else:
            report = import_publications(
                files=[tuple(pair) for pair in request.get("files", [])]
                + [Path(path) for path in request.get("paths", [])],
                dois=request.get("dois", []),
                arxiv_ids=request.get("arxiv", []),
                themes=themes,
                dry_run=run.dry_run,
                atomic=run.atomic,
                overwrite=run.overwrite,
                encoding=request.get("encoding", "utf-8"),
                progress=tracker,
                client=client,
                options=ImportOptions(
                    include_containers=request.get("include_containers", False),
                    media_dirs=tuple(
                        Path(d)
                        for d in request.get("media_dirs", [])
                        + request.get("search_dirs", [])
                    ),
                    marks=request.get("marks"),
                ),
            )
    except IMPORT_ERRORS as error:
        _finish(run, state=ImportRun.State.FAILED, error=str(error))
        raise
    except Exception as error:
        _finish(run, state=ImportRun.State.FAILED, error=f"Unexpected error: {error!r}")
        raise
    finally:
        # Images unpacked from an admin .zip were kept for this run only; a dry
        # run's stay for the import the editor may confirm next (unconfirmed
        # uploads are removed a day later).
        if not run.dry_run:
            for folder in request.get("media_dirs", []):
                shutil.rmtree(folder, ignore_errors=True)
    data, changes = report_data(report)
    _finish(
        run,
        state=ImportRun.State.DONE,
        created=report.created,
        updated=report.updated,
        unchanged=report.unchanged,
        skipped=report.skipped,
        failed=report.failed,
        people_created=report.people_created,
        summary=report.summary(),
        report=data,
        changes=changes,
    )
    return report


def _finish(run, **values):
    values["finished_at"] = timezone.now()
    if run.request.get("files"):
        # The report says what the files did; their text (up to tens of MB) is
        # not kept in the history once the run is over, only their names.
        request = dict(run.request)
        request["files"] = [[name, ""] for name, _text in request["files"]]
        values["request"] = request
    ImportRun.objects.filter(pk=run.pk).update(**values)
    run.refresh_from_db()
