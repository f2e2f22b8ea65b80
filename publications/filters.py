"""Publication filters that combine, and how many items each filter value leaves.

The filter values are the GET parameters of the publications page: `year`,
`type` (a Publication.Kind), `theme` (a slug; its sub-themes count too, and so
do publications its description cites), `person` (a slug), `status` and
`selected`. `facet_counts` answers "how many would I see if I picked this
value, keeping my other choices", one grouped query per filter.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Q

from people.models import Person
from publications.models import Authorship, Publication
from research.models import ResearchTheme, build_tree

FILTER_NAMES = ("year", "type", "theme", "person", "status", "selected")


@dataclass
class Facets:
    """Counts per value of each filter: `facets.year[2024]`, `facets.theme[slug]`."""

    year: dict = field(default_factory=dict)
    type: dict = field(default_factory=dict)
    theme: dict = field(default_factory=dict)
    person: dict = field(default_factory=dict)
    status: dict = field(default_factory=dict)
    selected: int = 0

    def of(self, name, value):
        """The count for one value (0 when nothing matches); templates use it."""
        counts = getattr(self, name)
        if name == "selected":
            return counts
        return counts.get(value, 0)


def theme_subtrees(theme_tree):
    """{slug: [theme, ...]}: each theme with every theme below it."""
    subtrees = {}

    def walk(nodes):
        collected = []
        for theme, children in nodes:
            below = walk(children)
            subtrees[theme.slug] = [theme, *below]
            collected.extend([theme, *below])
        return collected

    walk(theme_tree)
    return subtrees


def theme_with_descendants(theme):
    """theme and every active theme below it, from one query."""

    def walk(nodes):
        for node, children in nodes:
            yield node
            yield from walk(children)

    def find(nodes):
        for node, children in nodes:
            if node.pk == theme.pk:
                return [node, *walk(children)]
            found = find(children)
            if found:
                return found
        return None

    return find(build_tree(list(ResearchTheme.objects.active()))) or [theme]


def apply_filters(queryset, values, *, theme_tree, skip=None):
    """queryset narrowed by every filter in values (cleaned form data) but skip.

    values maps filter names to cleaned values; empty values do not filter.
    """
    values = values or {}
    if values.get("year") and skip != "year":
        queryset = queryset.filter(year=values["year"])
    if values.get("type") and skip != "type":
        queryset = queryset.filter(kind=values["type"])
    if values.get("status") and skip != "status":
        queryset = queryset.filter(status=values["status"])
    if values.get("selected") and skip != "selected":
        queryset = queryset.selected()
    if values.get("theme") and skip != "theme":
        themes = theme_subtrees(theme_tree).get(values["theme"], [])
        queryset = queryset.linked_to_themes(themes)
    if values.get("person") and skip != "person":
        authored = Authorship.objects.filter(person__slug=values["person"])
        queryset = queryset.filter(pk__in=authored.values("publication"))
    return queryset


def facet_counts(values, *, theme_tree, queryset=None, people=None):
    """Facets for the current filter values: one grouped query per filter.

    A value's count keeps every other active filter, so picking it shows
    exactly that many publications. people limits the person facet to the
    people the filter offers (counting every co-author of a long list is slow
    and nobody sees those counts); None counts everyone.
    """
    base = Publication.objects.all() if queryset is None else queryset

    def others(name):
        return apply_filters(base, values, theme_tree=theme_tree, skip=name).order_by()

    facets = Facets()
    facets.year = {
        row["year"]: row["n"]
        for row in others("year").values("year").annotate(n=Count("pk"))
    }
    facets.type = {
        row["kind"]: row["n"]
        for row in others("type").values("kind").annotate(n=Count("pk"))
    }
    facets.status = {
        row["status"]: row["n"]
        for row in others("status").values("status").annotate(n=Count("pk"))
    }
    facets.selected = others("selected").filter(is_selected=True).count()
    facets.person = _person_counts(others("person"), people)
    facets.theme = _theme_counts(others("theme"), theme_tree)
    return facets


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
    from site_config.citations import cited_keys

    subtrees = theme_subtrees(theme_tree)
    links = Publication.themes.through.objects.filter(
        publication__in=queryset.values("pk")
    ).values_list("researchtheme_id", "publication_id")
    by_theme = {}
    for theme_id, publication_id in links:
        by_theme.setdefault(theme_id, set()).add(publication_id)
    cited = {
        theme.pk: set(cited_keys(theme.description))
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
