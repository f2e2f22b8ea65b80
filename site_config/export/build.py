"""The whole public site written as static files, rewriting only what changed.

``export_site`` walks the live site from the home page, the sitemap and
robots.txt, following every site link of every page (and each choice of a
filter form), renders each page through Django in-process (``render``), rewrites
its links for the mirror (``site``), and writes a file only where its bytes
differ from the last export. With ``jobs`` above 1 the pages render in forked
worker processes (``parallel``) while the walk stays here, taking their results
in the order it queued the pages, so the files are the same bytes.

A manifest in the mirror remembers what it wrote: files of pages that are gone
(a deleted publication's) are removed, and when neither the content version
stamp nor the code has moved since, nothing is rendered at all.
"""

import contextlib
import fcntl
import hashlib
import json
import os
import re
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core.exceptions import DisallowedHost
from django.core.files.storage import default_storage
from django.http import HttpRequest
from django.urls import NoReverseMatch, get_script_prefix, reverse, set_script_prefix
from django.utils import timezone

from publications.downloads import read_all_inputs, restore_inputs
from publications.entries import reusing
from site_config.export import parallel, search
from site_config.export.deps import DepsStore, Recorder, RowStates, state_path
from site_config.export.entries import DiskEntryStore, entries_path
from site_config.export.files import write_atomic
from site_config.export.render import Renderer, RenderError, live_site
from site_config.export.site import SiteMap, Target
from site_config.models import keeping_profile
from site_config.pagecache.cache import current_content_version, release
from site_config.redirects import old_page_addresses

MANIFEST = ".labsite-export.json"
LOCK = ".labsite-export.lock"
MANIFEST_FORMAT = 2
MIRROR_SCRIPT = "js/mirror.js"
SEARCH_TEMPLATE = "export/search.html"
# A path no view answers, fetched for the 404 page static hosts serve.
MISSING_PATH = "/labsite-export-page-not-found/"
NOT_FOUND_FILE = "404.html"
REDIRECTS = frozenset({301, 302, 303, 307, 308})
_SITEMAP_LOC = re.compile(r"<loc>\s*([^<\s]+)\s*</loc>")
_MAIN = re.compile(r"<main\b", re.I)
_BODY_END = re.compile(r"</body>", re.I)
# Lists whose filters the browser applies in the mirror (static/js/mirror.js
# reads their filters.json): a page per filter value would grow with the
# number of people, themes and years, each with its downloads.
FILTERED_LISTS = ("publications:list",)
# Settings that change which pages the copy holds: part of the fingerprint,
# so changing one renders every page (the settings that change what every
# page says are in the page cache's release, PAGE_SETTINGS).
OUTPUT_SETTINGS = ("EXPORT_SKIP_PATHS",)


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
    pages_rendered: int = 0
    up_to_date: bool = False
    search_indexed: bool = False
    search_seconds: float = 0.0
    # Names of the search index's bundles Pagefind (re)wrote.
    search_bundles: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    # Processes that rendered the walk's queue (1: this one alone).
    jobs: int = 1
    # List and download entries written (their inputs new since the stored
    # ones) and reused from the entry store, in every process of the export.
    entries_written: int = 0
    entries_reused: int = 0

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
    """The SiteMap for base_url with the live site's search page, admin and
    lists filtered in the browser."""
    keep_query, filtered = set(), set()
    skip = [f"/{search.BUNDLE}/", *getattr(settings, "EXPORT_SKIP_PATHS", ())]
    names = [("search", keep_query), ("admin:index", None)]
    names += [(name, filtered) for name in FILTERED_LISTS]
    with _prefix("/"):
        for name, into in names:
            try:
                path = reverse(name)
            except NoReverseMatch:
                continue
            if into is None:
                skip.append(path)
            else:
                into.add(path)
    return SiteMap(base_url, keep_query=keep_query, filtered=filtered, skip=skip)


def export_site(directory, *, base_url, full=False, force=False, jobs=1, log=None):
    """Write the public site into directory for publication at base_url.

    directory: a folder (made when missing) that is empty or holds an earlier
    export (its manifest); files the export did not write are never touched.
    base_url: where the mirror will be served, e.g.
    ``https://example.github.io/lab/`` (no query or fragment). full: render and
    rewrite every file even when nothing changed. force: write into a non-empty
    folder that holds no earlier export (its files of the same names are
    replaced). jobs: processes rendering pages (``parallel.default_jobs()``
    is the CPUs this process may use); above 1 they are forked workers, unless
    ``parallel.unavailable()`` says why not (then this process renders alone,
    and logs why). The files written are the same whatever jobs is.
    log: a callable taking one line of progress.
    Returns an ExportReport; raises ExportError naming the page that failed,
    or the path that cannot be written.
    """
    log = log or (lambda line: None)
    if jobs < 1:
        raise ExportError(f"jobs must be 1 or more, not {jobs}.")
    directory = Path(directory)
    try:
        site = mirror_site(base_url)
    except ValueError as error:
        raise ExportError(str(error)) from error
    _check_collected_static()
    _check_host(site)
    try:
        _prepare_folder(directory, force=force)
        # Exports into one folder (a save's background task, a person at the
        # command line) take turns; the later one finds the earlier's manifest.
        with open(directory / LOCK, "a") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                # Said, so that a person at the command line does not take
                # the wait for a hang.
                log(f"Waiting for another export of {directory} to finish")
                fcntl.flock(lock, fcntl.LOCK_EX)
            return _export_locked(directory, site, full=full, jobs=jobs, log=log)
    except OSError as error:
        # A path under a regular file, a read-only folder, a full disk: name
        # the path the system refused, not a traceback.
        path = error.filename or directory
        raise ExportError(
            f"Cannot write the export at {path}: {error.strerror or error}."
        ) from error


def _check_host(site):
    """Raise ExportError when the live site would refuse requests to site's
    host (Django's ``ALLOWED_HOSTS`` check, as pages render under
    ``live_site``): every page would answer 400, and the earlier copy's pages
    would be removed as no longer reachable."""
    request = HttpRequest()
    request.META = {"HTTP_HOST": site.host, "SERVER_NAME": "", "SERVER_PORT": ""}
    with live_site(site):
        try:
            request.get_host()
        except DisallowedHost as error:
            raise ExportError(
                f"The site refuses requests to {site.host} ({error}): check --base-url."
            ) from error


def _check_collected_static():
    """Raise ExportError when the static files storage keeps a manifest
    (production settings) that does not list the files the export links:
    every page would fail to render on its first {% static %}."""
    if not isinstance(staticfiles_storage, ManifestFilesMixin):
        return
    try:
        staticfiles_storage.stored_name(MIRROR_SCRIPT)
    except ValueError as error:
        raise ExportError(
            f"The static files are not collected ({MIRROR_SCRIPT} is not in "
            f"{staticfiles_storage.manifest_name} under {settings.STATIC_ROOT}); "
            "run `python manage.py collectstatic` first."
        ) from error


def _prepare_folder(directory, *, force):
    """Make directory, or accept it when it is empty or an earlier export's.

    Raises ExportError for a path that is not a folder (or lies under a file)
    and for a non-empty folder without a manifest unless force is set: the
    export replaces files by name and would overwrite someone's files there.
    """
    for parent in (directory, *directory.parents):
        if parent.is_symlink() and not parent.exists():
            raise ExportError(
                f"Cannot export into {directory}: {parent} is a symbolic link to "
                f"{os.readlink(parent)}, which does not exist."
            )
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


def _export_locked(directory, site, *, full, jobs, log):
    manifest = _load_manifest(directory)
    if not manifest:
        # Marks the folder as an export before its first file is written: a
        # first export stopped midway (Ctrl-C, a crash, a full disk) leaves a
        # folder the next one accepts, and with no fingerprint in the manifest
        # that one renders and writes every page.
        # It names the base URL too: a plain run after an interrupted first
        # one keeps the address asked for (``base_url_for``).
        _Writer(directory, {}, full=True, keep=False, report=None).save(
            base_url=site.base_url
        )
    # A stopped export may have written pages its manifest does not name: one
    # of an edit undone since then would match the manifest yet not the file.
    interrupted = DepsStore.interrupted(state_path(directory))
    # Files a killed export wrote that no manifest names (a page of an object
    # deleted since then is removed only if some list names it).
    journal = _Journal(state_path(directory))
    # Read before rendering: an edit made meanwhile moves the stamp again, so
    # the next export renders it.
    stamp = _stamp()
    fingerprint = _fingerprint(site)
    # Pages choose rows by today's date (upcoming talks, current members) or
    # compare dates in Python (the talks page), so no row or query tells
    # which pages a new day changes: on a new local date every page is
    # rendered again, and only files whose bytes differ are written.
    today = timezone.localdate().isoformat()
    report = ExportReport()
    if (
        not full
        and not interrupted
        and not journal.names
        and manifest.get("fingerprint") == fingerprint
        and manifest.get("stamp") == stamp
        and manifest.get("today") == today
        and manifest.get("rows_valid")
        and not manifest.get("search_pending")
        and not _missing(directory, manifest.get("pages", {}))
        and not _missing(directory, manifest.get("files", {}))
        and _rows_unchanged(directory)
    ):
        report.up_to_date = True
        report.pages_unchanged = len(manifest["pages"])
        report.files_unchanged = len(manifest.get("files", {}))
        return report

    store = DepsStore(state_path(directory))
    indexing = walk = writer = entries = None
    try:
        # Publications' list and download entries: written once for all the
        # pages that show them, and kept for later exports
        # (site_config.export.entries).
        entries = DiskEntryStore(
            entries_path(store.path), fingerprint=fingerprint, fresh=full
        )
        incremental = (
            not full
            and manifest.get("fingerprint") == fingerprint
            and manifest.get("today") == today
            and manifest.get("rows_valid")
            and not journal.names
            and not store.is_empty()
        )
        writer = _Writer(
            directory,
            manifest,
            full=full,
            keep=incremental,
            report=report,
            trusted=not interrupted,
            journal=journal,
        )
        recorder = Recorder(scans=store.load_scans() if incremental else {})
        # Taken whatever this run does: they hold against the row states the
        # last run stored, for this run alone.
        kept_inputs = entries.take_inputs()
        # Rows a download's keys were made from on an earlier page are noted
        # on each page that uses them (publications.downloads).
        entries.note_rows = recorder.note_rows
        with (
            live_site(site),
            recorder.active(),
            store.batch(),
            reusing(entries),
            keeping_profile(recorder.note_rows),
        ):
            walk = _Walk(
                site, writer, log, recorder, store, manifest, entries, jobs=jobs
            )
            if incremental:
                walk.run_incremental(kept_inputs)
            else:
                store.reset()
                # Every page renders: each publication's digest is read once
                # here rather than by its page (publications.downloads).
                read_all_inputs(entries)
                walk.run()
            # Pagefind reads HTML only: new downloads, cards or feeds leave its
            # index as it was; of its bundles, those whose pages changed are
            # redone. An export stopped before its index was brought up to
            # date leaves that to the next one (search_pending).
            reindex = (
                writer.html_changed
                or full
                or interrupted
                or manifest.get("search_pending")
                or not search.has_index(directory)
            )
            saved = {
                "fingerprint": fingerprint,
                "stamp": stamp,
                "today": today,
                "base_url": site.base_url,
                "indexed": sorted(t.url for t in walk.indexed),
            }
            if reindex:
                # Every page is written: Pagefind indexes them while this
                # process stores what the walk found. Stopped before that is
                # stored, the manifest says so (the next export renders every
                # page and indexes again); it names the earlier export's files
                # too, removed only later (remove_stale), so that export
                # removes those it does not write.
                writer.save(**saved, merged=True, rows_valid=False, search_pending=True)
                log("Indexing for search (Pagefind)")
                indexing = _Indexing(
                    directory, walk.pages_to_index(), rebuild=full, after=walk.early
                )
            elif walk.early is not None:
                indexing = walk.early
            if not incremental:
                walk.save()
            saved["rows_valid"] = walk.save_row_states(stamp)
            if saved["rows_valid"] and _stamp() == stamp:
                if walk.rows_read_late:
                    # The stored states are the rows as they are now, and a
                    # change that moves no stamp (QuerySet.update) may have
                    # come after the digests were read: read again, after the
                    # states, a digest is never older than the state it is
                    # kept with (a newer one is read again next time).
                    entries.inputs.clear()
                    read_all_inputs(entries)
                # The next export starts from these digests, and reads again
                # those whose rows changed since the states stored here.
                entries.save_inputs(entries.inputs)
            writer.remove_stale()
            # The manifest is saved before the store of row states commits (at
            # the end of this block): stopped after that commit, an export whose
            # manifest still named the earlier files' digests would leave the
            # next one finding nothing to render and the search index stale.
            # Pagefind may still be writing (an incremental walk's indexing
            # starts early, whether or not a page changed): until it is done,
            # the manifest says the index is pending.
            pending = indexing is not None
            writer.save(**saved, **({"search_pending": True} if pending else {}))
            # The manifest names every file now.
            journal.clear()
        entries.finish()
        report.entries_written += entries.writes
        report.entries_reused += entries.hits
        report.warnings.extend(walk.problems)
        if indexing is not None:
            index = indexing.result()
            written = len(indexing.rebuilt)
            log(f"{written} of {len(index.bundles)} search bundles written")
            report.search_indexed = bool(indexing.rebuilt or indexing.removed)
            report.search_bundles = indexing.rebuilt
            report.search_seconds = indexing.seconds
            writer.save(**saved)
        report.pages_unchanged = len(writer.pages) - report.pages_written
    except BaseException:
        # Only when files changed since the writer's last manifest: one
        # stopped before its first write, or while Pagefind indexes after the
        # last save, leaves a manifest that is right as it is.
        if writer is not None and writer.unsaved:
            writer.save_stopped(base_url=site.base_url)
        raise
    finally:
        if indexing is None and walk is not None:
            indexing = walk.early
        if indexing is not None:
            # Not left running past the export's lock (its error, if any, is
            # the one raised above or by result()).
            if not indexing.done():
                log("Waiting for Pagefind to finish the search index")
            indexing.wait()
        if entries is not None:
            entries.close()
        store.close()
        journal.close()
    return report


class _Indexing:
    """``search.update_index(directory, pages, rebuild=rebuild)`` in a thread
    of its own, started at once: Pagefind's processes (about 1.8 CPUs while
    they last) run while the export's process stores its dependency state
    (at 10,000 publications a full export's last 10 s on one CPU, which
    indexing used to follow)."""

    def __init__(self, directory, pages, *, rebuild, after=None):
        # Pagefind's own time, not the wait for it.
        self.seconds = 0.0
        # Bundles written and bundles removed, this indexing's and those of
        # the one it follows.
        self.rebuilt = []
        self.removed = []
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="labsite-pagefind")
        self._future = self._pool.submit(self._index, directory, pages, rebuild, after)

    def _index(self, directory, pages, rebuild, after):
        if after is not None:
            # One indexing at a time in a folder: this one then finds the
            # bundles the earlier one wrote up to date.
            earlier = after.result()
            self.seconds, self.rebuilt = after.seconds, list(earlier.rebuilt)
            self.removed = list(after.removed)
        started = time.perf_counter()
        try:
            report = search.update_index(directory, pages, rebuild=rebuild)
        finally:
            self.seconds += time.perf_counter() - started
        self.rebuilt += [b for b in report.rebuilt if b not in self.rebuilt]
        self.removed += [b for b in report.removed if b not in self.removed]
        return report

    def done(self):
        return self._future.done()

    def result(self):
        """The IndexReport; raises ExportError with Pagefind's message when
        indexing failed."""
        try:
            return self._future.result()
        except search.SearchIndexError as error:
            raise ExportError(str(error)) from error
        finally:
            self._pool.shutdown(wait=True)

    def wait(self):
        """Wait for the thread to end, whatever it ends with."""
        self._pool.shutdown(wait=True)


class _Walk:
    """One pass over the live site: fetch, rewrite, write, follow.

    ``run`` renders every page from the roots; ``run_incremental`` renders the
    pages whose recorded inputs changed (see ``deps``), pages new links lead
    to, and removes pages that are gone or no longer linked.
    """

    def __init__(
        self, site, writer, log, recorder, store, manifest, entries, *, jobs=1
    ):
        self.site = site
        self.entries = entries
        self.writer = writer
        self.log = log
        self.recorder = recorder
        self.store = store
        self.pages = _Pages(site)
        self.jobs = jobs
        self.queue = deque()
        self.seen = set()
        self.assets = set()
        self.indexed = set()
        self.problems = []
        # Per rendered page: (url, mirror name or None, deps, links).
        self.nodes = {}
        self.current_links = None
        self.static_path = _site_path(settings.STATIC_URL)
        self.media_path = _site_path(settings.MEDIA_URL)
        self.manifest = manifest
        self.columns = None
        self.row_changes = None
        self.digests = None
        self.gone_maybe = set()
        # Whether save_row_states read the rows after the pages rendered.
        self.rows_read_late = False
        # An incremental walk's search indexing, started once the pages to
        # index it queued are written (``_index_early``), and how many of
        # them are left to write.
        self.early = None
        self.index_left = 0
        self.incremental = False

    # --- the walks ------------------------------------------------------------

    def run(self):
        """Render and write every page from the roots; ``save`` then stores
        their nodes (the export starts the search index first)."""
        self.read_sitemaps()
        for target in self.root_targets():
            self.enqueue(target)
        for target in sorted(self.indexed, key=lambda t: (t.path, t.query)):
            self.enqueue(target)
        self.write_not_found()
        self.write_search_page()
        self.drain()
        self.copy_assets(sorted(self.assets, key=lambda t: t.path))

    def run_incremental(self, kept_inputs):
        """kept_inputs: the digests of publications' rows the last export
        kept (``DiskEntryStore.take_inputs``)."""
        self.incremental = True
        known = self.store.nodes()
        by_id = {node: target for target, (node, _name) in known.items()}
        self.seen.update(known)
        self.indexed = {
            self.site.target(url) for url in self.manifest.get("indexed", ())
        } - {None}
        dirty = {by_id[node] for node in self.find_dirty()}
        self.restore_inputs(kept_inputs)
        # A file removed by hand is written again.
        missing = _missing(self.writer.root, {name for _node, name in known.values()})
        dirty.update(url for url, (_node, name) in known.items() if name in missing)
        # So is a static or media copy, though no page that links it renders.
        for name in _missing(self.writer.root, self.writer.old_files):
            self.assets.add(Target("/" + name))
        self.log(f"{len(dirty)} pages read something that changed")
        roots = {t.url: t for t in self.root_targets()}
        if any(url in dirty for url in self.sitemap_urls(known)):
            before = set(self.indexed)
            self.indexed = set()
            self.read_sitemaps(refresh=True)
            dirty.update(t.url for t in before ^ self.indexed)
            dirty.difference_update(self.sitemap_urls(known))
        for url in self.costliest_first(dirty, known):
            if url == MISSING_PATH:
                self.write_not_found()
            elif url in self.site.keep_query:
                self.write_search_page()
            else:
                target = roots.get(url) or self.site.target(url)
                if target is not None:
                    self.queue.append(target)
                    self.index_left += target in self.indexed
                    # A deleted object's page answers 404 now, as expected.
                    self.gone_maybe.add(target.url)
        for url, target in roots.items():
            if url not in known:
                self.enqueue(target)
        self.drain(workers_from=parallel.INCREMENTAL_FROM)
        # Assets the rendered pages link to: new ones are copied, and copies
        # of changed media files refreshed (unchanged ones cost a stat call).
        self.copy_assets(sorted(self.assets, key=lambda t: t.path))
        self.remove_orphans(known)

    def costliest_first(self, urls, known):
        """urls ordered for rendering: the pages to index for search first
        (``_index_early``), then the rest, each part by the largest file each
        wrote last time (a whole list's download, the word index, a long list
        page), then by address. Workers take batches as they free up, so the heavy
        pages queued first are spread over them and the last batches, the
        lightest, finish together: in address order, a title edit at 10,000
        publications left the word index (0.5 s) to one worker at the end
        while the other waited. A file's size stands for its cost, which no
        export keeps."""

        def size(url):
            name = known.get(url, (None, None))[1]
            try:
                return (self.writer.root / name).stat().st_size if name else 0
            except OSError:
                return 0

        indexed = {target.url for target in self.indexed}
        return sorted(urls, key=lambda url: (url not in indexed, -size(url), url))

    def root_targets(self):
        """The pages every export starts from: home, robots.txt, the sitemap,
        and each old slug's page address (the live site redirects it, so the
        copy holds a redirect page there; site_config.redirects)."""
        targets = [Target("/")]
        for name in ("robots_txt", "sitemap"):
            try:
                targets.append(self.site.target(reverse(name)))
            except NoReverseMatch:
                pass
        targets += [self.site.target(path) for path in old_page_addresses()]
        return [t for t in targets if t is not None]

    def sitemap_urls(self, known):
        return {url for url in known if url.endswith(".xml") and "sitemap" in url}

    def find_dirty(self):
        """Ids of the stored pages whose keys or scans changed since."""
        self.columns = self.read_columns()
        reader = RowStates()
        states = reader.read(self.columns)
        keys, tables, self.row_changes = self.store.changes(states, reader)
        self.names = reader.names
        self.digests = {table: rows.digest for table, rows in states.items()}
        if not self.row_changes:
            return set()
        scans = self.store.changed_scans(self.recorder, tables)
        self.log(
            f"{len(self.row_changes)} rows changed; "
            f"{self.store.scans_run} queries run again, {len(scans)} differ"
        )
        return self.store.nodes_for(keys, scans)

    def read_columns(self):
        return _read_columns(self.store)

    def restore_inputs(self, kept):
        """Keep the digests of publications' rows the last export kept that
        no row changed since leaves stale (``find_dirty`` has read the
        changes), and read the others again: the forked workers then share
        them rather than each reading every row again."""
        changed = {}
        for table, pk, _state in self.row_changes or ():
            changed.setdefault(table, set()).add(pk)
        restore_inputs(self.entries, kept, changed, self.digests or ())

    def save_row_states(self, stamp):
        """Store the rows' states for the next export; True when they are
        exact. An incremental run stores the changes it read before rendering;
        a full run (or one whose pages look rows up by a new column) reads
        them now, exact only if no edit was made while it rendered."""
        columns = self.read_columns()
        if self.row_changes is not None and columns == self.columns:
            self.store.apply_row_changes(self.row_changes, self.digests)
            self.store.save_names(self.names)
            return True
        if _stamp() != stamp:
            return False
        reader = RowStates()
        self.store.save_rows(reader.read(columns), reader)
        self.rows_read_late = True
        return True

    def drain(self, *, workers_from=1):
        """Render the queue's pages, and those their links lead to: in
        self.jobs processes when the queue holds at least workers_from pages
        at the start, else in this one."""
        if self.jobs > 1 and self.queue and len(self.queue) >= workers_from:
            reason = parallel.unavailable()
            if reason is None:
                self.drain_in_workers()
                return
            self.log(f"Rendering in this process only: {reason}")
        count = 0
        while self.queue:
            target = self.queue.popleft()
            with self.recorder.page() as deps:
                made = self.pages.make(target, **self.options(target))
            self.add(target, made, deps)
            count += 1
            self.progress(count)

    def drain_in_workers(self):
        """Render the queue in forked workers, in batches of pages
        (``parallel.batch_size``), taking each page's result in the order the
        pages were queued: the walk then follows links, writes files and meets
        a file name twice exactly as when rendering alone."""
        self.writer.report.jobs = self.jobs
        self.log(f"Rendering in {self.jobs} processes")
        count = 0
        with parallel.Workers(
            self.jobs, self.pages.make, self.recorder, self.entries, self.site.prefix
        ) as workers:
            pending = deque()
            while self.queue or pending:
                size = parallel.batch_size(len(self.queue), self.jobs)
                while self.queue and len(pending) < workers.window:
                    batch = [self.queue.popleft() for _ in range(size) if self.queue]
                    pages = [(target, self.options(target)) for target in batch]
                    pending.append((batch, workers.submit(pages)))
                batch, future = pending.popleft()
                try:
                    results = workers.results(future)
                except BrokenProcessPool as error:
                    urls = ", ".join(target.url for target in batch)
                    raise ExportError(
                        f"A rendering process stopped while rendering {urls} "
                        f"(out of memory, or killed): {error}"
                    ) from error
                for target, (made, deps, written, reused) in zip(
                    batch, results, strict=True
                ):
                    self.writer.report.entries_written += written
                    self.writer.report.entries_reused += reused
                    self.add(target, made, deps)
                    count += 1
                    self.progress(count)

    def progress(self, count):
        if count % 500 == 0:
            self.log(f"{count} pages rendered, {len(self.queue)} to go")

    def remove_orphans(self, known):
        """Remove pages (and media) no page links to any more, and no root."""
        roots = {t.url for t in self.root_targets()} | {MISSING_PATH}
        roots |= set(self.site.keep_query)
        dropped = set()
        for url, (node, _name) in known.items():
            if url in self.nodes:
                dropped |= self.store.links_of(node) - self.nodes[url][3]
        # Links of pages rendered now are not stored yet: save first.
        self.save()
        self.store.forget_unused_scans()
        # Read only when a link was dropped: 54,000 nodes take 0.2 s.
        nodes = self.store.nodes() if dropped else {}
        while dropped:
            url = dropped.pop()
            if url in roots or self.store.linked(url):
                continue
            if url in nodes:
                node, name = nodes.pop(url)
                dropped |= self.store.links_of(node)
                self.store.delete_node(node)
                if name:
                    self.writer.remove(name, page=True)
            elif self._is_asset(Target(url)):
                self.writer.remove(Target(url).mirror_path(is_html=False), page=False)

    def save(self):
        """Store the nodes rendered in this walk (and the scans they ran); a
        page that now answers no file loses the file it had."""
        ids = self.store.save_scans(self.recorder.scans)
        for url, name, deps, links in self.nodes.values():
            old = self.store.save_node(url, name, deps, links, ids)
            if old and old != name:
                self.writer.remove(old, page=True)
        self.nodes = {}

    # --- one page -----------------------------------------------------------

    def enqueue(self, target):
        if target is None or target.url in self.seen:
            return
        self.seen.add(target.url)
        if self._is_asset(target):
            self.assets.add(Target(target.path))
        else:
            self.queue.append(target)
            self.index_left += target in self.indexed

    def pages_to_index(self):
        """{mirror file name: digest} of the written pages to index."""
        names = {target.mirror_path(is_html=True) for target in self.indexed}
        return {n: d for n, d in self.writer.pages.items() if n in names}

    def _index_early(self):
        """In an incremental walk, once the last page to index it queued is
        written, start updating the search index (``_Indexing``) while the
        other pages (downloads, feeds, cards: Pagefind reads none of them)
        render; the export indexes again after the walk, and that run finds
        up to date the bundles this one wrote. Pagefind no longer runs alone
        after the pages: a title edit at 10,000 publications spent its last
        0.5 to 0.9 s on one bundle while the rendering processes stood idle."""
        if self.early is None and self.index_left == 0 and self.incremental:
            self.early = _Indexing(
                self.writer.root, self.pages_to_index(), rebuild=False
            )

    def link(self, target):
        """Note that the page being rendered links to target; follow it."""
        if target is None:
            return
        if self.current_links is not None:
            self.current_links.add(
                Target(target.path).url if self._is_asset(target) else target.url
            )
        self.enqueue(target)

    def _is_asset(self, target):
        return any(
            prefix and target.path.startswith(prefix)
            for prefix in (self.static_path, self.media_path)
        )

    @contextlib.contextmanager
    def page(self, target, deps=None):
        """Render target's page, recording what it reads and links to; deps:
        what it read when it was rendered already (by a worker)."""
        self.current_links = links = set()
        self.writer.report.pages_rendered += 1
        node = {"name": None}
        if deps is None:
            with self.recorder.page() as deps:
                yield node
        else:
            yield node
        self.current_links = None
        self.nodes[target.url] = (target.url, node["name"], deps, links)

    def options(self, target):
        """How _Pages.make renders target for this walk."""
        return {
            "index": target in self.indexed,
            "expect_missing": target.url in self.gone_maybe,
        }

    def add(self, target, made, deps):
        """Follow the links of a page made (a _Made, with the PageDeps of its
        rendering), write its file and note the problem it had."""
        with self.page(target, deps) as node:
            for found in made.links:
                self.link(found)
            if made.problem:
                self.problems.append(made.problem)
            if made.name is not None:
                node["name"] = made.name
                self.writer.put(made.name, made.body, page=True)
        if target in self.indexed:
            self.index_left -= 1
            self._index_early()

    def read_sitemaps(self, refresh=False):
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
            self.seen.add(target.url)
            with self.page(target) as node:
                page = self.pages.fetch(target)
                if page.status != 200:
                    continue
                node["name"] = target.mirror_path(is_html=False)
                self.writer.put(node["name"], page.body, page=True)
                text = page.body.decode("utf-8", "replace")
                for loc in _SITEMAP_LOC.findall(text):
                    found = self.site.target(loc.replace("&amp;", "&"))
                    if found is None:
                        continue
                    self.current_links.add(found.url)
                    if found.path.endswith(".xml"):
                        pending.append(found)
                    else:
                        self.indexed.add(found)
                        if refresh:
                            self.enqueue(found)

    def write_not_found(self):
        target = Target(MISSING_PATH)
        self.seen.add(target.url)
        with self.page(target) as node:
            page = self.pages.fetch(target, expect_missing=True)
            if page.status != 404 or not page.is_html:
                self.problems.append(
                    f"a missing page answered {page.status}; no 404.html"
                )
                return
            body = self.html(target, page.body.decode("utf-8"))
            node["name"] = NOT_FOUND_FILE
            self.writer.put(NOT_FOUND_FILE, body, page=True)

    def write_search_page(self):
        """The mirror's own search page, at the live search page's address."""
        if not self.site.keep_query:
            return
        path = sorted(self.site.keep_query)[0]
        target = Target(path)
        self.seen.add(target.url)
        with self.page(target) as node:
            html = self.pages.renderer.render_template(
                SEARCH_TEMPLATE,
                self.site.prefix.rstrip("/") + path,
                {
                    "pagefind_base": self.site.prefix,
                    "pagefind_folder": f"{self.site.prefix}{search.BUNDLE}/",
                },
            )
            body = self.html(target, html.decode("utf-8"))
            node["name"] = target.mirror_path(is_html=True)
            self.writer.put(node["name"], body, page=True)

    def html(self, target, text):
        """A page the walk makes itself (the 404 and search pages, not marked
        for search) as bytes, its links followed."""
        body, links = self.pages.html(target, text, index=False)
        for found in links:
            self.link(found)
        return body

    def copy_assets(self, targets):
        done = set()
        for target in targets:
            self.copy_asset(target, done)

    def copy_asset(self, target, done):
        if target.path in done:
            return
        done.add(target.path)
        source = _asset_source(target, self.static_path, self.media_path)
        if source is None:
            self.problems.append(f"{target.path}: no such static or media file")
            return
        name = target.mirror_path(is_html=False)
        self.writer.copy(name, source)
        if name.endswith(".css"):
            text = Path(source).read_text("utf-8", "replace")
            for found in self.site.css_targets(text, target.path):
                self.copy_asset(found, done)


@dataclass
class _Made:
    """One page made for the mirror: its file (None: it has none) and bytes,
    the site links in it in the order the walk follows them, and the problem
    to report (a page answering an error, a redirect off the site)."""

    name: str | None = None
    body: bytes = b""
    links: tuple = ()
    problem: str | None = None


class _Pages:
    """Makes the mirror's pages from the live site at site (a SiteMap).

    It holds nothing of the walk, so forked workers (``parallel``) make pages
    exactly as the walk's own process does.
    """

    def __init__(self, site):
        self.site = site
        self.renderer = Renderer(site)
        self.mirror_script = site.target(staticfiles_storage.url(MIRROR_SCRIPT))

    def fetch(self, target, **options):
        try:
            return self.renderer.fetch(target, **options)
        except RenderError as error:
            raise ExportError(f"Rendering failed: {error}") from error

    def make(self, target, *, index, expect_missing):
        """The _Made of target. index: mark its main content for the search
        index; expect_missing: it may be gone (a deleted object's page), so a
        404 is no problem. Raises ExportError naming the page when its view
        fails."""
        page = self.fetch(target, expect_missing=expect_missing)
        if page.status in REDIRECTS:
            return self.redirect(target, page.location)
        if page.status != 200:
            if page.status == 404 and expect_missing:
                return _Made()
            return _Made(problem=f"{target.url} answered {page.status}; not exported")
        body, links = page.body, ()
        if page.is_html:
            body, links = self.html(target, body.decode("utf-8"), index=index)
        elif page.content_type == "text/css":
            links = tuple(
                self.site.css_targets(body.decode("utf-8", "replace"), target.path)
            )
        return _Made(target.mirror_path(is_html=page.is_html), body, links)

    def html(self, target, text, *, index):
        """(bytes, links) of an HTML page with its links rewritten for the
        mirror, its main content marked for search when index, and the
        mirror's script added."""
        text, found = self.site.rewrite_html(text, page=target)
        links = sorted(found, key=lambda t: (t.path, t.query))
        if index:
            text = _MAIN.sub("<main data-pagefind-body", text, count=1)
        if self.mirror_script is not None:
            script = self.site.link(staticfiles_storage.url(MIRROR_SCRIPT))
            text = _BODY_END.sub(
                f'<script src="{script}" defer></script>\n</body>', text, count=1
            )
            links.append(self.mirror_script)
        return text.encode("utf-8"), tuple(links)

    def redirect(self, target, location):
        """A page that sends the browser on to location, where the live site
        redirects target."""
        destination = self.site.target(location)
        if destination is None:
            return _Made(problem=f"{target.url} redirects off the site to {location}")
        link = self.site.link(location)
        # Addresses in a page's head are absolute, as the live pages' are.
        canonical = self.site.origin + link if link.startswith("/") else link
        body = (
            '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta http-equiv="refresh" content="0; url={link}">'
            f'<link rel="canonical" href="{canonical}"><title>Moved</title></head>'
            f'<body><p>This page moved to <a href="{link}">{link}</a>.</p>'
            "</body></html>\n"
        )
        return _Made(target.mirror_path(is_html=True), body.encode(), (destination,))


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
    """Writes files under the mirror only where their bytes changed.

    keep: the pages and files of the last export stay unless removed (an
    incremental run renders only some pages); otherwise what this run does not
    write is removed at the end.
    """

    def __init__(
        self, root, manifest, *, full, keep, report, trusted=True, journal=None
    ):
        self.root = root
        self.full = full
        # Where each new name is noted before its file is written.
        self.journal = journal
        # Whether a file was written or removed since the last save.
        self.unsaved = False
        # Whether the manifest's digests are those of the files on disk (not
        # so after an export stopped without saving its own: the files are
        # read and compared).
        self.trusted = trusted
        self.keep = keep
        self.report = report
        self.old_pages = manifest.get("pages", {})
        self.old_files = manifest.get("files", {})
        if journal is not None and journal.names:
            # Named with no digest: compared, and removed unless written.
            self.old_pages = {**journal.of_kind(True), **self.old_pages}
            self.old_files = {**journal.of_kind(False), **self.old_files}
        self.pages = dict(self.old_pages) if keep else {}
        self.files = dict(self.old_files) if keep else {}
        self.written = set()
        # Whether an HTML file was written or removed (the search index reads them).
        self.html_changed = False

    def put(self, name, data, *, page):
        """Write data at name unless the file already holds it."""
        if name in self.written:
            return
        self.written.add(name)
        digest = hashlib.sha256(data).hexdigest()
        old = self.old_pages if page else self.old_files
        new = self.pages if page else self.files
        new[name] = digest
        path = self.root / name
        if self.full:
            unchanged = False
        elif self.trusted:
            unchanged = _digest_of(old.get(name)) == digest and path.is_file()
        else:
            unchanged = _holds(path, data)
        if page:
            if not unchanged:
                self.report.pages_written += 1
        else:
            if unchanged:
                self.report.files_unchanged += 1
            else:
                self.report.files_written += 1
        if not unchanged:
            if self.journal is not None and name not in old:
                self.journal.note(name, page=page)
            self.unsaved = True
            write_atomic(path, data)
            self.html_changed |= name.endswith(".html")

    def copy(self, name, source):
        """Copy source to name; an unchanged source (same size and modification
        time as last time) is not read again."""
        if name in self.written:
            return
        stat = os.stat(source)
        old = self.old_files.get(name)
        if (
            not self.full
            and self.trusted
            and isinstance(old, list)
            and old[1:] == [stat.st_size, stat.st_mtime_ns]
            and (self.root / name).is_file()
        ):
            self.written.add(name)
            self.files[name] = old
            self.report.files_unchanged += 1
            return
        self.put(name, Path(source).read_bytes(), page=False)
        self.files[name] = [self.files[name], stat.st_size, stat.st_mtime_ns]

    def remove(self, name, *, page):
        (self.pages if page else self.files).pop(name, None)
        path = self.root / name
        if path.is_file():
            self.unsaved = True
            path.unlink()
            self.html_changed |= name.endswith(".html")
            self.report.removed.append(name)
            if page:
                self.report.pages_removed += 1
        _prune(path.parent, self.root)

    def remove_stale(self):
        if self.keep:
            return
        for old, new in ((self.old_pages, self.pages), (self.old_files, self.files)):
            for name in sorted(set(old) - set(new)):
                self.remove(name, page=old is self.old_pages)

    def save(self, *, merged=False, **extra):
        """Write the manifest: extra's items, and the pages and files written
        (merged: with the earlier export's, for a save before
        ``remove_stale``, while those are still on disk)."""
        pages, files = self.pages, self.files
        if merged:
            pages = {**self.old_pages, **pages}
            files = {**self.old_files, **files}
        data = {"format": MANIFEST_FORMAT, **extra, "pages": pages, "files": files}
        write_atomic(
            # Compact: an indent makes json encode in Python, not C (at
            # 54,000 pages 0.15 s a save against 0.09 s; an export saves twice).
            self.root / MANIFEST,
            json.dumps(data, sort_keys=True, separators=(",", ":")).encode(),
        )
        self.unsaved = False

    def save_stopped(self, **extra):
        """Save, for an export stopped midway, a manifest naming every file it
        wrote and every file of the earlier export: the next export compares
        the first by digest and removes those of the second it does not write
        (a page of an object deleted meanwhile). It holds no fingerprint, so
        that export renders every page, and it asks for the search index to be
        brought up to date. A save that fails (a full disk) leaves the manifest
        as it was: the next export then reads the files to compare
        (``DepsStore.interrupted``)."""
        with contextlib.suppress(OSError):
            self.save(**extra, merged=True, rows_valid=False, search_pending=True)


class _Journal:
    """The names of the files an export writes that the mirror's manifest
    does not name yet, one a line as a JSON array [kind, name] (kind "p" for
    a page, "f" for another file; ASCII, so no character of a name breaks
    the line), appended before each file is written and flushed at once: an
    export killed (SIGKILL, out of memory) before it saved its manifest
    leaves them for the next one, which then removes those it does not
    write (the page of an object deleted meanwhile). Kept beside the
    dependency state (state_path + ``.written``), not in the mirror.

    ``names``: {name: whether it is a page} found when opened;
    ``note(name, page=...)`` appends; ``clear()`` empties the file once a
    manifest names every file.
    """

    def __init__(self, state):
        self.path = state.with_name(state.name + ".written")
        try:
            data = self.path.read_bytes()
        except OSError:
            data = b""
        self.names = {}
        # A line cut short by the kill names no file the export wrote.
        for line in data[: data.rfind(b"\n") + 1].split(b"\n"):
            try:
                kind, name = json.loads(line)
            except (ValueError, TypeError):
                continue
            if isinstance(name, str):
                self.names[name] = kind == "p"
        self._file = None

    def of_kind(self, page):
        """{name: None} of the pages (page true) or other files noted."""
        return {name: None for name, kind in self.names.items() if kind == page}

    def note(self, name, *, page):
        if self._file is None:
            self._file = open(self.path, "a", encoding="ascii")  # noqa: SIM115
        self._file.write(json.dumps(["p" if page else "f", name]) + "\n")
        self._file.flush()

    def clear(self):
        self.close()
        self.path.unlink(missing_ok=True)
        self.names = {}

    def close(self):
        if self._file is not None:
            self._file.close()
            self._file = None


def _holds(path, data):
    """Whether the file at path holds exactly data (bytes); False when there
    is no such file."""
    try:
        if os.stat(path).st_size != len(data):
            return False
        return Path(path).read_bytes() == data
    except OSError:
        return False


def _missing(root, names):
    """The names (mirror file names) of names with no file under root. Checked
    on strings: a Path made for each costs as much as the check itself, at
    54,000 pages a third of a second."""
    base = os.path.join(root, "")
    return {name for name in names if name and not os.path.isfile(base + name)}


def _digest_of(entry):
    """The sha256 of a manifest entry: a digest, or [digest, size, mtime]."""
    return entry[0] if isinstance(entry, list) else entry


def _prune(folder, root):
    """Remove folders left empty up to (not including) root."""
    while folder != root and folder.is_relative_to(root):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


def earlier_base_url(directory):
    """The base URL the export in directory was made for, or None (no earlier
    export, or one from before the manifest recorded it)."""
    return _load_manifest(Path(directory)).get("base_url")


def base_url_for(directory):
    """The base URL an export into directory is made for when none is asked
    for (``export_site`` without ``--base-url``, the on-save task): the one
    the earlier export there was made for, else the EXPORT_BASE_URL setting
    (``LABSITE_EXPORT_BASE_URL``). An update of a published copy keeps its
    address: falling back to the setting would rewrite every page for
    another host. Returns (base URL, whether it is the earlier export's)."""
    earlier = earlier_base_url(directory)
    if earlier:
        return earlier, True
    return settings.EXPORT_BASE_URL, False


def _load_manifest(directory):
    path = directory / MANIFEST
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        # None there, or the folder is a file: _prepare_folder says which.
        return {}
    return data if data.get("format") == MANIFEST_FORMAT else {}


def _read_columns(store):
    """{table: key columns} of every table the pages stored in store read."""
    columns = store.key_columns()
    for table in store.scan_tables():
        columns.setdefault(table, set())
    return columns


def _rows_unchanged(directory):
    """Whether every row the pages of the export in directory read is as that
    export stored it. The content stamp moves on saves only; a change made
    with ``QuerySet.update()`` or raw SQL shows here (reading the rows takes
    0.7 s at 10,000 publications)."""
    store = DepsStore(state_path(directory))
    try:
        if store.is_empty():
            return False
        reader = RowStates()
        _keys, _tables, changed = store.changes(
            reader.read(_read_columns(store)), reader
        )
        return not changed
    finally:
        store.close()


def _stamp():
    # JSON turns tuples into lists; compare stamps in the form they are stored.
    return json.loads(json.dumps(current_content_version(), default=str))


def _fingerprint(site):
    """What besides content decides the output: the code, templates and page
    settings (the page cache's release), the settings of OUTPUT_SETTINGS, the
    static files, the base URL and the search bundle."""
    digest = hashlib.sha256()
    digest.update(f"{release()}|{site.base_url}|{search.version()}".encode())
    for name in OUTPUT_SETTINGS:
        digest.update(f"|{name}={getattr(settings, name, None)!r}".encode())
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
