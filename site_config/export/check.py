"""``export_site --check``: every link and asset of a mirror leads to a file.

Reads each HTML file and stylesheet of the mirror, resolves every link into the
mirror (by its path under the base URL, as a static server would: a folder means
its ``index.html``) and, for a link with a fragment into an HTML page, looks for
the element with that id. Links to other sites are not fetched (no network).

A static server ignores query strings, so a link whose query the live site
would answer with another page (``?page=2``) is broken unless the mirror's
browser code reads that query (the search page, the filters of a list); and
every page of a filtered list that its ``filters.json`` names must be there,
since the browser fetches them.
"""

import json
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from site_config.export.site import (
    FILTER_INDEX,
    PAGE_PARAMETER,
    Target,
    css_links,
    html_links,
)

_ID = re.compile(r"""\sid=["']([^"']+)["']""")
_NAME = re.compile(r"""<a\b[^>]*\sname=["']([^"']+)["']""")


@dataclass(frozen=True)
class BrokenLink:
    """A link of page (mirror path, e.g. ``people/index.html``) to url (as
    written) that leads to no file, or to no element with its fragment id."""

    page: str
    url: str
    reason: str

    def __str__(self):
        return f"{self.page}: {self.url} ({self.reason})"


class _Mirror:
    def __init__(self, root, site):
        self.root = root
        self.site = site
        self.ids = {}

    def resolve(self, path):
        """The file a site path (prefix included, decoded) is served from, or None."""
        if not path.startswith(self.site.prefix):
            return None
        relative = path[len(self.site.prefix) :]
        candidate = self.root / relative
        if relative == "" or relative.endswith("/"):
            candidate = candidate / "index.html"
        elif candidate.is_dir():
            candidate = candidate / "index.html"
        return candidate if candidate.is_file() else None

    def has_id(self, file, fragment):
        if file not in self.ids:
            text = file.read_text("utf-8", "replace")
            self.ids[file] = set(_ID.findall(text)) | set(_NAME.findall(text))
        return fragment in self.ids[file]


def check_mirror(directory, site):
    """[BrokenLink, ...] of the mirror in directory made for site (a SiteMap)."""
    root = Path(directory)
    mirror = _Mirror(root, site)
    broken = []
    files = sorted(root.rglob("*.html")) + sorted(root.rglob("*.css"))
    for file in files:
        name = file.relative_to(root).as_posix()
        if name.startswith("pagefind/"):
            continue
        page_url = site.base_url + name.removesuffix("index.html")
        text = file.read_text("utf-8", "replace")
        links = css_links(text) if file.suffix == ".css" else html_links(text)
        for url in links:
            problem = _problem(mirror, page_url, file, url)
            if problem:
                broken.append(BrokenLink(name, url, problem))
    broken += _missing_filter_pages(mirror)
    return broken


def _missing_filter_pages(mirror):
    """BrokenLinks for the pages each filtered list's FILTER_INDEX names
    (``{"pages": [[pk, ...], ...]}``) that the mirror lacks."""
    broken = []
    for path in sorted(mirror.site.filtered):
        index = mirror.root / Target(path).mirror_url().lstrip("/") / FILTER_INDEX
        if not index.is_file():
            continue
        name = index.relative_to(mirror.root).as_posix()
        try:
            pages = json.loads(index.read_text("utf-8"))["pages"]
        except (ValueError, KeyError, TypeError):
            broken.append(BrokenLink(name, "", "not a filter index with pages"))
            continue
        for number in range(2, len(pages) + 1):
            page = Target(path, ((PAGE_PARAMETER, str(number)),))
            url = mirror.site.prefix.rstrip("/") + page.mirror_url()
            if mirror.resolve(unquote(url)) is None:
                broken.append(BrokenLink(name, url, "no such file"))
    return broken


def _problem(mirror, page_url, file, url):
    if url.startswith(("mailto:", "tel:", "data:", "javascript:")) or url == "":
        return None
    absolute = urlsplit(urljoin(page_url, url))
    if absolute.scheme not in {"http", "https"} or absolute.netloc != mirror.site.host:
        return None
    path = unquote(absolute.path)
    if not path.startswith(mirror.site.prefix) and path + "/" != mirror.site.prefix:
        return "outside the base URL"
    if absolute.query:
        # The server ignores the query; the live site may not.
        wanted = mirror.site.target(urljoin(page_url, url))
        if wanted is not None and wanted.query:
            address = mirror.site.prefix.rstrip("/") + wanted.mirror_url()
            if mirror.resolve(unquote(address)) is None:
                return f"no such file: the query needs {address}"
            return f"a static server ignores the query; the page is {address}"
    target = mirror.resolve(path if path.startswith(mirror.site.prefix) else path + "/")
    if target is None:
        return "no such file"
    fragment = unquote(absolute.fragment)
    if fragment and target.suffix == ".html" and not mirror.has_id(target, fragment):
        return f"no element with id {fragment!r}"
    return None
