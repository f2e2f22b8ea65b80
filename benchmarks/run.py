"""labsite benchmark: render cost, HTTP throughput against static files, imports.

Run from the repository root (not part of the test suite):

    .venv/bin/python benchmarks/run.py

It generates two SQLite databases under var/benchmark/ (1,000 and 10,000
publications, 500 people, 60 themes in a tree, 1 to 30 authors a paper), then
reports, in one run on this machine:

1. queries and in-process render time for every public page type at both sizes,
   and the publications page against rendering its template from in-memory data;
2. requests/s and p50/p99 latency of the home, publications, person and theme
   pages under gunicorn (2 workers, 127.0.0.1), uncached and cached, next to a
   static file of the same size served by WhiteNoise in the same server;
3. the BibTeX import benchmark (benchmarks/import_benchmark.py) when present;
4. the publications page's filters at 10,000 publications on SQLite and on
   PostgreSQL (benchmarks/page_filters.py; skipped with a note when no PostgreSQL
   server answers).

The load generator is wrk when installed (Debian: ``apt-get install wrk``),
otherwise a threaded Python client (slower, so its figures are lower). The table
is printed and written to docs/benchmark.md. ``--quick`` shortens every phase.
"""

import argparse
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from http.client import HTTPConnection
from pathlib import Path

import page_filters

BASE_DIR = Path(__file__).resolve().parent.parent
WORK = BASE_DIR / "var" / "benchmark"
REPORT = BASE_DIR / "docs" / "benchmark.md"
PYTHON = sys.executable
SIZES = (1_000, 10_000)
HTTP_PAGES = ("home", "publications", "person", "theme")
TARGET_CACHED_RATIO = 0.9
TARGET_RENDER_RATIO = 2.0
TARGET_QUERIES = 10
HAVE_PROC = Path("/proc/self/stat").exists()


def say(message):
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def django_env(database, *, page_cache=True):
    """Production settings over plain HTTP on loopback, for children and servers;
    database is a SQLite file or a database URL."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key not in {"DATABASE_URL", "CACHE_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="site_config.settings",
        DJANGO_SECRET_KEY="benchmark-only-" + "k" * 40,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        DJANGO_LOG_LEVEL="WARNING",
        DJANGO_STATIC_ROOT=str(WORK / "static"),
        DJANGO_MEDIA_ROOT=str(WORK / "media"),
        DJANGO_PAGE_CACHE="1" if page_cache else "0",
        DATABASE_URL=database if "://" in str(database) else f"sqlite:///{database}",
        CACHE_URL="locmem://",
        PYTHONPATH=str(BASE_DIR),
    )
    return env


def run_checked(args, env, *, timeout=900):
    result = subprocess.run(
        args, env=env, cwd=BASE_DIR, capture_output=True, text=True, timeout=timeout
    )
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, args))} failed:\n{result.stderr}")
    return result.stdout


# --- 1. In-process render cost (runs in a child process per database) ---------


def child_render(database, repeats):
    """Measure every public page type; prints one JSON document."""
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count
    from django.template import Context
    from django.test.utils import CaptureQueriesContext
    from django.urls import resolve, reverse
    from rendering import full_render, median_seconds, request_for

    from people.models import Person
    from publications.models import Publication
    from research.models import ResearchTheme

    person = (
        Person.objects.filter(is_member=True)
        .annotate(papers=Count("authorships"))
        .order_by("-papers")
        .first()
    )
    theme = (
        ResearchTheme.objects.filter(parent=None)
        .annotate(papers=Count("publications"))
        .order_by("-papers")
        .first()
    )
    paper = (
        Publication.objects.annotate(authors=Count("authorships"))
        .order_by("-authors")
        .first()
    )
    pages = {
        "home": reverse("home"),
        "publications": reverse("publications:list"),
        "publication": paper.get_absolute_url(),
        "people": reverse("people:list"),
        "person": person.get_absolute_url(),
        "research": reverse("research:list"),
        "theme": theme.get_absolute_url(),
    }
    results = {"publications_total": Publication.objects.count(), "pages": {}}
    for name, url in pages.items():
        full_render(url)
        with CaptureQueriesContext(connection) as queries:
            response = full_render(url)
        entry = {
            "url": url,
            "queries": len(queries),
            "bytes": len(response.content),
            "status": response.status_code,
            "ms": 1000 * median_seconds(lambda url=url: full_render(url), repeats),
        }
        if hasattr(response, "resolve_template"):
            # The same template and context, with every value already in memory:
            # what the page costs with no ORM and no queries at all.
            request = request_for(url)
            match = resolve(url)
            view_response = match.func(request, *match.args, **match.kwargs)
            template = view_response.resolve_template(
                view_response.template_name
            ).template
            values = dict(view_response.context_data)
            for processor in template.engine.template_context_processors:
                values.update(processor(request))
            plain = Context(values)
            plain.request = request
            html = template.render(plain)
            with CaptureQueriesContext(connection) as template_queries:
                template.render(plain)
            entry["template_ms"] = 1000 * median_seconds(
                lambda template=template, plain=plain: template.render(plain),
                repeats,
            )
            entry["template_queries"] = len(template_queries)
            entry["same_html"] = html == response.content.decode()
        results["pages"][name] = entry
    sys.stdout.write(json.dumps(results))


def measure_rendering(databases, repeats):
    out = {}
    for size, database in databases.items():
        say(f"  rendering pages at {size:,} publications")
        stdout = run_checked(
            [
                PYTHON,
                __file__,
                "--child-render",
                str(database),
                "--repeats",
                str(repeats),
            ],
            django_env(database),
        )
        out[size] = json.loads(stdout)
    return out


# --- 2. HTTP throughput under gunicorn ------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    def __init__(self, env, *, workers=2):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "gunicorn",
                "site_config.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=BASE_DIR,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit("gunicorn exited during start-up")
            try:
                with urllib.request.urlopen(self.base + "/", timeout=60) as response:
                    response.read()
                return
            except urllib.error.HTTPError:
                return  # up, though that page fails: get() reports it
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise SystemExit("gunicorn did not answer within a minute")

    def cpu_seconds(self):
        """CPU time (user + system) spent so far by the workers, from /proc."""
        total = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:  # ppid: one of our workers
                total += int(fields[11]) + int(fields[12])
        return total / os.sysconf("SC_CLK_TCK")

    def load(self, path, seconds, connections):
        """Load figures plus the workers' CPU time per request served."""
        before = self.cpu_seconds() if HAVE_PROC else 0.0
        figures = load(self.base + path, seconds, connections)
        if HAVE_PROC and figures["requests"]:
            used = self.cpu_seconds() - before
            figures["cpu_us"] = 1e6 * used / figures["requests"]
        return figures

    def get(self, path):
        try:
            with urllib.request.urlopen(self.base + path, timeout=120) as response:
                return response.read(), dict(response.headers)
        except urllib.error.HTTPError as error:
            raise SystemExit(f"GET {path} answered {error.code}") from error

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _wrk_ms(text):
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if match is None:
        return float("nan")  # wrk prints nan when nothing completed
    return float(match.group(1)) * _UNITS[match.group(2)]


def load_wrk(url, seconds, connections):
    output = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "30s",
            "--latency",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    # Anchored: "89.50%" in the thread stats above must not match "50%".
    p50 = _wrk_ms(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))
    p99 = _wrk_ms(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: (.*)", output)
    return {
        "rps": rps,
        "requests": requests,
        "p50": p50,
        "p99": p99,
        "errors": int(bad.group(1)) if bad else 0,
        "socket_errors": errors.group(1) if errors else "",
    }


def load_python(url, seconds, connections):
    """A bounded threaded client: each thread keeps one request in flight."""
    host, port, path = re.fullmatch(r"http://([^:/]+):(\d+)(/.*)", url).groups()
    latencies, errors = [], [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker():
        mine = []
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                connection = HTTPConnection(host, int(port), timeout=30)
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                connection.close()
                ok = response.status < 400
            except OSError:
                ok = False
            mine.append(time.perf_counter() - started)
            if not ok:
                with lock:
                    errors[0] += 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()

    def pick(q):
        return 1000 * latencies[min(len(latencies) - 1, int(q * len(latencies)))]

    return {
        "rps": len(latencies) / elapsed,
        "requests": len(latencies),
        "p50": pick(0.50),
        "p99": pick(0.99),
        "errors": errors[0],
        "socket_errors": "",
    }


def load(url, seconds, connections):
    if shutil.which("wrk"):
        return load_wrk(url, seconds, connections)
    return load_python(url, seconds, connections)


def measure_http(database, pages, *, seconds, rounds, connections):
    """Uncached pages, then cached pages alternating with same-size static files."""
    static_dir = WORK / "static" / "benchmark"
    shutil.rmtree(static_dir, ignore_errors=True)
    static_dir.mkdir(parents=True)
    results = {name: {} for name in HTTP_PAGES}

    say("  uncached pages (page cache off)")
    server = Gunicorn(django_env(database, page_cache=False))
    try:
        for name in HTTP_PAGES:
            body, _headers = server.get(pages[name])
            # The static twin: the same bytes, so the same size and type.
            (static_dir / f"{name}.html").write_bytes(body)
            results[name]["bytes"] = len(body)
            started = time.perf_counter()
            server.get(pages[name])
            single = time.perf_counter() - started
            # Long enough for several answers per connection even on slow pages.
            duration = max(seconds, min(20, round(3 * single * connections) + 1))
            results[name]["uncached"] = server.load(pages[name], duration, connections)
    finally:
        server.stop()

    say("  cached pages and static files (page cache on)")
    server = Gunicorn(django_env(database))
    try:
        for name in HTTP_PAGES:
            page_url = server.base + pages[name]
            static_url = f"{server.base}/static/benchmark/{name}.html"
            _body, headers = server.get(pages[name])
            _body, headers = server.get(pages[name])
            results[name]["cache_header"] = headers.get("X-Page-Cache", "")
            static_body, _ = server.get(f"/static/benchmark/{name}.html")
            assert len(static_body) == results[name]["bytes"]
            load(page_url, 1, connections)
            load(static_url, 1, connections)
            cached, static, ratios, cpu_ratios = [], [], [], []
            # Short runs in pairs, alternating which goes first: the machine's
            # other load drifts, and a ratio taken within a pair cancels it.
            static_path = f"/static/benchmark/{name}.html"
            for round_number in range(rounds):
                order = [(static_path, static), (pages[name], cached)]
                for path, runs in order if round_number % 2 == 0 else order[::-1]:
                    runs.append(server.load(path, seconds, connections))
                ratios.append(cached[-1]["rps"] / static[-1]["rps"])
                if "cpu_us" in cached[-1] and "cpu_us" in static[-1]:
                    cpu_ratios.append(static[-1]["cpu_us"] / cached[-1]["cpu_us"])
            results[name]["cached"] = _combine(cached)
            results[name]["static"] = _combine(static)
            results[name]["ratio"] = statistics.median(ratios)
            if cpu_ratios:
                results[name]["cpu_ratio"] = statistics.median(cpu_ratios)
    finally:
        server.stop()
    return results


def _combine(runs):
    return {
        "rps": statistics.mean(r["rps"] for r in runs),
        "p50": statistics.median(r["p50"] for r in runs),
        "p99": max(r["p99"] for r in runs),
        "errors": sum(r["errors"] for r in runs),
        "cpu_us": statistics.median(r.get("cpu_us", float("nan")) for r in runs),
        "socket_errors": "; ".join(
            r["socket_errors"] for r in runs if r["socket_errors"]
        ),
    }


# --- 3. BibTeX import -------------------------------------------------------------


def measure_import(timeout):
    script = BASE_DIR / "benchmarks" / "import_benchmark.py"
    if not script.is_file():
        return None, "benchmarks/import_benchmark.py is not in this checkout; skipped."
    env = dict(os.environ)
    env.setdefault("DJANGO_SECRET_KEY", "benchmark-only-" + "k" * 40)
    env["PYTHONPATH"] = str(BASE_DIR)
    try:
        result = subprocess.run(
            [PYTHON, str(script)],
            env=env,
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return None, f"import_benchmark.py took longer than {timeout}s; skipped."
    if result.returncode != 0:
        tail = "\n".join(result.stderr.strip().splitlines()[-5:])
        return None, f"import_benchmark.py failed:\n{tail}"
    return result.stdout.strip(), None


# --- 4. Filters on SQLite and PostgreSQL -----------------------------------------


def measure_filters(sqlite_database, size, repeats):
    """{database name: page_filters results}, and a note when one was skipped."""
    targets = {"SQLite": sqlite_database}
    note = page_filters.recreate_postgres_database(page_filters.POSTGRES_URL)
    if note is None:
        dataset = [PYTHON, "benchmarks/dataset.py", "--publications", str(size)]
        dataset += ["--database", page_filters.POSTGRES_URL]
        say("  " + run_checked(dataset, django_env(page_filters.POSTGRES_URL)).strip())
        targets["PostgreSQL"] = page_filters.POSTGRES_URL
    else:
        note = f"PostgreSQL not measured ({note}); set LABSITE_BENCH_POSTGRES."
    results = {}
    for name, database in targets.items():
        say(f"  filters on {name}")
        command = [PYTHON, "benchmarks/page_filters.py", str(repeats)]
        results[name] = json.loads(run_checked(command, django_env(database)))
    return results, note


# --- Report -----------------------------------------------------------------------


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def _figure(value):
    return f"{value:.1f}" if value < 10 else f"{value:.0f}"


def _ratio(value):
    if value != value:  # nan: not measured
        return "n/a"
    return f"{value:.3f}x" if value < 0.01 else f"{value:.2f}x"


def verdict(ok):
    return "met" if ok else "NOT met"


def report(render, http, import_output, import_note, filters, meta):
    out = [
        "# labsite benchmark",
        "",
        f"Run {meta['when']} on {meta['machine']}; command "
        "`.venv/bin/python benchmarks/run.py` "
        f"({meta['seconds']}s per load run, {meta['rounds']} rounds, "
        f"{meta['connections']} connections, load generator: {meta['loader']}; "
        "install wrk with `apt-get install wrk`, otherwise a threaded Python "
        "client is used and reads lower).",
        "Dataset: 500 people, 60 themes in a three-level tree, 1 to 30 authors a "
        "paper (benchmarks/dataset.py). SQLite, production settings, local-memory "
        "page cache; every request checks the content version stamp (the file "
        "beside the SQLite database), and a cached page is answered by the WSGI "
        "application in front of Django (site_config/page_wsgi.py).",
        "",
        "## 1. Queries and in-process render time per page type",
        "",
    ]
    rows = []
    for name in render[SIZES[0]]["pages"]:
        row = [name]
        for size in SIZES:
            page = render[size]["pages"][name]
            row += [page["queries"], f"{page['ms']:.1f}", f"{page['bytes'] / 1024:.0f}"]
        rows.append(row)
    header = ["page"]
    for size in SIZES:
        header += [f"queries @{size:,}", f"ms @{size:,}", f"KiB @{size:,}"]
    out += [table(header, rows), ""]

    small = render[SIZES[0]]["pages"]["publications"]
    ratio = small["ms"] / small["template_ms"]
    ok = ratio <= TARGET_RENDER_RATIO and small["queries"] <= TARGET_QUERIES
    out += [
        f"Target: the uncached publications page with {SIZES[0]:,} publications "
        f"renders in at most {TARGET_RENDER_RATIO:g}x the time of its template "
        f"rendered from in-memory data, in at most {TARGET_QUERIES} queries.",
        "",
        table(
            ["view + template", "template alone", "ratio", "queries", "same HTML", ""],
            [
                [
                    f"{small['ms']:.1f} ms",
                    f"{small['template_ms']:.1f} ms",
                    f"{ratio:.3f}x",
                    small["queries"],
                    "yes" if small["same_html"] else "no",
                    verdict(ok),
                ]
            ],
        ),
        "",
    ]
    template_rows = []
    for size in SIZES:
        for name, page in render[size]["pages"].items():
            if "template_ms" in page:
                template_rows.append(
                    [
                        f"{name} @{size:,}",
                        f"{page['ms']:.1f}",
                        f"{page['template_ms']:.1f}",
                        f"{page['ms'] / page['template_ms']:.2f}x",
                        page["template_queries"],
                    ]
                )
    out += [
        "Every page, view and template against the template alone (queries that "
        "the template itself still runs are counted in the last column):",
        "",
        table(
            ["page", "ms total", "ms template", "ratio", "queries in template"],
            template_rows,
        ),
        "",
        f"## 2. HTTP under gunicorn (2 workers), {SIZES[-1]:,} publications",
        "",
    ]
    rows = []
    worst = worst_cpu = None
    for name in HTTP_PAGES:
        page = http[name]
        worst = page["ratio"] if worst is None else min(worst, page["ratio"])
        cpu_ratio = page.get("cpu_ratio")
        if cpu_ratio is not None:
            worst_cpu = cpu_ratio if worst_cpu is None else min(worst_cpu, cpu_ratio)
        for kind in ("uncached", "cached", "static"):
            figures = page[kind]
            ratio = figures["rps"] / page["static"]["rps"]
            capacity = page["static"]["cpu_us"] / figures["cpu_us"]
            if kind == "cached":
                ratio = page["ratio"]
                capacity = cpu_ratio if cpu_ratio is not None else capacity
            rows.append(
                [
                    name if kind == "uncached" else "",
                    f"{page['bytes'] / 1024:.0f}" if kind == "uncached" else "",
                    kind,
                    _figure(figures["rps"]),
                    f"{figures['p50']:.1f}",
                    f"{figures['p99']:.1f}",
                    _ratio(ratio),
                    f"{figures['cpu_us']:.0f}",
                    _ratio(capacity),
                    figures["errors"],
                ]
            )
    header = ["page", "KiB", "served", "req/s", "p50 ms", "p99 ms", "vs static"]
    header += ["CPU µs/req", "vs static (CPU)", "errors"]
    out += [
        table(header, rows),
        "",
        "Each round runs the static file and the cached page back to back (order "
        "alternating); the cached ratios are medians of per-round ratios. req/s and "
        "p50 are means and medians over rounds, p99 the worst round. The machine is "
        "shared, so wall-clock ratios wander; CPU µs/req is the gunicorn workers' "
        "own CPU time (user + system, from /proc) per request served, which other "
        "load does not inflate, and its ratio is the throughput each page would "
        "reach with the CPUs to itself.",
        "",
        f"Target: cached throughput at least {TARGET_CACHED_RATIO:g}x the static "
        f"file of the same size. Worst page by wall-clock req/s: {worst:.3f}x "
        f"({verdict(worst >= TARGET_CACHED_RATIO)}); "
        + (
            f"by server CPU per request: {worst_cpu:.3f}x "
            f"({verdict(worst_cpu >= TARGET_CACHED_RATIO)})."
            if worst_cpu is not None
            else "CPU accounting needs /proc (Linux)."
        ),
        "",
        "## 3. BibTeX import (benchmarks/import_benchmark.py)",
        "",
    ]
    if import_output:
        out += ["```", import_output, "```"]
    else:
        out += [import_note]
    out += ["", *page_filters.report_lines(*filters)]
    out += [f"Total benchmark time: {meta['total']:.0f}s.", ""]
    return "\n".join(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short runs")
    parser.add_argument("--child-render", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--repeats", type=int, default=7, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_render:
        child_render(args.child_render, args.repeats)
        return

    started = time.perf_counter()
    seconds, rounds, repeats = (2, 2, 3) if args.quick else (3, 6, 7)
    connections = 4
    WORK.mkdir(parents=True, exist_ok=True)

    say("Collecting static files (production storage: hashed, compressed)")
    databases = {size: WORK / f"bench-{size}.sqlite3" for size in SIZES}
    run_checked(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"],
        django_env(databases[SIZES[0]]),
    )
    say("Generating datasets")
    for size, database in databases.items():
        say(
            "  "
            + run_checked(
                [
                    PYTHON,
                    "benchmarks/dataset.py",
                    "--database",
                    str(database),
                    "--publications",
                    str(size),
                ],
                django_env(database),
            ).strip()
        )

    say("1. Render cost")
    render = measure_rendering(databases, repeats)
    say("2. HTTP throughput")
    big = render[SIZES[-1]]["pages"]
    pages = {name: big[name]["url"] for name in HTTP_PAGES}
    http = measure_http(
        databases[SIZES[-1]],
        pages,
        seconds=seconds,
        rounds=rounds,
        connections=connections,
    )
    say("3. BibTeX import")
    import_output, import_note = measure_import(timeout=420)
    say("4. Filters on SQLite and PostgreSQL")
    filters = measure_filters(databases[SIZES[-1]], SIZES[-1], repeats)

    meta = {
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}",
        "seconds": seconds,
        "rounds": rounds,
        "connections": connections,
        "loader": "wrk" if shutil.which("wrk") else "Python threads",
        "total": time.perf_counter() - started,
    }
    text = report(render, http, import_output, import_note, filters, meta)
    sys.stdout.write(text + "\n")
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(text)
    say(f"Written to {REPORT.relative_to(BASE_DIR)}")


if __name__ == "__main__":
    main()
