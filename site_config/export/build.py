"""The whole public site written as static files, rewriting only what changed.

``export_site`` walks the live site from the home page, the sitemap and
robots.txt, following every site link of every page (and each choice of a
filter form), renders each page through Django in-process (``render``), rewrites
its links for the mirror (``site``), and writes a file only where its bytes
differ from the last export. A manifest in the mirror remembers what it wrote:
files of pages that are gone (a deleted publication's) are removed, and when
neither the content version stamp nor the code has moved since, nothing is
rendered at all.
"""

import contextlib
import fcntl
import hashlib
import json
import os
import re
import tempfile
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.files.storage import default_storage
from django.urls import NoReverseMatch, get_script_prefix, reverse, set_script_prefix

from site_config.export import search
from site_config.export.render import Renderer, RenderError, live_site
from site_config.export.site import FILTER_INDEX, SiteMap, Target
from site_config.pagecache.cache import current_content_version, release

MANIFEST = ".labsite-export.json"
LOCK = ".labsite-export.lock"
MANIFEST_FORMAT = 1
MIRROR_SCRIPT = "js/mirror.js"
SEARCH_TEMPLATE = "export/search.html"
# A path no view answers, fetched for the 404 page static hosts serve.
MISSING_PATH = "/labsite-export-page-not-found/"
NOT_FOUND_FILE = "404.html"
REDIRECTS = frozenset({301, 302, 303, 307, 308})
_SITEMAP_LOC = re.compile(r"<loc>\s*([^<\s]+)\s*</loc>")
_MAIN = re.compile(r"<main\b", re.I)
_BODY_END = re.compile(r"</body>", re.I)
_MAIN_CONTENT = re.compile(r"<main\b.*?</main>", re.S | re.I)
_ITEM_ID = re.compile(r"""<li\b[^>]*\bid="([^"]+)\"""", re.I)


class ExportError(Exception):
    """The export could not be made; the message says what and where."""


@dataclass
class ExportReport:
    """What an export did. Pages are what Django rendered (HTML, feeds, the
    sitemap, downloads); files are static and media files copied beside them."""

    pages_written: int = 0
    pages_unchanged: int = 0
    files_written: int = 0
    files_unchanged: int = 0
    removed: list = field(default_factory=list)
    pages_removed: int = 0
    up_to_date: bool = False
    search_indexed: bool = False
    search_seconds: float = 0.0
    warnings: list = field(default_factory=list)

    @property
    def pages(self):
        return self.pages_written + self.pages_unchanged

    @property
    def files_removed(self):
        return len(self.removed) - self.pages_removed

    def summary(self):
        """The closing line, e.g. ``12 pages written, 340 unchanged, 4 removed``
        (pages of deleted objects, and of pages no longer linked)."""
        return (
            f"{self.pages_written} pages written, {self.pages_unchanged} unchanged, "
            f"{self.pages_removed} removed"
        )


def mirror_site(base_url):
    """The SiteMap for base_url with the live site's search page and admin."""
    keep_query = set()
    skip = [f"/{search.BUNDLE}/", *getattr(settings, "EXPORT_SKIP_PATHS", ())]
    with _prefix("/"):
        for name, into in (("search", keep_query), ("admin:index", None)):
            try:
                path = reverse(name)
            except NoReverseMatch:
                continue
            if into is None:
                skip.append(path)
            else:
                into.add(path)
    return SiteMap(base_url, keep_query=keep_query, skip=skip)


def export_site(directory, *, base_url, full=False, force=False, log=None):
    """Write the public site into directory for publication at base_url.

    directory: a folder (made when missing) that is empty or holds an earlier
    export (its manifest); files the export did not write are never touched.
    base_url: where the mirror will be served, e.g.
    ``https://example.github.io/lab/`` (no query or fragment). full: render and
    rewrite every file even when nothing changed. force: write into a non-empty
    folder that holds no earlier export (its files of the same names are
    replaced). log: a callable taking one line of progress.
    Returns an ExportReport; raises ExportError naming the page that failed,
    or the path that cannot be written.
    """
    log = log or (lambda line: None)
    directory = Path(directory)
    try:
        site = mirror_site(base_url)
    except ValueError as error:
        raise ExportError(str(error)) from error
    try:
        _prepare_folder(directory, force=force)
        # Exports into one folder (a save's background task, a person at the
        # command line) take turns; the later one finds the earlier's manifest.
        with open(directory / LOCK, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            return _export_locked(directory, site, full=full, log=log)
    except OSError as error:
        # A path under a regular file, a read-only folder, a full disk: name
        # the path the system refused, not a traceback.
        path = error.filename or directory
        raise ExportError(
            f"Cannot write the export at {path}: {error.strerror or error}."
        ) from error


def _prepare_folder(directory, *, force):
    """Make directory, or accept it when it is empty or an earlier export's.

    Raises ExportError for a path that is not a folder (or lies under a file)
    and for a non-empty folder without a manifest unless force is set: the
    export replaces files by name and would overwrite someone's files there.
    """
    for parent in (directory, *directory.parents):
        if parent.exists() and not parent.is_dir():
            raise ExportError(
                f"Cannot export into {directory}: {parent} is a file, not a folder."
            )
        if parent.exists():
            break
    if not directory.exists():
        directory.mkdir(parents=True)
        return
    if force or (directory / MANIFEST).is_file():
        return
    if any(entry.name != LOCK for entry in directory.iterdir()):
        raise ExportError(
            f"{directory} is not empty and holds no earlier export (no {MANIFEST}); "
            "choose an empty or new folder, or pass --force to write into it anyway."
        )


def _export_locked(directory, site, *, full, log):
    manifest = _load_manifest(directory)
    # Read before rendering: an edit made meanwhile moves the stamp again, so
    # the next export renders it.
    stamp = _stamp()
    fingerprint = _fingerprint(site)
    report = ExportReport()
    if (
        not full
        and manifest.get("fingerprint") == fingerprint
        and manifest.get("stamp") == stamp
        and all((directory / name).is_file() for name in manifest.get("pages", {}))
    ):
        report.up_to_date = True
        report.pages_unchanged = len(manifest["pages"])
        report.files_unchanged = len(manifest.get("files", {}))
        return report

    writer = _Writer(directory, manifest, full=full, report=report)
    with live_site(site):
        walk = _Walk(site, writer, log)
        walk.run()
    for problem in walk.problems:
        report.warnings.append(problem)
    writer.remove_stale()
    if (
        report.pages_written
        or report.removed
        or full
        or not search.has_index(directory)
    ):
        log("Indexing for search (Pagefind)")
        started = time.perf_counter()
        try:
            search.build_index(directory)
        except search.SearchIndexError as error:
            raise ExportError(str(error)) from error
        report.search_indexed = True
        report.search_seconds = time.perf_counter() - started
    writer.save(fingerprint=fingerprint, stamp=stamp, base_url=site.base_url)
    return report


class _Walk:
    """One pass over the live site: fetch, rewrite, write, follow."""

    def __init__(self, site, writer, log):
        self.site = site
        self.writer = writer
        self.log = log
        self.renderer = Renderer(site)
        self.queue = deque()
        self.seen = set()
        self.assets = set()
        self.indexed = set()
        self.problems = []
        self.filter_items = {}
        self.static_path = _site_path(settings.STATIC_URL)
        self.media_path = _site_path(settings.MEDIA_URL)
        self.mirror_script = site.target(staticfiles_storage.url(MIRROR_SCRIPT))

    def run(self):
        self.read_sitemaps()
        self.enqueue(Target("/"))
        for name in ("robots_txt",):
            try:
                self.enqueue(self.site.target(reverse(name)))
            except NoReverseMatch:
                pass
        for target in sorted(self.indexed, key=lambda t: (t.path, t.query)):
            self.enqueue(target)
        self.write_not_found()
        self.write_search_page()
        count = 0
        while self.queue:
            target = self.queue.popleft()
            self.export(target)
            count += 1
            if count % 500 == 0:
                self.log(f"{count} pages rendered, {len(self.queue)} to go")
        self.write_filter_indexes()
        if self.mirror_script is not None:
            self.assets.add(self.mirror_script)
        for target in sorted(self.assets, key=lambda t: t.path):
            self.copy_asset(target)

    def enqueue(self, target):
        if target is None or target in self.seen:
            return
        self.seen.add(target)
        if self._is_asset(target):
            self.assets.add(Target(target.path))
        else:
            self.queue.append(target)

    def _is_asset(self, target):
        return any(
            prefix and target.path.startswith(prefix)
            for prefix in (self.static_path, self.media_path)
        )

    def read_sitemaps(self):
        """Every page the sitemap lists (following a sitemap index) is indexed
        for search; the sitemap files themselves are exported too."""
        try:
            start = self.site.target(reverse("sitemap"))
        except NoReverseMatch:
            return
        pending, done = [start], set()
        while pending:
            target = pending.pop()
            if target is None or target in done:
                continue
            done.add(target)
            self.enqueue(target)
            page = self._fetch(target)
            if page is None or page.status != 200:
                continue
            for loc in _SITEMAP_LOC.findall(page.body.decode("utf-8", "replace")):
                found = self.site.target(loc.replace("&amp;", "&"))
                if found is None:
                    continue
                if found.path.endswith(".xml"):
                    pending.append(found)
                else:
                    self.indexed.add(found)

    def _fetch(self, target, **options):
        try:
            return self.renderer.fetch(target, **options)
        except RenderError as error:
            raise ExportError(f"Rendering failed: {error}") from error

    def export(self, target):
        page = self._fetch(target)
        if page.status in REDIRECTS:
            self.write_redirect(target, page.location)
            return
        if page.status != 200:
            self.problems.append(f"{target.url} answered {page.status}; not exported")
            return
        body = page.body
        if page.is_html:
            body = self.html(target, body.decode("utf-8"))
        elif page.content_type == "text/css":
            for found in self.site.css_targets(
                body.decode("utf-8", "replace"), target.path
            ):
                self.enqueue(found)
        self.writer.put(target.mirror_path(is_html=page.is_html), body, page=True)

    def html(self, target, text, *, index=None):
        text, found = self.site.rewrite_html(text)
        for link in sorted(found, key=lambda t: (t.path, t.query)):
            self.enqueue(link)
        if index if index is not None else target in self.indexed:
            text = _MAIN.sub("<main data-pagefind-body", text, count=1)
        if self.mirror_script is not None:
            script = self.site.link(staticfiles_storage.url(MIRROR_SCRIPT))
            text = _BODY_END.sub(
                f'<script src="{script}" defer></script>\n</body>', text, count=1
            )
        self.note_filter_items(target, text)
        return text.encode("utf-8")

    def note_filter_items(self, target, text):
        """Remember which list items a page for one filter value shows; the
        browser combines filters from these sets (see ``write_filter_indexes``)."""
        if target.path not in self.site.filter_forms:
            return
        values = [(n, v) for n, v in target.query if n != "page"]
        if len(values) != 1:
            return
        main = _MAIN_CONTENT.search(text)
        ids = _ITEM_ID.findall(main[0] if main else text)
        name, value = values[0]
        entry = self.filter_items.setdefault(target.path, {}).setdefault(name, {})
        entry = entry.setdefault(value, {"ids": [], "pages": 0})
        entry["ids"].extend(ids)
        entry["pages"] += 1

    def write_filter_indexes(self):
        """``filters.json`` beside each filtered list: for every filter value the
        ids of the items it shows and how many pages hold them."""
        for path, names in self.filter_items.items():
            folder = Target(path).mirror_path(is_html=True).rpartition("/")[0]
            name = f"{folder}/{FILTER_INDEX}" if folder else FILTER_INDEX
            data = json.dumps(names, sort_keys=True, separators=(",", ":"))
            self.writer.put(name, data.encode(), page=True)

    def write_redirect(self, target, location):
        destination = self.site.target(location)
        if destination is None:
            self.problems.append(f"{target.url} redirects off the site to {location}")
            return
        self.enqueue(destination)
        link = self.site.link(location)
        body = (
            '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta http-equiv="refresh" content="0; url={link}">'
            f'<link rel="canonical" href="{link}"><title>Moved</title></head>'
            f'<body><p>This page moved to <a href="{link}">{link}</a>.</p>'
            "</body></html>\n"
        )
        self.writer.put(target.mirror_path(is_html=True), body.encode(), page=True)

    def write_not_found(self):
        page = self._fetch(Target(MISSING_PATH), expect_missing=True)
        if page.status != 404 or not page.is_html:
            self.problems.append(f"a missing page answered {page.status}; no 404.html")
            return
        body = self.html(Target(MISSING_PATH), page.body.decode("utf-8"), index=False)
        self.writer.put(NOT_FOUND_FILE, body, page=True)

    def write_search_page(self):
        """The mirror's own search page, at the live search page's address."""
        if not self.site.keep_query:
            return
        path = sorted(self.site.keep_query)[0]
        target = Target(path)
        self.seen.add(target)
        html = self.renderer.render_template(
            SEARCH_TEMPLATE,
            self.site.prefix.rstrip("/") + path,
            {
                "pagefind_base": self.site.prefix,
                "pagefind_bundle": f"{self.site.prefix}{search.BUNDLE}/",
            },
        )
        body = self.html(target, html.decode("utf-8"), index=False)
        self.writer.put(target.mirror_path(is_html=True), body, page=True)

    def copy_asset(self, target):
        source = _asset_source(target, self.static_path, self.media_path)
        if source is None:
            self.problems.append(f"{target.path}: no such static or media file")
            return
        name = target.mirror_path(is_html=False)
        self.writer.copy(name, source)
        if name.endswith(".css"):
            text = Path(source).read_text("utf-8", "replace")
            for found in self.site.css_targets(text, target.path):
                if found not in self.seen:
                    self.seen.add(found)
                    self.copy_asset(found)


def _asset_source(target, static_path, media_path):
    """The file on disk behind a static or media URL path, or None.

    Storages without a local filesystem (S3 and the like) raise
    NotImplementedError from ``path()``: their files are not copied, and
    ``--check`` then names the links that point at them.
    """
    if static_path and target.path.startswith(static_path):
        name = target.path[len(static_path) :]
        try:
            if staticfiles_storage.exists(name):
                return staticfiles_storage.path(name)
        except NotImplementedError:
            return None
        return finders.find(name)
    name = target.path[len(media_path) :]
    try:
        if default_storage.exists(name):
            return default_storage.path(name)
    except NotImplementedError:
        return None
    return None


class _Writer:
    """Writes files under the mirror only where their bytes changed."""

    def __init__(self, root, manifest, *, full, report):
        self.root = root
        self.full = full
        self.report = report
        self.old_pages = manifest.get("pages", {})
        self.old_files = manifest.get("files", {})
        self.pages = {}
        self.files = {}

    def put(self, name, data, *, page):
        digest = hashlib.sha256(data).hexdigest()
        old = self.old_pages if page else self.old_files
        new = self.pages if page else self.files
        if name in new:
            return
        new[name] = digest
        path = self.root / name
        unchanged = not self.full and old.get(name) == digest and path.is_file()
        if page:
            if unchanged:
                self.report.pages_unchanged += 1
            else:
                self.report.pages_written += 1
        elif unchanged:
            self.report.files_unchanged += 1
        else:
            self.report.files_written += 1
        if not unchanged:
            _write_atomic(path, data)

    def copy(self, name, source):
        self.put(name, Path(source).read_bytes(), page=False)

    def remove_stale(self):
        for old, new in ((self.old_pages, self.pages), (self.old_files, self.files)):
            for name in sorted(set(old) - set(new)):
                path = self.root / name
                if path.is_file():
                    path.unlink()
                    self.report.removed.append(name)
                    if old is self.old_pages:
                        self.report.pages_removed += 1
                _prune(path.parent, self.root)

    def save(self, **extra):
        data = {
            "format": MANIFEST_FORMAT,
            **extra,
            "pages": self.pages,
            "files": self.files,
        }
        _write_atomic(
            self.root / MANIFEST, json.dumps(data, indent=0, sort_keys=True).encode()
        )


def _write_atomic(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".export-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _prune(folder, root):
    """Remove folders left empty up to (not including) root."""
    while folder != root and folder.is_relative_to(root):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


def _load_manifest(directory):
    path = directory / MANIFEST
    try:
        data = json.loads(path.read_text("utf-8"))
    except (FileNotFoundError, ValueError):
        return {}
    return data if data.get("format") == MANIFEST_FORMAT else {}


def _stamp():
    # JSON turns tuples into lists; compare stamps in the form they are stored.
    return json.loads(json.dumps(current_content_version(), default=str))


def _fingerprint(site):
    """What besides content decides the output: the code and templates (the page
    cache's release), the static files, the base URL and the search bundle."""
    digest = hashlib.sha256()
    digest.update(f"{release()}|{site.base_url}|{search.version()}".encode())
    for finder in finders.get_finders():
        for name, storage in finder.list([]):
            try:
                stat = os.stat(storage.path(name))
            except (OSError, NotImplementedError):
                continue
            digest.update(f"|{name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def _site_path(url):
    return url if url and url.startswith("/") else ""


@contextlib.contextmanager
def _prefix(prefix):
    """Reverse URLs under prefix (``/`` to learn site paths without the mirror's)."""
    previous = get_script_prefix()
    set_script_prefix(prefix)
    try:
        yield
    finally:
        set_script_prefix(previous)
