"""Shaping publication rows for pages: lists split and grouped as shown.

Each item shows its own stored number (``Publication.number_label``, given by
publications.numbering), so a paper reads the same on every list.

Publication querysets call this module (`listed()`, `recent_numbered()`), so it
imports no model and reaches Authorship and Person through the rows' relations.
"""

import contextlib
import contextvars
from itertools import groupby
from typing import NamedTuple

from people.names import printed_name

# What a list item never shows; the full record is on the publication's page.
UNLISTED_FIELDS = ("bibtex_source", "import_fingerprint", "created_at", "updated_at")
# What a list item reads of an author's Person: name and its parts (a CJK name
# is shown family name first), page address, membership. In the model's field
# order: Model.from_db reads values in that order.
PERSON_FIELDS = ("id", "full_name", "given_name", "family_name", "slug", "is_member")


def split_by_status(publications):
    """Two lists from one: (published, preprints), order kept."""
    published, preprints = [], []
    for publication in publications:
        (preprints if publication.is_preprint else published).append(publication)
    return published, preprints


class ListedAuthor(NamedTuple):
    """One author of a list item; reads like an Authorship in templates."""

    person: object  # a people.Person holding only PERSON_FIELDS
    display_name: str
    equal_contribution: bool
    corresponding: bool
    other_marks: str


def list_items(queryset):
    """The publications of queryset as a list, each with ``listed_authors``.

    What `includes/_publication_item.html` reads, in two queries however long
    the list; see `attach_authors`.
    """
    return attach_authors(list(queryset.defer(*UNLISTED_FIELDS)))


def attach_authors(publications):
    """Set ``listed_authors`` (ordered ListedAuthor tuples) on each publication.

    One query of plain values: a long list shows thousands of authors, and
    building an Authorship and a full Person row for each was most of the
    page's database cost. Each person is one shared instance holding only
    name, slug and membership, so their page's address is worked out once.
    Inside ``sharing_authors(store)`` the authors of publications listed before
    are taken from the store instead (see there). Returns the publications.
    """
    by_pk = {publication.pk: publication for publication in publications}
    for publication in publications:
        publication.listed_authors = []
    if not by_pk:
        return publications
    # The models are reached through the rows' relations: publications.models
    # calls this module, so it cannot import them.
    authorship = type(publications[0])._meta.get_field("authorships").related_model
    store = _sharing.get()
    if store is None:
        authors = _read_authors(authorship, list(by_pk), {})
    else:
        authors = _shared_authors(store, authorship, list(by_pk))
    for pk, publication in by_pk.items():
        publication.listed_authors = list(authors[pk])
    return publications


def _read_authors(authorship, ids, people):
    """{publication id: [ListedAuthor, ...]} for ids (an empty list for one
    without authors), in one query; people ({person id: Person}) gives the
    instances to reuse and takes the new ones."""
    person_model = authorship._meta.get_field("person").related_model
    rows = (
        authorship.objects.filter(publication__in=ids)
        .order_by("publication", "position")
        .values_list(
            "publication",
            "printed_name",
            "equal_contribution",
            "corresponding",
            "other_marks",
            *(f"person__{name}" for name in PERSON_FIELDS),
        )
    )
    authors = {pk: [] for pk in ids}
    for publication_id, printed, equal, corresponding, marks, *person_row in rows:
        person_id, full_name = person_row[:2]
        person = people.get(person_id)
        if person is None:
            # from_db, as for .only(): the other fields stay deferred, and it
            # skips the per-field defaults Person(...) would work out.
            person = people[person_id] = person_model.from_db(
                rows.db, PERSON_FIELDS, person_row
            )
        shown = printed_name(
            printed or full_name, given=person.given_name, family=person.family_name
        )
        authors[publication_id].append(
            ListedAuthor(person, shown, equal, corresponding, marks)
        )
    return authors


def _shared_authors(store, authorship, ids):
    """The authors of ids as ``_read_authors`` gives them, reading only those
    of publications store has not met; what was kept is noted through
    ``store.note_rows`` as the reading query and its Person rows would be."""
    kept, people = store.listed_authors, store.listed_people
    new = [pk for pk in ids if pk not in kept]
    if new:
        read = set(new)
        # Reused Person instances are not built again, so post_init does not
        # note them: noted below with the rest.
        kept.update(_read_authors(authorship, new, people))
    else:
        read = ()
    if store.note_rows is not None:
        old = [pk for pk in ids if pk not in read]
        if old:
            column = authorship._meta.get_field("publication").column
            store.note_rows(authorship._meta.db_table, column, old)
        person_ids = {author.person.pk for pk in ids for author in kept[pk]}
        if person_ids:
            meta = authorship._meta.get_field("person").related_model._meta
            store.note_rows(meta.db_table, meta.pk.column, sorted(person_ids))
    return kept


# The store whose kept authors attach_authors reuses (sharing_authors).
_sharing = contextvars.ContextVar("labsite_listed_authors", default=None)


@contextlib.contextmanager
def sharing_authors(store):
    """Within the block, attach_authors reads each publication's authors once
    and keeps them in store for later lists: an export's EntryStore that keeps
    its inputs (``listed_authors``: {publication id: [ListedAuthor]},
    ``listed_people``: {person id: Person}, ``note_rows``), held while the
    rows do not change. A static export lists each paper on its authors' and
    themes' pages and feeds, and reading its authors again for each was the
    largest part of those pages' cost. No store (None), or one keeping
    nothing (its ``listed_authors`` None), changes nothing."""
    keeps = store is not None and store.listed_authors is not None
    token = _sharing.set(store if keeps else None)
    try:
        yield store
    finally:
        _sharing.reset(token)


def group_by_year(publications):
    """[(year, [publication, ...]), ...] for consecutive items of the same year."""
    return [
        (year, list(items))
        for year, items in groupby(publications, key=lambda p: p.year)
    ]


def year_pages(year_rows, *, target):
    """Cut year rows (dicts with year, published, preprints) into pages.

    A page holds whole years: it closes once it reaches ``target`` items, so a
    year is never split and a long list stays browsable a few years at a time.
    """
    pages, current, size = [], [], 0
    for row in year_rows:
        current.append(row)
        size += row["published"] + row["preprints"]
        if size >= target:
            pages.append(current)
            current, size = [], 0
    if current:
        pages.append(current)
    return pages


# Publications kept as instances while an export's store lasts (_shared_rows):
# a 10,000-publication site's, about 3 KiB each.
KEPT_ROWS = 10_000

# recent_numbered's default: as many preprints as papers.
AS_MANY = object()


def recent_numbered(queryset, *, limit, preprint_limit=AS_MANY):
    """The newest published papers and preprints of queryset.

    Returns (published, preprints, totals): at most ``limit`` of each (or
    ``preprint_limit`` preprints; None for either lists all), newest first, with
    authors attached; each shows its stored number. A fixed number of queries
    however many rows match.
    """
    totals = queryset.status_totals()
    ordered = queryset.newest_first().defer(*UNLISTED_FIELDS)
    published = _rows(ordered.published(), limit) if totals["published"] else []
    preprint_limit = limit if preprint_limit is AS_MANY else preprint_limit
    preprints = (
        _rows(ordered.preprints(), preprint_limit) if totals["preprints"] else []
    )
    attach_authors([*published, *preprints])
    return published, preprints, totals


def _rows(queryset, limit):
    """list(queryset[:limit]) (limit None: all). Inside
    ``sharing_authors(store)``, for a queryset of plain rows, its ids only,
    then each publication as ``_shared_rows`` gives it."""
    store = _sharing.get()
    query = queryset.query
    if (
        store is None
        or store.listed_rows is None
        or query.annotations
        or query.select_related
        or queryset._prefetch_related_lookups
    ):
        return list(queryset[:limit])
    ids = list(queryset.values_list("pk", flat=True)[:limit])
    return _shared_rows(store, queryset, ids)


def _shared_rows(store, queryset, ids):
    """The publications of ids that exist, in order, as queryset's fields
    load them: kept in store (``store.listed_rows``, bounded, the least
    recently used dropped) from an earlier list, else read by id now and
    kept. The rows kept are noted through ``store.note_rows`` as their
    lookup by id would be. A person's papers are listed on each author's
    page and CV and on their themes' pages; building each as a model
    instance again was most of a CV's cost at 10,000 publications."""
    model = queryset.model
    # What a row loads (the deferred fields): part of the key, so a list
    # that loads other fields never takes another's instances.
    loading = queryset.query.deferred_loading

    def load(keys):
        read = model._default_manager.filter(pk__in=[pk for pk, _loading in keys])
        read.query.deferred_loading = loading
        return {(row.pk, loading): row for row in read.order_by()}

    keys = [(pk, loading) for pk in ids]
    kept = {key for key in keys if key in store.listed_rows}
    found = {
        pk: row
        for (pk, _loading), row in store.listed_rows.take(
            keys, load, limit=KEPT_ROWS
        ).items()
    }
    old = [pk for pk in ids if (pk, loading) in kept]
    if old and store.note_rows is not None:
        store.note_rows(model._meta.db_table, model._meta.pk.column, old)
    return [found[pk] for pk in ids if pk in found]
