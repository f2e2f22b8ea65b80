from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, TemplateView

from people.models import Person
from publications.filters import (
    FILTER_NAMES,
    apply_filters,
    facet_counts,
    grouped_rows,
    years_of,
)
from publications.listing import (
    group_by_year,
    list_items,
    number_down,
    year_pages,
)
from publications.models import Publication
from research.models import ResearchTheme, build_tree

# Items per page of the list; a page always holds whole years, so it may run over.
PAGE_TARGET = 80


def _invalid(message):
    return {"invalid_choice": message}


class FlagCheckbox(forms.CheckboxInput):
    """A checkbox for GET links: "0", "false", "off", "no" and "" mean unchecked.

    Django's CheckboxInput treats any value but "false" as checked, so a
    hand-written `?selected=0` would otherwise turn the filter on.
    """

    OFF = frozenset({"", "0", "false", "off", "no"})

    def value_from_datadict(self, data, files, name):
        value = data.get(name)
        if value is None:
            return False
        return str(value).strip().lower() not in self.OFF


class PublicationFilterForm(forms.Form):
    """The GET filter bar; every value is optional and the values combine."""

    year = forms.TypedChoiceField(
        label=_("Year"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages=_invalid(
            _("No publications from the year “%(value)s”; showing every year.")
        ),
    )
    type = forms.ChoiceField(
        label=_("Type"),
        required=False,
        error_messages=_invalid(
            _("“%(value)s” is not a publication type; showing every type.")
        ),
    )
    theme = forms.ChoiceField(
        label=_("Theme"),
        required=False,
        error_messages=_invalid(
            _("There is no research theme “%(value)s”; showing every theme.")
        ),
    )
    person = forms.ChoiceField(
        label=_("Person"),
        required=False,
        error_messages=_invalid(
            _("There is no person “%(value)s”; showing everyone's publications.")
        ),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        error_messages=_invalid(
            _("“%(value)s” is not a publication status; showing every status.")
        ),
    )
    selected = forms.BooleanField(
        label=_("Selected only"), required=False, widget=FlagCheckbox
    )

    def __init__(self, data, *, years, theme_tree, people):
        super().__init__(data)
        choices = {
            "year": [(y, y) for y in years],
            "type": Publication.Kind.choices,
            "status": Publication.Status.choices,
            "theme": list(_indented(theme_tree)),
            "person": [(p.slug, p.full_name) for p in people],
        }
        for name, values in choices.items():
            self.fields[name].choices = [("", _("Any")), *values]

    def filter_values(self):
        """The valid values only: a bad one is reported and left out."""
        cleaned = getattr(self, "cleaned_data", {})
        return {name: cleaned.get(name) for name in FILTER_NAMES}

    def add_counts(self, facets):
        """Label each choice with how many publications picking it would show."""
        for name in FILTER_NAMES:
            if name == "selected":
                # The bound field copied the label when the form was cleaned.
                self[name].label = _("Selected only (%(n)d)") % {"n": facets.selected}
                continue
            self.fields[name].choices = [
                (value, f"{label} ({facets.of(name, value)})" if value else label)
                for value, label in self.fields[name].choices
            ]


def _indented(tree, depth=0):
    for theme, children in tree:
        yield theme.slug, "\u2003" * depth + theme.title
        yield from _indented(children, depth + 1)


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


class PublicationListView(TemplateView):
    """All publications, published and preprints apart, a few whole years a page."""

    template_name = "publications/publication_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET
        theme_tree = build_tree(list(ResearchTheme.objects.active()))
        requested_person = query.get("person", "")
        people = list(
            Person.objects.filter(Q(is_member=True) | Q(slug=requested_person))
        )
        # Theme and person are the only filters the grouped query needs; the
        # raw values serve, since an invalid one is dropped from the filter and
        # its column is then never read. The form's years come from the rows.
        rows = grouped_rows(
            Publication.objects.all(),
            {"theme": query.get("theme"), "person": requested_person},
            theme_tree=theme_tree,
        )
        form = PublicationFilterForm(
            query, years=years_of(rows), theme_tree=theme_tree, people=people
        )
        form.is_valid()
        values = form.filter_values()
        facets = facet_counts(values, theme_tree=theme_tree, people=people, rows=rows)
        form.add_counts(facets)
        matching = apply_filters(
            Publication.objects.all(), values, theme_tree=theme_tree
        )

        year_rows = facets.year_counts(values)
        pages = year_pages(year_rows, target=PAGE_TARGET) or [[]]
        number = _page_number(query.get("page"), len(pages))
        page_rows = pages[number - 1]
        page_years = [row["year"] for row in page_rows]

        earlier = [row for page in pages[: number - 1] for row in page]
        total_published = sum(row["published"] for row in year_rows)
        total_preprints = sum(row["preprints"] for row in year_rows)
        in_years = Q(year__in=[y for y in page_years if y is not None])
        if None in page_years:
            in_years |= Q(year__isnull=True)
        rows = list_items(matching.filter(in_years).newest_first()) if page_rows else []
        published = [p for p in rows if not p.is_preprint]
        preprints = [p for p in rows if p.is_preprint]
        number_down(
            published,
            first=total_published - sum(row["published"] for row in earlier),
        )
        number_down(
            preprints,
            first=total_preprints - sum(row["preprints"] for row in earlier),
        )
        context.update(
            form=form,
            is_filtered=any(values.values()),
            chart_counts=facets.chart_counts(),
            published_groups=group_by_year(published),
            preprint_groups=group_by_year(preprints),
            total_published=total_published,
            total_preprints=total_preprints,
            page_number=number,
            pages=[
                {"number": i, "label": _years_label(page)}
                for i, page in enumerate(pages, start=1)
                if page
            ],
        )
        return context


class PublicationDetailView(DetailView):
    template_name = "publications/publication_detail.html"
    context_object_name = "publication"

    def get_queryset(self):
        return Publication.objects.for_detail()
