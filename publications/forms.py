"""The publications list's filter bar: one optional field per filter, all GET.

A value that names nothing (a year without papers, a removed theme) is a field
error the page shows while it lists everything for that filter, never a 404.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from publications.filters import FILTER_NAMES
from publications.models import Publication


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
        """data is request.GET; years [int, ...] newest first; theme_tree a
        research.tree.ThemeTree; people the Persons the person filter offers."""
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


def _indented(tree):
    for theme, depth, _children in tree.walk():
        yield theme.slug, "\u2003" * depth + theme.title
