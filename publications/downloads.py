"""Citation downloads written entry by entry, each entry once per distinct input.

A publication's BibTeX, CSL-JSON and RIS entry and its formatted reference
stand in the whole list's download, in each of its authors' and themes' list
downloads, and (the data formats) in its own cite.bib, cite.json and cite.ris.
While an EntryStore is active (``publications.entries.reusing``: the static
export holds one kept on disk for its run and the next ones), each entry is written once
per distinct input and every later file copies it; without one (a visitor's
request) every entry is written, from the same writers.

The key is a digest of every column of the publication's row, of each of its
authorship rows in order and of each author's person row (read once per store
for all formats and lists: ``_inputs``), with the format (for formatted text
also the style and the formatter's version) and the language.
What the writers read (``publications.bibtex.export``,
``publications.references``) lies within those rows, so an edit of any of
them makes a new key and no entry is stale; old entries age out of the bounded
store. The rows are read as tuples (``values_list``), a fraction of the cost of
model instances, and by their ids (``WHERE id IN ...``), so the static export's
dependency recorder (site_config/export/deps.py) still notes each row a
download was made from. Only publications whose entries are missing are loaded
as instances, with their authors, and written: in every data format at once
(the other downloads of the list ask for them next), the instances kept for
the formatted text while an export's store lasts.
"""

import hashlib
import json
from collections import defaultdict

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.utils import translation

from people.models import Person
from publications.bibtex.export import FORMATS, entry_text, join_entries
from publications.entries import active_store
from publications.listing import UNLISTED_FIELDS
from publications.models import Authorship, Publication
from publications.references import FORMAT_VERSION, text_entries

# The formatted reference list (``references.text_entries``), beside the data
# formats of ``publications.bibtex.export.FORMATS``.
TEXT = "text"
# A publication page's cite box (``cite_texts``): its reference and BibTeX.
CITE = "cite"
# Publications kept loaded (with their authors) while an export's store
# lasts, for its other downloads: a few MB a thousand.
LOADED_LIMIT = 2_000
# Ids looked up in one query when the rows changed since an earlier export
# are read again (restore_inputs).
READ_CHUNK = 500


def download_entries(publications, fmt, *, limit, style=None):
    """The entries of the first limit publications of the queryset
    publications, in its order, as they stand in a download of fmt: a key of
    ``publications.bibtex.export.FORMATS``, or TEXT for a formatted reference
    list in style (a CitationStyle value), numbered with the site's numbers.
    ``download_body`` joins them into the file."""
    if active_store() is None:
        return _write(_loaded(publications[:limit]), fmt, style)
    # The list is a filter: its ids first, then the rows by id, which the
    # export's recorder notes row by row.
    ids = list(publications.values_list("pk", flat=True)[:limit])
    return _stored(ids, fmt, style)


def item_entries(slug, fmt):
    """download_entries for the one publication with slug ([] when none)."""
    # One row at most (slugs are unique): the model's ordering would only cost
    # compiling, a sixth of a cite.bib download's time in a static export.
    publications = Publication.objects.filter(slug=slug).order_by()
    if active_store() is None:
        return _write(_loaded(publications), fmt, None)
    # A lookup by slug: the recorder notes the row by its slug.
    return _stored(list(publications.values_list("pk", flat=True)[:1]), fmt, None)


def cite_texts(publication, style, write):
    """The cite box's texts of a saved publication in style (a CitationStyle
    value): write(), a (reference HTML, BibTeX) pair, made once per distinct
    input while a store is active (its page is rendered again by an export
    after a change elsewhere or on a new date) and copied after; without a
    store, write() each time."""
    store = active_store()
    if store is None or publication.pk is None:
        return write()
    digest = _inputs(store, [publication.pk]).get(publication.pk)
    if digest is None:
        # Deleted since the page read it: nothing to key the texts by.
        return write()
    head = f"{CITE}\x1f{style}:{FORMAT_VERSION}\x1f{translation.get_language() or ''}"
    key = hashlib.blake2b(head.encode() + digest, digest_size=16).hexdigest()
    stored = store.get(key)
    if stored is not None:
        return tuple(json.loads(stored))
    texts = write()
    store.put(key, json.dumps(texts, ensure_ascii=False))
    return texts


def download_body(entries, fmt):
    """The file of fmt holding entries (``download_entries``'), in order."""
    return "".join(entries) if fmt == TEXT else join_entries(entries, fmt)


def _write(publications, fmt, style):
    if fmt == TEXT:
        return text_entries(publications, style)
    return [entry_text(publication, fmt) for publication in publications]


def _loaded(publications):
    # What no writer reads (the original BibTeX, timestamps) stays unread.
    return list(publications.defer(*UNLISTED_FIELDS).with_authors(people_once=True))


def _stored(ids, fmt, style):
    """The entries of the publications with ids (in order) from the active
    store, writing and storing those it lacks."""
    store = active_store()
    inputs = _inputs(store, ids)
    # A row deleted since its id was read is left out, as a list read a
    # moment later would leave it out.
    ids = [pk for pk in ids if pk in inputs]
    keys = _keys(inputs, ids, fmt, style)
    texts = store.get_many(keys)
    missing = [pk for pk, text in zip(ids, texts, strict=True) if text is None]
    if missing:
        made = _written(store, inputs, missing, fmt, style)
        for index, pk in enumerate(ids):
            if texts[index] is None and pk in made:
                texts[index] = made[pk]
    return [text for text in texts if text is not None]


def _keys(inputs, ids, fmt, style):
    """The store's keys of the entries of fmt (in style) of ids, in order."""
    head = "\x1f".join(
        [
            fmt,
            f"{style}:{FORMAT_VERSION}" if fmt == TEXT else "",
            translation.get_language() or "",
        ]
    ).encode()
    return [
        hashlib.blake2b(head + inputs[pk], digest_size=16).hexdigest() for pk in ids
    ]


def _written(store, inputs, ids, fmt, style):
    """{id: entry of fmt} for those of ids whose publication exists, written
    and put in store. A data format's miss writes and puts every data
    format's entry of those publications: the list's other downloads and the
    publications' own files ask for them next, and loading the instances
    (with their authors) costs several times what writing an entry does.
    The formatted text is written only for the style asked for."""
    loaded = _instances(store, inputs, ids)
    formats = [fmt] if fmt == TEXT else [fmt, *(f for f in FORMATS if f != fmt)]
    made = {}
    for each in formats:
        texts = _write(loaded, each, style)
        keys = _keys(inputs, [publication.pk for publication in loaded], each, style)
        for key, text in zip(keys, texts, strict=True):
            store.put(key, text)
        if each == fmt:
            made = dict(
                zip([publication.pk for publication in loaded], texts, strict=True)
            )
    return made


def _instances(store, inputs, ids):
    """The publications of ids that exist (in order) as model instances with
    their authors: loaded now, or kept from an earlier download while store
    keeps inputs (``store.loaded``, bounded), under the digest of the rows
    they were loaded from, so an instance is only reused for the same rows.
    The rows they were read from are noted on each use by ``_inputs``."""

    def load(keys):
        publications = Publication.objects.filter(pk__in=[pk for pk, _in in keys])
        return {
            (publication.pk, inputs[publication.pk]): publication
            for publication in _loaded(publications)
        }

    keys = [(pk, inputs[pk]) for pk in ids]
    if store.loaded is None:
        loaded = load(keys)
    else:
        loaded = store.loaded.take(keys, load, limit=LOADED_LIMIT)
    found = {pk: publication for (pk, _in), publication in loaded.items()}
    return [found[pk] for pk in ids if pk in found]


def _inputs(store, ids):
    """{id: digest of the publication's row, its authorship rows in order and
    their people's rows} for those of ids whose row exists: the part of an
    entry's key every format shares.

    Read once per store when it keeps them (``store.inputs``: the export's
    run, in each of its processes), since the whole list's four downloads,
    and each author's and theme's, hold the same publications. Each page
    still depends on the rows: those read now the recorder notes from the
    queries, those kept from an earlier page are noted through
    ``store.note_rows``, as the same lookups by id would be."""
    kept = store.inputs if store.inputs is not None else {}
    new = [pk for pk in dict.fromkeys(ids) if pk not in kept]
    if new:
        kept.update(_digests(new))
    read = set(new)
    old = [pk for pk in dict.fromkeys(ids) if pk in kept and pk not in read]
    if old and store.note_rows is not None:
        store.note_rows(Publication._meta.db_table, Publication._meta.pk.column, old)
        authorships = Authorship._meta
        column = authorships.get_field("publication").column
        store.note_rows(authorships.db_table, column, old)
        people = {person for pk in old for person in kept[pk][1]}
        store.note_rows(Person._meta.db_table, Person._meta.pk.column, people)
    return {pk: kept[pk][0] for pk in ids if pk in kept}


def read_all_inputs(store):
    """Read the digests ``_inputs`` keys entries by for every publication
    into store (an EntryStore keeping inputs; any other is left as is), in
    three queries.

    For a run that renders every page (a full static export), before its
    first page: each publication's page reads its own digest for its cite
    box, three queries a page (10% of a 10,000-publication export's render
    time), where one read of every row costs about what ten pages' did. Read
    outside a page, no page is noted as depending on all the rows: each page
    notes the rows it uses through ``store.note_rows``, as ``_inputs`` does
    for digests kept from an earlier page."""
    if store.inputs is not None:
        store.inputs.update(_digests(None))


def restore_inputs(store, saved, changed, known):
    """Put into store.inputs (an EntryStore keeping inputs; any other is left
    as is) the digests an earlier export read (``read_all_inputs``'s values,
    {id: (digest, author ids, authorship ids)}, as it kept them) that the rows
    changed since leave as they were, and read again those of the
    publications whose rows changed: a new process's export after an edit
    then reads a few rows where it read every row in each of its workers
    (a whole-list download holds every publication: 0.7 to 0.9 s of CPU a
    worker at 10,000 publications).

    changed: {table name: {primary key as text}} of the rows added, changed
    or deleted since saved was read (the static export's row states:
    site_config/export/deps.py), covering the publications, authorships and
    people tables. known: the tables whose changes changed lists; unless it
    holds those three, nothing is restored (None is returned) and digests are
    read as pages need them. A digest is read again when its publication's
    row, one of its authorship rows (as it was, or as it is now: an
    authorship moved to another paper) or one of its authors' person rows is
    among them. With nothing saved (the last export stopped midway) every
    digest is read, once here rather than in each worker, so the next export
    has them all again. Read outside a page, as ``read_all_inputs``; returns
    how many were read again.
    """
    tables = {m._meta.db_table for m in (Publication, Authorship, Person)}
    if store.inputs is None or not tables <= set(known):
        return None
    if not saved:
        read_all_inputs(store)
        return len(store.inputs)
    # The three tables' primary keys are integers (AutoField).
    publications, authorships, people = (
        {int(pk) for pk in changed.get(model._meta.db_table, ())}
        for model in (Publication, Authorship, Person)
    )
    stale = set(publications)
    ordered = sorted(authorships)
    for start in range(0, len(ordered), READ_CHUNK):
        stale.update(
            Authorship.objects.filter(pk__in=ordered[start : start + READ_CHUNK])
            .order_by()
            .values_list("publication_id", flat=True)
        )
    for pk, value in saved.items():
        if pk in stale:
            continue
        if (authorships and not authorships.isdisjoint(value[2])) or (
            people and not people.isdisjoint(value[1])
        ):
            stale.add(pk)
        else:
            store.inputs[pk] = value
    if stale:
        # Past a few thousand, one read of every row costs less than a
        # lookup by id, and keeps the query under SQLite's parameter limit.
        many = len(stale) > READ_CHUNK * 10
        store.inputs.update(_digests(None if many else sorted(stale)))
    return len(stale)


def _digests(ids):
    """{id: (digest, ids of its authors, ids of its authorship rows)} of the
    publications with ids (None:
    every publication) that exist, read by id (rows as tuples of
    ``_columns``)."""
    publications, authorships_of, people_of = (
        Publication.objects,
        Authorship.objects,
        Person._base_manager,
    )
    if ids is not None:
        publications = publications.filter(pk__in=ids)
    rows = _fetched(publications.values_list(*_columns(Publication)))
    if ids is not None:
        authorships_of = authorships_of.filter(
            publication_id__in=[row[0] for row in rows]
        )
    authorships = defaultdict(list)
    for row in _fetched(
        authorships_of.order_by("publication_id", "position").values_list(
            "publication_id", "person_id", *_columns(Authorship)
        )
    ):
        authorships[row[0]].append(row)
    if ids is not None:
        people_of = people_of.filter(
            pk__in={row[1] for rows in authorships.values() for row in rows}
        )
    # Each person's row once, as a digest: a person is on many of the papers.
    people = {
        row[0]: hashlib.blake2b(repr(row).encode(), digest_size=16).hexdigest()
        for row in _fetched(people_of.values_list(*_columns(Person)))
    }
    digests = {}
    for row in rows:
        own = authorships.get(row[0], ())
        # One string a publication: its row, its authorship rows in order and
        # their people's digests (a call per authorship cost more than the
        # hashing).
        text = "\x1e".join(
            [
                repr(row),
                repr(own),
                *(people.get(authorship[1], "") for authorship in own),
            ]
        )
        digests[row[0]] = (
            hashlib.blake2b(text.encode(), digest_size=16).digest(),
            frozenset(authorship[1] for authorship in own),
            # _columns puts the primary key first: after publication_id
            # and person_id in these rows.
            frozenset(authorship[2] for authorship in own),
        )
    return digests


def _fetched(queryset):
    """The rows of a values_list queryset as the database driver returns them.

    A digest needs the values, not Python types: Django's converters
    (booleans and JSON on SQLite) and its fetching in chunks of 100 were most
    of the cost of reading every row of a 10,000-publication list. The SQL is
    the queryset's, run on its connection, so the export's recorder notes it
    as it notes the queryset."""
    try:
        sql, params = queryset.query.get_compiler(queryset.db).as_sql()
    except EmptyResultSet:
        # A filter no row can match (IN of no values): Django runs no query.
        return []
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


_COLUMNS = {}


def _columns(model):
    """The columns a key covers: all of model's table, its primary key first,
    but for a publication the fields no writer reads (its original BibTeX,
    import fingerprint and timestamps: publications.listing.UNLISTED_FIELDS)."""
    columns = _COLUMNS.get(model)
    if columns is None:
        pk = model._meta.pk.attname
        skip = {pk, *(UNLISTED_FIELDS if model is Publication else ())}
        columns = _COLUMNS[model] = (
            pk,
            *(f.attname for f in model._meta.concrete_fields if f.name not in skip),
        )
    return columns
