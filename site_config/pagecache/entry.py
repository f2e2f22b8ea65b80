"""What the page cache stores for one page: a named, immutable entry."""

from dataclasses import dataclass, replace

# What an entry costs beyond its bytes: the object, its tuples and its key.
ENTRY_OVERHEAD_BYTES = 1024


@dataclass(frozen=True, slots=True)
class PageEntry:
    """One cached page, ready to send in either encoding.

    ``version`` is the content version stamp it was rendered under; ``headers``
    the (name, value) pairs Django's view and middleware set, without the ones
    each answer sets itself; ``body`` the page's bytes and ``compressed`` their
    gzip (``b""`` when compressing does not pay); ``etag`` the body's MD5 in
    hex; ``modified`` the Unix time it was stored and ``last_modified`` the same
    as an HTTP date. ``sent`` is filled in by the WSGI layer
    (``site_config.pagecache.wsgi``) once it has seen the headers the page left
    the server with; until then it is None and the page is served by Django.
    """

    version: object
    headers: tuple
    body: bytes
    compressed: bytes
    etag: str
    modified: int
    last_modified: str
    sent: tuple | None = None

    @property
    def size(self):
        """Bytes this entry holds in memory, roughly: bodies plus headers."""
        headers = sum(len(name) + len(value) for name, value in self.headers)
        if self.sent:
            headers += sum(len(name) + len(value) for name, value in self.sent)
        return len(self.body) + len(self.compressed) + headers + ENTRY_OVERHEAD_BYTES

    def with_sent(self, sent):
        """This entry, completed with the headers the page left the server with."""
        return replace(self, sent=tuple(sent))
