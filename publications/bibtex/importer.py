"""The import service: the one entry point of the ``import_bibtex`` command, the
admin's import page and any other reader of publication files.

It only orchestrates; each rule has its own module (docs/bibtex.md):
``parse`` (text to plain entries) → ``normalise`` (entries to model values, with
``latex`` and ``names``) → ``match`` (the existing record, or a new one) →
``merge`` (the policy: what a work's values are, what a re-import may change) →
``writer`` (bulk SQL, in committed batches) → ``report`` (counts, failures,
warnings, per-field changes), with ``fingerprint`` (values as last imported).
Each entry ends up counted exactly once as created, updated, unchanged, skipped
or failed.

Other formats: a reader of CSL-JSON, RIS or an identifier service only has to
produce ``parse.Entry`` objects (see its docstring for the shape: a BibTeX type,
a key, lower-case BibTeX field names with text values, a line and the source text)
and call ``import_entries(entries, source=...)``; dedupe, protection of editors'
changes and the report then work as for BibTeX.
"""

import contextlib
import gc
import time
from dataclasses import dataclass

from django.db import DatabaseError, transaction

from publications.bibtex import latex, match, previews
from publications.bibtex import names as name_lists
from publications.bibtex.match import (
    PeopleIndex,
    PublicationIndex,
    unique_slugs,
)
from publications.bibtex.normalise import (
    SKIPPED_TYPES,
    macros_digest,
    normalise,
    resolve_crossrefs,
    source_digest,
)
from publications.bibtex.parse import (
    BibtexInputError,
    Failure,
    ParseResult,
    decode_bytes,
    parse_bibtex,
    read_source,
)
from publications.bibtex.report import (
    EntryChanges,
    FileCounts,
    ImportReport,
    Problem,
)
from publications.bibtex.writer import BatchWriter
from publications.models import Publication
from site_config.core import locks
from site_config.core.text import clean_text

# Works written per committed transaction when the run is not --atomic: short
# enough that an editor's save never waits out SQLite's busy timeout behind it.
COMMIT_BATCH = 2000

__all__ = [
    "BibtexInputError",
    "ImportBusyError",
    "FileCounts",
    "ImportOptions",
    "ImportReport",
    "Problem",
    "decode_bytes",
    "import_bibtex",
    "import_entries",
    "read_source",
]


@dataclass(frozen=True)
class ImportOptions:
    """Choices about what an import keeps.

    ``include_containers``: list a ``crossref`` parent (a proceedings volume) as a
    publication of its own too (by default it only completes its children);
    ``media_dirs``: folders (``Path``) searched for files named by ``preview``
    (and al-folio's relative ``pdf`` links), besides the .bib's own folder;
    ``marks``: the author-mark convention, mark -> "equal", "corresponding" or
    "other" (default al-folio's: ``names.DEFAULT_MARKS``).
    """

    include_containers: bool = False
    media_dirs: tuple = ()
    marks: dict | None = None


# How long an import waits for one already running before it gives up.
IMPORT_LOCK_WAIT_SECONDS = 15 * 60


def import_bibtex(
    *,
    sources,
    themes=(),
    dry_run=False,
    atomic=False,
    overwrite=False,
    encoding="utf-8",
    progress=None,
    options=None,
):
    """Import BibTeX sources: paths, or (name, text) pairs already read.

    All files are read first, so an unreadable one stops the run before anything
    is written (``BibtexInputError``). ``atomic`` writes nothing if any entry
    fails; ``dry_run`` reports what would change and writes nothing;
    ``overwrite`` lets the file win over editors' changes; ``themes`` are
    ``ResearchTheme`` objects linked to every imported publication;
    ``progress(name, done, total)`` is called now and then; ``options`` is an
    ``ImportOptions`` (containers, media folders). Returns an ``ImportReport``.
    """
    texts = []
    for source in sources:
        if isinstance(source, tuple):
            texts.append(source)
        else:
            texts.append((str(source), read_source(source, encoding=encoding)))
    return _run_import(
        _split(texts),
        themes=themes,
        dry_run=dry_run,
        atomic=atomic,
        overwrite=overwrite,
        progress=progress,
        options=options,
    )


def import_entries(
    entries,
    *,
    source,
    failures=(),
    warnings=(),
    themes=(),
    dry_run=False,
    atomic=False,
    overwrite=False,
    progress=None,
    options=None,
):
    """Import entries another reader already parsed, as one source.

    ``entries``: ``parse.Entry`` objects (a CSL-JSON, RIS or identifier reader
    makes them: BibTeX type, key, lower-case BibTeX field names mapped to text,
    ``plain=True`` when the values are Unicode text rather than LaTeX);
    ``source``: the name the report uses for them (a file name, "doi:10...");
    ``failures``: ``parse.Failure`` objects for records the reader could not read
    (counted as failed); ``warnings``: strings about the whole source. The other
    arguments are those of ``import_bibtex``. Returns an ``ImportReport``.
    """
    entries = list(entries)
    for entry in entries:
        # As parse_bibtex cleans a file's text: no NUL or other character XML
        # forbids reaches the database, whatever the reader (issue #13, 3 and 4).
        entry.fields = {name: clean_text(value) for name, value in entry.fields.items()}
    parsed = ParseResult(
        entries=entries, failures=list(failures), warnings=list(warnings)
    )
    return _run_import(
        iter([(source, parsed)]),
        themes=themes,
        dry_run=dry_run,
        atomic=atomic,
        overwrite=overwrite,
        progress=progress,
        options=options,
    )


def _run_import(
    parsed_sources, *, themes, dry_run, atomic, overwrite, progress, options
):
    started = time.perf_counter()
    report = ImportReport(dry_run=dry_run)
    # An import builds hundreds of thousands of objects that live until it ends
    # and makes no reference cycles to speak of; the cyclic collector's passes
    # over them cost more than a tenth of a large import, so it waits till then.
    collecting = gc.isenabled()
    # Garbage already waiting (a migration's, a request's) is freed first, so
    # the import reuses its memory rather than growing past it.
    gc.collect()
    gc.disable()
    try:
        # One writing import at a time: two at once each matched against rows
        # the other had not yet written, and the second failed whole on a slug
        # constraint (issue #13, finding 9). A dry run writes nothing.
        with contextlib.nullcontext() if dry_run else _import_lock():
            run = _Run(
                report,
                themes=list(themes),
                overwrite=overwrite,
                progress=progress,
                options=options or ImportOptions(),
            )
            _import(run, parsed_sources, dry_run=dry_run, atomic=atomic)
    finally:
        if collecting:
            gc.enable()
        # Decoded strings and names are memoised for one run only, so a process
        # that imports now and then does not keep every name it has seen.
        latex.forget_memos()
        name_lists.forget_memos()
        match.forget_memos()
    report.seconds = time.perf_counter() - started
    return report


class ImportBusyError(BibtexInputError):
    """Another import held the import lock for the whole wait
    (``IMPORT_LOCK_WAIT_SECONDS``); nothing was written."""


@contextlib.contextmanager
def _import_lock():
    try:
        with locks.exclusive("bibtex-import", wait_seconds=IMPORT_LOCK_WAIT_SECONDS):
            yield
    except locks.LockTimeout:
        minutes = max(1, round(IMPORT_LOCK_WAIT_SECONDS / 60))
        raise ImportBusyError(
            f"Another import was still running after {minutes} minutes of waiting; "
            "nothing was imported. Try again once it has finished."
        ) from None


def _import(run, parsed_sources, *, dry_run, atomic):
    report = run.report
    if dry_run or atomic:
        # Split every file before BEGIN: on SQLite the transaction holds the one
        # write lock (IMMEDIATE mode), and editors wait on it while it is open.
        parsed_files = list(parsed_sources)
        try:
            with transaction.atomic():
                for name, parsed in parsed_files:
                    run.import_parsed(name, parsed)
                if dry_run or report.failed:
                    report.rolled_back = True
                    transaction.set_rollback(True)
        except DatabaseError as error:
            report.rolled_back = True
            for name in report.files:
                run.fail_file(name, error)
    else:
        # Reading, decoding and matching run outside any transaction; the writes
        # commit in batches (see _Run._write), so the lock is held briefly.
        run.batched = True
        for name, parsed in parsed_sources:
            run.import_parsed(name, parsed)


def _split(texts):
    """Each file split into entries, in turn; its text is let go once split."""
    while texts:
        name, text = texts.pop(0)
        parsed = parse_bibtex(text)
        del text
        yield name, parsed


class _Run:
    def __init__(self, report, *, themes, overwrite, progress, options):
        self.report = report
        self.themes = themes
        self.overwrite = overwrite
        self.progress = progress
        self.options = options
        # Set for a non-atomic run: each batch of works commits on its own.
        self.batched = False
        self.dry_run = report.dry_run
        self.publications = PublicationIndex()
        self._people = None
        self.writer = BatchWriter(
            people=self.people,
            slug=unique_slugs(Publication),
            themes=themes,
            overwrite=overwrite,
            warn=self.warn,
            changed=self.changed,
        )

    def people(self):
        # Built on first need: a re-import that changes no authors never loads it.
        if self._people is None:
            self._people = PeopleIndex()
        return self._people

    def problem(self, name, line, key, message):
        return Problem(file=name, line=line, key=key, message=message)

    def warn(self, target, message):
        record = target.records[-1]
        self.report.warnings.append(
            self.problem(record.file, record.line, record.key, message)
        )

    def changed(self, target, plan):
        if plan.changes or plan.kept:
            record = target.records[-1]
            self.report.changes.append(
                EntryChanges(
                    file=record.file,
                    line=record.line,
                    key=target.key,
                    changes=plan.changes,
                    kept=plan.kept,
                )
            )

    def fail_file(self, name, error):
        counts = self.report.files[name]
        lost = counts.total - counts.failed
        self.report.files[name] = FileCounts(failed=counts.total)
        self.report.failures.append(
            self.problem(
                name, 0, "", f"database error, {lost} entries not written: {error}"
            )
        )
        # The index may now point at rows that were rolled back: start afresh.
        self.publications = PublicationIndex()
        self._people = None

    def import_parsed(self, name, parsed):
        counts = self.report.files.setdefault(name, FileCounts())
        for message in parsed.warnings:
            # A reader's warning is a sentence about the whole source, or a
            # Failure-shaped note with the line and key it is about.
            if isinstance(message, Failure):
                problem = self.problem(name, message.line, message.key, message.message)
            else:
                problem = self.problem(name, 0, "", message)
            self.report.warnings.append(problem)
        for failure in parsed.failures:
            counts.failed += 1
            self.report.failures.append(
                self.problem(name, failure.line, failure.key, failure.message)
            )
        containers = resolve_crossrefs(parsed.entries)
        shared = macros_digest(parsed.macros)
        targets = []
        total = len(parsed.entries)
        for done, entry in enumerate(parsed.entries, start=1):
            if self.progress and (done % 250 == 0 or done == total):
                self.progress(name, done, total)
            if entry.type in SKIPPED_TYPES:
                counts.skipped += 1
                self.report.warnings.append(
                    self.problem(
                        name, entry.line, entry.key, f"@{entry.type} is not a work"
                    )
                )
                continue
            if id(entry) in containers and (
                not self.options.include_containers or "title" not in entry.fields
            ):
                counts.skipped += 1
                self.report.warnings.append(
                    self.problem(
                        name,
                        entry.line,
                        entry.key,
                        f"@{entry.type} is the crossref container of "
                        f"{containers[id(entry)]} entries: it completes them and is "
                        "not listed on its own (--include-containers lists it)",
                    )
                )
                continue
            digest = source_digest(entry, shared)
            known = self.publications.by_source.get(digest)
            if known is not None and not self.overwrite:
                known.unread.append((entry, digest))
                targets.append(known)
                continue
            record = self._normalise(entry, name, digest, counts)
            if record is not None:
                targets.append(self.publications.place(record))
                self._report_warnings(record)
        # The records and targets hold what is needed now: each entry's text is
        # let go with its records once its batch is written.
        parsed.entries = []
        self._write(targets, name, counts)

    def _report_warnings(self, record):
        for message in record.warnings:
            self.report.warnings.append(
                self.problem(record.file, record.line, record.key, message)
            )
        for message in record.ignored:
            self.report.ignored.append(
                self.problem(record.file, record.line, record.key, message)
            )

    def _normalise(self, entry, name, digest, counts):
        try:
            record = normalise(entry, marks=self.options.marks)
        except ValueError as error:
            counts.failed += 1
            self.report.failures.append(
                self.problem(name, entry.line, entry.key, str(error))
            )
            return None
        record.file = name
        record.source_hash = digest
        entry.fields = {}  # the record holds what is needed from here on
        return record

    def _write(self, targets, name, counts):
        seen, ordered = set(), []
        for target in targets:
            if id(target) not in seen:
                seen.add(id(target))
                ordered.append(target)
        for target in ordered:
            if target.records and target.unread:
                # Part of this work's entries changed: all of them are merged again.
                for entry, digest in target.unread:
                    record = self._normalise(entry, name, digest, counts)
                    if record is not None:
                        target.records.append(record)
                        self._report_warnings(record)
                target.records.sort(key=lambda record: record.line)
                target.unread = []
        match.read_fingerprints(ordered)
        for start in range(0, len(ordered), COMMIT_BATCH):
            batch = ordered[start : start + COMMIT_BATCH]
            if not self.batched:
                self._write_batch(batch)
            else:
                try:
                    with transaction.atomic():
                        self._write_batch(batch)
                except DatabaseError as error:
                    self._fail_rest(name, ordered[start:], counts, error)
                    return
            self._count(batch, counts)

    def _write_batch(self, targets):
        before = self.writer.people_created
        self.writer.write(targets)
        self.report.people_created += self.writer.people_created - before
        self._attach_files(targets)

    def _attach_files(self, targets):
        """Files named by relative paths (al-folio's ``preview`` and ``pdf``)
        become the image and PDF of publications that have none yet."""
        for other_name, kind in (("preview", previews.PREVIEW), ("pdf", previews.PDF)):
            wanted = {}
            for target in targets:
                if target.outcome in {"created", "updated"} and target.records:
                    other = target.fingerprint.values.get("other_fields") or {}
                    if other.get(other_name):
                        wanted[target.pk] = (target, other[other_name])
            if not wanted:
                continue
            empty = Publication.objects.filter(pk__in=list(wanted), **{kind.field: ""})
            for pk in empty.values_list("pk", flat=True):
                target, name = wanted[pk]
                record = target.records[-1]
                folders = previews.search_folders(record.file, self.options.media_dirs)
                problem = previews.attach(
                    pk, name, folders, kind=kind, store=not self.dry_run
                )
                if problem:
                    self.warn(target, problem)

    def _count(self, targets, counts):
        for target in targets:
            outcome = target.outcome
            setattr(counts, outcome, getattr(counts, outcome) + 1)
            # Copies merged into a new or changed record were not written on their
            # own; on a re-import they change nothing, like the rest.
            extra = len(target.records) + len(target.unread) - 1
            if outcome == "unchanged":
                counts.unchanged += extra
            else:
                counts.skipped += extra
            # The fingerprint now holds these records; a later file adds its own.
            target.records = []
            target.unread = []
            target.outcome = ""
            target.let_go()

    def _fail_rest(self, name, targets, counts, error):
        """A batch was rolled back: it and the batches after it count as failed."""
        lost = sum(max(1, len(t.records) + len(t.unread)) for t in targets)
        counts.failed += lost
        self.report.failures.append(
            self.problem(
                name, 0, "", f"database error, {lost} entries not written: {error}"
            )
        )
        # The index may now point at rows that were rolled back: start afresh.
        self.publications = PublicationIndex()
        self._people = None
