"""Publication filters that combine, and how many items each filter value leaves.

The filter values are the GET parameters of the publications page: `q` (words
a title, venue, keyword or author name holds, accents and case ignored), `year`,
`type` (a Publication.Kind), `theme` (a slug; its sub-themes count too, and so
do publications its description cites), `person` (a slug), `status` and
`selected`. `facet_counts` answers "how many would I see if I picked this
value, keeping my other choices", from one grouped query for year, type,
status and selected plus one each for person and theme.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import BooleanField, Count, ExpressionWrapper, Q

from people.models import Person
from publications.models import Authorship, Publication
from site_config.core.text import words_of

FILTER_NAMES = ("q", "year", "type", "theme", "person", "status", "selected")


@dataclass
class Facets:
    """Counts per value of each filter: `facets.year[2024]`, `facets.theme[slug]`."""

    year: dict = field(default_factory=dict)
    type: dict = field(default_factory=dict)
    theme: dict = field(default_factory=dict)
    person: dict = field(default_factory=dict)
    status: dict = field(default_factory=dict)
    selected: int = 0
    rows: list = field(default_factory=list, repr=False)

    def of(self, name, value):
        """The count for one value (0 when nothing matches); templates use it."""
        counts = getattr(self, name)
        if name == "selected":
            return counts
        return counts.get(value, 0)

    def year_counts(self, values):
        """Like `PublicationQuerySet.year_counts()` for the publications values
        match: [{"year", "published", "preprints"}, ...], undated last."""
        by_year = {}
        matches = _matcher(values or {})
        for row in self.rows:
            if not matches(row):
                continue
            counts = by_year.setdefault(
                row["year"], {"year": row["year"], "published": 0, "preprints": 0}
            )
            counts["preprints" if row["preprint"] else "published"] += row["n"]
        return sorted(
            by_year.values(),
            key=lambda counts: (counts["year"] is None, -(counts["year"] or 0)),
        )

    def chart_counts(self):
        """[(year, count), ...] of every dated publication, oldest first, gaps
        filled: what `PublicationQuerySet.counts_per_year()` returns for all of them."""
        counts = Counter()
        for row in self.rows:
            if row["year"] is not None:
                counts[row["year"]] += row["n"]
        if not counts:
            return []
        return [(year, counts[year]) for year in range(min(counts), max(counts) + 1)]


def apply_filters(queryset, values, *, theme_tree, skip=None):
    """queryset narrowed by every filter in values (cleaned form data) but skip.

    values maps filter names to cleaned values; empty values do not filter.
    """
    values = values or {}
    if values.get("q") and skip != "q":
        queryset = queryset.matching_words(words_of(values["q"]))
    if values.get("year") and skip != "year":
        queryset = queryset.filter(year=values["year"])
    if values.get("type") and skip != "type":
        queryset = queryset.filter(kind=values["type"])
    if values.get("status") and skip != "status":
        queryset = queryset.filter(status=values["status"])
    if values.get("selected") and skip != "selected":
        queryset = queryset.selected()
    if values.get("theme") and skip != "theme":
        themes = theme_tree.subtrees().get(values["theme"], [])
        queryset = queryset.linked_to_themes(themes)
    if values.get("person") and skip != "person":
        authored = Authorship.objects.filter(person__slug=values["person"])
        queryset = queryset.filter(pk__in=authored.values("publication"))
    return queryset


def facet_counts(values, *, theme_tree, queryset=None, people=None, rows=None):
    """Facets for the current filter values, from three or four queries.

    A value's count keeps every other active filter, so picking it shows
    exactly that many publications. Year, type, status and selected come from
    one grouped query (see `grouped_rows`); person and theme need their own, as
    a publication has several of each. people limits the person facet to the
    people the filter offers (counting every co-author of a long list is slow
    and nobody sees those counts); None counts everyone. rows are
    `grouped_rows` of the same queryset when the caller already has them.
    """
    base = Publication.objects.all() if queryset is None else queryset
    if rows is None:
        rows = grouped_rows(base, values, theme_tree=theme_tree)

    def others(name):
        return apply_filters(base, values, theme_tree=theme_tree, skip=name).order_by()

    facets = Facets(rows=rows)
    for name, column in (("year", "year"), ("type", "kind"), ("status", "status")):
        counts = Counter()
        matches = _matcher(values, skip=name)
        for row in rows:
            if matches(row):
                counts[row[column]] += row["n"]
        setattr(facets, name, dict(counts))
    matches = _matcher(values, skip="selected")
    facets.selected = sum(
        row["n"] for row in rows if row["is_selected"] and matches(row)
    )
    facets.person = _person_counts(others("person"), people)
    facets.theme = _theme_counts(others("theme"), theme_tree)
    return facets


def grouped_rows(queryset, values, *, theme_tree):
    """Publication counts grouped by year, kind, status and selected, in one query.

    Each row also says whether its publications pass the theme and the person
    filter (both True when that filter is off), so every facet but person and
    theme, the matching years and the list of all years are sums over these
    few hundred rows instead of a query each. Only the theme and person in
    values matter: the rows serve any filter values whose theme and person
    are the same or empty.
    """
    values = values or {}
    flags = {}
    if values.get("theme"):
        themes = theme_tree.subtrees().get(values["theme"], [])
        linked = Publication.objects.linked_to_themes(themes).values("pk")
        flags["in_theme"] = ExpressionWrapper(
            Q(pk__in=linked), output_field=BooleanField()
        )
    if values.get("person"):
        authored = Authorship.objects.filter(person__slug=values["person"])
        flags["by_person"] = ExpressionWrapper(
            Q(pk__in=authored.values("publication")), output_field=BooleanField()
        )
    rows = (
        queryset.order_by()
        .annotate(**flags)
        .values("year", "kind", "status", "is_selected", *flags)
        .annotate(n=Count("pk"))
    )
    return [
        {"in_theme": True, "by_person": True, **row, "preprint": _is_preprint(row)}
        for row in rows
    ]


def years_of(rows):
    """Every year of `grouped_rows`, newest first, whatever the filters."""
    return sorted(
        {row["year"] for row in rows if row["year"] is not None}, reverse=True
    )


def _is_preprint(row):
    return row["status"] in Publication.PREPRINT_STATUSES


def _matcher(values, *, skip=None):
    """A function telling whether a grouped row passes every active filter in
    values but skip; built once per facet, run on every row."""
    wanted = {name: values.get(name) for name in FILTER_NAMES if name != skip}
    tests = []
    for name, column in (("year", "year"), ("type", "kind"), ("status", "status")):
        if wanted.get(name):
            tests.append(lambda row, c=column, v=wanted[name]: row[c] == v)
    for name, column in (
        ("selected", "is_selected"),
        ("theme", "in_theme"),
        ("person", "by_person"),
    ):
        if wanted.get(name):
            tests.append(lambda row, c=column: row[c])
    return lambda row: all(test(row) for test in tests)


def _person_counts(queryset, people):
    """{slug: publications in queryset} for people (everyone when None).

    Grouping from the person side lets the database walk only the listed
    people's authorships; grouping all authorships first is several times slower
    on a long list.
    """
    chosen = Person.objects.all()
    if people is not None:
        chosen = chosen.filter(pk__in=[person.pk for person in people])
    counted = chosen.order_by().annotate(
        n=Count(
            "authorships__publication",
            distinct=True,
            filter=Q(authorships__publication__in=queryset.values("pk")),
        )
    )
    return {slug: n for slug, n in counted.values_list("slug", "n") if n}


def _theme_counts(queryset, theme_tree):
    """Distinct publications under each theme's subtree, cited ones included."""
    subtrees = theme_tree.subtrees()
    links = Publication.themes.through.objects.filter(
        publication__in=queryset.values("pk")
    ).values_list("researchtheme_id", "publication_id")
    by_theme = {}
    for theme_id, publication_id in links:
        by_theme.setdefault(theme_id, set()).add(publication_id)
    cited = {
        theme.pk: set(theme.cited_keys)
        for themes in subtrees.values()
        for theme in themes[:1]
    }
    if any(cited.values()):
        keys = set().union(*cited.values())
        key_rows = queryset.filter(bibtex_key__in=keys).values_list("bibtex_key", "pk")
        pk_by_key = dict(key_rows)
        for theme_id, theme_keys in cited.items():
            by_theme.setdefault(theme_id, set()).update(
                pk_by_key[key] for key in theme_keys if key in pk_by_key
            )
    counts = Counter()
    for slug, themes in subtrees.items():
        members = set()
        for theme in themes:
            members |= by_theme.get(theme.pk, set())
        if members:
            counts[slug] = len(members)
    return dict(counts)
