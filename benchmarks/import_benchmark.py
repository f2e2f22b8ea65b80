"""BibTeX import benchmark (not part of the test suite).

    .venv/bin/python benchmarks/import_benchmark.py [--repeat 3]

In one run, on throw-away SQLite databases under var/benchmark/, each figure the
best of --repeat tries (the machine is shared; the load average is printed):

1. imports the Zotero file of the shared corpus (7,166 entries) into an empty
   database, each try in a fresh process, and reports its time and peak memory
   (targets: 5 s, 150 MB). These run first, while this process is still small:
   a child's ``ru_maxrss`` counts its parent's size at the fork. The corpus is
   found as the tests find it (LABSITE_SHARED_DIR).
2. generates a 10,000-entry file (accents, braces, math, arXiv ids, DOIs, 1 to 12
   authors drawn from 4,000 names) and reports the bare parse time of the parser
   the importer uses (publications/bibtex/parse.py: splitting, @string and #
   resolution, no LaTeX decoding; measured with the cyclic garbage collector
   paused, as it is during an import), the first import into an empty database
   and an unchanged re-import, each as a ratio of the bare parse (re-import target
   2x), and the first import as a ratio of the bare parse plus the bare insert
   floor measured in the same run (target 2.5x).
"""

import argparse
import gc
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
WORK_DIR = BASE_DIR / "var" / "benchmark"
SHARED_DIR = Path(os.environ.get("LABSITE_SHARED_DIR", BASE_DIR.parent / "shared"))
ZOTERO = SHARED_DIR / "bib-corpus" / "zbb__zotero-bbt-library-issue1436.bib"
if str(BASE_DIR) not in sys.path:
    sys.path.insert(0, str(BASE_DIR))

GIVEN = [
    "Ada",
    "Alan",
    "Grace",
    'J\\"org',
    "Ren{\\'e}",
    "Mingze",
    "Wei",
    "Sof{\\'\\i}a",
    "Ji{\\v{r}}{\\'\\i}",
    "{\\O}ystein",
    "Fran{\\c c}ois",
    "M.",
    "A. B.",
    "Lars",
]
FAMILY = [
    "Lovelace", "Turing", "Hopper", "T\\\"opfer", "Descartes", "Wang", "Chen",
    "Garc{\\'\\i}a", "Dvo{\\v{r}}{\\'a}k", "{\\O}re", "Br{\\\"u}ck", "van der Berg",
    "E", "{de la Cruz}", "M{\\\"u}ller", "Nakamura", "Smith", "O'Neil",
]  # fmt: skip
WORDS = (
    "learning optimal transport stochastic gradient descent convergence bounds "
    "neural networks graphs kernels quantum materials spectra dynamics sparse "
    "inference bayesian robust estimation online regret bandits diffusion"
).split()
VENUES = ["Journal of Machine Learning Research", "NeurIPS", "Phys. Rev. B", "ICML"]


def generate(path, count, *, seed=7):
    rng = random.Random(seed)
    people = [
        f"{rng.choice(FAMILY)}{'' if n % 3 else n}, {rng.choice(GIVEN)}"
        for n in range(4000)
    ]
    lines = ['@string{jmlr = "Journal of Machine Learning Research"}', ""]
    for n in range(count):
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 10)))
        if n % 5 == 0:
            title += r" with {SGD} at rate $O(1/\sqrt{T})$"
        authors = " and ".join(rng.sample(people, rng.randint(1, 12)))
        kind = "article" if n % 3 else "inproceedings"
        venue = "journal" if kind == "article" else "booktitle"
        fields = [
            f"  author = {{{authors}}}",
            f"  title = {{{{{title.capitalize()}}}}}",
            f"  {venue} = {{{rng.choice(VENUES)}}}" if n % 7 else "  journal = jmlr",
            f"  year = {{{rng.randint(1990, 2025)}}}",
            f"  month = {rng.choice(['jan', 'sep', 'dec'])}",
            f"  pages = {{{n}--{n + 9}}}",
            f"  abstract = {{{' '.join(rng.choice(WORDS) for _ in range(60))}}}",
        ]
        if n % 2:
            fields.append(f"  doi = {{10.9999/bench.{n}}}")
        if n % 4 == 0:
            fields.append(f"  eprint = {{{2000 + n // 10000}.{n:05d}}}")
            fields.append("  archivePrefix = {arXiv}")
        lines.append(f"@{kind}{{bench{n},\n" + ",\n".join(fields) + "\n}\n")
    path.write_text("\n".join(lines), encoding="utf-8")


def setup_django(database):
    """An empty, migrated SQLite database at database (the same one every call)."""
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-" + "k" * 40)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    connections.close_all()
    remove_database(database)
    call_command("migrate", verbosity=0)


def remove_database(database):
    # The page cache keeps its version stamp in a file beside the database, and
    # the import lock (site_config.core.locks) its file.
    for suffix in ("", "-wal", "-shm", ".content-version", ".bibtex-import.lock"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)


def timed(function):
    started = time.perf_counter()
    result = function()
    return result, time.perf_counter() - started


def out(line=""):
    sys.stdout.write(line + "\n")


def peak_rss_mb():
    """The process's peak resident memory (VmHWM; unlike ru_maxrss, not inherited
    from the parent across fork and exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def zotero_child():
    """Runs in its own process so that its peak memory is the import's own."""
    database = WORK_DIR / f"zotero-{os.getpid()}.sqlite3"
    setup_django(database)
    from publications.bibtex.importer import import_bibtex

    before = peak_rss_mb()
    cpu = time.process_time()
    report, seconds = timed(lambda: import_bibtex(sources=[ZOTERO]))
    result = {
        "seconds": seconds,
        "cpu": time.process_time() - cpu,
        "peak_mb": peak_rss_mb(),
        "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "before_mb": before,
        "summary": report.summary(),
    }
    remove_database(database)
    out(json.dumps(result))


def zotero(repeat):
    if not ZOTERO.is_file():
        out(f"Zotero corpus file not found at {ZOTERO}; set LABSITE_SHARED_DIR.")
        return
    results = []
    for _ in range(repeat):
        child = subprocess.run(
            [sys.executable, __file__, "--zotero"],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONPATH": str(BASE_DIR)},
        )
        results.append(json.loads(child.stdout.strip().splitlines()[-1]))
    best = min(results, key=lambda result: result["seconds"])
    out(f"Zotero corpus file ({ZOTERO.name}), empty database, own process:")
    out(
        f"  import                          {best['seconds']:6.2f} s "
        f"({best['cpu']:.2f} s CPU; tries: "
        + ", ".join(f"{r['seconds']:.2f}" for r in results)
        + ")"
    )
    out(
        f"  peak memory                     "
        f"{min(r['peak_mb'] for r in results):6.0f} MB "
        f"(ru_maxrss {min(r['maxrss_mb'] for r in results):.0f} MB; "
        f"before the import: {best['before_mb']:.0f} MB)"
    )
    out(f"  {best['summary']}")


def generated(repeat):
    bib = WORK_DIR / "generated-10000.bib"
    generate(bib, 10_000)
    from publications.bibtex.parse import parse_bibtex

    text = bib.read_text(encoding="utf-8")
    parse_s = []
    for _ in range(repeat):
        gc.disable()
        cpu = time.process_time()
        parsed, seconds = timed(lambda: parse_bibtex(text))
        parse_s.append((seconds, time.process_time() - cpu))
        gc.enable()
    entries = len(parsed.entries)
    del parsed
    first_s, again_s = [], []
    for _ in range(repeat):
        setup_django(WORK_DIR / "import.sqlite3")
        from publications.bibtex.importer import import_bibtex

        cpu = time.process_time()
        first, seconds = timed(lambda: import_bibtex(sources=[bib]))
        first_s.append((seconds, time.process_time() - cpu))
        cpu = time.process_time()
        again, seconds = timed(lambda: import_bibtex(sources=[bib]))
        again_s.append((seconds, time.process_time() - cpu))
    floor_s = insert_floor_seconds(WORK_DIR / "import.sqlite3", repeat)
    reference_s = bibtexparser_parse_seconds(text)
    parse, parse_cpu = min(parse_s)
    (first_best, first_cpu), (again_best, again_cpu) = min(first_s), min(again_s)
    out(f"Generated file: {entries:,} entries, {len(text) / 1e6:.1f} MB")
    out(
        f"  bare parse (no LaTeX decoding)  {parse:6.2f} s"
        f"        ({parse_cpu:.2f} s CPU)"
    )
    if reference_s:
        out(f"  (bibtexparser 2, bare parse     {reference_s:6.2f} s, for comparison)")
    out(
        f"  first import, empty database    {first_best:6.2f} s  "
        f"{first_best / parse:4.1f}x  ({first_cpu:.2f} s CPU, "
        f"{first_cpu / parse_cpu:.1f}x; target 3x)"
    )
    out(
        f"  (floor: the same rows inserted  {floor_s:6.2f} s  "
        f"{floor_s / parse:4.1f}x  with bare sqlite3, nothing else;"
    )
    out(
        f"   parse + floor                  {parse + floor_s:6.2f} s  "
        f"{(parse + floor_s) / parse:4.1f}x)"
    )
    out(
        f"  first import / (parse + floor)  {first_best / (parse + floor_s):6.2f}x"
        "  (target 2.5x)"
    )
    out(
        f"  unchanged re-import             {again_best:6.2f} s  "
        f"{again_best / parse:4.1f}x  ({again_cpu:.2f} s CPU, "
        f"{again_cpu / parse_cpu:.1f}x; target 2x)"
    )
    out(f"  first:   {first.summary()}")
    out(f"  again:   {again.summary()}")


def main():
    parser = argparse.ArgumentParser(description="BibTeX import benchmark.")
    parser.add_argument("--repeat", type=int, default=3, help="tries per figure")
    parser.add_argument("--zotero", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.zotero:
        zotero_child()
        return
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    out(
        f"Best of {arguments.repeat} tries; load average {load} ({os.cpu_count()} CPUs)"
    )
    zotero(arguments.repeat)
    generated(arguments.repeat)


FLOOR_TABLES = ("people_person", "publications_publication", "publications_authorship")


def insert_floor_seconds(imported, repeat):
    """The least any importer must spend writing what this one wrote.

    The rows the first import left in ``imported`` are read back as tuples and
    inserted with the bare ``sqlite3`` module into an empty database with the
    same schema, indexes and pragmas, committing every 2,000 publications as the
    importer does. Best of ``repeat`` tries.
    """
    import sqlite3

    source = sqlite3.connect(imported)
    schema = [
        sql
        for (sql,) in source.execute(
            "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL "
            "AND name NOT LIKE 'sqlite_%' ORDER BY type = 'index'"
        )
    ]
    rows = {
        table: source.execute(f"SELECT * FROM {table}").fetchall()
        for table in FLOOR_TABLES
    }
    source.close()
    batches = 5  # the importer's commits for 10,000 works
    best = float("inf")
    for _ in range(repeat):
        target_path = WORK_DIR / "floor.sqlite3"
        remove_database(target_path)
        target = sqlite3.connect(target_path, isolation_level=None)
        target.execute("PRAGMA journal_mode=WAL")
        target.execute("PRAGMA synchronous=NORMAL")
        for sql in schema:
            target.execute(sql)
        gc.disable()
        started = time.perf_counter()
        for part in range(batches):
            target.execute("BEGIN IMMEDIATE")
            for table in FLOOR_TABLES:
                table_rows = rows[table]
                size = -(-len(table_rows) // batches)
                chunk = table_rows[part * size : (part + 1) * size]
                if chunk:
                    marks = ", ".join("?" * len(chunk[0]))
                    target.executemany(f"INSERT INTO {table} VALUES ({marks})", chunk)
            target.execute("COMMIT")
        best = min(best, time.perf_counter() - started)
        gc.enable()
        target.close()
        remove_database(target_path)
    return best


def bibtexparser_parse_seconds(text):
    """bibtexparser 2's parse of the same text without middleware, if installed."""
    try:
        import bibtexparser
    except ImportError:
        return None
    _library, seconds = timed(lambda: bibtexparser.parse_string(text))
    return seconds


if __name__ == "__main__":
    main()
