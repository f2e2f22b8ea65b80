"""The publications list's filter bar: one optional field per filter, all GET.

A value that names nothing (a year without papers, a removed theme) is a field
error the page shows while it lists everything for that filter, never a 404. A
theme's or person's old slug (site_config.models.OldSlug) still picks them, so
links and bookmarks made before a slug changed keep their filter.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from people.models import Person
from publications.filters import FILTER_NAMES
from publications.models import Publication
from research.models import ResearchTheme
from site_config.core.text import MAX_QUERY_LENGTH
from site_config.models import OldSlug


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


class CountedSelect(forms.Select):
    """A Select whose options in ``empty`` are offered but disabled: with the
    other filters on, picking them would list nothing."""

    empty = frozenset()

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        if str(value) in self.empty and not option["selected"]:
            option["attrs"]["disabled"] = True
        return option


class PublicationFilterForm(forms.Form):
    """The GET filter bar; every value is optional and the values combine."""

    q = forms.CharField(
        label=_("Words"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
        help_text=_("In the title, venue, keywords or author names."),
    )
    year = forms.TypedChoiceField(
        label=_("Year"),
        required=False,
        widget=CountedSelect,
        coerce=int,
        empty_value=None,
        error_messages=_invalid(
            _("No publications from the year “%(value)s”; showing every year.")
        ),
    )
    type = forms.ChoiceField(
        label=_("Type"),
        required=False,
        widget=CountedSelect,
        error_messages=_invalid(
            _("“%(value)s” is not a publication type; showing every type.")
        ),
    )
    theme = forms.ChoiceField(
        label=_("Theme"),
        required=False,
        widget=CountedSelect,
        error_messages=_invalid(
            _("There is no research theme “%(value)s”; showing every theme.")
        ),
    )
    person = forms.ChoiceField(
        label=_("Person"),
        required=False,
        widget=CountedSelect,
        error_messages=_invalid(
            _("There is no person “%(value)s”; showing everyone's publications.")
        ),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        widget=CountedSelect,
        error_messages=_invalid(
            _("“%(value)s” is not a publication status; showing every status.")
        ),
    )
    selected = forms.BooleanField(
        label=_("Selected only"), required=False, widget=FlagCheckbox
    )

    def __init__(self, data, *, years, theme_tree, people, kinds=None, statuses=None):
        """data is request.GET; years [int, ...] newest first; theme_tree a
        research.tree.ThemeTree; people the Persons the person filter offers;
        kinds and statuses the values some publication has (None: all).

        A type or status no publication has is not offered ("Thesis (0)" would
        lead nowhere), unless data asks for it: the choice stays, selected.
        """
        choices = {
            "year": [(y, y) for y in years],
            "type": _present(Publication.Kind.choices, kinds, data.get("type")),
            "status": _present(
                Publication.Status.choices, statuses, data.get("status")
            ),
            "theme": list(_indented(theme_tree)),
            "person": [(p.slug, p.display_name) for p in people],
        }
        super().__init__(data)
        for name, values in choices.items():
            self.fields[name].choices = [("", _("Any")), *values]

    def clean_q(self):
        # Read as the filter reads it (words_of): a long query is cut, not refused.
        return self.cleaned_data["q"][:MAX_QUERY_LENGTH]

    def filter_values(self):
        """The valid values only: a bad one is reported and left out."""
        cleaned = getattr(self, "cleaned_data", {})
        return {name: cleaned.get(name) for name in FILTER_NAMES}

    def add_counts(self, facets):
        """Label each choice with how many publications picking it would show;
        a choice that would show none stays, disabled (CountedSelect)."""
        for name in FILTER_NAMES:
            if name == "q":
                continue
            if name == "selected":
                # The bound field copied the label when the form was cleaned.
                self[name].label = _("Selected only (%(n)d)") % {"n": facets.selected}
                continue
            field = self.fields[name]
            counts = {value: facets.of(name, value) for value, _label in field.choices}
            field.choices = [
                (value, f"{label} ({counts[value]})" if value else label)
                for value, label in field.choices
            ]
            field.widget.empty = frozenset(
                str(value) for value, count in counts.items() if value and not count
            )


def with_current_slugs(data):
    """data (a QueryDict) with a theme's or person's old slug replaced by the
    slug they have now; data itself when neither names an old slug. One query
    when either is given."""
    wanted = [
        (name, model, data[name])
        for name, model in (("theme", ResearchTheme), ("person", Person))
        if data.get(name)
    ]
    current = OldSlug.objects.current_slugs(wanted) if wanted else {}
    if not current:
        return data
    data = data.copy()
    for name, slug in current.items():
        data[name] = slug
    return data


def _present(choices, present, asked):
    """The (value, label) choices some publication has, and the one asked for."""
    if present is None:
        return choices
    return [(value, label) for value, label in choices if value in {*present, asked}]


def _indented(tree):
    for theme, depth, _children in tree.walk():
        yield theme.slug, "\u2003" * depth + theme.title
