"""BibTeX import benchmark (not part of the test suite).

    .venv/bin/python benchmarks/import_benchmark.py

In one run, on throw-away SQLite databases under var/benchmark/:

1. generates a 10,000-entry file (accents, braces, math, arXiv ids, DOIs, 1 to 12
   authors drawn from 4,000 names) and reports the bare parse time of the parser
   the importer uses (publications/bibtex/parse.py: splitting, @string and #
   resolution, no LaTeX decoding), the first import into an empty database and an
   unchanged re-import, each as a ratio of the bare parse (targets: 3x and 2x);
2. imports the Zotero file of the shared corpus (7,166 entries) into an empty
   database in a fresh process and reports its time and peak memory (targets: 5 s,
   150 MB). The corpus is found as the tests find it (LABSITE_SHARED_DIR).
"""

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
    database.unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-" + "k" * 40)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_config.settings")
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


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
    setup_django(WORK_DIR / "zotero.sqlite3")
    from publications.bibtex.importer import import_bibtex

    before = peak_rss_mb()
    cpu = time.process_time()
    report, seconds = timed(lambda: import_bibtex(sources=[ZOTERO]))
    result = {
        "seconds": seconds,
        "cpu": time.process_time() - cpu,
        "peak_mb": peak_rss_mb(),
        "before_mb": before,
        "summary": report.summary(),
    }
    out(json.dumps(result))


def main():
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    bib = WORK_DIR / "generated-10000.bib"
    generate(bib, 10_000)
    setup_django(WORK_DIR / "import.sqlite3")
    from publications.bibtex.importer import import_bibtex
    from publications.bibtex.parse import parse_bibtex

    text = bib.read_text(encoding="utf-8")
    parsed, parse_s = timed(lambda: parse_bibtex(text))
    reference_s = bibtexparser_parse_seconds(text)
    first, first_s = timed(lambda: import_bibtex(sources=[bib]))
    again, again_s = timed(lambda: import_bibtex(sources=[bib]))
    out(f"Generated file: {len(parsed.entries):,} entries, {len(text) / 1e6:.1f} MB")
    out(f"  bare parse (no LaTeX decoding)  {parse_s:6.2f} s")
    if reference_s:
        out(f"  (bibtexparser 2, bare parse     {reference_s:6.2f} s, for comparison)")
    out(
        f"  first import, empty database    {first_s:6.2f} s  {first_s / parse_s:4.1f}x"
    )
    out(
        f"  unchanged re-import             {again_s:6.2f} s  {again_s / parse_s:4.1f}x"
    )
    out(f"  first:   {first.summary()}")
    out(f"  again:   {again.summary()}")
    if not ZOTERO.is_file():
        out(f"Zotero corpus file not found at {ZOTERO}; set LABSITE_SHARED_DIR.")
        return
    child = subprocess.run(
        [sys.executable, __file__, "--zotero"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(BASE_DIR)},
    )
    result = json.loads(child.stdout.strip().splitlines()[-1])
    out(f"Zotero corpus file ({ZOTERO.name}), empty database, own process:")
    out(
        f"  import                          {result['seconds']:6.2f} s "
        f"({result['cpu']:.2f} s CPU)"
    )
    out(
        f"  peak memory                     {result['peak_mb']:6.0f} MB "
        f"(before the import: {result['before_mb']:.0f} MB)"
    )
    out(f"  {result['summary']}")


def bibtexparser_parse_seconds(text):
    """bibtexparser 2's parse of the same text without middleware, if installed."""
    try:
        import bibtexparser
    except ImportError:
        return None
    _library, seconds = timed(lambda: bibtexparser.parse_string(text))
    return seconds


if __name__ == "__main__":
    if "--zotero" in sys.argv:
        zotero_child()
    else:
        main()
