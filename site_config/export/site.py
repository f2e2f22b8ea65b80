"""Where each live URL lives in the static mirror, and links rewritten to match.

A mirror is served by any static file server, which ignores query strings, so a
page with one gets a path of its own: each parameter becomes a ``name=value``
folder after the page's folder, in name order with ``page`` last::

    /publications/?year=2024&page=2   ->  /publications/year=2024/page=2/
    /publications/cite.bib?type=book  ->  /publications/type=book/cite.bib

``=`` cannot occur in a slug, so these folders never meet a real page. A list
whose filters the browser applies (``filtered``: the publications list, see
static/js/mirror.js) keeps its filter parameters in the query string instead,
and only its page number becomes a folder::

    /publications/?person=ada  ->  /publications/?person=ada (its index.html)
    /publications/?page=2      ->  /publications/page=2/

Site links
are written as absolute paths under the base URL's path (``/lab/...`` for
``https://example.github.io/lab/``), so the same HTML works at any depth,
including a host's 404 page served for an unknown path.
"""

import html
import re
from dataclasses import dataclass
from urllib.parse import (
    parse_qsl,
    quote,
    unquote,
    urlencode,
    urljoin,
    urlsplit,
    urlunsplit,
)

from django.http.request import split_domain_port

# Attributes whose value is one URL, and srcset, whose value is a list of them.
_URL_ATTRIBUTE = re.compile(
    r"""(?P<lead>\s(?P<name>href|src|action|poster)=)(?P<quote>["'])(?P<url>[^"'<>]*)(?P=quote)""",
    re.IGNORECASE,
)
_SRCSET_ATTRIBUTE = re.compile(
    r"""(?P<lead>\ssrcset=)(?P<quote>["'])(?P<value>[^"'<>]*)(?P=quote)""",
    re.IGNORECASE,
)
# Absolute addresses in the head: OpenGraph and Twitter cards (og:url,
# og:image, citation_pdf_url) and the URLs of JSON-LD data.
_META_CONTENT = re.compile(
    r"""(?P<lead><meta\b[^>]*?\scontent=)(?P<quote>["'])(?P<url>https?://[^"'<>\s]*)(?P=quote)""",
    re.IGNORECASE,
)
_JSON_LD = re.compile(
    r"""(?P<open><script\b[^>]*\btype=["']application/ld\+json["'][^>]*>)(?P<body>.*?)(?P<close></script>)""",
    re.S | re.I,
)
_JSON_URL = re.compile(r'"(?P<url>https?://[^"\\\s]*)"')
_CSS_URL = re.compile(r"""url\(\s*(?P<quote>["']?)(?P<url>[^"')]+)(?P=quote)\s*\)""")
_FORM = re.compile(r"<form\b(?P<attrs>[^>]*)>(?P<body>.*?)</form>", re.S | re.I)
_ATTRIBUTE = re.compile(r"""\b(?P<name>[a-z-]+)="(?P<value>[^"]*)\"""", re.I)
# A folder name of a base URL's path (see _check_base_path).
# A path that urlsplit and unquote leave as it is (``SiteMap.target``): no
# query, fragment, escape, white space or control character.
_PLAIN_PATH = re.compile(r"/[A-Za-z0-9/._~!$&'()*+,;=:@-]*\Z")
_BASE_PATH_SEGMENT = re.compile(r"[A-Za-z0-9._~-]+")
PAGE_PARAMETER = "page"
# Beside a list filtered in the browser: what each filter choice keeps (the
# live site answers it too, publications.views.filter_index).
FILTER_INDEX = "filters.json"
# And what its words filter searches (publications.views.word_index).
WORD_INDEX = "words.json"


@dataclass(frozen=True)
class Target:
    """One thing to fetch from the live site: a path below the base and a query.

    ``path`` starts with ``/`` and is relative to the base URL's path (``/people/``
    whatever the base); ``query`` is a tuple of (name, value) pairs in mirror
    order (see ``canonical_query``), empty values dropped.
    """

    path: str
    query: tuple = ()

    @property
    def url(self):
        """The path and query string as the live site answers them."""
        if not self.query:
            return self.path
        return (
            f"{self.path}?{'&'.join(f'{n}={quote(v, safe="")}' for n, v in self.query)}"
        )

    def mirror_path(self, *, is_html):
        """The file of the mirror, relative to its root, e.g. ``people/index.html``.

        is_html: whether the page is HTML; an HTML path without a trailing slash
        or a file extension becomes a folder with an ``index.html``.
        """
        folder, _, name = self.path.rpartition("/")
        if is_html and name and "." not in name:
            folder, name = f"{folder}/{name}", ""
        parts = [part for part in folder.split("/") if part]
        # On disk the value as it is; a web server decodes the link's escapes.
        parts += [f"{n}={v.replace('/', '%2F')}" for n, v in self.query]
        parts.append(name or "index.html")
        return "/".join(parts)

    def mirror_url(self):
        """The site path of that file as a link: folders end with ``/``."""
        folder, _, name = self.path.rpartition("/")
        parts = [part for part in folder.split("/") if part]
        parts += [f"{n}={quote(v, safe='')}" for n, v in self.query]
        link = "/" + "/".join(parts)
        if parts:
            link += "/"
        return link + name


def _valid_host(netloc):
    """Whether netloc (lower case, "host[:port]") is a host Django's check
    accepts as given (``split_domain_port``: RFC 1034/1035 names, IP
    addresses): that check drops a final dot before comparing, so
    "example.com." would be refused for every page; empty labels
    ("example..com") and ports outside 1-65535 name no server either."""
    domain, port = split_domain_port(netloc)
    if not domain:
        return False
    if port and not 0 < int(port) <= 65535:
        return False
    if domain.startswith("["):
        return True
    return netloc.split(":")[0] == domain and "" not in domain.split(".")


def _check_base_path(base_url, path):
    """Raise ValueError naming base_url when its path is not a plain folder.

    The path becomes folders of the copy and the prefix of every link, which
    a static host compares as written: an escape (``%20``), a space or a
    letter outside ASCII would be decoded on one side and not the other, and
    ``..`` would name another folder than the one written. Static hosts'
    folder names need no more than ASCII letters, digits, ``-``, ``_``, ``.``
    (GitHub Pages project paths, repository names) and ``~`` (``/~ada/``).
    """
    segments = [segment for segment in path.split("/") if segment]
    for segment in segments:
        if segment in {".", ".."}:
            raise ValueError(
                f"The base URL {base_url!r} has a {segment!r} segment in its path; "
                "give the folder's own address, e.g. https://example.org/lab/."
            )
        if not _BASE_PATH_SEGMENT.fullmatch(segment):
            raise ValueError(
                f"The base URL {base_url!r} has {segment!r} in its path; a base "
                "URL's path may hold only ASCII letters, digits and - _ . ~ "
                "(no spaces, %-escapes or other characters), e.g. "
                "https://example.github.io/my-lab/."
            )
    if segments and not path.endswith("/") and "." in segments[-1]:
        # /lab/index.html would become the folder /lab/index.html/.
        folder = "/".join(segments[:-1])
        raise ValueError(
            f"The base URL {base_url!r} ends in {segments[-1]!r}, which looks like "
            "a file; give the folder the copy is published at, ending in /, "
            f"e.g. {base_url[: -len(path)]}/{folder + '/' if folder else ''}."
        )


def canonical_query(pairs):
    """(name, value) pairs without empty values, in name order with ``page`` last.

    A repeated name keeps its first value: the filters take one value each.
    ``page=1`` is dropped: a list's first page is the list itself (a pager's
    link back to it, ``?page=1``, must not make a second copy of it).
    """
    seen = {}
    for name, value in pairs:
        if value != "" and name not in seen:
            seen[name] = value
    if seen.get(PAGE_PARAMETER) == "1":
        del seen[PAGE_PARAMETER]
    return tuple(
        sorted(seen.items(), key=lambda item: (item[0] == PAGE_PARAMETER, item[0]))
    )


class SiteMap:
    """Turns links of live pages into mirror links and collects their targets.

    base_url: the address the mirror is published at, e.g.
    ``https://example.github.io/lab/``; its path is the prefix of every site link.
    keep_query: site paths whose query string stays as it is in the mirror (the
    search page reads ``?q=`` in the browser); filtered: site paths of lists
    whose filters the browser applies from ``FILTER_INDEX`` (their pages stay
    folders of their own, their filters stay in the query string); skip: site
    path prefixes that are not part of the mirror (the admin).
    """

    def __init__(self, base_url, *, keep_query=(), filtered=(), skip=()):
        try:
            parts = urlsplit(base_url)
        except ValueError as error:
            # urlsplit's own words ("Invalid IPv6 URL") name no address.
            raise ValueError(
                f"The base URL {base_url!r} is not a valid address ({error})."
            ) from None
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise ValueError(
                f"The base URL {base_url!r} is not an http(s) address like "
                "https://example.org/ or https://example.github.io/lab/."
            )
        if parts.query or parts.fragment or base_url.rstrip().endswith(("?", "#")):
            # Every page's address is built from it; a query or fragment would
            # be cut off silently and the copy published somewhere else.
            raise ValueError(
                f"The base URL {base_url!r} has a query or fragment; give the "
                "folder address alone, e.g. https://example.github.io/lab/."
            )
        if parts.username is not None or not _valid_host(parts.netloc.lower()):
            # Pages render for a request to this host, which Django's host
            # check (RFC 1034/1035 names, IP addresses) would refuse: every
            # page would answer 400 and the copy would be empty.
            raise ValueError(
                f"The base URL {base_url!r} does not name a valid host (letters, "
                "digits, hyphens and dots, with no empty part and no dot at the "
                "end, or an IP address; a port from 1 to 65535; no user name "
                "or password); e.g. https://lab.example.org/."
            )
        _check_base_path(base_url, parts.path)
        self.scheme = parts.scheme
        # Host names are case-insensitive (RFC 4343): one spelling in every
        # absolute address the copy holds.
        self.host = parts.netloc.lower()
        self.prefix = "/" + "/".join(p for p in parts.path.split("/") if p)
        self.prefix = self.prefix.rstrip("/") + "/"
        self.origin = f"{self.scheme}://{self.host}"
        self.base_url = self.origin + self.prefix
        self.keep_query = frozenset(keep_query)
        self.filtered = frozenset(filtered)
        self.skip = tuple(skip)
        # {url: (mirror link, Target or None)} of every link rewritten: a page
        # repeats the nav's and its authors' links, and each is on hundreds
        # of pages.
        self._links = {}

    @property
    def script_name(self):
        """The WSGI SCRIPT_NAME that makes Django's links start with the prefix."""
        return self.prefix.rstrip("/")

    def target(self, url):
        """The Target of a link as written in a page, or None when it leaves the
        mirror (another site, mailto:, the admin, a fragment on the same page)."""
        # Most addresses looked up are plain: a site path, or one on the base
        # URL (the sitemap's 10,000, the last export's list of pages), with no
        # query, fragment or escape. Splitting and unquoting would leave them
        # as they are, and cost most of the lookup.
        if url.startswith(self.base_url):
            plain = "/" + url[len(self.base_url) :]
            if _PLAIN_PATH.match(plain):
                return self._path_target(plain, ())
        elif _PLAIN_PATH.match(url) and not url.startswith("//"):
            return self._path_target(self._site_path(url), ())
        parts = urlsplit(url)
        if parts.scheme or parts.netloc:
            if (parts.scheme, parts.netloc.lower()) not in {
                ("http", self.host),
                ("https", self.host),
                ("", self.host),
            }:
                return None
        path = parts.path
        if not path.startswith("/"):
            return None
        return self._path_target(
            self._site_path(unquote(path)), canonical_query(parse_qsl(parts.query))
        )

    def _site_path(self, path):
        """A path as written on the mirror (under the prefix) as the site's."""
        if path.startswith(self.prefix):
            return "/" + path[len(self.prefix) :]
        if path + "/" == self.prefix:
            return "/"
        return path

    def _path_target(self, path, query):
        """The Target of a site path and its canonical query, or None."""
        if path.startswith(self.skip):
            return None
        if path in self.keep_query:
            return Target(path)
        if path in self.filtered and _filters(query):
            # The browser shows every match at once, from the unfiltered
            # pages; unfiltered, each page is a page of its own.
            query = ()
        return Target(path, query)

    def resolve(self, url, page):
        """url made absolute against page (the Target of the page it is on), as
        a browser on the live site resolves it: ``?page=2`` on ``/publications/``
        is ``/publications/?page=2``. Absolute URLs, fragments of the same page
        and links without a page are returned unchanged."""
        # Most links are site paths: answered before splitting the URL, which
        # was most of the cost of rewriting a page's links.
        if page is None or url == "" or url.startswith(("/", "#")):
            return url
        parts = urlsplit(url)
        if parts.scheme or parts.netloc:
            return url
        return urljoin(self.prefix.rstrip("/") + page.url, url)

    def link(self, url, found=None, *, page=None):
        """url as the mirror writes it; its target is added to found (a set).

        page: the Target of the page the link is on, to resolve relative links
        (``?page=2``) as the live site would; without it they stay unchanged.
        Links that leave the mirror are returned unchanged.
        """
        # Resolved, a link's rewriting depends on nothing else.
        url = self.resolve(url, page)
        known = self._links.get(url)
        if known is None:
            known = self._links[url] = self._rewritten(url)
        new, target = known
        if target is not None and found is not None:
            found.add(target)
        return new

    def _rewritten(self, url):
        """(mirror link, Target or None) of a resolved url (see ``link``)."""
        target = self.target(url)
        if target is None:
            return url, None
        parts = urlsplit(url)
        query = ""
        if target.path in self.keep_query:
            query = parts.query
        elif target.path in self.filtered:
            query = urlencode(_filters(canonical_query(parse_qsl(parts.query))))
        path = quote(
            self.prefix.rstrip("/") + target.mirror_url(), safe="/=%:@!$&'()*+,;~-._"
        )
        if parts.netloc:
            new = urlunsplit((parts.scheme, parts.netloc, path, query, parts.fragment))
        else:
            new = urlunsplit(("", "", path, query, parts.fragment))
        return new, target

    def rewrite_html(self, text, *, page=None):
        """(text with every site link rewritten, set of Targets it links to).

        page: the Target of the page text is, to resolve its relative links
        (see ``link``).

        Reads href, src, action, poster and srcset attributes, the absolute
        addresses of meta tags (og:url, og:image) and of JSON-LD data (so the
        photos and cards they name are exported too). A GET form whose action
        is a ``filtered`` list gets ``data-mirror-filters`` and
        ``data-mirror-words``, the addresses of that list's ``FILTER_INDEX``
        and ``WORD_INDEX``, which are two more targets.
        """
        found = set()

        def one(match):
            url = html.unescape(match["url"])
            new = self.link(url, found, page=page)
            if new == url:
                return match[0]
            return f"{match['lead']}{match['quote']}{html.escape(new)}{match['quote']}"

        def srcset(match):
            candidates = []
            for candidate in html.unescape(match["value"]).split(","):
                url, _, descriptor = candidate.strip().partition(" ")
                new = self.link(url, found, page=page)
                candidates.append(f"{new} {descriptor}".strip())
            value = html.escape(", ".join(candidates))
            return f"{match['lead']}{match['quote']}{value}{match['quote']}"

        def form(match):
            action = self.filter_action(match["attrs"])
            if action is None:
                return match[0]
            folder = Target(action).mirror_url()
            index = self.link(folder + FILTER_INDEX, found)
            words = self.link(folder + WORD_INDEX, found)
            return (
                f'<form data-mirror-filters="{html.escape(index)}" '
                f'data-mirror-words="{html.escape(words)}"{match[0][5:]}'
            )

        def json_url(match):
            return f'"{self.link(match["url"], found)}"'

        def json_ld(match):
            body = _JSON_URL.sub(json_url, match["body"])
            return f"{match['open']}{body}{match['close']}"

        text = _FORM.sub(form, text)
        text = _URL_ATTRIBUTE.sub(one, text)
        text = _SRCSET_ATTRIBUTE.sub(srcset, text)
        text = _META_CONTENT.sub(one, text)
        text = _JSON_LD.sub(json_ld, text)
        return text, found

    def filter_action(self, attributes):
        """The site path of a GET form's action (attributes: the form tag's)
        when it is a ``filtered`` list, else None."""
        attrs = {
            m["name"].lower(): html.unescape(m["value"])
            for m in _ATTRIBUTE.finditer(attributes)
        }
        if attrs.get("method", "get").lower() != "get":
            return None
        action = self.target(attrs.get("action", ""))
        if action is None or action.path not in self.filtered:
            return None
        return action.path

    def css_targets(self, text, css_path):
        """Targets of the ``url(...)`` references of a stylesheet at css_path
        (its site path, to resolve relative references)."""
        found = set()
        folder = css_path.rpartition("/")[0] + "/"
        for match in _CSS_URL.finditer(text):
            url = match["url"].strip()
            if url.startswith(("data:", "#")) or urlsplit(url).scheme:
                continue
            if not url.startswith("/"):
                url = self.prefix.rstrip("/") + _join(folder, url)
            target = self.target(url)
            if target is not None:
                found.add(Target(target.path))
        return found


def _filters(query):
    """A canonical query without its page number."""
    return tuple(pair for pair in query if pair[0] != PAGE_PARAMETER)


def _join(folder, relative):
    parts = [p for p in folder.split("/") if p]
    for piece in relative.split("?")[0].split("#")[0].split("/"):
        if piece == "..":
            if parts:
                parts.pop()
        elif piece not in {"", "."}:
            parts.append(piece)
    return "/" + "/".join(parts)


def html_links(text):
    """Every URL of href, src, action, poster and srcset attributes in text, as
    written (entities decoded), then the absolute addresses of meta tags and
    JSON-LD data."""
    for match in _URL_ATTRIBUTE.finditer(text):
        yield html.unescape(match["url"])
    for match in _META_CONTENT.finditer(text):
        yield html.unescape(match["url"])
    for block in _JSON_LD.finditer(text):
        for match in _JSON_URL.finditer(block["body"]):
            yield match["url"]
    for match in _SRCSET_ATTRIBUTE.finditer(text):
        for candidate in html.unescape(match["value"]).split(","):
            url = candidate.strip().partition(" ")[0]
            if url:
                yield url


def css_links(text):
    """The ``url(...)`` references of a stylesheet, data: URLs left out."""
    for match in _CSS_URL.finditer(text):
        url = match["url"].strip()
        if not url.startswith(("data:", "#")):
            yield url
