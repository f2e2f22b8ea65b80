"""SQLite as configured survives concurrent writers (two editors and an import)."""

import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

WRITER = textwrap.dedent(
    """
    import sys, time
    import django
    django.setup()
    from django.db import transaction
    from people.models import Person

    name, rounds = sys.argv[1], int(sys.argv[2])
    for n in range(rounds):
        # Read, then write in the same transaction: the pattern that fails with
        # "database is locked" when two deferred transactions upgrade their locks.
        with transaction.atomic():
            Person.objects.filter(full_name__startswith=name).count()
            Person.objects.create(full_name=f"{name} {n}", slug=f"{name}-{n}")
            time.sleep(0.002)
    print("done", rounds)
    """
)


def test_two_processes_writing_at_once_do_not_hit_database_is_locked(
    tmp_path, sqlite_file_env
):
    env = sqlite_file_env
    rounds = 60
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, name, str(rounds)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ["editor", "importer", "other"]
    ]
    outputs = [writer.communicate(timeout=300) for writer in writers]
    for writer, (out, err) in zip(writers, outputs, strict=True):
        assert "database is locked" not in err
        assert writer.returncode == 0, err
        assert out.strip() == f"done {rounds}"

    with sqlite3.connect(tmp_path / "shared.sqlite3") as db:
        count = db.execute("SELECT COUNT(*) FROM people_person").fetchone()[0]
        mode = db.execute("PRAGMA journal_mode").fetchone()[0]
    assert count == 3 * rounds
    assert mode == "wal"
