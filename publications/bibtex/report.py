"""What an import did, entry by entry: counts, failures, warnings and changes.

The importer fills an ``ImportReport``; the ``import_bibtex`` command prints it,
the admin's import page shows it. Nothing here touches the database.
"""

from dataclasses import dataclass, field

from publications.models import Publication

# Fields whose values are choices: shown by their labels ("Preprint"), not by
# the value or the enum member's repr ("Publication.Kind.OTHER").
_LABELS = {
    "kind": dict(Publication.Kind.choices),
    "status": dict(Publication.Status.choices),
}


@dataclass
class Problem:
    """A failure or warning about one entry (``line`` 0: the whole file)."""

    file: str
    line: int
    key: str
    message: str

    def __str__(self):
        key = f":{self.key}" if self.key else ""
        return f"{self.file}:{self.line}{key}: {self.message}"


@dataclass
class EntryChanges:
    """The fields a (re-)import changes on one existing publication.

    ``changes`` and ``kept`` hold ``merge.FieldChange`` objects (``name``,
    ``old``, ``new``): applied, and the editor's value kept over the file's.
    """

    file: str
    line: int
    key: str
    changes: list = field(default_factory=list)
    kept: list = field(default_factory=list)

    def lines(self):
        """Human-readable lines: ``title: 'Old' → 'New'`` and kept edits.

        A dict (other fields) is shown key by key, a list of the same length
        item by item, and two long texts from where they first differ, so a
        line never shows two values that look the same.
        """
        out = [
            f"{name}: {old} → {new}"
            for c in self.changes
            for name, old, new in _differences(c.name, c.old, c.new)
        ]
        out += [
            f"{name}: kept the editor's {old} (file: {new})"
            for c in self.kept
            for name, old, new in _differences(c.name, c.old, c.new)
        ]
        return out

    def __str__(self):
        key = f":{self.key}" if self.key else ""
        return f"{self.file}:{self.line}{key}: " + "; ".join(self.lines())


def _differences(name, old, new):
    """[(label, old text, new text)] for one changed field, as short as says it."""
    if isinstance(old, dict) or isinstance(new, dict):
        old, new = old or {}, new or {}
        return [
            difference
            for key in sorted({*old, *new})
            if old.get(key) != new.get(key)
            for difference in _differences(f"{name}.{key}", old.get(key), new.get(key))
        ]
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        return [
            difference
            for position, (before, after) in enumerate(zip(old, new, strict=True), 1)
            if before != after
            for difference in _differences(f"{name}[{position}]", before, after)
        ]
    if isinstance(old, str) and isinstance(new, str):
        old, new = _from_first_difference(old, new)
    return [(name, _short(old, name), _short(new, name))]


def _from_first_difference(old, new, context=15, limit=60):
    """Two texts cut to start shortly before they first differ ("…"), when
    either is too long to show whole."""
    if max(len(old), len(new)) <= limit:
        return old, new
    same = 0
    for a, b in zip(old, new, strict=False):
        if a != b:
            break
        same += 1
    start = max(0, same - context)
    if start == 0:
        return old, new
    return "…" + old[start:], "…" + new[start:]


def _short(value, name="", limit=60):
    if value in (None, "", [], {}):
        return "(empty)"
    label = _LABELS[name].get(value) if name in _LABELS else None
    text = repr(str(label)) if label else repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…'"


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
    """What an import did (or, in a dry run, would do), entry by entry.

    ``files``: source name -> ``FileCounts``; ``failures`` and ``warnings``:
    ``Problem`` lists; ``ignored``: ``Problem`` list naming each field that was
    read but neither mapped nor stored (``normalise.IGNORED_FIELDS``) and each
    commented-out field; ``changes``: ``EntryChanges`` per updated publication.
    """

    dry_run: bool = False
    rolled_back: bool = False
    files: dict = field(default_factory=dict)
    failures: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    ignored: list = field(default_factory=list)
    changes: list = field(default_factory=list)
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
