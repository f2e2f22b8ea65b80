"""CPU time of a full static export, per kind of page.

Run from the repository root (not part of the test suite):

    .venv/bin/python benchmarks/export_pages.py [--publications 200] [--people 40]
        [--profile FILE] [--edit] [--database FILE] [--mirror DIR]

On the benchmark dataset (benchmarks/dataset.py, a SQLite file under
var/benchmark/ built when missing, as benchmarks/static_export.py builds it) it
runs ``export_site`` into a fresh folder in this process and prints, for each
kind of page (list downloads, per-item files, cards, publication pages, people,
feeds...), how many were rendered and the CPU seconds their rendering took,
then the whole export's CPU seconds (Pagefind's child included). ``--edit``
then changes one publication's title and one author's name and prints the same
table for the incremental export that follows. ``--profile FILE`` writes a
cProfile of the full export (read it with ``python -m pstats FILE``).
``--database FILE`` exports a copy of that SQLite file instead of the
generated dataset (the dataset is edited by benchmarks/static_export.py, so a
fixed copy gives the same pages run after run); ``--mirror DIR`` exports into
DIR, kept afterwards, so two runs' files can be compared with ``diff -r``.
The export renders in this one process (``jobs=1``).
CPU seconds, not wall time: the machine is shared.
"""

import argparse
import cProfile
import os
import re
import resource
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCHMARKS))

from run import WORK, django_env, run_checked  # noqa: E402
from static_export import dataset  # noqa: E402

# (kind, pattern of the page's path, or of the whole URL when with_query),
# first match wins.
KINDS = [
    ("list downloads", re.compile(r"/publications/export\.(bib|json|ris|txt)"), True),
    ("per-item cite files", re.compile(r"/publications/[^/]+/cite\."), False),
    ("cards", re.compile(r"/card\.png$"), False),
    ("feeds", re.compile(r"(feed|atom$|rss$|\.ics$)"), False),
    ("publication pages", re.compile(r"^/publications/[^/]+/$"), False),
    ("CVs", re.compile(r"^/people/[^/]+/cv/$"), False),
    ("person pages", re.compile(r"^/people/[^/]+/$"), False),
    ("theme pages", re.compile(r"^/research/[^/]+/$"), False),
    ("list pages", re.compile(r"^/([a-z]+/)?$"), False),
]


def kind_of(url):
    path = url.split("?", 1)[0]
    for kind, pattern, with_query in KINDS:
        if pattern.search(url if with_query else path):
            return kind
    return "other"


def cpu_seconds():
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed_export(mirror, base_url, *, full, profile=None):
    """Run export_site, timing each rendered page; prints the table."""
    from site_config.export import render
    from site_config.export.build import export_site

    counts, seconds = defaultdict(int), defaultdict(float)
    fetch = render.Renderer.fetch

    def timed(self, target, **options):
        started = time.process_time()
        try:
            return fetch(self, target, **options)
        finally:
            kind = kind_of(target.url)
            counts[kind] += 1
            seconds[kind] += time.process_time() - started

    render.Renderer.fetch = timed
    started, cpu = time.perf_counter(), cpu_seconds()
    try:
        if profile:
            profiler = cProfile.Profile()
            report = profiler.runcall(export_site, mirror, base_url=base_url, full=full)
            profiler.dump_stats(profile)
        else:
            report = export_site(mirror, base_url=base_url, full=full)
    finally:
        render.Renderer.fetch = fetch
    wall, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    out(f"{'pages':<24} {'count':>6} {'CPU s':>8}")
    for kind in sorted(seconds, key=seconds.get, reverse=True):
        out(f"{kind:<24} {counts[kind]:>6} {seconds[kind]:>8.2f}")
    total = sum(seconds.values())
    out(f"{'all rendered pages':<24} {sum(counts.values()):>6} {total:>8.2f}")
    out(
        f"export: {report.pages} pages ({report.pages_written} written), "
        f"{wall:.1f} s wall, {cpu:.1f} s CPU "
        f"(Pagefind {report.search_seconds:.1f} s wall)"
    )
    return report


def out(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def load_average():
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def child(args):
    import django

    django.setup()
    from publications.models import Publication

    if args.mirror:
        mirror = Path(args.mirror)
        mirror.mkdir(parents=True, exist_ok=True)
    else:
        mirror = Path(tempfile.mkdtemp(prefix="labsite-export-pages-"))
    base_url = "https://example.org/lab/"
    out(f"load average before: {load_average()}")
    timed_export(mirror, base_url, full=True, profile=args.profile)
    if args.edit:
        publication = Publication.objects.order_by("pk").first()
        publication.title = f"{publication.title} (edited {time.time():.0f})"
        publication.save()
        person = publication.authorships.order_by("position").first().person
        person.given_name = f"{person.given_name}e"
        person.full_name = f"{person.given_name} {person.family_name}"
        person.save()
        out("incremental export after editing a title and an author's name:")
        timed_export(mirror, base_url, full=False)
    out(f"load average after: {load_average()}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--publications", type=int, default=200)
    parser.add_argument("--people", type=int, default=40)
    parser.add_argument("--profile", help="write a cProfile of the full export here")
    parser.add_argument("--edit", action="store_true")
    parser.add_argument("--database", type=Path, help="export a copy of this file")
    parser.add_argument("--mirror", help="export into this folder (kept)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    database = args.database or dataset(args.publications, args.people)
    # A copy, so the edits do not change the dataset other benchmarks read.
    WORK.mkdir(parents=True, exist_ok=True)
    copy = WORK / f"{database.stem}-pages.sqlite3"
    copy.write_bytes(database.read_bytes())
    env = django_env(copy)
    run_checked([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], env)
    argv = [sys.executable, __file__, "--child", *sys.argv[1:]]
    os.execve(sys.executable, argv, env)


if __name__ == "__main__":
    main()
