# ruff: noqa: E501 (the Hugo templates below are HTML kept on one line each)
"""labsite's static export against Hugo and nginx, in one run.

Run from the repository root (not part of the test suite):

    .venv/bin/python benchmarks/static_export.py [--publications 10000]

On the benchmark dataset (benchmarks/dataset.py: 500 people, 60 themes, 1 to 30
authors a paper; a SQLite file under var/benchmark/, built when missing) it
measures, on this machine and in this one run:

1. a full ``export_site`` (every page, feed, download, filter page and the
   Pagefind index) rendering in ``--jobs`` processes (default: the CPUs this
   process may use, as ``export_site``'s own default): pages, seconds and CPU
   seconds of the export and its workers;
2. Hugo (Debian's ``hugo``, installed with apt-get when missing) building the same
   pages from Markdown files with front matter written here: one page per
   publication (with its BibTeX, CSL-JSON and RIS downloads), person and theme,
   the paginated publications list, a page per year, type and status, and RSS
   feeds, with a minimal theme of similar page size; seconds and the ratio;
3. an incremental export after one edit (a publication's title), and one with no
   change, each in a new process (as a user's ``manage.py export_site`` or a
   save's background task): its CPU with its workers' and Django's set-up;
4. requests/s for the same pages: labsite's cached page under gunicorn
   (2 workers), the exported file through WhiteNoise under gunicorn (2 workers),
   and the exported file through nginx (Debian's, 2 workers, 127.0.0.1 only).

Targets: full export within 3x of Hugo; incremental after one edit within a
tenth of Hugo's full build. The table is printed and written into
docs/benchmark.md (section "Static export").

``--export-only`` runs step 1 alone and prints its figures (JSON, with the load
average before and after) without touching docs/benchmark.md: to compare
``--jobs 1`` with ``--jobs 2``, say.
"""

import argparse
import compileall
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import textwrap
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import run
from run import BASE_DIR, PYTHON, WORK, django_env, free_port, load, say

REPORT = BASE_DIR / "docs" / "benchmark.md"
SECTION = "## Static export"
TARGET_FULL = 3.0
TARGET_INCREMENTAL = 0.1
CONNECTIONS = 8


def apt_install(*packages):
    missing = [p for p in packages if shutil.which(p.split("-")[0]) is None]
    if not missing:
        return
    say(f"Installing {' '.join(missing)} with apt-get")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "install", "-y", "-qq", *missing], env=env, check=True)


def dataset(size, people):
    database = WORK / f"static-{size}-{people}.sqlite3"
    marker = Path(f"{database}.built")
    if not marker.is_file():
        say(f"Building the {size:,}-publication dataset")
        subprocess.run(
            [
                PYTHON,
                "benchmarks/dataset.py",
                "--database",
                str(database),
                "--publications",
                str(size),
                "--people",
                str(people),
            ],
            cwd=BASE_DIR,
            check=True,
            env=django_env(database),
        )
        marker.touch()
    return database


# --- children: run with Django set up on the benchmark database ---------------


def child_export(out, base_url, jobs):
    """Full export, one edit, then an incremental and an unchanged export, each
    in jobs processes (None: export_site's default): JSON out.

    The full export runs here; the two after the edit run each in a fresh
    process (``child_update``), as they do for a user (``manage.py
    export_site`` or a background task after a save): whatever the full
    export left in this process's memory is not there to reuse. Their CPU
    counts that process, its render workers and Pagefind."""
    import django

    django.setup()
    from publications.models import Publication
    from site_config.export.build import export_site
    from site_config.export.parallel import default_jobs

    jobs = jobs or default_jobs()
    figures = {"jobs_asked": jobs}
    started, cpu = time.perf_counter(), cpu_seconds()
    report = export_site(out, base_url=base_url, full=True, jobs=jobs)
    figures["jobs"] = report.jobs
    figures["full_seconds"] = time.perf_counter() - started
    figures["full_cpu"] = cpu_seconds() - cpu
    figures["search_seconds"] = report.search_seconds
    figures["pages"] = report.pages
    figures["rendered"] = report.pages_rendered
    figures["files"] = report.files_written + report.files_unchanged
    publication = Publication.objects.order_by("pk").first()
    publication.title = f"{publication.title} (edited {time.time():.0f})"
    publication.save()
    update = run_update(out, base_url, jobs)
    figures["incremental_jobs"] = update["jobs"]
    figures["incremental_seconds"] = update["seconds"]
    figures["incremental_cpu"] = update["cpu"]
    figures["incremental_written"] = update["written"]
    figures["incremental_rendered"] = update["rendered"]
    figures["incremental_search_seconds"] = update["search_seconds"]
    figures["incremental_search_bundles"] = update["search_bundles"]
    update = run_update(out, base_url, jobs)
    figures["unchanged_seconds"] = update["seconds"]
    figures["unchanged_cpu"] = update["cpu"]
    figures["unchanged_written"] = update["written"]
    figures["detail"] = publication.get_absolute_url()
    person = publication.authorships.order_by("position").first().person
    figures["person"] = person.get_absolute_url()
    sys.stdout.write(json.dumps(figures) + "\n")


def run_update(out, base_url, jobs):
    """An export of out in a new process (``--child-update``): its report's
    figures, with its wall time and the CPU of that process and everything it
    started (Django's set-up included, as a user's run pays it)."""
    started, cpu = time.perf_counter(), cpu_seconds()
    result = subprocess.run(
        [
            PYTHON,
            str(Path(__file__).resolve()),
            "--child-update",
            out,
            base_url,
            "--jobs",
            str(jobs),
        ],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    if result.returncode != 0:
        raise SystemExit(f"The export after the edit failed:\n{result.stderr}")
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    return {**figures, "seconds": seconds, "cpu": cpu}


def child_update(out, base_url, jobs):
    """One export of out (incremental when it can be) in this new process:
    its report's figures as JSON."""
    import django

    django.setup()
    from site_config.export.build import export_site

    report = export_site(out, base_url=base_url, jobs=jobs)
    figures = {
        "jobs": report.jobs,
        "written": report.pages_written,
        "rendered": report.pages_rendered,
        "search_seconds": report.search_seconds,
        "search_bundles": report.search_bundles,
    }
    sys.stdout.write(json.dumps(figures) + "\n")


def cpu_seconds():
    """CPU time of this process and its finished children (render workers,
    Pagefind): on a shared machine it says more than wall time about the work
    done."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def child_hugo_content(site):
    """Write a Hugo site with the dataset's pages as Markdown + front matter."""
    import django

    django.setup()
    from people.models import Person
    from publications.models import Publication
    from research.models import ResearchTheme

    site = Path(site)
    shutil.rmtree(site, ignore_errors=True)
    (site / "content" / "publications").mkdir(parents=True)
    (site / "content" / "people").mkdir(parents=True)
    (site / "content" / "research").mkdir(parents=True)
    for folder, text in HUGO_LAYOUTS.items():
        path = site / "layouts" / folder
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip())
    (site / "config.toml").write_text(textwrap.dedent(HUGO_CONFIG).lstrip())
    people = {p.pk: p for p in Person.objects.all()}
    themes = {t.pk: t for t in ResearchTheme.objects.all()}
    for person in people.values():
        _front(
            site / "content" / "people" / f"{person.slug}.md",
            {"title": person.full_name, "role": person.role},
            person.bio,
        )
    for theme in themes.values():
        _front(
            site / "content" / "research" / f"{theme.slug}.md",
            {"title": theme.title},
            theme.description,
        )
    publications = Publication.objects.prefetch_related("authorships", "themes")
    for publication in publications.iterator(chunk_size=1000):
        authors = [
            people[a.person_id].full_name
            for a in sorted(publication.authorships.all(), key=lambda a: a.position)
        ]
        _front(
            site / "content" / "publications" / f"{publication.slug}.md",
            {
                "title": publication.title,
                "date": f"{publication.year or 1970}-01-01",
                "venue": publication.venue,
                "authors": authors,
                "themes": [t.title for t in publication.themes.all()],
                "years": [str(publication.year or "undated")],
                "types": [publication.kind],
                "statuses": [publication.status],
                "doi": publication.doi,
                "bibtex": publication.bibtex_key,
                "outputs": ["HTML", "bib", "csl", "ris"],
            },
            publication.abstract,
        )


def _front(path, fields, body):
    path.write_text(
        f"{json.dumps(fields, ensure_ascii=False, indent=1)}\n\n{body or ''}\n"
    )


HUGO_CONFIG = """
baseURL = "http://127.0.0.1/"
title = "Benchmark group"
paginate = 80
[taxonomies]
  author = "authors"
  theme = "themes"
  year = "years"
  type = "types"
  status = "statuses"
[mediaTypes."text/x-bibtex"]
  suffixes = ["bib"]
[mediaTypes."application/vnd.citationstyles.csl+json"]
  suffixes = ["json"]
[mediaTypes."application/x-research-info-systems"]
  suffixes = ["ris"]
[outputFormats.bib]
  mediaType = "text/x-bibtex"
  baseName = "cite"
  isPlainText = true
[outputFormats.csl]
  mediaType = "application/vnd.citationstyles.csl+json"
  baseName = "cite"
  isPlainText = true
[outputFormats.ris]
  mediaType = "application/x-research-info-systems"
  baseName = "cite"
  isPlainText = true
"""

_HEAD = """
<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} · {{ site.Title }}</title>
<link rel="alternate" type="application/rss+xml" href="/index.xml"></head>
<body><header><a href="/">{{ site.Title }}</a><nav><a href="/research/">Research</a>
<a href="/people/">People</a><a href="/publications/">Publications</a></nav>
<form action="/search/"><input type="search" name="q"></form></header><main>
"""
_FOOT = "</main><footer><p>{{ site.Title }}</p></footer></body></html>\n"
_ITEM = """
<li class="pub"><span class="badge">{{ .Params.types }}</span>
<a class="pub-title" href="{{ .RelPermalink }}">{{ .Title }}</a>
<p class="pub-authors">{{ range $i, $a := .Params.authors }}{{ if $i }}, {{ end }}<a href="{{ ("authors/" | relURL) }}{{ $a | urlize }}/">{{ $a }}</a>{{ end }}</p>
<p class="pub-venue"><em>{{ .Params.venue }}</em>, {{ .Date.Year }}</p>
<a class="btn" href="{{ .RelPermalink }}#cite">BibTeX</a></li>
"""
HUGO_LAYOUTS = {
    "_default/baseof.html": _HEAD + '{{ block "main" . }}{{ end }}' + _FOOT,
    "_default/single.html": """
        {{ define "main" }}<article><h1>{{ .Title }}</h1>
        <p class="authors">{{ range $i, $a := .Params.authors }}{{ if $i }}, {{ end }}<a href="/authors/{{ $a | urlize }}/">{{ $a }}</a>{{ end }}</p>
        <p><em>{{ .Params.venue }}</em> {{ .Date.Year }}</p>
        <section>{{ .Content }}</section>
        <section id="cite"><h2>Cite</h2><pre>@article{ {{- .Params.bibtex }},
          title = { {{- .Title -}} },
          author = { {{- delimit .Params.authors " and " -}} },
          year = { {{- .Date.Year -}} }
        }</pre><a href="cite.bib">BibTeX</a> <a href="cite.json">CSL-JSON</a> <a href="cite.ris">RIS</a></section>
        {{ with .Params.themes }}<p>Themes: {{ range . }}<a href="/themes/{{ . | urlize }}/">{{ . }}</a> {{ end }}</p>{{ end }}
        </article>{{ end }}
    """,
    "_default/single.bib": """
        @article{ {{- .Params.bibtex }},
          title = { {{- .Title -}} },
          author = { {{- delimit .Params.authors " and " -}} },
          journal = { {{- .Params.venue -}} },
          year = { {{- .Date.Year -}} }
        }
    """,
    "_default/single.csl": """
        [{"id": {{ .Params.bibtex | jsonify }}, "type": "article-journal", "title": {{ .Title | jsonify }}, "container-title": {{ .Params.venue | jsonify }}, "issued": {"date-parts": [[{{ .Date.Year }}]]}, "author": [{{ range $i, $a := .Params.authors }}{{ if $i }}, {{ end }}{"literal": {{ $a | jsonify }}}{{ end }}]}]
    """,
    "_default/single.ris": """
        TY  - JOUR
        TI  - {{ .Title }}
        {{ range .Params.authors }}AU  - {{ . }}
        {{ end }}PY  - {{ .Date.Year }}
        JO  - {{ .Params.venue }}
        ER  -
    """,
    "_default/list.html": """
        {{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}
        <ol class="pub-list">{{ range (.Paginate (where .Pages "Section" "publications")).Pages }}"""
    + _ITEM
    + """{{ end }}</ol>
        {{ template "_internal/pagination.html" . }}{{ end }}
    """,
    "_default/terms.html": """
        {{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Data.Terms.Alphabetical }}
        <li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}</ul>{{ end }}
    """,
    "index.html": """
        {{ define "main" }}<h1>{{ site.Title }}</h1><h2>Recent publications</h2>
        <ol>{{ range first 10 (where site.RegularPages "Section" "publications") }}"""
    + _ITEM
    + """{{ end }}</ol>{{ end }}
    """,
    "people/single.html": """
        {{ define "main" }}<h1>{{ .Title }}</h1><p>{{ .Params.role }}</p>{{ .Content }}
        {{ $name := .Title }}<h2>Publications</h2><ol class="pub-list">{{ range (index site.Taxonomies.authors ($name | urlize)).Pages }}"""
    + _ITEM
    + """{{ end }}</ol>{{ end }}
    """,
    "research/single.html": """
        {{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}
        {{ $name := .Title }}<h2>Publications</h2><ol class="pub-list">{{ range first 20 (index site.Taxonomies.themes ($name | urlize)).Pages }}"""
    + _ITEM
    + """{{ end }}</ol>{{ end }}
    """,
}


# --- servers --------------------------------------------------------------------


class Server:
    """A server process on a free loopback port; waits until it answers."""

    def __init__(self, args, env=None, cwd=BASE_DIR):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        args = [a.replace("{port}", str(self.port)) for a in args]
        self.process = subprocess.Popen(
            args, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"{args[0]} exited during start-up")
            try:
                urllib.request.urlopen(self.base + "/", timeout=60).read()
                return
            except urllib.error.HTTPError:
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise SystemExit(f"{args[0]} did not answer within 90 s")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def gunicorn(app, env):
    return Server(
        [
            PYTHON,
            "-m",
            "gunicorn",
            app,
            "--bind",
            "127.0.0.1:{port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        env=env,
    )


def nginx(mirror):
    folder = WORK / "nginx"
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "nginx.conf"
    port = free_port()
    config.write_text(
        textwrap.dedent(f"""
        daemon off;
        worker_processes 2;
        pid {folder}/nginx.pid;
        error_log {folder}/error.log warn;
        events {{ worker_connections 1024; }}
        http {{
            include /etc/nginx/mime.types;
            access_log off;
            sendfile on;
            tcp_nopush on;
            client_body_temp_path {folder}/body;
            proxy_temp_path {folder}/proxy;
            fastcgi_temp_path {folder}/fastcgi;
            uwsgi_temp_path {folder}/uwsgi;
            scgi_temp_path {folder}/scgi;
            server {{
                listen 127.0.0.1:{port};
                root {mirror};
                index index.html;
                try_files $uri $uri/index.html =404;
            }}
        }}
    """)
    )
    server = Server.__new__(Server)
    server.port = port
    server.base = f"http://127.0.0.1:{port}"
    server.process = subprocess.Popen(
        ["nginx", "-c", str(config), "-p", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(server.base + "/", timeout=5).read()
            return server
        except OSError:
            time.sleep(0.1)
    server.stop()
    raise SystemExit(f"nginx did not start; see {folder}/error.log")


def size_of(base, path):
    with urllib.request.urlopen(base + path, timeout=120) as response:
        return len(response.read())


# --- the run ----------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--publications", type=int, default=10_000)
    parser.add_argument("--people", type=int, default=500)
    parser.add_argument("--seconds", type=int, default=10, help="per load run")
    parser.add_argument("--busy", default="", help="a note printed beside the figures")
    parser.add_argument(
        "--jobs",
        type=int,
        default=None,
        help="processes the export renders in (default: the CPUs it may use)",
    )
    parser.add_argument(
        "--export-only",
        action="store_true",
        help="run step 1 alone and print its figures; docs/benchmark.md is left as is",
    )
    parser.add_argument("--child-export", nargs=2, metavar=("OUT", "BASE_URL"))
    parser.add_argument("--child-update", nargs=2, metavar=("OUT", "BASE_URL"))
    parser.add_argument("--child-hugo", metavar="SITE")
    parser.add_argument(
        "--export-json",
        help="reuse the export figures saved in this file by an earlier run",
    )
    args = parser.parse_args()
    if args.child_export:
        child_export(*args.child_export, args.jobs)
        return
    if args.child_update:
        child_update(*args.child_update, args.jobs)
        return
    if args.child_hugo:
        child_hugo_content(args.child_hugo)
        return

    if not args.export_only:
        apt_install("hugo", "nginx", "wrk")
    size = args.publications
    database = dataset(size, args.people)
    env = django_env(database)
    run.run_checked([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], env)
    # A user's processes start from bytecode (Python and pip write it); where
    # the environment forbids writing it (PYTHONDONTWRITEBYTECODE), each new
    # process, as the export after an edit is, would compile every module of
    # the project from source again.
    for app in ("site_config", "people", "research", "publications", "news"):
        compileall.compile_dir(BASE_DIR / app, quiet=1)
    mirror = WORK / f"mirror-{size}"
    load_before = os.getloadavg()[0]

    say("1. Full export, then an edit and an incremental export")
    saved = Path(args.export_json) if args.export_json else None
    if saved and saved.is_file() and saved.read_text().strip():
        say(f"   (figures of an earlier run of this step, from {saved})")
        out = saved.read_text()
    else:
        jobs = ["--jobs", str(args.jobs)] if args.jobs else []
        # A first export draws every card: cards an earlier run left in the
        # on-disk card cache would make the full export look cheaper than a
        # user's first one.
        cards = WORK / "export-card-cache"
        shutil.rmtree(cards, ignore_errors=True)
        out = run.run_checked(
            [
                PYTHON,
                "benchmarks/static_export.py",
                "--child-export",
                str(mirror),
                "http://127.0.0.1/",
                *jobs,
            ],
            {**env, "LABSITE_CARD_CACHE_DIR": str(cards)},
            timeout=7200,
        )
    export = json.loads(out.strip().splitlines()[-1])
    say(
        f"   full export in {export.get('jobs', 1)} processes: "
        f"{export['full_seconds']:.1f} s, CPU {export['full_cpu']:.1f} s"
    )
    if args.export_only:
        loads = {"load_before": load_before, "load_after": os.getloadavg()[0]}
        sys.stdout.write(json.dumps({**export, **loads}) + "\n")
        return
    # Kept for --export-json: the report can be made again without exporting.
    (WORK / f"export-{size}.json").write_text(json.dumps(export) + "\n")

    say("2. Hugo building the same pages")
    hugo_site = WORK / f"hugo-{size}"
    run.run_checked(
        [PYTHON, "benchmarks/static_export.py", "--child-hugo", str(hugo_site)], env
    )
    hugo_times, hugo_cpu = [], []
    for _ in range(2):
        shutil.rmtree(hugo_site / "public", ignore_errors=True)
        started, cpu = time.perf_counter(), cpu_seconds()
        subprocess.run(["hugo", "--quiet", "--source", str(hugo_site)], check=True)
        hugo_times.append(time.perf_counter() - started)
        hugo_cpu.append(cpu_seconds() - cpu)
    hugo_seconds = min(hugo_times)
    export["hugo_cpu"] = min(hugo_cpu)
    hugo_pages = sum(1 for _ in (hugo_site / "public").rglob("*") if _.is_file())

    say("3. Requests/s: cached page, WhiteNoise file, nginx file")
    pages = {
        "home": "/",
        "publications": "/publications/",
        "publication": export["detail"],
        "person": export["person"],
    }
    servers = {
        "labsite (cached page, gunicorn)": gunicorn(
            "site_config.wsgi:application", env
        ),
        "exported file, WhiteNoise (gunicorn)": gunicorn(
            "static_wsgi:application",
            {**env, "MIRROR": str(mirror), "PYTHONPATH": str(BASE_DIR / "benchmarks")},
        ),
        "exported file, nginx": nginx(mirror),
    }
    http = {}
    try:
        for name, server in servers.items():
            for label, path in pages.items():
                for _ in range(3):
                    urllib.request.urlopen(server.base + path, timeout=300).read()
                figures = load(server.base + path, args.seconds, CONNECTIONS)
                figures["bytes"] = size_of(server.base, path)
                http[(name, label)] = figures
    finally:
        for server in servers.values():
            server.stop()
    load_after = os.getloadavg()[0]
    write_report(
        size,
        export,
        hugo_seconds,
        hugo_pages,
        http,
        pages,
        args.busy,
        (load_before, load_after),
    )


def write_report(size, export, hugo_seconds, hugo_pages, http, pages, busy, loads):
    full_ratio = export["full_seconds"] / hugo_seconds
    incremental_ratio = export["incremental_seconds"] / hugo_seconds
    ok = "met" if full_ratio <= TARGET_FULL else "**missed**"
    ok_incremental = "met" if incremental_ratio <= TARGET_INCREMENTAL else "**missed**"
    rows = [
        f"{SECTION} (`benchmarks/static_export.py`, {size})",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on 2 cores; load average "
        f"{loads[0]:.1f} before and {loads[1]:.1f} after the run."
        + (f" {busy}" if busy else ""),
        "",
        "| measure | figure | target |",
        "|---|---|---|",
        f"| full export: pages (HTML, feeds, downloads, cards) and files | "
        f"{export['pages']:,} pages, {export['files']:,} static and media files | |",
        f"| full export, rendering in {_processes(export.get('jobs', 1))} | "
        f"{export['full_seconds']:.1f} s (Pagefind "
        f"{export['search_seconds']:.1f} s of it); CPU {export['full_cpu']:.1f} s "
        "(with its workers') | |",
        f"| Hugo {hugo_version()} building the same pages ({hugo_pages:,} files) | "
        f"{hugo_seconds:.2f} s; CPU {export['hugo_cpu']:.2f} s (all threads) | |",
        f"| full export / Hugo | {full_ratio:.1f}x (CPU: "
        f"{export['full_cpu'] / export['hugo_cpu']:.1f}x) | ≤ {TARGET_FULL:g}x: {ok} |",
        f"| incremental export after one edit, in "
        f"{_processes(export.get('incremental_jobs', 1))} | "
        f"{export['incremental_seconds']:.1f} s: "
        f"{export.get('incremental_rendered', '?')} pages rendered, "
        f"{export['incremental_written']} rewritten (Pagefind "
        f"{export['incremental_search_seconds']:.1f} s of it); CPU "
        f"{export['incremental_cpu']:.1f} s | |",
        f"| incremental / Hugo's full build | {incremental_ratio:.2f}x (CPU: "
        f"{export['incremental_cpu'] / export['hugo_cpu']:.2f}x) | "
        f"≤ {TARGET_INCREMENTAL:g}x: {ok_incremental} |",
        f"| export with no change | {export['unchanged_seconds']:.2f} s, "
        f"{export['unchanged_written']} pages written | |",
        "",
        "Requests/s (wrk, 8 connections, plain HTTP on 127.0.0.1, no compression):",
        "",
        "| page (bytes) | " + " | ".join(sorted({n for n, _ in http})) + " |",
        "|---|" + "---|" * len({n for n, _ in http}),
    ]
    names = sorted({n for n, _ in http})
    for label in pages:
        cells = [f"{http[(n, label)]['rps']:,.0f}" for n in names]
        rows.append(
            f"| {label} ({http[(names[0], label)]['bytes']:,}) | "
            + " | ".join(cells)
            + " |"
        )
    rows += [
        "",
        "Why the full export is slower than Hugo: every page goes through Django (URL conf,",
        "middleware, view, queries, templates, Markdown with math), exactly as a visitor's",
        "request, so the copy is the live site's HTML; Hugo fills one template from front",
        "matter. The export also writes what Hugo's build has no counterpart for (an",
        "OpenGraph card per publication, each person's and theme's list downloads and",
        "feeds). A list entry or download entry is written once and copied into every",
        "file that holds it, and kept on disk for later exports (publications/entries.py,",
        "site_config/export/entries.py); filters run in the browser, with no page per",
        "filter value. After an edit only the pages that read the changed row are rendered",
        "(site_config/export/deps.py), from stored entries but the edited ones; Pagefind",
        "indexes again only the search bundles holding a changed page.",
    ]
    section = "\n".join(rows) + "\n"
    sys.stdout.write(section)
    text = REPORT.read_text() if REPORT.exists() else "# Benchmarks\n"
    start = text.find(SECTION)
    if start >= 0:
        end = text.find("\n## ", start + len(SECTION))
        text = text[:start] + section + (text[end + 1 :] if end >= 0 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    REPORT.write_text(text)


def _processes(count):
    return "1 process" if count == 1 else f"{count} processes"


def hugo_version():
    output = subprocess.run(["hugo", "version"], capture_output=True, text=True).stdout
    match = re.search(r"v(\d+\.\d+\.\d+)", output)
    return match.group(1) if match else ""


if __name__ == "__main__":
    main()
