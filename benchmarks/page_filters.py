"""Part 4 of the benchmark: the publications page's filters at 10,000 publications,
on SQLite and on PostgreSQL.

``run.py`` fills a PostgreSQL database with the same generated dataset as the
SQLite one (the server named by ``LABSITE_BENCH_POSTGRES``, by default
``postgres://postgres@127.0.0.1:5432/labsite_bench``; the database is dropped and
made again), then renders each filter in a child process per database and reports
its queries and time next to the unfiltered page. Without a reachable PostgreSQL
server the part says so and measures SQLite alone.
"""

import json
import os
import sys
from urllib.parse import urlsplit

POSTGRES_URL = os.environ.get(
    "LABSITE_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/labsite_bench"
)


def recreate_postgres_database(url):
    """Drop and create the database url names; None, or why it cannot be done."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed"
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name.replace("_", "").isalnum():
        return f"database name {name!r} must be letters, digits and underscores"
    server = parts._replace(path="/postgres").geturl()
    try:
        with psycopg.connect(server, autocommit=True, connect_timeout=5) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as error:
        return f"PostgreSQL at {parts.hostname}:{parts.port or 5432}: {error}"
    return None


def filter_urls():
    """The unfiltered page and each filter at values that match many papers."""
    from django.db.models import Count
    from django.urls import reverse

    from people.models import Person
    from publications.models import Publication
    from research.models import ResearchTheme

    page = reverse("publications:list")
    year = (
        Publication.objects.values("year")
        .annotate(n=Count("id"))
        .order_by("-n", "-year")
        .first()["year"]
    )
    person = (
        Person.objects.filter(is_member=True)
        .annotate(papers=Count("authorships"))
        .order_by("-papers", "pk")
        .first()
    )
    theme = (
        ResearchTheme.objects.filter(parent=None)
        .annotate(papers=Count("publications"))
        .order_by("-papers", "pk")
        .first()
    )
    return {
        "no filter": page,
        "year": f"{page}?year={year}",
        "type": f"{page}?type=conference",
        "theme (with sub-themes)": f"{page}?theme={theme.slug}",
        "person": f"{page}?person={person.slug}",
        "status": f"{page}?status=preprint",
        "selected": f"{page}?selected=1",
        "type + theme + person": (
            f"{page}?type=article&theme={theme.slug}&person={person.slug}"
        ),
        "search": f"{reverse('search')}?q=gradient+descent",
    }


def child(repeats):
    """Runs in a child with Django pointed at one database: prints JSON."""
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rendering import full_render, median_seconds

    from publications.models import Publication

    results = {
        "vendor": connection.vendor,
        "publications": Publication.objects.count(),
        "filters": {},
    }
    for name, url in filter_urls().items():
        full_render(url)
        with CaptureQueriesContext(connection) as queries:
            response = full_render(url)
        results["filters"][name] = {
            "url": url,
            "status": response.status_code,
            "queries": len(queries),
            "kib": len(response.content) / 1024,
            "ms": 1000 * median_seconds(lambda url=url: full_render(url), repeats),
        }
    sys.stdout.write(json.dumps(results))


def report_lines(results, note):
    """Markdown for part 4: one row a filter, SQLite and PostgreSQL side by side."""
    lines = ["## 4. Filters at 10,000 publications, SQLite and PostgreSQL", ""]
    if note:
        lines += [note, ""]
    if not results:
        return lines
    names = list(results)
    header = ["filter"]
    for name in names:
        header += [f"queries ({name})", f"ms ({name})", f"vs no filter ({name})"]
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|" + "---|" * len(header))
    first = results[names[0]]["filters"]
    for label in first:
        row = [label]
        for name in names:
            figures = results[name]["filters"][label]
            base = results[name]["filters"]["no filter"]["ms"]
            row += [
                str(figures["queries"]),
                f"{figures['ms']:.1f}",
                f"{figures['ms'] / base:.2f}x",
            ]
        lines.append("| " + " | ".join(row) + " |")
    slowest = max(
        (figures["ms"], label, name)
        for name in names
        for label, figures in results[name]["filters"].items()
    )
    most_queries = max(
        figures["queries"]
        for name in names
        for figures in results[name]["filters"].values()
    )
    lines += [
        "",
        "In-process render time of the page each filter gives (median of up to "
        "7 runs), with the unfiltered page (every year, grouped) as the yardstick. "
        f"Slowest: {slowest[1]} on {slowest[2]}, {slowest[0]:.0f} ms; at most "
        f"{most_queries} queries on any filter and database.",
        "",
    ]
    return lines


if __name__ == "__main__":
    child(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
