"""Citation downloads written entry by entry, each entry once per distinct input.

A publication's BibTeX, CSL-JSON and RIS entry and its formatted reference
stand in the whole list's download, in each of its authors' and themes' list
downloads, and (the data formats) in its own cite.bib, cite.json and cite.ris.
While an EntryStore is active (``publications.entries.reusing``: the static
export holds one kept on disk for its run and the next ones), each entry is written once
per distinct input and every later file copies it; without one (a visitor's
request) every entry is written, from the same writers.

The key is a digest of every column of the publication's row, of each of its
authorship rows in order and of each author's person row, with the format (for
formatted text also the style and the formatter's version) and the language.
What the writers read (``publications.bibtex.export``,
``publications.references``) lies within those rows, so an edit of any of
them makes a new key and no entry is stale; old entries age out of the bounded
store. The rows are read as tuples (``values_list``), a fraction of the cost of
model instances, and by their ids (``WHERE id IN ...``), so the static export's
dependency recorder (site_config/export/deps.py) still notes each row a
download was made from. Only publications whose entries are missing are loaded
as instances, with their authors, and written.
"""

import hashlib
from collections import defaultdict

from django.utils import translation

from people.models import Person
from publications.bibtex.export import entry_text, join_entries
from publications.entries import active_store
from publications.listing import UNLISTED_FIELDS
from publications.models import Authorship, Publication
from publications.references import FORMAT_VERSION, text_entries

# The formatted reference list (``references.text_entries``), beside the data
# formats of ``publications.bibtex.export.FORMATS``.
TEXT = "text"


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
    rows = _rows(Publication.objects.filter(pk__in=ids))
    found = {row[0]: row for row in rows}
    return _stored([found[pk] for pk in ids if pk in found], fmt, style)


def item_entries(slug, fmt):
    """download_entries for the one publication with slug ([] when none)."""
    publications = Publication.objects.filter(slug=slug)
    if active_store() is None:
        return _write(_loaded(publications), fmt, None)
    # A lookup by slug: the recorder notes the row by its slug.
    return _stored(_rows(publications[:1]), fmt, None)


def download_body(entries, fmt):
    """The file of fmt holding entries (``download_entries``'), in order."""
    return "".join(entries) if fmt == TEXT else join_entries(entries, fmt)


def _write(publications, fmt, style):
    if fmt == TEXT:
        return text_entries(publications, style)
    return [entry_text(publication, fmt) for publication in publications]


def _loaded(publications):
    return list(publications.with_authors(people_once=True))


def _stored(rows, fmt, style):
    """The entries of the publications whose rows (``_rows``, in order) are
    given, from the active store, writing and storing those it lacks."""
    store = active_store()
    keys = _keys(rows, fmt, style)
    texts = store.get_many(keys)
    missing = [row[0] for row, text in zip(rows, texts, strict=True) if text is None]
    if missing:
        by_pk = {
            publication.pk: publication
            for publication in _loaded(Publication.objects.filter(pk__in=missing))
        }
        # A row deleted since it was read is left out, as a list read a
        # moment later would leave it out.
        loaded = [by_pk[pk] for pk in missing if pk in by_pk]
        made = dict(
            zip(
                [publication.pk for publication in loaded],
                _write(loaded, fmt, style),
                strict=True,
            )
        )
        for index, row in enumerate(rows):
            if texts[index] is None and row[0] in made:
                texts[index] = made[row[0]]
                store.put(keys[index], texts[index])
    return [text for text in texts if text is not None]


def _rows(publications):
    """The rows of publications (a queryset) as tuples of ``_columns``."""
    return list(publications.values_list(*_columns(Publication)))


def _keys(rows, fmt, style):
    """Each publication's key (its row given, in order): a digest of its row,
    its authorship rows in order and their people's rows."""
    head = "\x1f".join(
        [
            fmt,
            f"{style}:{FORMAT_VERSION}" if fmt == TEXT else "",
            translation.get_language() or "",
        ]
    )
    ids = [row[0] for row in rows]
    authorships = defaultdict(list)
    for row in (
        Authorship.objects.filter(publication_id__in=ids)
        .order_by("publication_id", "position")
        .values_list("publication_id", "person_id", *_columns(Authorship))
    ):
        authorships[row[0]].append(row)
    wanted = {row[1] for rows in authorships.values() for row in rows}
    # Each person's row once, as a digest: a person is on many of the papers.
    people = {
        row[0]: hashlib.blake2b(repr(row).encode(), digest_size=16).hexdigest()
        for row in Person._base_manager.filter(pk__in=wanted).values_list(
            *_columns(Person)
        )
    }
    keys = []
    for row in rows:
        digest = hashlib.blake2b(head.encode(), digest_size=16)
        digest.update(repr(row).encode())
        for authorship in authorships.get(row[0], ()):
            digest.update(f"\x1e{authorship!r}{people.get(authorship[1])}".encode())
        keys.append(digest.hexdigest())
    return keys


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
