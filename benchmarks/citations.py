"""Formatted references: how long citeproc-py takes (not part of the test suite).

    .venv/bin/python benchmarks/citations.py [--entries 200]

On a throw-away SQLite database under var/benchmark/, with --entries generated
publications (1 to 12 authors, venue, volume, pages, DOI; some with math in the
title), it prints for each offered style the best of three tries of

1. one list of all entries (``format_references``, what a ``.txt`` download
   of a list does),
2. each entry on its own (``format_reference`` once per publication, what the
   publication pages do between them), both with the cache of formatted
   references emptied before each try, and
3. the list again with every reference cached,

so docs/benchmark.md ("Formatted references") can say whether caching the text
is worth it.
"""

import argparse
import os
import random
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def setup(database):
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_config.test_settings")
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def populate(count):
    from people.models import Person
    from publications.models import Authorship, Publication

    rng = random.Random(12)
    people = Person.objects.bulk_create(
        Person(full_name=f"Given{n} Family{n}", slug=f"person-{n}") for n in range(300)
    )
    publications = Publication.objects.bulk_create(
        Publication(
            title=f"On $\\ell_{n % 5}$ bounds for model {n}: a study",
            slug=f"paper-{n}",
            bibtex_key=f"paper{n}",
            year=2000 + n % 25,
            kind=rng.choice(["article", "inproceedings", "preprint"]),
            venue=f"Journal of Results {n % 17}",
            volume=str(n % 40),
            pages=f"{n}--{n + 11}",
            doi=f"10.5555/b.{n}",
        )
        for n in range(count)
    )
    Authorship.objects.bulk_create(
        Authorship(publication=publication, person=person, position=position)
        for publication in publications
        for position, person in enumerate(rng.sample(people, rng.randint(1, 12)))
    )


def best_of(function, tries=3, *, cold=True):
    from django.core.cache import cache

    times = []
    for _ in range(tries):
        if cold:
            cache.clear()
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return min(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=200)
    args = parser.parse_args()
    folder = BASE_DIR / "var" / "benchmark"
    folder.mkdir(parents=True, exist_ok=True)
    database = folder / "citations.sqlite3"
    database.unlink(missing_ok=True)
    setup(database)
    populate(args.entries)

    from publications.models import Publication
    from publications.references import format_reference, format_references
    from site_config.models import CitationStyle

    publications = list(Publication.objects.with_authors())
    sys.stdout.write(f"load average {os.getloadavg()[0]:.1f}\n")
    sys.stdout.write(
        "| style | one list, cold | each on its own, cold | per entry | "
        "one list, cached |\n|---|---|---|---|---|\n"
    )
    for style in CitationStyle:
        listed = best_of(lambda s=style: format_references(publications, s))
        alone = best_of(lambda s=style: [format_reference(p, s) for p in publications])
        warm = best_of(lambda s=style: format_references(publications, s), cold=False)
        sys.stdout.write(
            f"| {style.label} | {listed:.2f} s | {alone:.2f} s | "
            f"{alone / len(publications) * 1000:.1f} ms | {warm:.3f} s |\n"
        )
    database.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
