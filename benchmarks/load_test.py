"""Load and fault run: gunicorn under concurrent visitors, editors, an import, a crash.

Not a test (it takes a minute and wants the machine to itself). It builds a
throwaway installation in a temporary folder (the demo group plus a large
generated dataset, on SQLite unless --database-url names another database),
starts gunicorn on 127.0.0.1 with production settings (HTTP only), then for
--seconds drives the public pages from --clients threads while

- an editor signs in to the admin and keeps adding and changing navigation
  links (each acknowledged save is checked afterwards: zero lost writes),
- the BibTeX importer loads the shared corpus (when the importer exists and the
  corpus is found),
- one gunicorn worker is killed with SIGKILL half-way through.

It reports requests, errors, latency percentiles and the write checks, and with
--write FILE writes the figures as Markdown (docs/load.md).

    .venv/bin/python benchmarks/load_test.py --seconds 30 --write docs/load.md
"""

import argparse
import http.client
import json
import os
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
ADMIN_USER = "loadtest"
ADMIN_PASSWORD = secrets.token_urlsafe(12)
EDIT_PAUSE = 1.0
CONNECTION_ERRORS = (
    ConnectionError,
    http.client.RemoteDisconnected,
    http.client.IncompleteRead,
    http.client.BadStatusLine,
    TimeoutError,
)


def log(message):
    sys.stderr.write(f"[load] {message}\n")
    sys.stderr.flush()


# --- the installation ---------------------------------------------------------


def environment(folder, args):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "site_config.settings",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Plain HTTP on loopback: no redirect to HTTPS, cookies without Secure.
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_SECURE_HSTS_SECONDS": "0",
        "DATABASE_URL": args.database_url or f"sqlite:///{folder / 'load.sqlite3'}",
        "CACHE_URL": args.cache_url,
        "DJANGO_MEDIA_ROOT": str(folder / "media"),
        "DJANGO_STATIC_ROOT": str(folder / "static"),
        "DJANGO_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    # Production settings: DEBUG off whatever the calling shell says.
    env.pop("DJANGO_DEBUG", None)
    return env


def manage(env, *arguments):
    result = subprocess.run(
        [PYTHON, "manage.py", *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(arguments)} failed:\n{result.stderr}")
    return result.stdout


def generate(people, themes, publications):
    """Inside the installation: a large group, fast (bulk inserts)."""
    import django

    django.setup()
    from django.db import transaction

    from people.models import Person
    from publications.models import Authorship, Publication
    from research.models import ResearchTheme

    rng = random.Random(7)
    roles = [r for r, _ in Person.Role.choices]
    with transaction.atomic():
        persons = Person.objects.bulk_create(
            Person(
                full_name=f"Given{n} Family{n}",
                given_name=f"Given{n}",
                family_name=f"Family{n}",
                slug=f"gen-person-{n}",
                role=rng.choice(roles),
                is_member=n % 3 == 0,
                show_on_people_page=n % 7 == 0,
                interests="sparse coding, optimisation",
                bio=f"Person {n} works on *things*.",
            )
            for n in range(people)
        )
        parents = []
        for n in range(themes):
            parent = rng.choice(parents) if parents and n % 3 else None
            theme = ResearchTheme.objects.create(
                title=f"Generated theme {n}",
                slug=f"gen-theme-{n}",
                parent=parent,
                summary="A generated research theme.",
                description="Text with **Markdown** and a [link](https://example.org).",
            )
            parents.append(theme)
        kinds = [k for k, _ in Publication.Kind.choices]
        statuses = [s for s, _ in Publication.Status.choices]
        papers = Publication.objects.bulk_create(
            Publication(
                title=f"Generated paper {n} on sparse structures",
                slug=f"gen-paper-{n}",
                kind=rng.choice(kinds),
                status=rng.choice(statuses),
                year=rng.randint(1995, 2026),
                venue=f"Journal of Generated Results {n % 40}",
                venue_short=f"JGR {n % 40}",
                abstract=f"Abstract {n}: we show $x^2$ and *more*.",
                bibtex_key=f"gen{n}",
            )
            for n in range(publications)
        )
        authorships = []
        for paper in papers:
            for position, person in enumerate(rng.sample(persons, rng.randint(1, 8))):
                authorships.append(
                    Authorship(publication=paper, person=person, position=position)
                )
        Authorship.objects.bulk_create(authorships, batch_size=2000)
        through = Publication.themes.through
        through.objects.bulk_create(
            through(publication_id=paper.pk, researchtheme_id=rng.choice(parents).pk)
            for paper in papers
        )
    urls = ["/", "/research/", "/people/", "/publications/"]
    urls += [p.get_absolute_url() for p in Person.objects.order_by("?")[:60]]
    urls += [t.get_absolute_url() for t in ResearchTheme.objects.all()[:40]]
    urls += [p.get_absolute_url() for p in Publication.objects.order_by("?")[:200]]
    sys.stdout.write(json.dumps(urls))


def import_corpus(paths):
    """Inside the installation: the import service over the corpus files."""
    import django

    django.setup()
    from publications.bibtex.importer import import_bibtex
    from publications.models import Publication

    before = Publication.objects.count()
    report = import_bibtex(sources=[Path(p) for p in paths])
    after = Publication.objects.count()
    sys.stdout.write(
        json.dumps(
            {
                "created": report.created,
                "updated": report.updated,
                "failed": report.failed,
                "total": report.total,
                "rows_added": after - before,
                "seconds": round(report.seconds, 2),
            }
        )
    )


def corpus_files():
    shared = Path(os.environ.get("LABSITE_SHARED_DIR", ROOT.parent / "shared"))
    return sorted((shared / "bib-corpus").glob("*.bib"))


# --- HTTP ----------------------------------------------------------------------


@dataclass
class Result:
    url: str
    started: float
    ended: float
    status: int = 0
    error: str = ""


@dataclass
class Run:
    results: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: threading.Event = field(default_factory=threading.Event)
    kill_time: float = 0.0
    killed_pid: int = 0

    def add(self, result):
        with self.lock:
            self.results.append(result)


def visitor(port, urls, run, seed):
    rng = random.Random(seed)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while not run.stop.is_set():
        url = rng.choice(urls)
        started = time.perf_counter()
        try:
            connection.request("GET", url, headers={"Accept-Encoding": "gzip"})
            response = connection.getresponse()
            response.read()
            run.add(Result(url, started, time.perf_counter(), status=response.status))
        except CONNECTION_ERRORS as error:
            run.add(Result(url, started, time.perf_counter(), error=repr(error)))
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.close()


class Browser:
    """Just enough of a browser for the admin: cookies and CSRF tokens."""

    def __init__(self, port):
        self.port = port
        self.cookies = {}

    def request(self, method, url, fields=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if fields is not None:
            body = urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{url}"
            headers["Origin"] = f"http://127.0.0.1:{self.port}"
        try:
            connection.request(method, url, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, text

    @staticmethod
    def hidden(text, name):
        match = re.search(rf'name="{name}" value="([^"]*)"', text)
        return match.group(1) if match else ""


@dataclass
class EditorLog:
    added: list = field(default_factory=list)
    counter_value: str = ""
    saves: int = 0
    refused: int = 0
    failed: list = field(default_factory=list)


def sign_in(browser):
    _, page = browser.request("GET", "/admin/login/?next=/admin/")
    status, _ = browser.request(
        "POST",
        "/admin/login/?next=/admin/",
        {
            "csrfmiddlewaretoken": browser.hidden(page, "csrfmiddlewaretoken"),
            "username": ADMIN_USER,
            "password": ADMIN_PASSWORD,
            "next": "/admin/",
        },
    )
    return status


def editor(port, run, log_):
    browser = Browser(port)
    while not run.stop.is_set():
        try:
            status = sign_in(browser)
        except CONNECTION_ERRORS as error:
            status = repr(error)
        if status == 302:
            break
        log_.failed.append(f"admin sign-in: {status}")
    else:
        return
    counter_pk = None
    n = 0
    while not run.stop.is_set():
        n += 1
        try:
            _, form = browser.request("GET", "/admin/site_config/navigationlink/add/")
            label = f"load-{n}"
            status, _ = browser.request(
                "POST",
                "/admin/site_config/navigationlink/add/",
                {
                    "csrfmiddlewaretoken": browser.hidden(form, "csrfmiddlewaretoken"),
                    "label": label,
                    "url": f"/load/{n}/",
                    "order": "900",
                },
            )
            if status == 302:
                log_.added.append(label)
                log_.saves += 1
            else:
                log_.failed.append(f"add {label}: HTTP {status}")
            if counter_pk is None:
                _, listing = browser.request(
                    "GET", "/admin/site_config/navigationlink/?q=load-1"
                )
                found = re.search(
                    r"/admin/site_config/navigationlink/(\d+)/change/", listing
                )
                counter_pk = found.group(1) if found else None
                continue
            change = f"/admin/site_config/navigationlink/{counter_pk}/change/"
            _, form = browser.request("GET", change)
            value = f"/counter/{n}/"
            status, text = browser.request(
                "POST",
                change,
                {
                    "csrfmiddlewaretoken": browser.hidden(form, "csrfmiddlewaretoken"),
                    "edit_token": browser.hidden(form, "edit_token"),
                    "label": "load-1",
                    "url": value,
                    "order": "900",
                },
            )
            if status == 302:
                log_.counter_value = value
                log_.saves += 1
            elif "Someone else saved" in text:
                log_.refused += 1
            else:
                log_.failed.append(f"change: HTTP {status}")
        except CONNECTION_ERRORS as error:
            # A save cut off by the killed worker is not acknowledged, so it is
            # not counted as a write that must survive.
            log_.failed.append(f"editor request cut off: {error!r}")
        # An editor's pace: a save every second or so, not a tight loop.
        time.sleep(EDIT_PAUSE)


def worker_pids(master):
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(pid) for pid in children.read_text().split()]


def killer(master, run, at):
    if run.stop.wait(at):
        return
    pids = worker_pids(master)
    if pids:
        run.kill_time = time.perf_counter()
        run.killed_pid = pids[0]
        os.kill(pids[0], signal.SIGKILL)
        log(f"killed worker {pids[0]} of {len(pids)}")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(port, deadline=60):
    end = time.time() + deadline
    while time.time() < end:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not answer within a minute")


def percentile(values, fraction):
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def check_writes(env, log_):
    code = (
        "import json; from site_config.models import NavigationLink as L;"
        "rows = dict(L.objects.filter(label__startswith='load-')"
        ".values_list('label', 'url'));"
        "print(json.dumps(rows))"
    )
    rows = json.loads(manage(env, "shell", "--no-imports", "-c", code).strip())
    lost = [label for label in log_.added if label not in rows]
    counter_ok = not log_.counter_value or rows.get("load-1") == log_.counter_value
    return lost, counter_ok


# --- main ------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--port", type=int, default=0, help="0: any free port")
    parser.add_argument("--people", type=int, default=400)
    parser.add_argument("--themes", type=int, default=60)
    parser.add_argument("--publications", type=int, default=3000)
    parser.add_argument(
        "--database-url",
        default="",
        help="a scratch database (its content is deleted); default: SQLite in a "
        "temporary folder",
    )
    parser.add_argument("--cache-url", default="locmem://")
    parser.add_argument("--write", type=Path, help="write the figures as Markdown")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="labsite-load-") as scratch:
        folder = Path(scratch)
        env = environment(folder, args)
        args.port = args.port or free_port()
        log("migrating, collecting static files, loading the demo group")
        manage(env, "migrate", "--noinput")
        if args.database_url:
            # A scratch database: start from empty whatever an earlier run left.
            manage(env, "flush", "--noinput")
        manage(env, "collectstatic", "--noinput")
        manage(env, "load_demo")
        manage(
            env, "ensure_admin", "--username", ADMIN_USER, "--password", ADMIN_PASSWORD
        )
        log(f"generating {args.people} people, {args.publications} publications")
        started = time.perf_counter()
        urls = json.loads(
            subprocess.run(
                [PYTHON, __file__, "_generate", str(args.people), str(args.themes),
                 str(args.publications)],
                cwd=ROOT, env=env, capture_output=True, text=True, check=True,
            ).stdout
        )  # fmt: skip
        log(f"generated in {time.perf_counter() - started:.1f}s; {len(urls)} URLs")

        gunicorn = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "site_config.wsgi",
             "--bind", f"127.0.0.1:{args.port}", "--workers", str(args.workers),
             "--timeout", "60", "--log-level", "warning"],
            cwd=ROOT, env=env,
        )  # fmt: skip
        run = Run()
        editor_log = EditorLog()
        importer = None
        try:
            wait_until_up(args.port)
            files = corpus_files()
            if (ROOT / "publications/bibtex/importer.py").exists() and files:
                importer = subprocess.Popen(
                    [PYTHON, __file__, "_import", *map(str, files)],
                    cwd=ROOT, env=env, stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE, text=True,
                )  # fmt: skip
            threads = [
                threading.Thread(target=visitor, args=(args.port, urls, run, n))
                for n in range(args.clients)
            ]
            threads.append(
                threading.Thread(target=editor, args=(args.port, run, editor_log))
            )
            threads.append(
                threading.Thread(
                    target=killer, args=(gunicorn.pid, run, args.seconds / 2)
                )
            )
            began = time.perf_counter()
            for thread in threads:
                thread.start()
            time.sleep(args.seconds)
            run.stop.set()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - began
            import_summary = None
            if importer is not None:
                out, err = importer.communicate(timeout=600)
                import_summary = (
                    json.loads(out) if importer.returncode == 0 else err[-500:]
                )
        finally:
            gunicorn.send_signal(signal.SIGTERM)
            try:
                gunicorn.wait(timeout=30)
            except subprocess.TimeoutExpired:
                gunicorn.kill()
        lost, counter_ok = check_writes(env, editor_log)

    report = summarise(run, elapsed, editor_log, lost, counter_ok, import_summary, args)
    sys.stdout.write(report + "\n")
    if args.write:
        args.write.write_text(report + "\n")
    ok = not report_failures(run) and not lost and counter_ok
    ok = ok and not [f for f in editor_log.failed if "cut off" not in f]
    return 0 if ok else 1


def in_flight_on_killed_worker(result, run):
    # A sync worker serves one request at a time: what it held when killed
    # fails with a dropped connection, at or just after the kill.
    return (
        run.kill_time
        and result.error
        and result.started <= run.kill_time + 0.5
        and result.ended >= run.kill_time
    )


def report_failures(run):
    return [
        r
        for r in run.results
        if (r.error or r.status >= 500 or r.status == 0)
        and not in_flight_on_killed_worker(r, run)
    ]


def summarise(run, elapsed, editor_log, lost, counter_ok, import_summary, args):
    results = run.results
    latencies = [
        (r.ended - r.started) * 1000 for r in results if not r.error and r.status < 500
    ]
    killed = [r for r in results if in_flight_on_killed_worker(r, run)]
    other = report_failures(run)
    statuses = {}
    for r in results:
        key = r.error.split("(")[0] if r.error else str(r.status)
        statuses[key] = statuses.get(key, 0) + 1
    reasons = "; ".join(sorted(set(editor_log.failed))[:5])
    reasons = f": {reasons}" if reasons else ""
    lines = [
        "## Load and faults",
        "",
        f"`benchmarks/load_test.py --seconds {args.seconds} --clients {args.clients} "
        f"--workers {args.workers}` on {os.cpu_count()} shared cores: gunicorn (sync "
        f"workers) on 127.0.0.1, "
        f"{'SQLite (WAL)' if not args.database_url else 'the given database'}, "
        f"cache `{args.cache_url}`, the demo group plus {args.people} generated "
        f"people, {args.themes} themes and {args.publications} publications.",
        "",
        "| Figure | Value |",
        "|---|---|",
        f"| Public page requests | {len(results)} in {elapsed:.1f} s "
        f"({len(results) / elapsed:.0f}/s) |",
        f"| Latency p50 / p90 / p99 | {percentile(latencies, 0.5):.1f} / "
        f"{percentile(latencies, 0.9):.1f} / {percentile(latencies, 0.99):.1f} ms |",
        f"| Mean latency | {statistics.fmean(latencies) if latencies else 0:.1f} ms |",
        f"| Responses by status | "
        f"{', '.join(f'{k}: {v}' for k, v in sorted(statuses.items()))} |",
        f"| Worker killed mid-run | pid {run.killed_pid}; {len(killed)} requests "
        f"in flight on it failed |",
        f"| Other failed requests | {len(other)} |",
        f"| Admin saves acknowledged | {editor_log.saves} "
        f"({len(editor_log.added)} links added, one link changed repeatedly) |",
        f"| Admin saves refused as conflicting | {editor_log.refused} |",
        f"| Admin requests failed | {len(editor_log.failed)}{reasons} |",
        f"| Lost writes (acknowledged but missing) | {len(lost)}"
        f"{'' if counter_ok else ' + last change of the edited link missing'} |",
    ]
    if isinstance(import_summary, dict):
        lines.append(
            f"| BibTeX import during the run | {import_summary['total']} entries: "
            f"{import_summary['created']} created, {import_summary['failed']} failed, "
            f"{import_summary['rows_added']} rows added, "
            f"{import_summary['seconds']} s |"
        )
    elif import_summary:
        lines.append(f"| BibTeX import during the run | failed: {import_summary} |")
    else:
        lines.append("| BibTeX import during the run | not run (no importer/corpus) |")
    if other:
        lines += ["", "Failures other than the killed worker's:", ""]
        lines += [f"- {r.url}: {r.error or r.status}" for r in other[:20]]
    return "\n".join(lines)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_generate":
        generate(*map(int, sys.argv[2:5]))
    elif len(sys.argv) > 1 and sys.argv[1] == "_import":
        import_corpus(sys.argv[2:])
    else:
        sys.exit(main())
