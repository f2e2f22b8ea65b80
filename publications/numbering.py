"""One number per publication, the same on every page: the rule's one home.

Every publication carries a stored number in one of three series: papers
([12]), preprints ([P3]) and software and datasets ([S1]). The series follows
from the type and status (`series_for`). Numbers are given once and never move
on their own:

- A publication without a number gets the next free number of its series
  (`Publication.save`, the BibTeX/CSL/RIS importer for each batch, and
  ``manage.py number_publications``, all through `number_missing`,
  `numbers_for_new` or `give_number`). Several new ones at once are numbered by
  date, oldest first, so a first import numbers a whole list by date (oldest =
  1); an import's works whose series changed are numbered after its new ones.
- A publication whose series changed (a preprint that was published) gets the
  next number of its new series; a former preprint remembers its P-number in
  ``preprint_number`` so its page can say "as a preprint: [P3]". That P-number
  is not given to another preprint: when the publication goes back to the
  preprints (from any series) it is [P3] again and ``preprint_number`` is
  cleared, so a preprint never shows a former P-number of its own.
- Only ``number_publications --renumber`` numbers everything again by date
  (each series from 1, former P-numbers forgotten): an editor's deliberate act.

The functions read the model from the queryset they are given, so the model
module can call them and a migration can run them on its historical model.
"""

from django.db import connections, models
from django.db.models import Case, F, Q, Value, When

PAPER, PREPRINT, SOFTWARE = "paper", "preprint", "software"
# What a number is printed with: [12], [P3], [S1].
PREFIXES = {PAPER: "", PREPRINT: "P", SOFTWARE: "S"}
# Series in the order lists and reference blocks show them.
SERIES_ORDER = (PAPER, PREPRINT, SOFTWARE)
# Kind and status values that choose the series. PREPRINT_STATUSES is also
# Publication.PREPRINT_STATUSES: what lists, filters and the importer treat as a
# preprint. Plain strings, so a migration's historical model can use them.
SOFTWARE_KINDS = frozenset({"software", "dataset"})
PREPRINT_STATUSES = frozenset({"preprint", "under_review"})
# The columns the numbering writes, and what it reads to decide.
NUMBER_FIELDS = ["number_series", "serial", "preprint_number"]
READ_FIELDS = ["pk", "title", "kind", "status", *NUMBER_FIELDS]


def series_for(kind, status):
    """The series a publication of this kind and status is numbered in."""
    if kind in SOFTWARE_KINDS:
        return SOFTWARE
    if status in PREPRINT_STATUSES:
        return PREPRINT
    return PAPER


def label(series, number):
    """The number as printed, "12", "P3" or "S1"; "" without a number."""
    if number is None or not series:
        return ""
    return f"{PREFIXES.get(series, '')}{number}"


def sort_key(series, number):
    """Orders numbered items as lists show them: papers, preprints, software."""
    rank = SERIES_ORDER.index(series) if series in SERIES_ORDER else len(SERIES_ORDER)
    return (rank, number or 0)


def series_expression():
    """`series_for` as a database expression, to find rows in the wrong series."""
    return Case(
        When(kind__in=sorted(SOFTWARE_KINDS), then=Value(SOFTWARE)),
        When(status__in=sorted(PREPRINT_STATUSES), then=Value(PREPRINT)),
        default=Value(PAPER),
        output_field=models.CharField(),
    )


def date_order():
    """Oldest first: by year (undated last), month (unknown first), then pk."""
    return [
        F("year").asc(nulls_last=True),
        F("month").asc(nulls_first=True),
        "pk",
    ]


def next_numbers(model):
    """{series: the next free number}, each read from an index.

    A preprint number kept by a published paper stays taken. Each series' highest
    serial comes from the (number_series, serial) unique index and the highest
    former P-number from its partial index: one aggregate with a filter per series
    read every row, a cost each batch of an import paid again.
    """
    manager = model._default_manager
    free = {
        series: (
            manager.filter(number_series=series)
            .order_by("-serial")
            .values_list("serial", flat=True)
            .first()
            or 0
        )
        + 1
        for series in SERIES_ORDER
    }
    former = (
        manager.filter(preprint_number__isnull=False)
        .order_by("-preprint_number")
        .values_list("preprint_number", flat=True)
        .first()
    )
    free[PREPRINT] = max(free[PREPRINT], (former or 0) + 1)
    return free


def date_key(year, month, position):
    """`date_order` in Python, for rows not yet written: ``position`` (their
    order of insertion) stands in for the primary key."""
    return (year is None, year or 0, month is not None, month or 0, position)


def numbers_for_new(model, rows):
    """[(series, serial), ...] for new rows, in their order, before they are
    inserted: numbered by date (`date_key`), oldest first, after the highest
    number in use, as `number_missing` would number them once inserted.

    ``rows``: dicts with ``kind``, ``status``, ``year`` and ``month``. The
    importer writes the numbers with the rows, which saves reading every new
    row back and updating it (docs/benchmark.md, section 3).
    """
    if not rows:
        return []
    free = next_numbers(model)
    numbers = [None] * len(rows)
    order = sorted(
        range(len(rows)),
        key=lambda index: date_key(rows[index]["year"], rows[index]["month"], index),
    )
    for index in order:
        series = series_for(rows[index]["kind"], rows[index]["status"])
        numbers[index] = (series, free[series])
        free[series] += 1
    return numbers


def needs_number(publication):
    """True when the publication has no number or one of the wrong series."""
    return publication.serial is None or publication.number_series != series_for(
        publication.kind, publication.status
    )


def number_taken(publication):
    """True when another row holds publication's number (series and serial)."""
    return (
        type(publication)
        ._default_manager.filter(
            number_series=publication.number_series, serial=publication.serial
        )
        .exclude(pk=publication.pk)
        .exists()
    )


def give_number(publication, free):
    """Number publication from free ({series: next number}, advanced in place).

    Returns the fields it changed, for a ``save(update_fields=...)`` or a
    ``bulk_update``. A preprint moving to another series keeps its P-number in
    ``preprint_number``; one moving back to the preprints takes that P-number
    again (without drawing from free) and keeps no former P-number.
    """
    series = series_for(publication.kind, publication.status)
    changed = ["number_series", "serial"]
    if series == PREPRINT and publication.preprint_number:
        # Reserved for it since it left the preprints (`next_numbers`), so free.
        serial = publication.preprint_number
        publication.preprint_number = None
        changed.append("preprint_number")
    else:
        serial = free[series]
        free[series] += 1
        if (
            publication.number_series == PREPRINT
            and publication.serial
            and series != PREPRINT
        ):
            publication.preprint_number = publication.serial
            changed.append("preprint_number")
    publication.number_series = series
    publication.serial = serial
    return changed


def number_missing(queryset, *, dry_run=False):
    """Number the rows of queryset that have no number or a wrong series.

    They are numbered by date, oldest first, after the highest number in use;
    numbered rows keep theirs. Returns [(publication, old label, new label)].
    """
    model = queryset.model
    pending = list(
        queryset.annotate(expected_series=series_expression())
        .filter(Q(serial__isnull=True) | ~Q(number_series=F("expected_series")))
        .order_by(*date_order())
        .only(*READ_FIELDS)
    )
    if not pending:
        return []
    free = next_numbers(model)
    changes = []
    for publication in pending:
        before = label(publication.number_series, publication.serial)
        give_number(publication, free)
        changes.append(
            (publication, before, label(publication.number_series, publication.serial))
        )
    if not dry_run:
        store_numbers(queryset.db, model, pending)
    return changes


def renumber(model, *, dry_run=False):
    """Number every publication again by date, each series from 1.

    Former preprint numbers are forgotten: the preprints are numbered anew.
    Returns [(publication, old label, new label)] for the rows whose label
    changes.
    """
    rows = list(model._default_manager.order_by(*date_order()).only(*READ_FIELDS))
    free = dict.fromkeys(SERIES_ORDER, 1)
    changes = []
    for publication in rows:
        before = label(publication.number_series, publication.serial)
        publication.number_series = series_for(publication.kind, publication.status)
        publication.serial = free[publication.number_series]
        publication.preprint_number = None
        free[publication.number_series] += 1
        after = label(publication.number_series, publication.serial)
        if after != before:
            changes.append((publication, before, after))
    if not dry_run and rows:
        # Numbers swap between rows: clear them first so the unique constraint
        # never sees two rows holding one number mid-update.
        manager = model._default_manager
        manager.update(serial=None, number_series="", preprint_number=None)
        store_numbers(manager.db, model, rows)
    return changes


def store_numbers(database, model, publications):
    """Write the ``NUMBER_FIELDS`` of publications (model instances with a pk)
    to the database alias ``database``: one UPDATE by primary key, sent once per
    row with ``executemany``.

    ``bulk_update`` builds a CASE WHEN over a batch's rows, resolved as Django
    expressions row by row: numbering a 10,000-entry first import that way took
    more than half of the import (docs/benchmark.md, section 3). The numbers
    given are all free, so no row ever meets the unique constraint mid-way.
    """
    meta = model._meta
    connection = connections[database]
    quote = connection.ops.quote_name
    assignments = ", ".join(
        f"{quote(meta.get_field(name).column)} = %s" for name in NUMBER_FIELDS
    )
    sql = (
        f"UPDATE {quote(meta.db_table)} SET {assignments} "
        f"WHERE {quote(meta.pk.column)} = %s"
    )
    rows = [
        (*(getattr(row, name) for name in NUMBER_FIELDS), row.pk)
        for row in publications
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
