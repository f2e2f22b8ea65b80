"""Named locks that serialise one kind of job across every process of the site.

PostgreSQL has advisory locks for this (``pg_try_advisory_lock``, held by the
session until released). A SQLite file is only ever used by processes on the
host that holds it, so an ``flock`` on a file beside it is as shared as the
database; an in-memory SQLite database lives in one process, where a thread
lock is enough.
"""

import contextlib
import fcntl
import hashlib
import threading
import time

from django.db import DEFAULT_DB_ALIAS, connections

# How often a waiting process asks again.
POLL_SECONDS = 0.2
_thread_locks = {}
_thread_locks_guard = threading.Lock()


class LockTimeout(Exception):
    """The lock was still held by another process when the wait ran out."""


def _advisory_key(name):
    # pg advisory locks take a signed 64-bit key; a hash keeps names apart.
    digest = hashlib.sha256(f"labsite:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@contextlib.contextmanager
def exclusive(name, *, wait_seconds, using=DEFAULT_DB_ALIAS):
    """Hold the lock called name for the block, waiting up to wait_seconds.

    name is any text (e.g. "bibtex-import"); raises LockTimeout when another
    holder keeps it longer than the wait. Blocks in the same process and
    thread nest safely only on PostgreSQL, so callers take it once per job.
    """
    connection = connections[using]
    deadline = time.monotonic() + wait_seconds
    if connection.vendor == "postgresql":
        key = _advisory_key(name)
        with connection.cursor() as cursor:
            while True:
                cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
                if cursor.fetchone()[0]:
                    break
                _wait_or_give_up(deadline, name)
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
        return
    if connection.vendor == "sqlite" and not connection.is_in_memory_db():
        path = f"{connection.settings_dict['NAME']}.{name}.lock"
        with open(path, "a+b") as handle:
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    _wait_or_give_up(deadline, name)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
        return
    with _thread_locks_guard:
        lock = _thread_locks.setdefault((using, name), threading.Lock())
    if not lock.acquire(timeout=max(wait_seconds, 0)):
        raise LockTimeout(f"{name} is still running elsewhere")
    try:
        yield
    finally:
        lock.release()


def _wait_or_give_up(deadline, name):
    if time.monotonic() >= deadline:
        raise LockTimeout(f"{name} is still running elsewhere")
    time.sleep(POLL_SECONDS)
