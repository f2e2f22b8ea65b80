"""A large import on SQLite leaves room for an editor's save ("database is locked").

SQLite has one write lock. The import reads, decodes and matches a file with no
transaction open and commits its writes in batches, so an editor saving in the admin
while it runs waits at most for one batch, never for the whole file.
"""

import json
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

IMPORT_AND_EDIT = textwrap.dedent(
    """
    import json, sys, threading, time
    import django
    django.setup()
    from django.db import OperationalError, connection, transaction
    from people.models import Person
    from publications.bibtex.importer import import_bibtex

    entries, editor_timeout_ms = int(sys.argv[1]), int(sys.argv[2])
    text = "".join(
        f"@article{{k{n}, author = {{Family{n % 300}, Given and Other{n % 97}, "
        f"Anne}}, title = {{Work number {n} on topic {n % 13}}}, "
        f"journal = {{Journal {n % 7}}}, year = {1990 + n % 30}}}\\n"
        for n in range(entries)
    )
    started, finished = threading.Event(), threading.Event()
    outcome = {"errors": []}

    def save_person(label, timeout_ms):
        # The editor gives up far sooner than the configured 20 s.
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {timeout_ms}")
        try:
            with transaction.atomic():
                Person.objects.create(full_name=f"Editor {label}", slug=label)
            return True
        except OperationalError as error:
            outcome["errors"].append(f"{label}: {error}")
            return False
        finally:
            connection.close()

    def editor_while_decoding(name, done, total):
        # The import waits here, mid-way through decoding, while an editor saves:
        # if the import held the write lock now, the save could never get it.
        if not started.is_set():
            editor = threading.Thread(target=save_person, args=("mid-decode", 1000))
            editor.start()
            editor.join()
            started.set()

    def run_import():
        try:
            report = import_bibtex(
                sources=[("big.bib", text)], progress=editor_while_decoding
            )
            outcome["created"] = report.created
            outcome["failed"] = report.failed
        finally:
            finished.set()
            connection.close()

    importer = threading.Thread(target=run_import)
    importer.start()
    started.wait(120)
    during, n = 0, 0
    while not finished.is_set():
        if save_person(f"editor-{n}", editor_timeout_ms) and not finished.is_set():
            during += 1
        n += 1
        time.sleep(0.02)
    importer.join()
    outcome["during"] = during
    print(json.dumps(outcome))
    """
)


def test_an_editor_can_save_a_person_while_a_large_file_imports(
    tmp_path, sqlite_file_env
):
    env = sqlite_file_env
    entries = 6000
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_AND_EDIT, str(entries), "10000"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    assert outcome["errors"] == []
    assert outcome["during"] >= 1
    assert (outcome["created"], outcome["failed"]) == (entries, 0)
