"""Pages of a static export rendered in worker processes.

The walk (``build._Walk``) stays in the export's own process: its queue, the
pages seen, the links it follows, the files it writes and the dependency store.
Workers only render: each takes a page, makes its mirror file (fetched through
Django, links rewritten) while a copy of the walk's ``Recorder`` notes what it
reads, and sends back the file, its links and its recorded keys and scans.

Workers are forked, not spawned: a fork starts in milliseconds with Django set
up, templates compiled, and everything the export set before it (the live
site's settings and URL prefix, a test's database name and settings, the
recorder's known scans, the store of written list entries), where a spawned
worker would spend about 1.8 s of CPU on ``django.setup()`` alone and be told
each of those again. Database connections must not be shared across a fork, so
the parent closes its own first and each worker opens its own; an in-memory
SQLite database (the test suite's) has no file to open again, and the worker
keeps the copy forked with it. Workers see committed rows only, so an export
inside a transaction renders in its own process (``unavailable``).

List and download entries a worker writes go into the export's entry store on
disk (``entries.DiskEntryStore``) after each page, where the other workers and
later exports find them; the export's process writes its pending ones before
forking, so no worker starts with entries to write that are not its own.
"""

import multiprocessing
import os
import signal
import threading
from concurrent.futures import ProcessPoolExecutor

from django.db import connections
from django.urls import set_script_prefix

from publications.entries import reusing

# Past a few processes an export gains little: each holds a database
# connection and its own copy of the process's memory as it changes, and two
# workers meeting the same new list entries at once both write them.
JOBS_LIMIT = 8
# Pages an export after an edit must have queued to render in workers. Each
# worker warms up on its own (it reads the rows and digests a list's entries
# are keyed by, the word index's texts, a style's first references), which
# costs CPU but not time: with pages sent in batches, one title edit at
# 10,000 publications (186 pages, a new process) took 7.9 s and 11.3 s of CPU
# in two processes, 9.3 s to 10.6 s and 9.6 s in one; at 1,000 publications
# (86 pages) 2.3 s against 2.6 s. Below a few dozen pages, forking and warming
# up would cost more than the second process saves.
INCREMENTAL_FROM = 50
# Batches handed to each worker ahead of the one the walk waits for: enough
# to keep it busy while the walk writes, few enough to hold in memory.
PAGES_AHEAD = 4
# Pages sent to a worker as one task, at most. Each task costs both processes
# about half a millisecond beyond its pages (pickling, pipes, the executor's
# threads waking each other): at 10,000 publications, 54,000 one-page tasks
# added about 25 s of CPU to a full export's 350 s, half of it in the
# export's own process. Batches are smaller
# when the queue is short (``batch_size``), so a short queue still spreads
# over every worker.
BATCH_LIMIT = 16


def default_jobs():
    """Processes an export renders in by default: the CPUs this process may
    run on (its affinity, not the machine's count), at most JOBS_LIMIT."""
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # macOS has no affinity call
        usable = os.cpu_count() or 1
    return max(1, min(usable, JOBS_LIMIT))


def unavailable():
    """Why pages cannot render in forked workers here, or None when they can.

    A fork copies only the thread that calls it, so a lock another thread
    holds (a server's, a logging handler's) would never be released in the
    worker; and rows written inside an open transaction are invisible to the
    workers' own connections (closing the connection would also end it).
    """
    if "fork" not in multiprocessing.get_all_start_methods():
        return "this system cannot fork worker processes"
    if threading.active_count() > 1:
        return "other threads are running in this process"
    if any(c.in_atomic_block for c in connections.all(initialized_only=True)):
        return "a database transaction is open, whose rows workers would not see"
    return None


def batch_size(queued, jobs):
    """Pages to send as one task when queued pages wait for jobs workers:
    enough batches for every worker's window (jobs * PAGES_AHEAD), each of
    at most BATCH_LIMIT pages and at least one."""
    return max(1, min(BATCH_LIMIT, queued // (jobs * PAGES_AHEAD)))


class Workers:
    """A pool of forked processes calling make(target, **options) on pages.

    make: a callable returning a picklable result for a site ``Target``
    (``build._Pages.make``); recorder: the export's ``deps.Recorder``, active
    around the pool; entries: the export's EntryStore (a
    ``entries.DiskEntryStore``: each worker writes the entries it wrote after
    each page); prefix: the URL prefix pages render under. ``submit`` hands a
    batch of pages to the pool as one task (``batch_size``); ``results``
    waits for it. Use as a context manager: entering writes entries' pending
    entries, closes this process's database connections and forks; leaving
    stops the workers.
    """

    def __init__(self, jobs, make, recorder, entries, prefix):
        self.jobs = jobs
        self.window = jobs * PAGES_AHEAD
        self.recorder = recorder
        self._start = (make, recorder, entries, prefix)
        self.executor = None

    def __enter__(self):
        self._start[2].flush()
        connections.close_all()
        self.executor = ProcessPoolExecutor(
            self.jobs,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_start_worker,
            initargs=self._start,
        )
        return self

    def __exit__(self, *exc_info):
        self.executor.shutdown(wait=True, cancel_futures=True)
        self.executor = None

    def submit(self, pages):
        """Hand pages, a list of (target, options), to one worker as one task."""
        return self.executor.submit(_make_pages, pages)

    def results(self, future):
        """[(made, deps, entries written, entries reused), ...] of a submitted
        batch of pages, in its order, having merged the scans they ran into
        the recorder; raises what make raised in the worker, or
        BrokenProcessPool when a worker died."""
        found = []
        for made, deps, scans, written, reused in future.result():
            self.recorder.merge_scans(scans)
            found.append((made, deps, written, reused))
        return found


# The worker's job, set once when it starts (forked: nothing is pickled).
_job = None


def _start_worker(make, recorder, entries, prefix):
    global _job
    # Ctrl-C reaches every process of the terminal's group: the export's own
    # process stops the pool and says so in one line; a worker's traceback
    # would come before it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    recorder.mark_known()
    set_script_prefix(prefix)
    _job = (make, recorder, entries)


def _make_page(target, options):
    make, recorder, entries = _job
    written, reused = entries.writes, entries.hits
    with reusing(entries), recorder.page() as deps:
        made = make(target, **options)
    # Before the result: the walk may queue a page that needs these entries.
    entries.flush()
    written, reused = entries.writes - written, entries.hits - reused
    return made, deps, recorder.new_scans(deps), written, reused


def _make_pages(pages):
    return [_make_page(target, options) for target, options in pages]
