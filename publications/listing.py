"""Shaping publication rows for pages: numbered lists split and grouped as shown.

Numbers follow the seed page: each list counts down, so the newest item has the
highest number and an item keeps its number when newer ones are added above it.
"""

from itertools import groupby


def split_by_status(publications):
    """Two lists from one: (published, preprints), order kept."""
    published, preprints = [], []
    for publication in publications:
        (preprints if publication.is_preprint else published).append(publication)
    return published, preprints


def number_down(publications, *, first):
    """Give each item a ``number`` counting down from first; returns the items."""
    for offset, publication in enumerate(publications):
        publication.number = first - offset
    return publications


def number_lists(publications):
    """Split into published and preprints and number each list on its own."""
    published, preprints = split_by_status(publications)
    number_down(published, first=len(published))
    number_down(preprints, first=len(preprints))
    return published, preprints


def group_by_year(publications):
    """[(year, [publication, ...]), ...] for consecutive items of the same year."""
    return [
        (year, list(items))
        for year, items in groupby(publications, key=lambda p: p.year)
    ]


def year_pages(year_rows, *, target):
    """Cut year rows (dicts with year, published, preprints) into pages.

    A page holds whole years: it closes once it reaches ``target`` items, so a
    year is never split and a long list stays browsable a few years at a time.
    """
    pages, current, size = [], [], 0
    for row in year_rows:
        current.append(row)
        size += row["published"] + row["preprints"]
        if size >= target:
            pages.append(current)
            current, size = [], 0
    if current:
        pages.append(current)
    return pages


def recent_numbered(queryset, *, limit, preprint_limit=None):
    """The newest published papers and preprints of queryset, numbered.

    Returns (published, preprints, totals): at most ``limit`` of each (or
    ``preprint_limit`` preprints), newest first, numbered down from the totals
    so the numbers match the full list. A fixed number of queries however many
    rows match.
    """
    totals = queryset.status_totals()
    ordered = queryset.newest_first().with_authors()
    published = list(ordered.published()[:limit]) if totals["published"] else []
    preprint_limit = limit if preprint_limit is None else preprint_limit
    preprints = (
        list(ordered.preprints()[:preprint_limit]) if totals["preprints"] else []
    )
    number_down(published, first=totals["published"])
    number_down(preprints, first=totals["preprints"])
    return published, preprints, totals
