import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from research.models import ResearchTheme


def test_theme_slug_is_generated_and_unique(make_theme):
    assert make_theme("Algorithm Design").slug == "algorithm-design"
    assert make_theme("Algorithm Design").slug == "algorithm-design-2"


def test_duplicate_theme_slug_is_refused_by_the_database(make_theme):
    make_theme("One", slug="same")
    with pytest.raises(IntegrityError), transaction.atomic():
        ResearchTheme.objects.create(title="Two", slug="same")


def test_themes_are_ordered_by_order_then_title(make_theme):
    make_theme("Zeta", order=1)
    make_theme("Beta", order=2)
    make_theme("Alpha", order=2)
    assert [t.title for t in ResearchTheme.objects.all()] == ["Zeta", "Alpha", "Beta"]


def test_theme_cannot_sit_below_its_own_descendant(make_theme):
    root = make_theme("Root")
    child = make_theme("Child", parent=root)
    root.parent = child
    with pytest.raises(ValidationError, match="cannot sit below itself"):
        root.full_clean()


def test_path_title_names_every_ancestor(make_theme):
    theory = make_theme("Deep Learning Theory")
    optimization = make_theme("Optimization", parent=theory)
    assert optimization.path_title == "Deep Learning Theory > Optimization"


def test_build_tree_nests_children_under_parents(make_theme):
    theory = make_theme("Theory", order=1)
    make_theme("Optimization", parent=theory, order=2)
    make_theme("Expressivity", parent=theory, order=1)
    make_theme("Vision", order=2)
    tree = ResearchTheme.objects.all().tree()
    assert [(t.title, [c.title for c, _ in kids]) for t, kids in tree] == [
        ("Theory", ["Expressivity", "Optimization"]),
        ("Vision", []),
    ]


def test_a_description_with_a_lone_surrogate_is_cleaned_before_it_is_rendered(db):
    theme = ResearchTheme.objects.create(title="T", description="a\ud800b $x$")
    assert theme.description.startswith("ab ")
    assert "\ud800" not in theme.description_html
