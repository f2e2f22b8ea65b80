"""export_site rendering in worker processes (--jobs): the same files as in one
process, the same incremental exports after it, and the same errors."""

import hashlib
import json
import os
import signal
import threading
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from publications.entries import EntryStore
from publications.models import Publication
from research.views import ThemeDetailView
from site_config.export import build
from site_config.export import parallel as parallel_module
from site_config.export import search as search_module
from site_config.export.build import ExportError, export_site
from site_config.export.deps import DepsStore, Recorder, state_path
from site_config.export.parallel import JOBS_LIMIT, default_jobs
from site_config.export.site import Target
from tests.site_config.export.conftest import BASE_URL, mirror_files, stored_keys


@pytest.fixture
def can_fork():
    """Skip where the export itself would decline to fork (``unavailable``):
    in the whole suite the browser tests' live server (a session fixture)
    is a second thread, and a fork beside it can hang (seen on PostgreSQL:
    workers waiting on a lock the server thread held). The command line,
    these tests' setting when run on their own, has one thread."""
    reason = parallel_module.unavailable()
    if reason:
        pytest.skip(f"the export would render in one process here: {reason}")


def modified(root):
    """{file: modification time} of a mirror's pages and files."""
    return {p: p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}


def test_two_processes_write_the_same_files_as_one(demo_site, tmp_path, can_fork):
    # Workers first: the list entries they render are their own, not copies
    # of those the export in this process stores.
    lines = []
    parallel = export_site(
        tmp_path / "two", base_url=BASE_URL, jobs=2, log=lines.append
    )
    alone = export_site(tmp_path / "one", base_url=BASE_URL, jobs=1)
    assert parallel.jobs == 2
    assert "Rendering in 2 processes" in lines
    assert alone.jobs == 1
    two, one = mirror_files(tmp_path / "two"), mirror_files(tmp_path / "one")
    assert sorted(two) == sorted(one)
    assert [name for name in one if two[name] != one[name]] == []
    for measure in ("pages_written", "pages_rendered", "files_written", "warnings"):
        assert getattr(parallel, measure) == getattr(alone, measure), measure


def test_after_a_parallel_export_an_edit_rewrites_what_it_does_in_one_process(
    demo_site, tmp_path, can_fork, monkeypatch
):
    # The demo's edit queues a few pages: workers only when told to.
    monkeypatch.setattr(parallel_module, "INCREMENTAL_FROM", 1)
    one, two = tmp_path / "one", tmp_path / "two"
    export_site(one, base_url=BASE_URL, jobs=1)
    export_site(two, base_url=BASE_URL, jobs=2)
    before = {root: modified(root) for root in (one, two)}

    publication = _retitle_a_paper("A Freshly Renamed Paper")
    alone = export_site(one, base_url=BASE_URL, jobs=1)
    parallel = export_site(two, base_url=BASE_URL, jobs=2)

    assert parallel.jobs == 2
    assert 0 < parallel.pages_written == alone.pages_written
    assert parallel.pages_rendered == alone.pages_rendered
    rewritten = {}
    for root in (one, two):
        after = modified(root)
        rewritten[root] = {
            path.relative_to(root).as_posix()
            for path, stamp in after.items()
            if before[root].get(path) != stamp
            and not path.relative_to(root).as_posix().startswith("pagefind/")
        }
    assert rewritten[two] == rewritten[one]
    detail = publication.get_absolute_url().lstrip("/") + "index.html"
    assert detail in rewritten[two]
    assert "A Freshly Renamed Paper" in (two / detail).read_text()
    assert mirror_files(two) == mirror_files(one)


def test_after_an_edit_pages_to_index_render_first_then_the_largest_files(
    demo_site, tmp_path, monkeypatch
):
    # The pages Pagefind reads come first, so it can index them while the
    # rest renders; within each part the heavy pages (a whole list's
    # download, the word index) go first: workers take batches as they free
    # up, and the light ones left for the end let them finish together.
    site = tmp_path / "site"
    export_site(site, base_url=BASE_URL, jobs=1)
    store = DepsStore(state_path(site))
    names = {url: name for url, (_node, name) in store.nodes().items()}
    store.close()
    queued = []
    drain = build._Walk.drain

    def noting(walk, **options):
        # Their files as the last export left them.
        queued.extend(
            (t not in walk.indexed, -(site / names[t.url]).stat().st_size)
            for t in walk.queue
        )
        return drain(walk, **options)

    monkeypatch.setattr(build._Walk, "drain", noting)
    _retitle_a_paper("A Freshly Renamed Paper")
    export_site(site, base_url=BASE_URL, jobs=1)

    assert queued == sorted(queued)
    indexed = [size for later, size in queued if not later]
    rest = [size for later, size in queued if later]
    assert len(indexed) > 2
    assert len(rest) > 2
    assert -rest[0] > 10 * -rest[-1] > 0


def _retitle_a_paper(title):
    """Give a publication with authors a new title (a save, as in the admin);
    returns it."""
    publication = Publication.objects.filter(authorships__isnull=False).first()
    publication.title = title
    publication.save()
    return publication


def test_after_an_edit_the_search_index_is_updated_while_other_pages_render(
    demo_site, tmp_path, monkeypatch
):
    site = tmp_path / "site"
    export_site(site, base_url=BASE_URL, jobs=1)
    events, rebuilt = [], []
    add, start = build._Walk.add, build._Indexing.__init__
    update = search_module.update_index

    def adding(walk, target, made, deps):
        events.append(("page", target in walk.indexed))
        return add(walk, target, made, deps)

    def starting(indexing, *args, **options):
        events.append(("index", None))
        return start(indexing, *args, **options)

    def updating(directory, pages, **options):
        report = update(directory, pages, **options)
        rebuilt.append(report.rebuilt)
        return report

    monkeypatch.setattr(build._Walk, "add", adding)
    monkeypatch.setattr(build._Indexing, "__init__", starting)
    monkeypatch.setattr(search_module, "update_index", updating)
    publication = _retitle_a_paper("A Freshly Renamed Paper")
    report = export_site(site, base_url=BASE_URL, jobs=1)

    first = events.index(("index", None))
    # Started once every page to index was written, before the others.
    assert ("page", True) in events[:first]
    assert ("page", True) not in events[first:]
    assert ("page", False) in events[first:]
    # The bundle of the edited page was written then; the run after the
    # walk found it up to date.
    assert rebuilt[0]
    assert rebuilt[-1] == []
    assert report.search_bundles == rebuilt[0]
    index = json.loads((site / "pagefind" / "pages.json").read_text())["pages"]
    detail = publication.get_absolute_url().lstrip("/") + "index.html"
    assert index[detail][0] == hashlib.sha256((site / detail).read_bytes()).hexdigest()


def test_a_manifest_saved_while_the_search_index_is_written_says_it_is_pending(
    demo_site, tmp_path, monkeypatch
):
    # An incremental walk starts indexing once the pages to index are
    # written, whether or not their bytes changed; a manifest saved while
    # Pagefind still writes must send a stopped export's successor through
    # the index again.
    site = tmp_path / "site"
    export_site(site, base_url=BASE_URL, jobs=1)
    saves, stored = [], threading.Event()
    put, save = build._Writer.put, build._Writer.save
    update = search_module.update_index

    def put_as_unchanged(writer, name, data, *, page):
        put(writer, name, data, page=page)
        # As if every page's bytes were those written before.
        writer.html_changed = False

    def saving(writer, **extra):
        indexing = any(
            thread.name.startswith("labsite-pagefind") and thread.is_alive()
            for thread in threading.enumerate()
        )
        saves.append((indexing, extra.get("search_pending", False)))
        save(writer, **extra)
        if indexing:
            stored.set()

    def updating(directory, pages, **options):
        # Still writing when the walk's state is stored.
        stored.wait(timeout=60)
        return update(directory, pages, **options)

    monkeypatch.setattr(build._Writer, "put", put_as_unchanged)
    monkeypatch.setattr(build._Writer, "save", saving)
    monkeypatch.setattr(search_module, "update_index", updating)
    _retitle_a_paper("A Title Written While Indexing")
    export_site(site, base_url=BASE_URL, jobs=1)

    assert stored.is_set()
    assert [pending for indexing, pending in saves if indexing] == [True]
    assert saves[-1] == (False, False)
    manifest = json.loads((site / build.MANIFEST).read_text())
    assert "search_pending" not in manifest


def test_entries_workers_wrote_serve_the_next_export_after_an_edit(
    demo_site, tmp_path, can_fork, monkeypatch
):
    monkeypatch.setattr(parallel_module, "INCREMENTAL_FROM", 1)
    site = tmp_path / "site"
    first = export_site(site, base_url=BASE_URL, jobs=2)
    assert first.jobs == 2
    before = stored_keys(site)
    # Written in the workers, counted and kept on disk for the next export.
    assert 0 < len(before) <= first.entries_written

    _retitle_a_paper("A Freshly Renamed Paper")
    again = export_site(site, base_url=BASE_URL, jobs=2)
    new = set(stored_keys(site)) - set(before)
    assert again.jobs == 2
    # The edited publication's entries only (its list entry, its BibTeX,
    # CSL-JSON and RIS entries, its formatted reference and its page's cite
    # box); two workers may meet one at once.
    assert 0 < len(new) <= 6
    assert len(new) <= again.entries_written <= 2 * len(new)
    export_site(tmp_path / "fresh", base_url=BASE_URL, full=True, jobs=1)
    assert mirror_files(site) == mirror_files(tmp_path / "fresh")


def test_an_edit_queueing_fewer_pages_than_the_threshold_renders_in_one_process(
    demo_site, tmp_path, can_fork, monkeypatch
):
    site = tmp_path / "site"
    assert export_site(site, base_url=BASE_URL, jobs=2).jobs == 2
    # The demo's edit queues about as many pages as the threshold: set above.
    monkeypatch.setattr(parallel_module, "INCREMENTAL_FROM", 1_000)
    publication = _retitle_a_paper("A Freshly Renamed Paper")
    lines = []
    again = export_site(site, base_url=BASE_URL, jobs=2, log=lines.append)
    assert 0 < again.pages_rendered < parallel_module.INCREMENTAL_FROM
    assert again.jobs == 1
    assert not any(line.startswith("Rendering in") for line in lines)
    # Under a lower threshold the same edit renders in workers.
    monkeypatch.setattr(parallel_module, "INCREMENTAL_FROM", 2)
    publication.title = "A Paper Renamed Twice"
    publication.save()
    lines = []
    third = export_site(site, base_url=BASE_URL, jobs=2, log=lines.append)
    assert third.jobs == 2
    assert "Rendering in 2 processes" in lines
    export_site(tmp_path / "fresh", base_url=BASE_URL, full=True, jobs=1)
    assert mirror_files(site) == mirror_files(tmp_path / "fresh")


def test_a_view_failing_in_a_worker_names_its_page(
    demo_site, tmp_path, monkeypatch, can_fork
):
    def fail(view, **kwargs):
        raise RuntimeError("theme pages are broken")

    # Forked workers run this process's code, patched as it is.
    monkeypatch.setattr(ThemeDetailView, "get_context_data", fail)
    messages = []
    for jobs in (1, 2):
        with pytest.raises(ExportError) as failed:
            export_site(tmp_path / f"site-{jobs}", base_url=BASE_URL, jobs=jobs)
        messages.append(str(failed.value))
    assert messages[0] == messages[1]
    assert messages[0].startswith("Rendering failed: /research/")
    assert messages[0].endswith(": RuntimeError: theme pages are broken")


def test_inside_a_transaction_the_export_renders_in_its_own_process(
    db, make_publication, tmp_path
):
    # Workers' own connections would not see the test's uncommitted rows.
    make_publication("Only In This Transaction", year=2024)
    lines = []
    report = export_site(tmp_path / "site", base_url=BASE_URL, jobs=2, log=lines.append)
    assert report.jobs == 1
    said = [line for line in lines if line.startswith("Rendering in this process only")]
    # The first reason unavailable() finds: in the whole suite, the browser
    # tests' live server thread comes first.
    assert said
    assert "transaction is open" in said[0] or "threads" in said[0]
    listing = (tmp_path / "site" / "publications" / "index.html").read_text()
    assert "Only In This Transaction" in listing


def test_jobs_must_be_a_whole_number_of_one_or_more(db, tmp_path):
    with pytest.raises(CommandError, match="1 or more"):
        call_command(
            "export_site",
            str(tmp_path / "site"),
            "--base-url",
            BASE_URL,
            "--jobs",
            "0",
            stderr=StringIO(),
        )


def _interrupt_handler(target, **options):
    return signal.getsignal(signal.SIGINT)


def test_workers_leave_ctrl_c_to_the_export_process(can_fork):
    # Ctrl-C reaches every process of the terminal's group; the export's own
    # process stops the pool and says so in one line.
    recorder, entries = Recorder(scans={}), EntryStore()
    entries.flush = lambda: None
    with parallel_module.Workers(2, _interrupt_handler, recorder, entries, "/") as pool:
        found = pool.results(pool.submit([(Target("/"), {})]))
    assert found[0][0] == signal.SIG_IGN
    assert signal.getsignal(signal.SIGINT) is not signal.SIG_IGN


def test_pages_go_in_batches_that_still_reach_every_worker():
    window = 2 * parallel_module.PAGES_AHEAD
    # A short queue: one page a task, so both workers get some.
    assert parallel_module.batch_size(0, 2) == 1
    assert parallel_module.batch_size(window - 1, 2) == 1
    assert parallel_module.batch_size(3 * window, 2) == 3
    # A long one: batches of the limit.
    assert parallel_module.batch_size(10_000, 2) == parallel_module.BATCH_LIMIT
    assert parallel_module.batch_size(10_000, 8) == parallel_module.BATCH_LIMIT


def test_the_default_is_the_cpus_this_process_may_use_up_to_a_limit(monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(64)))
    assert default_jobs() == JOBS_LIMIT
    # Pinned to one CPU (taskset, a container's cpuset): one process.
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {5})
    assert default_jobs() == 1
