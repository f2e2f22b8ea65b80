"""What the publications list page shows, read in one place.

`publication_list_page(query)` takes the GET parameters and returns one
`PublicationListPage`: the bound filter form labelled with its counts, the
page's rows split into papers and preprints, grouped by year (each with its
stored number), the totals, the chart's counts and the pager. The view hands it
to the template, which runs no query of its own. The filter rules are in
publications.filters; the form is publications.forms.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext as _

from people.models import Person
from publications.filters import (
    FILTER_NAMES,
    Facets,
    apply_filters,
    facet_counts,
    grouped_rows,
    years_of,
)
from publications.forms import PublicationFilterForm, with_current_slugs
from publications.listing import group_by_year, year_pages
from publications.models import Publication
from research.models import ResearchTheme
from site_config.models import OldSlug

# Longest download filename stem ("publications-2024-ada-lovelace").
FILENAME_LENGTH = 80
# The theme fields a download's filter form and theme filter read
# (publications.forms, PublicationQuerySet.linked_to_themes).
DOWNLOAD_THEME_FIELDS = ("parent", "slug", "title", "cited_keys")
# Items per page of the list; a page always holds whole years, so it may run over.
PAGE_TARGET = 80


@dataclass
class PublicationListPage:
    """One page of the publications list, ready for the template.

    published_groups and preprint_groups are [(year, [publication, ...]), ...]
    with ``listed_authors`` set (each shows its stored ``number_label``);
    totals count every page; chart_counts are [(year, count), ...] oldest
    first; pages are
    [{"number": n, "label": "2024–2021"}, ...] for the pager; download_query
    is the valid filters as a query string, for the list's download links.
    """

    form: PublicationFilterForm
    is_filtered: bool
    published_groups: list = field(default_factory=list)
    preprint_groups: list = field(default_factory=list)
    total_published: int = 0
    total_preprints: int = 0
    chart_counts: list = field(default_factory=list)
    page_number: int = 1
    pages: list = field(default_factory=list)
    download_query: str = ""


def publication_list_page(query):
    """The list page for query (request.GET: the filters and ``page``).

    A fixed number of queries whatever the number of rows: themes, people, the
    grouped counts, the person and theme facets, the page's rows and their
    authors, and one for each theme or person named (an old slug still
    filters: forms.with_current_slugs).
    """
    query = with_current_slugs(query)
    tree, people, rows, form = _filter_form(query)
    values = form.filter_values()
    facets = facet_counts(values, theme_tree=tree, people=people, rows=rows)
    form.add_counts(facets)

    year_rows = facets.year_counts(values)
    pages = year_pages(year_rows, target=PAGE_TARGET) or [[]]
    number = _page_number(query.get("page"), len(pages))
    page_rows = pages[number - 1]
    total_published = sum(row["published"] for row in year_rows)
    total_preprints = sum(row["preprints"] for row in year_rows)

    matching = apply_filters(Publication.objects.all(), values, theme_tree=tree)
    items = (
        matching.filter(_in_years(page_rows)).newest_first().listed()
        if page_rows
        else []
    )
    published = [p for p in items if not p.is_preprint]
    preprints = [p for p in items if p.is_preprint]
    return PublicationListPage(
        form=form,
        is_filtered=any(values.values()),
        published_groups=group_by_year(published),
        preprint_groups=group_by_year(preprints),
        total_published=total_published,
        total_preprints=total_preprints,
        chart_counts=facets.chart_counts(),
        page_number=number,
        download_query=urlencode(
            [(name, value) for name, value in values.items() if value]
        ),
        pages=[
            {"number": i, "label": _years_label(page)}
            for i, page in enumerate(pages, start=1)
            if page
        ],
    )


def _filter_form(query):
    """(theme tree, people offered, grouped rows, bound and cleaned filter form)
    for query, as the list page offers them: members and the person asked for,
    the years, types and statuses some publication has."""
    tree = ResearchTheme.objects.active().tree()
    requested_person = query.get("person", "")
    people = list(Person.objects.filter(Q(is_member=True) | Q(slug=requested_person)))
    # Theme and person are the only filters the grouped query needs; the raw
    # values serve, since an invalid one is dropped from the filter and its
    # column is then never read. The form's years come from the rows.
    # The text filter narrows every count, so the grouped rows start from it.
    rows = grouped_rows(
        apply_filters(
            Publication.objects.all(), {"q": query.get("q")}, theme_tree=tree
        ),
        {"theme": query.get("theme"), "person": requested_person},
        theme_tree=tree,
    )
    form = PublicationFilterForm(
        query,
        years=years_of(rows),
        kinds={row["kind"] for row in rows},
        statuses={row["status"] for row in rows},
        theme_tree=tree,
        people=people,
    )
    form.is_valid()
    return tree, people, rows, form


# The value a browser submits for a checked filter box without a value attribute.
CHECKED = "on"


def publication_filter_index():
    """Which items each choice of the list's filter form keeps, for filtering
    in the browser where no server runs (the static mirror's
    ``publications/filters.json``, read by static/js/mirror.js).

    Returns {"pages": [[pk, ...], ...], "values": {name: {value: [pk, ...]}},
    "renamed": {name: {old slug: slug now}}}: the pks on each page of the
    unfiltered list (whole years a page, as ``publication_list_page`` cuts
    them), for every choice the form offers (year, type, status, theme,
    person; "selected" under ``CHECKED``) the pks it keeps, by
    ``filters.apply_filters`` (one query per choice), and the old slugs of the
    themes and people among the choices, which the live form still takes
    (``forms.with_current_slugs``). Each list of pks is in ascending order.
    """
    tree, _people, rows, form = _filter_form({})
    year_rows = Facets(rows=rows).year_counts({})
    pages = year_pages(year_rows, target=PAGE_TARGET)
    page_of_year = {row["year"]: n for n, page in enumerate(pages) for row in page}
    listed = [[] for _page in pages]
    # By pk, not as the list orders them: the browser fetches the pages that
    # hold a choice's items and shows them in the page's order, so no title
    # (the list's order within a month) is read here, and an edited title
    # leaves the index as it was for the static export (site_config/export).
    for pk, year in Publication.objects.order_by("pk").values_list("pk", "year"):
        listed[page_of_year[year]].append(pk)
    values = {}
    for name in FILTER_NAMES:
        if name == "q":
            continue
        field = form.fields[name]
        choices = (
            [(CHECKED, True)]
            if name == "selected"
            else [(str(value), field.clean(value)) for value, _label in field.choices]
        )
        for key, value in choices:
            if key == "":
                continue
            matching = apply_filters(
                Publication.objects.order_by("pk"), {name: value}, theme_tree=tree
            )
            values.setdefault(name, {})[key] = list(
                matching.values_list("pk", flat=True)
            )
    renamed = {}
    for name, model in (("theme", ResearchTheme), ("person", Person)):
        offered = values.get(name, {})
        renamed[name] = {
            old: now
            for old, now in OldSlug.objects.renamed(model).items()
            if now in offered and old not in offered
        }
    return {"pages": listed, "values": values, "renamed": renamed}


def publication_word_index():
    """What the list's words filter (``q``) searches, for filtering in the
    browser where no server runs (the static mirror's
    ``publications/words.json``, read by static/js/mirror.js).

    Returns {"words": {pk: text}}: each listed publication's folded text
    (``PublicationQuerySet.word_texts``); a word typed, folded the same way,
    keeps the publications whose text contains it. Kept apart from
    ``publication_filter_index`` so the other filters need not fetch it.
    """
    return {"words": Publication.objects.newest_first().word_texts()}


def _in_years(page_rows):
    years = [row["year"] for row in page_rows]
    condition = Q(year__in=[year for year in years if year is not None])
    if None in years:
        condition |= Q(year__isnull=True)
    return condition


def _page_number(value, last):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), last)


def _years_label(rows):
    years = [row["year"] for row in rows]
    named = [str(y) for y in years if y is not None]
    if None in years:
        named.append(str(_("undated")))
    if len(named) == 1:
        return named[0]
    return f"{named[0]}–{named[-1]}"


@dataclass
class PublicationDownload:
    """A list download: its entries, the list as filtered, newest first, at
    most the limit asked for. total counts every match; filename is the
    download's name without extension ("publications-2024-ada")."""

    entries: list
    total: int
    filename: str

    @property
    def truncated(self):
        return len(self.entries) < self.total


def publication_download(query, *, limit, read):
    """The download of the list that query (request.GET, the list page's
    filters) shows: the same filter form and rules as the list page, a
    value that names nothing left out as it is there. read(publications,
    limit) gives the entries of at most limit of the matching publications (a
    queryset, newest first; publications.downloads.download_entries).
    Besides read's queries: none when the query names nothing; one when a
    year is named (the years, for the form's choices), one when a theme is
    (the themes, for the form's choices and the sub-themes it covers), one
    when a person is, one when a theme or person is (their old slugs still
    filter), and a count when the list is cut at limit."""
    query = with_current_slugs(query)
    # What the form's choices and the theme filter read of a theme: not its
    # description, which is most of a theme row (every download reads them all).
    themes = ResearchTheme.objects.active().only(*DOWNLOAD_THEME_FIELDS)
    if not query.get("theme"):
        # No theme asked for: the file does not depend on the themes, and the
        # static export would otherwise render every person's download again
        # after any theme edit (and read them 2,000 times at 500 people).
        themes = themes.none()
    tree = themes.tree()
    person = query.get("person", "")
    people = list(Person.objects.filter(slug=person)) if person else []
    # The years are the year filter's choices: without a year asked for, the
    # file does not depend on them (nor is every download made again when a
    # paper's year is new).
    years = []
    if query.get("year"):
        dated = Publication.objects.filter(year__isnull=False).order_by("-year")
        years = list(dated.values_list("year", flat=True).distinct())
    form = PublicationFilterForm(
        query,
        years=years,
        theme_tree=tree,
        people=people,
    )
    form.is_valid()
    values = form.filter_values()
    matching = apply_filters(Publication.objects.all(), values, theme_tree=tree)
    entries = read(matching.newest_first(), limit)
    total = len(entries)
    if total == limit:
        total = matching.count()
    named = [
        slugify(str(values[name]) if name != "selected" else name)
        for name in FILTER_NAMES
        if values.get(name)
    ]
    return PublicationDownload(
        entries=entries,
        total=total,
        # Words searched for can be long; a filename need not hold them all.
        filename="-".join(["publications", *named])[:FILENAME_LENGTH].strip("-"),
    )
