"""Two imports at once: both complete, nothing fails (issue #13, finding 9).

Before, the second of two concurrent imports failed whole ("3000 failed", a slug
unique constraint), new works included. Imports now take a lock (a PostgreSQL
advisory lock, a lock file beside a SQLite database) and run one after the other.
"""

import subprocess
import sys

import pytest
from django.db import connection

from publications.models import Publication
from tests.support.servers import BASE_DIR, production_env

pytestmark = pytest.mark.django_db(transaction=True)


def bib(prefix, shared=1000, own=1000):
    entries = [
        f"@article{{s{n}, title = {{Shared Work {n}}}, author = {{Ann Shared{n % 50} "
        f"and Bo Own{prefix}{n % 7}}}, journal = {{J}}, year = {2000 + n % 20}}}"
        for n in range(shared)
    ]
    entries += [
        f"@article{{{prefix}{n}, title = {{Own Work {prefix} {n}}}, "
        f"author = {{Cy New{prefix}{n % 30}}}, year = 2021}}"
        for n in range(own)
    ]
    return "\n".join(entries) + "\n"


def database_env(tmp_path):
    env = production_env(
        database=tmp_path / "site.sqlite3",
        static_root=tmp_path / "static",
        media_root=tmp_path / "media",
    )
    if connection.vendor == "postgresql":
        # The test database itself: this test commits, so the imports see it.
        s = connection.settings_dict
        env["DATABASE_URL"] = (
            f"postgres://{s['USER']}:{s['PASSWORD'] or ''}@{s['HOST'] or '127.0.0.1'}"
            f":{s['PORT'] or 5432}/{s['NAME']}"
        )
    else:
        subprocess.run(
            [sys.executable, str(BASE_DIR / "manage.py"), "migrate", "-v0"],
            env=env,
            cwd=BASE_DIR,
            check=True,
            timeout=300,
        )
    return env


def count_publications(env):
    if connection.vendor == "postgresql":
        return Publication.objects.count()
    code = "from publications.models import Publication as P; print(P.objects.count())"
    result = subprocess.run(
        [sys.executable, str(BASE_DIR / "manage.py"), "shell", "-c", code],
        env=env,
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return int(result.stdout.split()[-1])


def test_two_imports_at_once_both_succeed(tmp_path):
    env = database_env(tmp_path)
    files = []
    for prefix in ["a", "b"]:
        path = tmp_path / f"{prefix}.bib"
        path.write_text(bib(prefix))
        files.append(path)
    runs = [
        subprocess.Popen(
            [sys.executable, str(BASE_DIR / "manage.py"), "import_bibtex", str(path)],
            env=env,
            cwd=BASE_DIR,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for path in files
    ]
    outputs = [run.communicate(timeout=600) for run in runs]
    for run, (out, err) in zip(runs, outputs, strict=True):
        assert run.returncode == 0, out + err
        assert "0 failed" in out, out
    created = sorted(int(out.split(" created")[0].split()[-1]) for out, _ in outputs)
    # One run created the shared works, the other found them; each its own.
    assert created == [1000, 2000]
    assert count_publications(env) == 3000
