"""The import's writes: batched INSERTs without model instances, and the
``BatchWriter`` that turns one batch of matched works into rows.

``bulk_create`` prepares its SQL value by value in Python, which made it most of
a large import's time on its own (figures in docs/bibtex.md). Here the caller
gives the columns it sets once and then plain tuples, streamed from a generator;
every other column gets its default, prepared once per call,
and the rows go to the database with ``executemany`` a batch at a time. Column
defaults and ``auto_now`` stamps come from the model's fields, so new columns
added to these models by later migrations are filled the way the ORM would.
"""

from itertools import islice
from operator import itemgetter

from django.db import connection, models
from django.utils import timezone

from people.models import Person
from publications import numbering
from publications.bibtex.fingerprint import Fingerprint
from publications.bibtex.merge import (
    FieldChange,
    as_last_imported,
    carries_marks,
    expressed,
    plan_authors,
    plan_update,
    with_marks,
)
from publications.bibtex.normalise import MANAGED_FIELDS
from publications.models import Authorship, Publication
from site_config.pagecache.cache import bump_content_version

BATCH_ROWS = 2000
# Rows per bulk_update and per IN (...) list.
BATCH_SIZE = 500
PUBLICATION_COLUMNS = [
    *MANAGED_FIELDS,
    "number_series",
    "serial",
    "slug",
    "bibtex_key",
    "bibtex_source",
    "import_fingerprint",
]
PERSON_COLUMNS = [
    "full_name",
    "given_name",
    "family_name",
    "slug",
    "is_member",
    "role",
    "show_on_people_page",
]
AUTHORSHIP_COLUMNS = [
    "publication_id",
    "person_id",
    "position",
    "printed_name",
    "equal_contribution",
    "corresponding",
    "other_marks",
]
# The MANAGED_FIELDS of a dict of values, as a tuple in that order.
_managed_values = itemgetter(*MANAGED_FIELDS)
_PLAIN = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.ForeignKey,
)


class EncodedJSON(str):
    """A JSON field's value already encoded, sent to the database as it is.

    Both backends accept JSON text for a JSON column (SQLite stores text,
    PostgreSQL casts the untyped literal), so a value whose encoding the import
    needed anyway is not encoded a second time.
    """


def bulk_insert(model, columns, rows):
    """Insert rows (tuples of the given columns' values, by attname).

    Returns {slug: pk} of the new rows when the model has a slug column and it is
    among the columns, else {}: the new rows are found again by their unique
    slugs among the rows above the highest primary key before the insert, with
    one query whatever the number of rows.
    """
    rows = iter(rows)
    batch = list(islice(rows, BATCH_ROWS))
    if not batch:
        return {}
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    by_attname = {field.attname: field for field in fields}
    given = [by_attname[name] for name in columns]
    rest = [field for field in fields if field.attname not in columns]
    now = timezone.now()
    defaults = []
    for field in rest:
        auto = getattr(field, "auto_now", False) or getattr(
            field, "auto_now_add", False
        )
        defaults.append(
            field.get_db_prep_save(now if auto else field.get_default(), connection)
        )
    defaults = tuple(defaults)
    prepare = [
        (index, field)
        for index, field in enumerate(given)
        if not isinstance(field, _PLAIN) or isinstance(field, models.FileField)
    ]
    slug_index = columns.index("slug") if "slug" in columns else None
    manager = model._default_manager
    if slug_index is not None:
        last = manager.order_by("-pk").values_list("pk", flat=True).first() or 0
    names = ", ".join(connection.ops.quote_name(f.column) for f in given + rest)
    table = connection.ops.quote_name(model._meta.db_table)
    placeholders = ", ".join(["%s"] * (len(given) + len(rest)))
    sql = f"INSERT INTO {table} ({names}) VALUES ({placeholders})"
    slugs = set()
    with connection.cursor() as cursor:
        # A batch at a time, so the text and JSON of all rows never sit in
        # memory at once.
        while batch:
            if prepare:
                batch = [_prepared(row, prepare) for row in batch]
            if slug_index is not None:
                slugs.update(row[slug_index] for row in batch)
            cursor.executemany(sql, [row + defaults for row in batch])
            batch = list(islice(rows, BATCH_ROWS))
    if slug_index is None:
        return {}
    created = manager.filter(pk__gt=last).order_by().values_list("slug", "pk")
    return {slug: pk for slug, pk in created.iterator() if slug in slugs}


# An empty list or object in a JSON column, as its encoder writes it: most
# works have no editors and no other fields, and the field's own preparation
# (json.dumps through two calls) was a sizeable part of each row.
_EMPTY_JSON = {list: EncodedJSON("[]"), dict: EncodedJSON("{}")}


def _prepared(row, prepare):
    row = list(row)
    for index, field in prepare:
        value = row[index]
        if isinstance(value, EncodedJSON):
            continue
        if not value and type(value) in _EMPTY_JSON:
            # Only JSON columns hold lists and dicts.
            row[index] = _EMPTY_JSON[type(value)]
        else:
            row[index] = field.get_db_prep_save(value, connection)
    return tuple(row)


class BatchWriter:
    """Writes one batch of ``match.Target`` objects: new publications with bulk
    INSERTs, changed ones with ``bulk_update``, their authorships and themes.

    Decisions come from ``merge`` (what a work's values are, which fields a
    re-import may change); this class only turns them into SQL. ``people`` is a
    callable giving the ``match.PeopleIndex``; ``slug`` makes unique slugs;
    ``warn(target, message)`` and ``changed(target, plan)`` report back.
    """

    def __init__(self, *, people, slug, themes, overwrite, warn, changed):
        self.people = people
        self.slug = slug
        self.themes = themes
        self.overwrite = overwrite
        self.warn = warn
        self.changed = changed
        self.people_created = 0

    def write(self, targets):
        """Write the targets; sets each one's ``pk`` and ``outcome``."""
        new = [t for t in targets if t.is_new]
        existing = [t for t in targets if not t.is_new]
        author_jobs = []
        self._create(new, author_jobs)
        self._update(existing, author_jobs)
        self._write_authors(author_jobs)
        self._link_themes(targets)
        # Bulk updates skip save(): works a re-import moved to another series (a
        # preprint that was published) get their numbers here by the same rule;
        # new works got theirs with their rows (_create).
        existing = [t.pk for t in targets if t.pk and t.outcome != "created"]
        if existing:
            numbering.number_missing(Publication.objects.filter(pk__in=existing))
        if any(target.outcome in {"created", "updated"} for target in targets):
            # Batched writes send no signals: cached pages must be told here (the
            # stamp moves when this batch commits).
            bump_content_version()

    def _create(self, targets, author_jobs):
        slugs = []
        merged = [target.merged_values() for target in targets]
        numbers = numbering.numbers_for_new(Publication, merged)
        # Each work's author list, worked out once for its fingerprint and its rows.
        author_lists = [target.merged_authors() for target in targets]

        def rows():
            # Generated while inserting: one batch of rows is in memory at a time.
            for index, target in enumerate(targets):
                values, merged[index] = merged[index], None  # not kept past its row
                number = numbers[index]
                authors = author_lists[index]
                fingerprint = Fingerprint.of(
                    values,
                    [a.display for a in authors or ()],
                    first_family=target.first_family(authors),
                    sources=[r.source_hash for r in target.records],
                    keys=target.entry_keys(),
                )
                slug = self.slug(values["title"])
                slugs.append(slug)
                target.outcome = "created"
                target.fingerprint = fingerprint
                encoded = EncodedJSON(fingerprint.to_json())
                # The text is in the row now: not kept for the rest of the run.
                fingerprint.encoded = ""
                yield (
                    *_managed_values(values),
                    *number,
                    slug,
                    target.key,
                    target.records[0].source,
                    encoded,
                )

        pks = bulk_insert(Publication, PUBLICATION_COLUMNS, rows())
        for target, slug, authors in zip(targets, slugs, author_lists, strict=True):
            target.pk = pks[slug]
            if authors:
                author_jobs.append((target, authors, False))

    def _update(self, targets, author_jobs):
        pending, resourced = [], []
        for target in targets:
            if not target.records:
                target.outcome = "unchanged"
                continue
            fields = expressed(target.records)
            values = as_last_imported(target.new_values(), fields, target.fingerprint)
            authors = target.merged_authors()
            names = (
                [a.display for a in authors]
                if authors is not None
                else target.fingerprint.authors
            )
            fingerprint = Fingerprint.of(
                values,
                names,
                first_family=target.first_family(authors),
                sources=[r.source_hash for r in target.records],
                keys=target.entry_keys(),
            )
            if fingerprint.hash == target.fingerprint.hash and not self.overwrite:
                target.outcome = "unchanged"
                if fingerprint.sources != target.fingerprint.sources:
                    # Same values from reformatted text: remember the new text.
                    target.fingerprint = fingerprint
                    resourced.append(target)
                continue
            pending.append((target, values, authors, fingerprint, fields))
        for target in resourced:
            Publication.objects.filter(pk=target.pk).update(
                import_fingerprint=target.fingerprint.to_dict(),
                bibtex_source=target.records[-1].source,
            )
        if not pending:
            return
        rows = Publication.objects.in_bulk([t.pk for t, *_ in pending])
        current_authors, current_marks = _current_authors([t.pk for t, *_ in pending])
        changed_rows, changed_fields = [], set()
        for target, values, authors, fingerprint, fields in pending:
            row = rows[target.pk]
            current = {name: getattr(row, name) for name in MANAGED_FIELDS}
            plan = plan_update(
                current=current,
                imported=target.fingerprint,
                new=values,
                overwrite=self.overwrite,
                names=fields,
            )
            for change in plan.changes:
                setattr(row, change.name, change.new)
            if authors is not None:
                now = current_authors.get(target.pk, [])
                imported = [a.display for a in authors]
                decision = plan_authors(
                    current=now,
                    imported=target.fingerprint,
                    new=imported,
                    overwrite=self.overwrite,
                )
                if decision == "replace":
                    if not carries_marks(target.records):
                        # Who contributed equally or corresponds is only said
                        # in BibTeX: a new list from another format keeps the
                        # marks of the names it shares with the list it replaces.
                        authors = with_marks(authors, current_marks.get(target.pk))
                    author_jobs.append((target, authors, True))
                    plan.changes.append(FieldChange("authors", now, imported))
                elif decision == "kept":
                    plan.kept.append(FieldChange("authors", now, imported))
            for kept in plan.kept:
                self.warn(
                    target,
                    f"kept the editor's {kept.name} (file differs; use "
                    "--overwrite to replace)",
                )
            self.changed(target, plan)
            row.import_fingerprint = fingerprint.to_dict()
            row.bibtex_source = target.records[-1].source
            target.fingerprint = fingerprint
            changed_fields.update(c.name for c in plan.changes if c.name != "authors")
            target.outcome = "updated" if plan.changes else "unchanged"
            changed_rows.append(row)
        Publication.objects.bulk_update(
            changed_rows,
            sorted(changed_fields | {"import_fingerprint", "bibtex_source"}),
            batch_size=BATCH_SIZE,
        )

    def _write_authors(self, jobs):
        if not jobs:
            return
        people = self.people()
        resolved = []
        for target, authors, _replace in jobs:
            warnings = []
            found = [people.resolve(author, warnings) for author in authors]
            for message in warnings:
                self.warn(target, message)
            resolved.append((target, authors, found))
        created = [p for p in people.created if p.pk is None]
        if created:
            pks = bulk_insert(
                Person,
                PERSON_COLUMNS,
                (tuple(getattr(p, name) for name in PERSON_COLUMNS) for p in created),
            )
            for person in created:
                person.pk = pks[person.slug]
            self.people_created += len(created)
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
                author.equal_contribution,
                author.corresponding,
                author.other_marks,
            )
            for target, authors, found in resolved
            for position, (author, person) in enumerate(
                zip(authors, found, strict=True)
            )
        )
        bulk_insert(Authorship, AUTHORSHIP_COLUMNS, rows)

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
    """``(names, marks)``: publication pk -> names as printed now, in order, and
    pk -> {name: (equal_contribution, corresponding, other_marks)}."""
    names, marks = {}, {}
    for start in range(0, len(pks), BATCH_SIZE):
        batch = pks[start : start + BATCH_SIZE]
        rows = (
            Authorship.objects.filter(publication_id__in=batch)
            .order_by("publication_id", "position")
            .values_list(
                "publication_id",
                "printed_name",
                "person__full_name",
                "equal_contribution",
                "corresponding",
                "other_marks",
            )
        )
        for pk, printed, full_name, equal, corresponding, other in rows:
            name = printed or full_name
            names.setdefault(pk, []).append(name)
            marks.setdefault(pk, {})[name] = (equal, corresponding, other)
    return names, marks
