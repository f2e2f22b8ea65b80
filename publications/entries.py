"""A publication's list entry rendered once and reused across pages.

The same item (number, badge, title, authors with their marks, venue, abstract,
link buttons) appears on the list, a filter's pages, each author's page and CV,
its themes' pages and the home page. While a store is active (``reusing(store)``:
the static export holds one kept on disk for its run and the next ones,
site_config/export/entries.py), an entry is rendered once per distinct input
and later uses copy its HTML.

The key is a digest of everything the entry shows, not a row version: the
publication's listed fields, its authors as listed (name shown, person, slug,
membership, marks), whether previews show, the language and the URL prefix.
An edit of any of them makes a new key, so an entry is never stale; old ones
age out of the bounded store. Citations in an abstract are kept as markers
naming their keys (site_config.markup.citations.KeyMarkers) and become the
page's own citations on each use, so they link within the page that shows them.
"""

import contextlib
import contextvars
import hashlib
from collections import OrderedDict

from django.db.models.fields.files import FieldFile
from django.urls import get_script_prefix
from django.utils import translation

from publications.listing import UNLISTED_FIELDS, sharing_authors
from site_config.markup.citations import KeyMarkers, expand_stored, page_scope

# Entries kept: a 10,000-publication site's list entries (a few KiB each) and
# its download entries (publications/downloads.py: three data formats and a
# formatted reference, a KiB or two each) fit.
STORE_LIMIT = 60_000

_active = contextvars.ContextVar("labsite_entry_store", default=None)


class EntryStore:
    """Rendered entries by key, the least recently used dropped past limit;
    hits, misses and writes count lookups found, lookups not found and
    entries put.

    keep_inputs: keep in ``inputs`` the digests of what entries are made from,
    by publication id, read once while the store lasts
    (``publications.downloads``): only for a store held through one export,
    whose rows do not change under it (else ``inputs`` is None and they are
    read on each use); so, too, the authors lists show, in ``listed_authors``
    and ``listed_people`` (``publications.listing.sharing_authors``), and the
    publications downloads loaded, in ``loaded`` ({(id, inputs digest):
    instance}, the least recently used dropped: ``publications.downloads``).
    note_rows: None, or a callable(table, column, values) noting that the page
    being rendered read the rows of table whose column holds one of values,
    when inputs saved reading them (the static export's dependency recorder).
    """

    def __init__(self, limit=STORE_LIMIT, *, keep_inputs=False, note_rows=None):
        self.limit = limit
        self.entries = OrderedDict()
        self.hits = 0
        self.misses = 0
        self.writes = 0
        self.inputs = {} if keep_inputs else None
        # Publications' listed authors and their people, read once while the
        # store lasts when it keeps inputs (publications.listing.sharing_authors).
        self.listed_authors = {} if keep_inputs else None
        self.listed_people = {} if keep_inputs else None
        # Publications as those lists load them ({(id, fields loaded):
        # instance}, the least recently used dropped: listing._shared_rows).
        self.listed_rows = KeptInstances() if keep_inputs else None
        # Publications loaded with their authors for downloads ({(id, inputs
        # digest): instance}: downloads._instances).
        self.loaded = KeptInstances() if keep_inputs else None
        # Feed items' fields by everything they show (publications.feeds).
        self.feed_items = {}
        # List entries' keys by what they are made from, when it keeps inputs
        # (entry_html).
        self.entry_keys = {} if keep_inputs else None
        self.note_rows = note_rows

    def get(self, key):
        html = self.entries.get(key)
        if html is None:
            self.misses += 1
            return None
        self.hits += 1
        self.entries.move_to_end(key)
        return html

    def get_many(self, keys):
        """The entries of keys, in order (None for each missing)."""
        return [self.get(key) for key in keys]

    def put(self, key, html):
        """Store html, just written, at key."""
        self.writes += 1
        self.remember(key, html)

    def remember(self, key, html):
        """Keep html in memory at key, the least recently used dropped."""
        self.entries[key] = html
        if len(self.entries) > self.limit:
            self.entries.popitem(last=False)

    def flush(self):
        """Write entries put since the last flush where they last longer than
        this store: nothing to do for one in memory (a store kept on disk,
        site_config/export/entries.py, writes them)."""


class KeptInstances(OrderedDict):
    """Model instances kept between pages while an export's store lasts, by
    key (a publication's id and what it was loaded from), least recently
    used first."""

    def take(self, keys, load, *, limit):
        """{key: instance} of keys (a list, in the page's order): those kept,
        and for the others load(the missing keys), a {key: instance} of those
        that exist. Every key found becomes the most recently used, the first
        of keys most (the head of a long list is what later lists show
        again); then the least recently used past limit are dropped."""
        found = {key: self[key] for key in keys if key in self}
        missing = [key for key in keys if key not in found]
        if missing:
            found.update(load(missing))
        for key in reversed(keys):
            if key in found:
                self[key] = found[key]
                self.move_to_end(key)
        while len(self) > limit:
            self.popitem(last=False)
        return found


@contextlib.contextmanager
def reusing(store):
    """Reuse entries from store (an EntryStore) for everything rendered inside,
    and the listed authors it keeps (``listing.sharing_authors``)."""
    token = _active.set(store)
    try:
        with sharing_authors(store):
            yield store
    finally:
        _active.reset(token)


def active_store():
    """The EntryStore of the enclosing ``reusing`` block, or None."""
    return _active.get()


def entry_html(publication, authors, *, show_previews, render):
    """The entry of publication: render() (its HTML) the first time its inputs
    are seen while a store is active, else the stored copy. authors are the
    authorships the entry lists (ListedAuthor or Authorship, in order)."""
    store = _active.get()
    if store is None:
        return render()
    key = _stored_key(store, publication, authors, show_previews)
    html = store.get(key)
    if html is None:
        with page_scope(KeyMarkers()):
            html = render()
        store.put(key, html)
    return expand_stored(html)


def _stored_key(store, publication, authors, show_previews):
    """``_key`` of publication, worked out once per distinct input while
    store keeps inputs and holds the publication's digest
    (``store.inputs``: publications.downloads): that digest covers every
    column and author the key reads, and the rows do not change while such a
    store lasts. A person's papers are listed on each author's page and CV
    and on their themes' pages, and hashing every listed field again was a
    tenth of those pages' cost. Otherwise ``_key`` each time."""
    read = store.inputs.get(publication.pk) if store.inputs is not None else None
    if read is None:
        return _key(publication, authors, show_previews)
    memo = (
        publication.pk,
        read[0],
        get_script_prefix(),
        translation.get_language() or "",
        bool(show_previews),
    )
    key = store.entry_keys.get(memo)
    if key is None:
        key = store.entry_keys[memo] = _key(publication, authors, show_previews)
    return key


def _key(publication, authors, show_previews):
    digest = hashlib.blake2b(digest_size=16)
    values = publication.__dict__
    parts = [
        get_script_prefix(),
        translation.get_language() or "",
        str(bool(show_previews)),
        *(
            repr(_stored_value(values.get(name)))
            for name in _listed_fields(type(publication))
        ),
    ]
    for authorship in authors:
        person = authorship.person
        parts += [
            authorship.display_name,
            str(person.pk),
            person.slug,
            str(person.is_member),
            str(authorship.equal_contribution),
            str(authorship.corresponding),
            authorship.other_marks,
        ]
    digest.update("\x1f".join(parts).encode())
    return digest.hexdigest()


def _stored_value(value):
    # A file field's attribute holds the stored name until it is first read,
    # then a FieldFile (Django's FileDescriptor): the same row gave two keys
    # when a publication kept across pages had had its PDF link read.
    if isinstance(value, FieldFile):
        return value.name or ""
    return value


_FIELDS = {}


def _listed_fields(model):
    """The columns a list entry may read: all but UNLISTED_FIELDS."""
    fields = _FIELDS.get(model)
    if fields is None:
        fields = _FIELDS[model] = tuple(
            field.attname
            for field in model._meta.concrete_fields
            if field.name not in UNLISTED_FIELDS
        )
    return fields
