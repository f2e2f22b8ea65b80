"""The BibTeX import service, shared by the ``import_bibtex`` command and the admin.

Data flows one way: parse (``parse.py``), normalise (``normalise.py``), match
(``match.py``) and write, in batches. Each entry ends up counted exactly once as
created, updated, unchanged, skipped or failed.

Duplicate policy: entries describing the same work (same DOI, arXiv id, key with
the same title, or normalised title and year with nothing contradicting) become
one publication; later copies are merged into it and counted as skipped (or as
unchanged on a re-import). An entry whose key is taken by a different work, or
which has no key, is imported under a made-unique key, with a warning.

Editor protection: ``Publication.import_fingerprint`` keeps the values as last
imported. A field whose current value differs from its fingerprint was changed in
the admin and is kept, unless ``overwrite`` is given.
"""

import gc
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.db import DatabaseError, transaction

from people.models import Person
from publications.bibtex import latex, match
from publications.bibtex import names as name_lists
from publications.bibtex.bulk import EncodedJSON, bulk_insert
from publications.bibtex.match import (
    PeopleIndex,
    PublicationIndex,
    Target,
    unique_slugs,
)
from publications.bibtex.normalise import (
    MANAGED_FIELDS,
    SKIPPED_TYPES,
    encoded_fingerprint,
    fingerprint_of,
    generated_key,
    macros_digest,
    normalise,
    quick_fold,
    resolve_crossrefs,
    source_digest,
    stored_fingerprint,
)
from publications.bibtex.parse import parse_bibtex
from publications.models import Authorship, Publication
from site_config.cache import bump_content_version

BATCH_SIZE = 500
# Works written per committed transaction when the run is not --atomic: short
# enough that an editor's save never waits out SQLite's busy timeout behind it.
COMMIT_BATCH = 2000
_PUBLICATION_COLUMNS = [
    *MANAGED_FIELDS,
    "slug",
    "bibtex_key",
    "bibtex_source",
    "import_fingerprint",
]
_PERSON_COLUMNS = [
    "full_name",
    "given_name",
    "family_name",
    "slug",
    "is_member",
    "role",
    "show_on_people_page",
]


class BibtexInputError(ValueError):
    """A whole file cannot be read (missing, undecodable): nothing was imported."""


@dataclass
class Problem:
    file: str
    line: int
    key: str
    message: str

    def __str__(self):
        key = f":{self.key}" if self.key else ""
        return f"{self.file}:{self.line}{key}: {self.message}"


@dataclass
class FileCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    failed: int = 0

    @property
    def total(self):
        return self.created + self.updated + self.unchanged + self.skipped + self.failed


@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do), entry by entry."""

    dry_run: bool = False
    rolled_back: bool = False
    files: dict = field(default_factory=dict)
    failures: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    people_created: int = 0
    seconds: float = 0.0

    def _sum(self, name):
        return sum(getattr(counts, name) for counts in self.files.values())

    @property
    def created(self):
        return self._sum("created")

    @property
    def updated(self):
        return self._sum("updated")

    @property
    def unchanged(self):
        return self._sum("unchanged")

    @property
    def skipped(self):
        return self._sum("skipped")

    @property
    def failed(self):
        return self._sum("failed")

    @property
    def total(self):
        return self._sum("total")

    def summary(self):
        lead = "Dry run, nothing written: " if self.dry_run else ""
        if self.rolled_back and not self.dry_run:
            lead = "Rolled back, nothing written (--atomic and an entry failed): "
        return (
            f"{lead}{self.total} entries: {self.created} created, "
            f"{self.updated} updated, {self.unchanged} unchanged, "
            f"{self.skipped} skipped, {self.failed} failed; "
            f"{self.people_created} new outside co-authors; {self.seconds:.1f} s."
        )


def read_source(path, *, encoding="utf-8"):
    """The text of a .bib file, or a BibtexInputError saying what is wrong."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise BibtexInputError(f"Cannot read {path}: {error.strerror}.") from error
    return decode_bytes(data, name=str(path), encoding=encoding)


def decode_bytes(data, *, name, encoding="utf-8"):
    try:
        text = data.decode(encoding)
    except LookupError as error:
        raise BibtexInputError(f"Unknown encoding {encoding!r}.") from error
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise BibtexInputError(
            f"{name} is not valid {encoding}: byte {error.start} (line {line}) "
            f"cannot be decoded. Give its encoding, e.g. --encoding latin-1."
        ) from error
    return text.removeprefix("\ufeff")


def import_bibtex(
    *,
    sources,
    themes=(),
    dry_run=False,
    atomic=False,
    overwrite=False,
    encoding="utf-8",
    progress=None,
):
    """Import BibTeX sources: paths, or (name, text) pairs already read.

    All files are read first, so an unreadable one stops the run before anything
    is written. ``atomic`` writes nothing if any entry fails; ``dry_run`` reports
    what would change and writes nothing.
    """
    started = time.perf_counter()
    texts = []
    for source in sources:
        if isinstance(source, tuple):
            texts.append(source)
        else:
            texts.append((str(source), read_source(source, encoding=encoding)))
    report = ImportReport(dry_run=dry_run)
    # An import builds hundreds of thousands of objects that live until it ends
    # and makes no reference cycles to speak of; the cyclic collector's passes
    # over them cost more than a tenth of a large import, so it waits till then.
    collecting = gc.isenabled()
    gc.disable()
    try:
        run = _Run(report, themes=list(themes), overwrite=overwrite, progress=progress)
        _import(run, texts, dry_run=dry_run, atomic=atomic)
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


def _import(run, texts, *, dry_run, atomic):
    report = run.report
    if dry_run or atomic:
        # Split every file before BEGIN: on SQLite the transaction holds the one
        # write lock (IMMEDIATE mode), and editors wait on it while it is open.
        parsed_files = list(_parsed(texts))
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
        for name, parsed in _parsed(texts):
            run.import_parsed(name, parsed)


def _parsed(texts):
    """Each file split into entries, in turn; its text is let go once split."""
    while texts:
        name, text = texts.pop(0)
        parsed = parse_bibtex(text)
        del text
        yield name, parsed


class _Run:
    def __init__(self, report, *, themes, overwrite, progress):
        self.report = report
        self.themes = themes
        self.overwrite = overwrite
        self.progress = progress
        # Set for a non-atomic run: each batch of works commits on its own.
        self.batched = False
        self.publications = PublicationIndex()
        self._people = None
        self.pub_slug = unique_slugs(Publication)

    @property
    def people(self):
        # Built on first need: a re-import that changes no authors never loads it.
        if self._people is None:
            self._people = PeopleIndex()
        return self._people

    def problem(self, name, line, key, message):
        return Problem(file=name, line=line, key=key, message=message)

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
            self.report.warnings.append(self.problem(name, 0, "", message))
        for failure in parsed.failures:
            counts.failed += 1
            self.report.failures.append(
                self.problem(name, failure.line, failure.key, failure.message)
            )
        resolve_crossrefs(parsed.entries)
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
            digest = source_digest(entry, shared)
            known = self.publications.by_source.get(digest)
            if known is not None and not self.overwrite:
                known.unread.append((entry, digest))
                targets.append(known)
                continue
            record = self._normalise(entry, name, digest, counts)
            if record is not None:
                targets.append(self._place(record, name))
                self._report_warnings(record)
        self._write(targets, name, counts)

    def _report_warnings(self, record):
        for message in record.warnings:
            self.report.warnings.append(
                self.problem(record.file, record.line, record.key, message)
            )

    def _normalise(self, entry, name, digest, counts):
        try:
            record = normalise(entry)
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

    def _place(self, record, name):
        target, key_conflict = self.publications.find(record)
        if target is not None:
            if target.records:
                first = target.records[0]
                record.warnings.append(
                    f"same work as {target.key!r} at line {first.line}; merged into it"
                )
            self.publications.attach(target, record)
            return target
        key = record.key
        if not key or key_conflict or self.publications.key_taken(key):
            base = key or generated_key(record)
            key, counter = base, 2
            while self.publications.key_taken(key):
                key = f"{base}-{counter}"
                counter += 1
            if record.key:
                record.warnings.append(
                    f"key {record.key!r} is already used by a different work; "
                    f"imported as {key!r}"
                )
            else:
                record.warnings.append(f"entry has no key; imported as {key!r}")
        target = Target(pk=None, key=key[:250])
        self.publications.attach(target, record)
        self.publications.add(target)
        return target

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
        new = [t for t in targets if t.is_new]
        existing = [t for t in targets if not t.is_new]
        author_jobs = []
        self._create(new, author_jobs)
        self._update(existing, author_jobs)
        self._write_authors(author_jobs)
        self._link_themes(targets)
        if any(target.outcome in {"created", "updated"} for target in targets):
            # Batched writes send no signals: cached pages must be told here (the
            # stamp moves when this batch commits).
            bump_content_version()

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

    def _create(self, targets, author_jobs):
        slugs = []

        def rows():
            # Generated while inserting: one batch of rows is in memory at a time.
            for target in targets:
                values = target.merged_values()
                authors = target.merged_authors() or []
                fingerprint, encoded = encoded_fingerprint(
                    values, [a.display for a in authors]
                )
                fingerprint["first_family"] = target.records[0].first_family
                fingerprint["sources"] = [r.source_hash for r in target.records]
                slug = self.pub_slug(values["title"])
                slugs.append(slug)
                target.outcome = "created"
                target.fingerprint = fingerprint
                yield (
                    *[values[name] for name in MANAGED_FIELDS],
                    slug,
                    target.key,
                    target.records[0].source,
                    EncodedJSON(stored_fingerprint(fingerprint, encoded)),
                )

        pks = bulk_insert(Publication, _PUBLICATION_COLUMNS, rows())
        for target, slug in zip(targets, slugs, strict=True):
            target.pk = pks[slug]
            authors = target.merged_authors()
            if authors:
                author_jobs.append((target, authors, False))

    def _update(self, targets, author_jobs):
        pending, resourced = [], []
        for target in targets:
            if not target.records:
                target.outcome = "unchanged"
                continue
            values = target.merged_values()
            authors = target.merged_authors()
            names = (
                [a.display for a in authors]
                if authors is not None
                else target.fingerprint.get("authors", [])
            )
            fingerprint = fingerprint_of(values, names)
            fingerprint["first_family"] = (
                quick_fold(authors[0].parts.family)
                if authors
                else target.fingerprint.get("first_family", "")
            )
            fingerprint["sources"] = [r.source_hash for r in target.records]
            if fingerprint["hash"] == target.fingerprint.get("hash") and (
                not self.overwrite
            ):
                target.outcome = "unchanged"
                if fingerprint["sources"] != target.fingerprint.get("sources"):
                    # Same values from reformatted text: remember the new text.
                    target.fingerprint = fingerprint
                    resourced.append(target)
                continue
            pending.append((target, values, authors, fingerprint))
        for target in resourced:
            Publication.objects.filter(pk=target.pk).update(
                import_fingerprint=target.fingerprint,
                bibtex_source=target.records[-1].source,
            )
        if not pending:
            return
        rows = Publication.objects.in_bulk([t.pk for t, *_ in pending])
        current_authors = _current_authors([t.pk for t, *_ in pending])
        changed_rows, changed_fields = [], set()
        for target, values, authors, fingerprint in pending:
            row = rows[target.pk]
            before = target.fingerprint
            changed = []
            for name in MANAGED_FIELDS:
                new = values.get(name)
                current = getattr(row, name)
                if new == current:
                    continue
                if not self.overwrite:
                    if name in before and new == before[name]:
                        continue
                    if name in before and current != before[name]:
                        self._kept(target, f"kept the editor's {name}")
                        continue
                    if name not in before and current not in ("", None, False):
                        continue
                    if new in ("", None, False):
                        continue
                setattr(row, name, new)
                changed.append(name)
            if authors is not None:
                imported = [a.display for a in authors]
                now = current_authors.get(target.pk, [])
                if imported != now:
                    if self.overwrite or not now or now == before.get("authors"):
                        author_jobs.append((target, authors, True))
                        changed.append("authors")
                    elif imported != before.get("authors"):
                        self._kept(target, "kept the editor's author list")
            row.import_fingerprint = fingerprint
            row.bibtex_source = target.records[-1].source
            target.fingerprint = fingerprint
            changed_fields.update(n for n in changed if n != "authors")
            target.outcome = "updated" if changed else "unchanged"
            changed_rows.append(row)
        Publication.objects.bulk_update(
            changed_rows,
            sorted(changed_fields | {"import_fingerprint", "bibtex_source"}),
            batch_size=BATCH_SIZE,
        )

    def _kept(self, target, message):
        record = target.records[-1]
        self.report.warnings.append(
            self.problem(
                record.file,
                record.line,
                record.key,
                f"{message} (file differs; use --overwrite to replace)",
            )
        )

    def _write_authors(self, jobs):
        if not jobs:
            return
        resolved = []
        for target, authors, _replace in jobs:
            record = target.records[-1]
            warnings = []
            people = [self.people.resolve(author, warnings) for author in authors]
            for message in warnings:
                self.report.warnings.append(
                    self.problem(record.file, record.line, record.key, message)
                )
            resolved.append((target, authors, people))
        created = [p for p in self.people.created if p.pk is None]
        if created:
            pks = bulk_insert(
                Person,
                _PERSON_COLUMNS,
                (tuple(getattr(p, name) for name in _PERSON_COLUMNS) for p in created),
            )
            for person in created:
                person.pk = pks[person.slug]
            self.report.people_created += len(created)
        replaced = [target.pk for target, _authors, replace in jobs if replace]
        for start in range(0, len(replaced), BATCH_SIZE):
            Authorship.objects.filter(
                publication_id__in=replaced[start : start + BATCH_SIZE]
            ).delete()
        rows = (
            (
                target.pk,
                person if isinstance(person, int) else person.pk,
                position,
                author.display[:200],
            )
            for target, authors, people in resolved
            for position, (author, person) in enumerate(
                zip(authors, people, strict=True)
            )
        )
        bulk_insert(
            Authorship,
            ["publication_id", "person_id", "position", "printed_name"],
            rows,
        )

    def _link_themes(self, targets):
        if not self.themes:
            return
        through = Publication.themes.through
        linked = set(
            through.objects.filter(researchtheme__in=self.themes).values_list(
                "publication_id", "researchtheme_id"
            )
        )
        rows = []
        for target in targets:
            for theme in self.themes:
                if (target.pk, theme.pk) in linked:
                    continue
                rows.append(through(publication_id=target.pk, researchtheme=theme))
                if target.outcome == "unchanged":
                    target.outcome = "updated"
        through.objects.bulk_create(rows, batch_size=BATCH_SIZE)


def _current_authors(pks):
    names = {}
    for start in range(0, len(pks), BATCH_SIZE):
        batch = pks[start : start + BATCH_SIZE]
        rows = (
            Authorship.objects.filter(publication_id__in=batch)
            .order_by("publication_id", "position")
            .values_list("publication_id", "printed_name", "person__full_name")
        )
        for pk, printed, full_name in rows:
            names.setdefault(pk, []).append(printed or full_name)
    return names
