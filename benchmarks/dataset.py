"""Generate a large, deterministic labsite dataset with bulk_create.

A group with twenty years of papers: by default 500 people (members, alumni and
outside co-authors), 60 research themes in a three-level tree and any number of
publications with 1 to 30 authors each. Used by ``benchmarks/run.py``; it can also
fill a database of its own:

    .venv/bin/python benchmarks/dataset.py --database var/big.sqlite3
"""

import argparse
import os
import random
import sys
import time
from datetime import date
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

GIVEN = (
    "Ada Alan Barbara Claude Dana Edsger Emmy Fei Grace Hedy Ingrid John Katherine "
    "Leslie Lin Margaret Mei Niklaus Olga Pierre Qian Radia Sofia Tim Ursula Wei "
    "Xiaoming Yann Zhen Karen"
).split()
FAMILY = (
    "Lovelace Turing Liskov Shannon Scott Dijkstra Noether Li Hopper Lamarr Daubechies "
    "McCarthy Johnson Lamport Chen Hamilton Zhang Wirth Ladyzhenskaya Curie Wang "
    "Perlman Kovalevskaya Berners-Lee Franklin Zhao Sun LeCun Xu Jones Hoare Knuth "
    "Milner Kahan Backus Hartree Weyl Ramanujan Hilbert Riemann"
).split()
VENUES = [
    ("Advances in Neural Information Processing Systems", "NeurIPS"),
    ("International Conference on Machine Learning", "ICML"),
    ("Journal of Computational Physics", "JCP"),
    ("SIAM Journal on Numerical Analysis", "SINUM"),
    ("Communications on Pure and Applied Mathematics", "CPAM"),
    ("Physical Review Letters", "PRL"),
    ("Journal of Machine Learning Research", "JMLR"),
    ("International Conference on Learning Representations", "ICLR"),
]
WORDS = (
    "deep learning theory neural networks optimisation generalisation dynamics "
    "stochastic gradient descent implicit regularisation frequency principle "
    "operator learning molecular dynamics density functional multiscale "
    "reinforcement control phase diagram condensation embedding principle "
    "transformers scaling laws quantum many-body sampling"
).split()
ROLE_PLAN = [("pi", 1), ("postdoc", 6), ("phd", 18), ("master", 6), ("staff", 3)]
ALUMNI = 26
LISTED_COLLABORATORS = 40


def configure(database):
    """Point Django at database (a SQLite file, or a database URL) with
    production settings."""
    sys.path.insert(0, str(BASE_DIR))
    url = str(database)
    os.environ["DATABASE_URL"] = url if "://" in url else f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_config.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-" + "k" * 40)
    import django

    django.setup()


def _title(rng, n):
    words = rng.sample(WORDS, rng.randint(4, 9))
    return f"{' '.join(words).capitalize()} ({n})"


def build(*, publications, people=500, themes=60, seed=6):
    """Fill an empty, migrated database; returns row counts."""
    from django.db import transaction

    from people.models import Affiliation, Organization, Person
    from publications.models import Authorship, Publication
    from research.models import ResearchTheme
    from site_config.models import SiteProfile
    from site_config.pagecache.cache import bump_content_version

    rng = random.Random(seed)
    with transaction.atomic():
        SiteProfile.objects.create(
            group_name="Benchmark Group",
            tagline="Twenty years of papers, generated",
            introduction="We study **learning** and *computation*.",
            footer_text="Generated for benchmarks.",
        )
        organizations = Organization.objects.bulk_create(
            Organization(name=f"University {n}", short_name=f"U{n}") for n in range(40)
        )

        roles = [role for role, count in ROLE_PLAN for _ in range(count)]
        rows = []
        for n in range(people):
            given, family = GIVEN[n % len(GIVEN)], FAMILY[(n * 7) % len(FAMILY)]
            fields = {"is_member": False, "role": "collaborator"}
            if n < len(roles):
                fields = {"is_member": True, "role": roles[n]}
            elif n < len(roles) + ALUMNI:
                fields = {
                    "is_member": True,
                    "role": "alumni",
                    "start_date": date(2003 + n % 12, 9, 1),
                    "end_date": date(2007 + n % 12 + n % 5, 7, 1),
                    "current_position": f"Professor at University {n % 40}",
                }
            elif n < len(roles) + ALUMNI + LISTED_COLLABORATORS:
                fields["show_on_people_page"] = True
            rows.append(
                Person(
                    full_name=f"{given} {family} {n}",
                    given_name=given,
                    family_name=f"{family} {n}",
                    slug=f"person-{n}",
                    interests=", ".join(rng.sample(WORDS, 3)),
                    display_order=n,
                    **fields,
                )
            )
        persons = Person.objects.bulk_create(rows)
        Affiliation.objects.bulk_create(
            Affiliation(
                person=person,
                organization=organizations[(i + k) % len(organizations)],
                department="Department of Mathematics",
                position=k,
            )
            for i, person in enumerate(persons)
            for k in range(1 + i % 2)
        )
        members = [p for p in persons if p.is_member and p.role != "alumni"]

        theme_rows = []
        roots = ResearchTheme.objects.bulk_create(
            ResearchTheme(
                title=f"Theme {r}",
                slug=f"theme-{r}",
                summary=" ".join(rng.sample(WORDS, 6)),
                description="A paragraph about this theme. " * 4,
                order=r,
            )
            for r in range(themes // 10)
        )
        theme_rows += roots
        middles = ResearchTheme.objects.bulk_create(
            ResearchTheme(
                parent=root,
                title=f"Theme {root.order}.{c}",
                slug=f"theme-{root.order}-{c}",
                summary=" ".join(rng.sample(WORDS, 5)),
                order=c,
            )
            for root in roots
            for c in range(3)
        )
        theme_rows += middles
        theme_rows += ResearchTheme.objects.bulk_create(
            ResearchTheme(
                parent=middle,
                title=f"{middle.title}.{g}",
                slug=f"{middle.slug}-{g}",
                summary=" ".join(rng.sample(WORDS, 5)),
                order=g,
            )
            for middle in middles
            for g in range(themes // len(middles) - 1 if middles else 0)
        )
        theme_people = ResearchTheme.people.through
        theme_people.objects.bulk_create(
            theme_people(researchtheme_id=theme.pk, person_id=person.pk)
            for theme in theme_rows
            for person in rng.sample(members, min(len(members), rng.randint(3, 8)))
        )

        kinds = ["article"] * 5 + ["conference"] * 4 + ["thesis", "book", "report"]
        statuses = ["published"] * 17 + ["accepted", "preprint", "under_review"]
        rows = []
        for n in range(publications):
            venue, short = VENUES[n % len(VENUES)]
            rows.append(
                Publication(
                    title=_title(rng, n),
                    slug=f"paper-{n}",
                    kind=rng.choice(kinds),
                    status=rng.choice(statuses),
                    year=2005 + n * 21 // max(publications, 1),
                    month=1 + n % 12,
                    venue=venue,
                    venue_short=short,
                    volume=str(1 + n % 40),
                    pages=f"{n % 900 + 1}--{n % 900 + 15}",
                    doi=f"10.5555/bench.{n}" if n % 3 else "",
                    arxiv_id=f"{2000 + n % 500}.{n:05d}" if n % 2 else "",
                    code_url=f"https://example.org/code/{n}" if n % 5 == 0 else "",
                    abstract=(
                        "We prove that *gradient descent* finds $x^2$ minima."
                        if n % 4 == 0
                        else ""
                    ),
                    bibtex_key=f"bench{n}",
                    is_selected=n % 97 == 0,
                    note="Oral" if n % 50 == 0 else "",
                )
            )
        papers = Publication.objects.bulk_create(rows, batch_size=2000)

        authorships = []
        for paper in papers:
            count = rng.randint(1, 30)
            authors = rng.sample(persons, count)
            if not any(a.is_member for a in authors):
                authors[rng.randrange(count)] = rng.choice(members)
            for position, person in enumerate(authors):
                authorships.append(
                    Authorship(
                        publication_id=paper.pk,
                        person_id=person.pk,
                        position=position,
                        equal_contribution=position < 2 and paper.pk % 4 == 0,
                        corresponding=position == count - 1,
                    )
                )
        Authorship.objects.bulk_create(authorships, batch_size=5000)
        paper_themes = Publication.themes.through
        paper_themes.objects.bulk_create(
            (
                paper_themes(publication_id=paper.pk, researchtheme_id=theme.pk)
                for paper in papers
                for theme in rng.sample(theme_rows, rng.randint(1, 2))
            ),
            batch_size=5000,
        )
        bump_content_version()
    return {
        "people": len(persons),
        "themes": len(theme_rows),
        "publications": len(papers),
        "authorships": len(authorships),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database", required=True, help="a SQLite file, or an empty database's URL"
    )
    parser.add_argument("--publications", type=int, default=10_000)
    parser.add_argument("--people", type=int, default=500)
    parser.add_argument("--themes", type=int, default=60)
    args = parser.parse_args()
    database, label = args.database, args.database
    if "://" not in database:
        database = Path(database).resolve()
        label = database.name
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
        database.parent.mkdir(parents=True, exist_ok=True)
    configure(database)
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    counts = build(
        publications=args.publications, people=args.people, themes=args.themes
    )
    elapsed = time.perf_counter() - started
    summary = ", ".join(f"{value} {name}" for name, value in counts.items())
    sys.stdout.write(f"{label}: {summary} in {elapsed:.1f}s\n")


if __name__ == "__main__":
    main()
