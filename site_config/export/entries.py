"""Written list and download entries kept on disk from one export to the next.

A static export reuses each publication's list entry and download entries
(``publications.entries``, ``publications.downloads``) through an EntryStore,
keyed by a digest of everything the entry shows. A store in memory lasts one
process, and an export after an edit runs in a new one (``manage.py
export_site``, a save's background task) with its pages rendered in forked
workers: every entry of every list it renders was written again, 10,000 of
them for each of the whole list's downloads. ``DiskEntryStore`` keeps them in
a SQLite file beside the export's dependency state (``deps.state_path``'s
folder, outside the published mirror: it holds unpublished rows' text too),
so an export writes only the entries whose inputs changed.

Why this shape:

- SQLite in WAL mode: readers never wait for the writer, so the workers read
  entries while others are being written, and a reader sees only committed
  entries (a killed process leaves none half-written). The entries are
  written without waiting for the disk (``synchronous=NORMAL``): a lost entry
  is only written again.
- Each process writes the entries it wrote itself, in one transaction after
  each page (``flush``; the export's own process also every FLUSH_EVERY
  entries and at the end), with a busy timeout while another holds the write
  lock. Entries then reach the other workers at once, without passing through
  the export's process (a whole-list download's are 10,000, megabytes each
  format), and a worker is forked with no pending entries (``parallel``
  flushes before forking).
- A process forked from the one that opened the store opens its own
  connection on first use: SQLite connections must not cross a fork.
- An in-memory LRU (the EntryStore's) sits in front, so a list's entries met
  again on the same process's next page cost no query.
- Bounded: every entry notes the last run that wrote or read it; at the end of
  a run (``finish``) entries no run among the last KEEP_RUNS used are
  dropped (an edited publication's old entries), and past DISK_LIMIT entries
  the least recently used go. An entry dropped while still shown is only
  written again when its page is next rendered. A read notes its run only
  when the entry's mark is half KEEP_RUNS old: marking every entry an
  export after an edit read (a whole list's, 10,000 at a time) cost more
  than the pages it rendered (1.5 s of a 22 s profile at 10,000
  publications); the order of least recent use is then as coarse.
- Invalidated (the file started anew) when the export's fingerprint (code and
  templates, base URL, static files: ``build._fingerprint``) differs from
  the one the entries were written under, and for a ``--full`` export, which
  trusts nothing of the last one and fills the store anew. The key alone does
  not cover templates or code.
- The digests of each publication's rows that entries are keyed by
  (``EntryStore.inputs``) are kept too (``save_inputs``), for the next run
  alone (``take_inputs``): what changed in between is known only against
  the row states the export stored in the same run (``deps``), and a run
  stopped midway saves none.
"""

import json
import os
import sqlite3
from pathlib import Path

from publications.entries import STORE_LIMIT, EntryStore

# Runs an entry may go unused before it is dropped: an incremental export
# renders few lists, and the entries of the others are still shown.
KEEP_RUNS = 20
# Entries kept on disk: a 10,000-publication site has about 60,000 (a list
# entry and four download entries each), with room for earlier versions.
DISK_LIMIT = 250_000
# Entries the export's own process holds before writing them.
FLUSH_EVERY = 2_000
# Seconds a process waits for another's write to end.
BUSY_SECONDS = 120
# Keys looked up in one query.
CHUNK = 500
_SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    key TEXT PRIMARY KEY, text TEXT NOT NULL, used INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS entries_used ON entries (used);
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS inputs (
    pk INTEGER PRIMARY KEY, digest BLOB NOT NULL, people TEXT NOT NULL,
    authorships TEXT NOT NULL
);
"""


def entries_path(state):
    """The entry store beside the dependency state file state
    (``deps.state_path``): the same folder and name stem."""
    state = Path(state)
    return state.with_name(f"{state.stem}.entries.sqlite3")


class DiskEntryStore(EntryStore):
    """An EntryStore whose entries last on disk at path (``entries_path``).

    fingerprint: what besides the key decides an entry (``build._fingerprint``);
    entries written under another are dropped, as all are when fresh (a full
    export). note_rows: EntryStore's (the export's ``Recorder.note_rows``).
    Each opening is one run (``run``); keep_runs: the runs an unused entry
    lasts (``finish``). ``writes`` counts the entries this
    process wrote, ``hits`` and ``misses`` its lookups (a forked worker goes on
    from the counts it was forked with). Call ``finish`` at the end of an
    export to write what is pending and drop old entries, then ``close``.
    Raises sqlite3.Error when the file cannot be used (another process holding
    it past BUSY_SECONDS, a full disk).
    """

    def __init__(
        self,
        path,
        *,
        fingerprint,
        fresh=False,
        limit=STORE_LIMIT,
        note_rows=None,
        keep_runs=KEEP_RUNS,
    ):
        # One store per export run: rows do not change under it.
        super().__init__(limit, keep_inputs=True, note_rows=note_rows)
        self.path = Path(path)
        self.keep_runs = keep_runs
        self._pending = {}
        self._used = set()
        self._pid = os.getpid()
        self._inherited = []
        self.db = None
        try:
            self.db = self._connect()
            stale = fresh or self._meta("fingerprint") != fingerprint
        except sqlite3.OperationalError:
            raise
        except sqlite3.DatabaseError:
            # Not a database (a file cut short): its entries are written again.
            stale = True
        if stale:
            if self.db is not None:
                self.db.close()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            self.db = self._connect()
        self.run = int(self._meta("run") or 0) + 1
        # A read older than this renews its entry's mark (see the module's
        # "Bounded"): an entry read on every run is renewed every
        # keep_runs // 2 runs and never reaches keep_runs.
        self._renew_before = self.run - max(1, keep_runs // 2) + 1
        with self.db:
            self.db.executemany(
                "INSERT OR REPLACE INTO meta (name, value) VALUES (?, ?)",
                [("fingerprint", fingerprint), ("run", str(self.run))],
            )

    def _connect(self):
        db = sqlite3.connect(self.path, timeout=BUSY_SECONDS)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.executescript(_SCHEMA)
        return db

    def _meta(self, name):
        row = self.db.execute("SELECT value FROM meta WHERE name = ?", [name])
        found = row.fetchone()
        return found[0] if found else None

    def _connection(self):
        """This process's connection: a forked worker opens its own, and
        leaves the pending entries it was forked with to the export's
        process (which wrote them before forking)."""
        if self._pid != os.getpid():
            # Never closed here: closing may checkpoint or delete the WAL
            # file under the process that opened it.
            self._inherited.append(self.db)
            self._pid = os.getpid()
            self._pending, self._used = {}, set()
            self.db = self._connect()
        return self.db

    # --- EntryStore -----------------------------------------------------------

    def get(self, key):
        return self.get_many([key])[0]

    def get_many(self, keys):
        """The texts of keys in order (None for each missing): from memory,
        else from disk in a query per CHUNK keys."""
        texts = [self.entries.get(key) for key in keys]
        wanted = [key for key, text in zip(keys, texts, strict=True) if text is None]
        found = {}
        db = self._connection() if wanted else None
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start : start + CHUNK]
            marks = ",".join("?" * len(chunk))
            found.update(
                (key, (text, used))
                for key, text, used in db.execute(
                    f"SELECT key, text, used FROM entries WHERE key IN ({marks})",  # noqa: S608
                    chunk,
                )
            )
        for index, key in enumerate(keys):
            if texts[index] is not None:
                self.hits += 1
                self.entries.move_to_end(key)
                continue
            stored = found.get(key)
            if stored is None:
                self.misses += 1
                continue
            self.hits += 1
            texts[index] = stored[0]
            if stored[1] < self._renew_before:
                self._used.add(key)
            self.remember(key, stored[0])
        return texts

    def put(self, key, text):
        super().put(key, text)
        self._connection()
        self._pending[key] = text
        if len(self._pending) >= FLUSH_EVERY:
            self.flush()

    # --- on disk ----------------------------------------------------------------

    def flush(self):
        """Write the entries written and the uses read since the last flush,
        in one transaction."""
        db = self._connection()
        if not self._pending and not self._used:
            return
        with db:
            db.executemany(
                "INSERT OR REPLACE INTO entries (key, text, used) VALUES (?, ?, ?)",
                [(key, text, self.run) for key, text in self._pending.items()],
            )
            db.executemany(
                "UPDATE entries SET used = ? WHERE key = ?",
                [(self.run, key) for key in self._used - self._pending.keys()],
            )
        self._pending, self._used = {}, set()

    def finish(self, *, limit=DISK_LIMIT):
        """Write what is pending, then drop the entries no run among the last
        keep_runs used and, past limit entries, the least recently used."""
        self.flush()
        db = self._connection()
        with db:
            db.execute(
                "DELETE FROM entries WHERE used <= ?", [self.run - self.keep_runs]
            )
            (count,) = db.execute("SELECT count(*) FROM entries").fetchone()
            if count > limit:
                db.execute(
                    "DELETE FROM entries WHERE key IN "
                    "(SELECT key FROM entries ORDER BY used LIMIT ?)",
                    [count - limit],
                )
        # The WAL grows by every entry written; fold it into the file.
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def save_inputs(self, inputs):
        """Keep inputs ({publication id: (digest bytes, author ids, authorship
        ids)}, ``publications.downloads``' EntryStore.inputs) for the next
        run (``take_inputs``), in place of any kept before."""
        db = self._connection()
        with db:
            db.execute("DELETE FROM inputs")
            db.executemany(
                "INSERT INTO inputs (pk, digest, people, authorships) "
                "VALUES (?, ?, ?, ?)",
                [
                    (pk, digest, json.dumps(sorted(people)), json.dumps(sorted(rows)))
                    for pk, (digest, people, rows) in inputs.items()
                ],
            )

    def saved_inputs(self):
        """The inputs ``save_inputs`` kept, in its shape ({} when none are)."""
        return {
            pk: (digest, frozenset(json.loads(people)), frozenset(json.loads(rows)))
            for pk, digest, people, rows in self._connection().execute(
                "SELECT pk, digest, people, authorships FROM inputs"
            )
        }

    def take_inputs(self):
        """``saved_inputs``, no longer kept: they hold for the run after the
        one that saved them, and a run stopped before saving its own leaves
        none for the next."""
        inputs = self.saved_inputs()
        with self._connection() as db:
            db.execute("DELETE FROM inputs")
        return inputs

    def stored(self):
        """How many entries the file holds."""
        return self._connection().execute("SELECT count(*) FROM entries").fetchone()[0]

    def close(self):
        self.db.close()
