"""The merge policy, as pure functions: no database, no model instances.

Two questions are answered here (docs/bibtex.md, "Duplicates" and "Re-importing"):

1. Several entries describe one work (a preprint and its published version, a
   copy in another file). What are its values? ``merged_values`` and
   ``merged_authors``: the published version's title, authors, venue, pages, year
   and status win over a preprint's whatever the order of the entries, in one file
   or across imports; an empty value never clears one; the preprint's arXiv id
   and link are kept.
2. A publication is imported again. Which of its fields take the file's new value?
   ``plan_update``: every field an editor has not changed since the last import
   takes the file's value, removals included (a field the file no longer has goes
   back to empty); a field an editor changed is kept unless ``overwrite``.
   Only the fields the file's format can express take part (``expressed``):
   a CSL-JSON or RIS file says nothing about ``is_selected`` or ``code_url``,
   so its import never clears them.

Inputs are ``normalise.Record`` objects (``values``: field name -> value,
``authors``: ``names.Author`` list, ``is_preprint``, ``line``), plain dicts of
field values and ``fingerprint.Fingerprint`` objects.
"""

from dataclasses import dataclass, field, replace

from publications.bibtex.latex import decode
from publications.bibtex.normalise import MANAGED_FIELDS, managed_values
from publications.models import Publication

# Where a published version and its preprint disagree, the published one wins.
PUBLISHED_WINS = frozenset(
    {
        "title",
        "kind",
        "status",
        "venue",
        "venue_short",
        "abbr",
        "year",
        "year_text",
        "month",
        "volume",
        "number",
        "pages",
        "publisher",
        "doi",
        "editors",
        "isbn",
        "issn",
        "address",
        "series",
    }
)
_EMPTY = ("", None, False, [], {})


def is_empty(value):
    """True for the values that mean "the file does not say"."""
    return value is None or value is False or value == "" or value in ([], {})


def is_published(values):
    """Whether a dict of values describes a published (or accepted) version."""
    return values.get("status") not in Publication.PREPRINT_STATUSES


def in_merge_order(records):
    """Records in the order they are applied: preprints first, then published
    versions, each group in file order. Applying them in this order makes the
    result independent of the order of the entries in the file."""
    if len(records) < 2:
        # Most works have one entry: no order to find (twice per work).
        return list(records)
    return sorted(records, key=lambda record: (not record.is_preprint, record.line))


def merge(base, record):
    """The values of ``base`` (a dict) updated with what ``record`` says.

    Empty values never clear a field; a preprint never overrides what a
    published version says (``PUBLISHED_WINS``); DOIs compare without case.
    """
    values = record.values
    if not base:
        # Nothing to weigh the record against (a new work's first entry): the
        # loop below would keep every value as it is, so only the fields are picked.
        return managed_values(values)
    merged = dict(base)
    downgrade = is_published(base) and base.get("title") and record.is_preprint
    for name in MANAGED_FIELDS:
        value = values.get(name)
        if is_empty(value):
            merged.setdefault(name, value)
            continue
        if downgrade and name in PUBLISHED_WINS and not is_empty(base.get(name)):
            continue
        if name == "doi" and str(base.get(name) or "").lower() == value.lower():
            continue  # DOIs are case-insensitive: the first spelling stays
        merged[name] = value
    return merged


def merged_values(base, records):
    """The values of one work: ``base`` (what earlier imports said, a dict; may
    be empty) merged with each record in ``in_merge_order``.

    When ``base`` came from a previous import and the records now say less
    (a removed field), the record's emptiness does not clear it here:
    ``plan_update`` compares against the records alone for that.
    """
    values = dict(base)
    for record in in_merge_order(records):
        values = merge(values, record)
    return values


def merged_authors(records, base_values=None, base_authors=None):
    """The author list of a work (``names.Author`` list), or None to keep the one
    it has.

    The list of the last published record that has one wins; only when no
    published record has a list does a preprint's count. A preprint's list never
    replaces that of a published version imported earlier (``base_values`` and
    ``base_authors``, from the fingerprint).
    """
    ordered = in_merge_order(records)
    for record in reversed(ordered):
        if record.authors:
            if (
                record.is_preprint
                and base_authors
                and base_values
                and is_published(base_values)
            ):
                return None
            return record.authors
    return None


def fresh_values(records):
    """The values the records alone give, with no earlier import under them:
    what the file says now, removals included."""
    return merged_values({}, records)


def expressed(records):
    """The managed fields the records' formats can express, in
    ``MANAGED_FIELDS`` order: every field when one of them is BibTeX's
    (``Record.carries`` None), else the union of what their formats carry, and
    ``other_fields`` when a record keeps any (see ``as_last_imported``)."""
    carried = set()
    for record in records:
        if record.carries is None:
            return list(MANAGED_FIELDS)
        carried.update(record.carries)
        if record.values.get("other_fields"):
            carried.add("other_fields")
    return [name for name in MANAGED_FIELDS if name in carried]


def as_last_imported(values, names, imported):
    """``values`` with every field outside ``names`` set back to what the last
    import gave (``imported``, a ``Fingerprint``; None when nothing was), so
    that a file in a format that cannot express a field neither changes it nor
    what the next import compares it with. ``other_fields`` from such a format
    (a CSL-JSON ``PMID``, a RIS ``AD``) is added to those the last import gave,
    key by key: the file cannot say the BibTeX fields it has no form for."""
    kept = dict(values)
    wanted = set(names)
    for name in MANAGED_FIELDS:
        if name not in wanted:
            kept[name] = imported.values.get(name)
    if "other_fields" in wanted and len(wanted) < len(MANAGED_FIELDS):
        before = imported.values.get("other_fields") or {}
        # Such a format is plain text: a value that reads as the one kept
        # (S{\"a}mtliche as Sämtliche) keeps the LaTeX it was written in.
        kept["other_fields"] = {
            **before,
            **{
                name: value
                for name, value in (values.get("other_fields") or {}).items()
                if name not in before or decode(before[name]) != decode(value)
            },
        }
    return kept


def carries_marks(records):
    """Whether the records' format says which authors contributed equally or
    correspond (BibTeX's marks and ``author+an``); CSL-JSON, RIS, arXiv and
    ORCID records cannot, so their names come with no marks."""
    return any(record.carries is None for record in records)


def with_marks(authors, marks):
    """``authors`` (``names.Author`` list) with the marks the same name has now
    (``marks``: name as printed -> (equal_contribution, corresponding,
    other_marks); None or {} when there are none): a list from a format that
    cannot say them does not take them away."""
    if not marks:
        return authors
    kept = []
    for author in authors:
        found = marks.get(author.display)
        if found:
            equal, corresponding, other = found
            author = replace(
                author,
                equal_contribution=equal,
                corresponding=corresponding,
                other_marks=other,
            )
        kept.append(author)
    return kept


@dataclass(slots=True)
class FieldChange:
    """One field of one publication: its value before and after (or kept)."""

    name: str
    old: object
    new: object


@dataclass(slots=True)
class UpdatePlan:
    """What a re-import does to one publication's fields."""

    changes: list = field(default_factory=list)  # FieldChange, applied
    kept: list = field(default_factory=list)  # FieldChange the editor's value wins


def plan_update(*, current, imported, new, overwrite, names=MANAGED_FIELDS):
    """Which fields of an existing publication take the file's value.

    ``current``: field name -> value in the database now; ``imported``: the
    ``Fingerprint`` of the last import (empty for a publication entered by hand);
    ``new``: field name -> what the file says now (``fresh_values`` merged over
    the values other files gave). A field takes ``new`` when it still holds what
    was imported last (the editor did not touch it), including when ``new`` is
    empty (the file removed it); when the editor changed it, it is kept (listed
    in ``kept``) unless ``overwrite``. A publication entered by hand is only
    filled in where it is empty. ``names``: the fields considered, by default
    every managed one; an import passes ``expressed(records)`` so that a
    field its format cannot express is never cleared.
    """
    plan = UpdatePlan()
    for name in names:
        value = new.get(name)
        if is_empty(value) and is_empty(current.get(name)):
            continue
        now = current.get(name)
        if value == now:
            continue
        if overwrite:
            plan.changes.append(FieldChange(name, now, value))
            continue
        was_imported, before = imported.imported(name)
        if not was_imported:
            if is_empty(now) and not is_empty(value):
                plan.changes.append(FieldChange(name, now, value))
            continue
        if value == before:
            continue  # the file did not change it; the editor did
        if _same(now, before):
            plan.changes.append(FieldChange(name, now, value))
        else:
            plan.kept.append(FieldChange(name, now, value))
    return plan


def plan_authors(*, current, imported, new, overwrite):
    """What happens to an author list on re-import: "replace", "kept" or "same".

    ``current``: names as printed now; ``imported``: the ``Fingerprint``;
    ``new``: names the file gives now (None when it gives none).
    """
    if new is None or new == current:
        return "same"
    if overwrite or not current or current == imported.authors:
        return "replace"
    if new == imported.authors:
        return "same"
    return "kept"


def _same(now, before):
    if is_empty(now) and is_empty(before):
        return True
    return now == before
