"""Full-text search for the mirror: Pagefind indexes in bundles, kept current.

Pagefind (PyPI ``pagefind[extended]`` ships the binary, so nothing is fetched
at run time) indexes the exported pages that carry ``data-pagefind-body`` (those
the sitemap lists). It has no incremental mode, and one run over every page
costs seconds per thousand pages, so the index is split into bundles that the
browser merges (Pagefind's multisite search, ``mergeIndex``):

- A page's bundle follows from its path alone: a site of at most
  ``PAGES_PER_BUNDLE`` pages is one bundle, ``site``; a larger one is split into
  a power-of-two number of shards by a stable hash of the path
  (``site-3-of-16``), so a bundle holds at most about twice that many pages,
  whatever the site's size. The number of shards changes only when they
  average over twice, or under a quarter of, ``PAGES_PER_BUNDLE`` pages, so
  adding or deleting a page does not reshuffle the index.
- Shards by hash over the whole site, not by section: Pagefind ranks merged
  results by each page's score within its own bundle, which weighs a word by
  its rarity there, so every bundle must be a sample of the whole site. Split
  by section (people, publications), a person's name was common in the
  people bundles and rare in the others, and a search for it no longer put the
  person's page first (docs/benchmark.md, "Search index in bundles").
- Each bundle is one Pagefind index in ``pagefind/<bundle>/``, written by
  Pagefind's binary over a folder of hard links to the bundle's pages (two
  bundles at a time, the machine's cores), and only when what Pagefind reads
  from its pages changed: ``pagefind/bundles.json`` keeps, per bundle, a digest
  of its pages' names and of the part of each page Pagefind indexes
  (``indexed_digest``: the ``data-pagefind-body`` element without its
  ``data-pagefind-ignore`` elements, and the page's language and title). A page
  edited, added or removed changes the digest of its bundle only, and only
  when its indexed part changed: the lists of publications on people's,
  themes' and list pages are ``data-pagefind-ignore`` (a search finds the
  publication's own page, as the live search does), so a title edited
  rewrites its authors' pages but re-indexes the bundle of the publication's
  page alone. A bundle left without pages is deleted.
- ``pagefind/pages.json`` remembers, per page, the digest of its bytes and of
  its indexed part, so an export reads again only the pages it rewrote.
- ``bundles.json`` also lists the bundles for the mirror's search page
  (``static/js/mirror-search.js``): it loads the first and merges the others.
  Pagefind's UI script and style sheet are kept once, in ``pagefind/``.
- Everything is rebuilt when asked (a full export), when ``bundles.json`` is
  missing, of another format or another Pagefind version, or a bundle listed in
  it is missing; files in ``pagefind/`` that belong to no bundle (an earlier
  export's single index) are removed.
"""

import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from site_config.export.files import write_atomic

try:
    from pagefind.service import get_executable
except ImportError:  # Pagefind is optional until an export indexes: see version().
    get_executable = None

BUNDLE = "pagefind"
BUNDLES = "bundles.json"
# Per page: the digests of its bytes and of its indexed part (not read by the browser).
PAGES = "pages.json"
# 3: bundle digests over pages' indexed parts, not their bytes.
FORMAT = 3
# Pages one bundle may hold before the index is split into shards; a bundle of about
# 200 pages is indexed in about a second.
PAGES_PER_BUNDLE = 200
# Bundles indexed at once (one Pagefind process each): the two cores this runs on.
PARALLEL = 2
TIMEOUT = 600
# The name of the bundles (site, or site-3-of-16).
SITE = "site"
# Pagefind's UI, kept once in pagefind/ for the search page.
UI_FILES = ("pagefind-ui.js", "pagefind-ui.css")
# Other UIs Pagefind writes into every bundle; the mirror uses none of them.
UNUSED_FILES = (
    "pagefind-component-ui.css",
    "pagefind-component-ui.js",
    "pagefind-highlight.js",
    "pagefind-modular-ui.css",
    "pagefind-modular-ui.js",
)


# The element Pagefind indexes, and those inside it that it skips.
_BODY = re.compile(rb"<([a-zA-Z][a-zA-Z0-9-]*)\b[^>]*\sdata-pagefind-body\b[^>]*>")
_IGNORED = re.compile(rb"<([a-zA-Z][a-zA-Z0-9-]*)\b[^>]*\sdata-pagefind-ignore\b[^>]*>")
# What Pagefind reads besides the body: the page's language and its title.
_HTML_TAG = re.compile(rb"<html\b[^>]*>", re.IGNORECASE)
_TITLE = re.compile(rb"<title\b.*?</title>", re.IGNORECASE | re.DOTALL)
_ATTRIBUTE = b"data-pagefind-"
# Elements that always have a closing tag, so their extent is found by counting
# opening and closing tags; an ignored element of another kind is digested whole.
_CLOSED = frozenset(
    b"article aside div figure footer header main nav ol section table ul".split()
)


class SearchIndexError(Exception):
    """Pagefind failed or is missing; the message says which."""


@dataclass
class IndexReport:
    """What an index update did: every bundle, those it (re)wrote and those it
    deleted, by name."""

    bundles: list = field(default_factory=list)
    rebuilt: list = field(default_factory=list)
    removed: list = field(default_factory=list)


def version():
    """The installed Pagefind's version, or "" when it is not installed."""
    try:
        return metadata.version("pagefind")
    except metadata.PackageNotFoundError:
        return ""


def has_index(directory):
    """Whether directory holds a complete index of the current format."""
    return _current_state(Path(directory) / BUNDLE) is not None


def page_url(name):
    """The URL Pagefind gives the mirror file name (``people/ada/index.html``
    is ``/people/ada/``), as its command line does."""
    return "/" + name.removesuffix("index.html")


def indexed_digest(data):
    """A digest of what Pagefind indexes in a page (its bytes, data): the
    element marked ``data-pagefind-body`` less the ``data-pagefind-ignore``
    elements in it, the ``<html>`` tag (its language) and the ``<title>``.

    Conservative: whatever may change Pagefind's output changes the digest.
    A page without a body mark, with Pagefind attributes outside its body, or
    whose body does not close is digested whole; an ignored element is left
    in when it holds other Pagefind attributes (a filter or meta inside it is
    still read) or is not of a kind that always closes (``_CLOSED``). Pagefind's
    rules: https://pagefind.app/docs/indexing/ (body, ignore).
    """
    body = _BODY.search(data)
    if body is None:
        return hashlib.sha256(data).hexdigest()
    end = _end_of(data, body)
    outside = data[: body.start()] + data[end:]
    if end < 0 or _ATTRIBUTE in outside:
        return hashlib.sha256(data).hexdigest()
    digest = hashlib.sha256()
    for found in (_HTML_TAG.search(outside), _TITLE.search(outside)):
        digest.update(found.group() if found else b"")
        digest.update(b"\0")
    position = body.start()
    for ignored in _IGNORED.finditer(data, body.end(), end):
        if ignored.start() < position:
            continue  # inside an element already left out
        stop = _end_of(data, ignored)
        kept = data[ignored.start() : stop]
        if stop < 0 or kept.count(_ATTRIBUTE) > kept.count(b"data-pagefind-ignore"):
            continue
        digest.update(data[position : ignored.start()])
        position = stop
    digest.update(data[position:end])
    return digest.hexdigest()


def _end_of(data, opening):
    """Where the element whose opening tag is the match opening ends (after its
    closing tag), counting nested elements of the same name; -1 when it is not
    of a kind in _CLOSED or does not close."""
    name = opening.group(1).lower()
    if name not in _CLOSED:
        return -1
    depth = 1
    tags = re.compile(rb"<(/?)" + name + rb"\b[^>]*>", re.IGNORECASE)
    for tag in tags.finditer(data, opening.end()):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return tag.end()
    return -1


def bundle_of(name, shards):
    """The bundle of a mirror file name when the index has shards bundles."""
    if shards == 1:
        return SITE
    number = int(hashlib.sha256(name.encode()).hexdigest()[:8], 16) % shards
    return f"{SITE}-{number + 1}-of-{shards}"


def plan_shards(count, previous, *, per_bundle=PAGES_PER_BUNDLE):
    """The number of bundles for count pages: previous while the bundles average
    at most twice and (when several) at least a quarter of per_bundle pages,
    else (and when there is no previous plan: previous 0) the least power of
    two that brings them to per_bundle or fewer."""
    if (
        previous < 1
        or count > 2 * per_bundle * previous
        or (previous > 1 and 4 * count < per_bundle * previous)
    ):
        previous = 1
        while count > per_bundle * previous:
            previous *= 2
    return previous


def update_index(directory, pages, *, rebuild=False, per_bundle=None):
    """Bring ``directory/pagefind/`` up to date with the pages to index.

    pages: {mirror file name: digest of its bytes} of the HTML files to index
    (their text is read from directory). rebuild: index every bundle even when
    its pages did not change. per_bundle: PAGES_PER_BUNDLE unless given.
    Returns an IndexReport. Raises SearchIndexError with Pagefind's own message
    when it is missing or fails; bundles finished before stay, and
    ``bundles.json`` still describes the earlier index, so the next update
    redoes the rest.
    """
    directory = Path(directory)
    folder = directory / BUNDLE
    if not version():
        raise SearchIndexError(
            "Pagefind is not installed: pip install 'pagefind[extended]'."
        )
    state = None if rebuild else _current_state(folder)
    old = state or {}
    per_bundle = per_bundle or PAGES_PER_BUNDLE
    shards = plan_shards(len(pages), old.get("shards", 0), per_bundle=per_bundle)
    indexed = _indexed_digests(directory, pages)
    groups = {}
    for name in sorted(pages):
        groups.setdefault(bundle_of(name, shards), []).append(name)
    digests = {
        bundle: _digest(names, indexed) for bundle, names in sorted(groups.items())
    }
    known = old.get("digests", {})
    todo = [bundle for bundle in digests if known.get(bundle) != digests[bundle]]
    folder.mkdir(parents=True, exist_ok=True)
    if todo:
        _index_bundles(directory, {b: groups[b] for b in todo})
    removed = sorted(set(known) - set(digests))
    _keep_only(folder, {*digests, BUNDLES, PAGES, *UI_FILES})
    remembered = {name: [pages[name], indexed[name]] for name in sorted(pages)}
    _write_if_changed(
        folder / PAGES,
        json.dumps(
            {"format": FORMAT, "pages": remembered}, separators=(",", ":")
        ).encode(),
    )
    new_state = {
        "format": FORMAT,
        "pagefind": version(),
        "shards": shards,
        "bundles": list(digests),
        "digests": digests,
    }
    _write_if_changed(folder / BUNDLES, json.dumps(new_state, indent=0).encode())
    return IndexReport(bundles=list(digests), rebuilt=todo, removed=removed)


def _current_state(folder):
    """The parsed bundles.json of folder when the index it describes is
    complete and of this format and Pagefind version, else None."""
    try:
        state = json.loads((folder / BUNDLES).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if (
        not isinstance(state, dict)
        or state.get("format") != FORMAT
        or state.get("pagefind") != version()
        or not isinstance(state.get("digests"), dict)
        or not isinstance(state.get("shards"), int)
    ):
        return None
    has_ui = all((folder / name).is_file() for name in UI_FILES)
    complete = (has_ui or not state["digests"]) and all(
        (folder / bundle / "pagefind-entry.json").is_file()
        for bundle in state["digests"]
    )
    return state if complete else None


def _indexed_digests(directory, pages):
    """{name: indexed_digest of the page} for pages ({name: digest of its
    bytes}), reading only the pages whose bytes pages.json does not know.
    Raises SearchIndexError when a page to read is missing."""
    try:
        saved = json.loads((directory / BUNDLE / PAGES).read_text("utf-8"))
        known = saved["pages"] if saved.get("format") == FORMAT else {}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        known = {}
    indexed = {}
    for name, digest in pages.items():
        remembered = known.get(name)
        if isinstance(remembered, list) and remembered[:1] == [digest]:
            indexed[name] = remembered[1]
            continue
        try:
            indexed[name] = indexed_digest((directory / name).read_bytes())
        except OSError as error:
            raise SearchIndexError(f"A page to index is missing: {name}") from error
    return indexed


def _digest(names, pages):
    digest = hashlib.sha256()
    for name in names:
        digest.update(f"{name}\0{pages[name]}\n".encode())
    return digest.hexdigest()


def _index_bundles(directory, groups):
    """Index each bundle of groups ({bundle: [file name, ...]}) into
    ``pagefind/<bundle>/``, PARALLEL at a time, one Pagefind process each."""
    folder = directory / BUNDLE
    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        done = [
            pool.submit(_index_bundle, directory, bundle, names)
            for bundle, names in groups.items()
        ]
        for future in done:
            future.result()
    _copy_ui(folder / next(iter(groups)), folder)
    for bundle in groups:
        for name in UNUSED_FILES + UI_FILES:
            (folder / bundle / name).unlink(missing_ok=True)


def _index_bundle(directory, bundle, names):
    """Run Pagefind's binary over the bundle's pages alone: hard links to them,
    under their own names, in a folder of their own. The binary itself, not
    ``python -m pagefind``, whose Python start-up cost 0.15 to 0.2 s a bundle.
    (Its Python API reads one answer per tenth of a second, about 100 ms a
    page.)"""
    folder = directory / BUNDLE
    work = Path(tempfile.mkdtemp(dir=folder, prefix=f".new-{bundle}-"))
    try:
        for name in names:
            _link(directory / name, work / "site" / name)
        (work / "site").mkdir(exist_ok=True)
        command = [
            str(_binary()),
            "--site",
            str(work / "site"),
            "--output-path",
            str(work / "index"),
            "--silent",
        ]
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=TIMEOUT, check=False
            )
        except subprocess.TimeoutExpired as error:
            raise SearchIndexError(
                f"Pagefind took over {TIMEOUT} s on bundle {bundle}; stopped."
            ) from error
        except OSError as error:
            # Not the mirror's fault: the binary itself could not be started
            # (not executable, a wrong architecture, removed meanwhile).
            raise SearchIndexError(
                f"Pagefind's binary {command[0]} could not be run "
                f"({error.strerror or error}); reinstall it: "
                "pip install --force-reinstall 'pagefind[extended]'."
            ) from error
        if (
            done.returncode != 0
            or not (work / "index" / "pagefind-entry.json").is_file()
        ):
            output = (done.stderr or done.stdout).strip()
            raise SearchIndexError(f"Pagefind failed on bundle {bundle}: {output}")
        _swap(work / "index", folder / bundle)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _binary():
    """The path of the Pagefind binary the installed package runs."""
    try:
        found = get_executable() if get_executable else None
    except FileNotFoundError:
        # The package is installed but its binary package is not (the
        # "extended" extra, or a platform without a wheel).
        found = None
    if found is None:
        raise SearchIndexError(
            "Pagefind's binary is missing: pip install 'pagefind[extended]'."
        )
    return found


def _link(source, target):
    """A hard link at target to source, or a copy where the file system has none."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _swap(staging, target):
    """Put the folder staging at target, replacing what was there; a served
    copy sees the old bundle or the new one."""
    if target.exists():
        old = target.with_name(f".old-{target.name}")
        shutil.rmtree(old, ignore_errors=True)
        os.replace(target, old)
        os.replace(staging, target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(staging, target)


def _copy_ui(source, folder):
    for name in UI_FILES:
        _write_if_changed(folder / name, (source / name).read_bytes())


def _keep_only(folder, names):
    """Remove what folder holds besides names: bundles that lost every page,
    an earlier export's single index, staging left by a stopped update."""
    for path in folder.iterdir():
        if path.name in names:
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()


def _write_if_changed(path, data):
    try:
        if path.read_bytes() == data:
            return
    except OSError:
        pass
    write_atomic(path, data)
