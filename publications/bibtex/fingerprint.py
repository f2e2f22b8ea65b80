"""The values of a publication as last imported: what tells an editor's change
from a change in the file.

A ``Fingerprint`` is stored as one JSON object in ``Publication.import_fingerprint``:
every managed field's value as imported (``title``, ``year``, ... see
``normalise.MANAGED_FIELDS``), ``authors`` (the names as printed, in order), and
three bookkeeping keys: ``hash`` (SHA-1 of the JSON text of the values and authors,
keys sorted, so a whole entry compares at once), ``first_family`` (the first
author's folded family name, used by the matcher) and ``sources`` (a hash of each
entry text that made it, so a re-import of unchanged text is skipped before it is
normalised) and ``keys`` (the keys of those entries, lower case, so a re-import
knows when every entry that made it is read again). Rows written before this
module keep the same flat shape, so they load unchanged.
"""

import hashlib
import json
from dataclasses import dataclass, field

from publications.bibtex.normalise import managed_values

# Keys of the stored object that are not field values.
BOOKKEEPING = ("hash", "first_family", "sources", "keys")
# The text the hash is taken of: keys sorted, non-ASCII characters as they are.
# Stored hashes were taken of this text, so it must not change. One encoder for
# every fingerprint: json.dumps with options makes a new one per call.
_encode = json.JSONEncoder(sort_keys=True, ensure_ascii=False).encode
_encode_unsorted = json.JSONEncoder(ensure_ascii=False).encode


@dataclass(slots=True)
class Fingerprint:
    """Values as imported (``values``: field name -> value; ``authors``: names)."""

    values: dict = field(default_factory=dict)
    authors: list = field(default_factory=list)
    hash: str = ""
    first_family: str = ""
    sources: list = field(default_factory=list)
    keys: list = field(default_factory=list)
    # The JSON text the hash was taken of: encoding a fingerprint means encoding
    # the abstract and every value, so it is done once (see to_json).
    encoded: str = field(default="", repr=False, compare=False)

    @classmethod
    def of(cls, values, authors, *, first_family="", sources=(), keys=()):
        """The fingerprint of ``values`` (a dict with every managed field) and
        ``authors`` (names as printed), with its hash computed."""
        data = managed_values(values)
        authors = list(authors)
        encoded = _encode({**data, "authors": authors})
        return cls(
            values=data,
            authors=authors,
            hash=hashlib.sha1(encoded.encode()).hexdigest(),
            first_family=first_family,
            sources=list(sources),
            keys=sorted(set(keys)),
            encoded=encoded,
        )

    @classmethod
    def from_json(cls, data):
        """A Fingerprint from the stored object (a dict, or its JSON text).

        An empty or missing object (a publication entered by hand) gives an
        empty fingerprint, whose ``hash`` is "".
        """
        if isinstance(data, str):
            data = json.loads(data) if data else {}
        data = dict(data or {})
        authors = data.pop("authors", None) or []
        bookkeeping = {name: data.pop(name, None) for name in BOOKKEEPING}
        data.pop("title_key", None)  # written by early versions; derived
        return cls(
            values=data,
            authors=list(authors),
            hash=bookkeeping["hash"] or "",
            first_family=bookkeeping["first_family"] or "",
            sources=list(bookkeeping["sources"] or []),
            keys=list(bookkeeping["keys"] or []),
        )

    def __bool__(self):
        return bool(self.hash)

    def to_dict(self):
        """The object stored in ``Publication.import_fingerprint``."""
        data = dict(self.values)
        data["authors"] = list(self.authors)
        data["hash"] = self.hash
        data["first_family"] = self.first_family
        data["sources"] = list(self.sources)
        data["keys"] = list(self.keys)
        return data

    def to_json(self):
        """``to_dict()`` as JSON text, reusing the text the hash was taken of."""
        if not self.encoded:
            return json.dumps(self.to_dict(), ensure_ascii=False)
        added = {
            "hash": self.hash,
            "first_family": self.first_family,
            "sources": self.sources,
            "keys": self.keys,
        }
        return self.encoded[:-1] + ", " + _encode_unsorted(added)[1:]

    def imported(self, name):
        """(True, value) if ``name`` (a field or "authors") was imported."""
        if name == "authors":
            return bool(self.hash), self.authors
        return name in self.values, self.values.get(name)
