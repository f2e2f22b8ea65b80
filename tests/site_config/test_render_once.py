"""Render once (issue 10 rule 5, issue 12): pages never run Markdown to find
which publications a text cites (the keys are stored when the text is saved),
and theme descriptions are shown from the HTML stored when they were saved."""

import re

import pytest
from django.urls import reverse

from research.models import ResearchTheme
from site_config.markup import render


@pytest.fixture
def conversions(monkeypatch):
    """Counts Markdown conversions (the one renderer's `_convert`), from an
    empty store of kept conversions (`render.conversions`), so a text that
    must be rendered again converts once."""
    render.conversions.clear()
    calls = []
    convert = render._convert

    def counting(text, scope):
        calls.append(text)
        return convert(text, scope)

    monkeypatch.setattr(render, "_convert", counting)
    return calls


def _themes(make_theme, make_publication, count, *, parent=None):
    papers = [
        make_publication(f"Paper {n}", bibtex_key=f"paper{n}", year=2000 + n)
        for n in range(3)
    ]
    return [
        make_theme(
            title=f"Theme {n}",
            parent=parent,
            description=f"Cites [@{papers[n % 3].bibtex_key}].",
        )
        for n in range(count)
    ]


def test_theme_filtered_list_converts_no_markdown_whatever_the_themes(
    client, make_theme, make_publication, conversions
):
    root = make_theme(title="Root", description="Root cites [@paper0].")
    _themes(make_theme, make_publication, 3, parent=root)
    url = reverse("publications:list") + f"?theme={root.slug}"
    conversions.clear()
    assert client.get(url).status_code == 200
    few = len(conversions)
    for n in range(3, 15):
        make_theme(title=f"More {n}", parent=root, description="See [@paper1].")
    conversions.clear()
    html = client.get(url).text
    # Before issue 12 each theme's description was converted to find its keys
    # (38 conversions on the demo's page, 32 of them for keys); now none is.
    assert len(conversions) == few == 0
    assert "Paper 1" in html


def test_home_conversions_do_not_grow_with_the_number_of_themes(
    client, make_theme, make_publication, conversions
):
    _themes(make_theme, make_publication, 3)
    conversions.clear()
    client.get(reverse("home"))
    few = len(conversions)
    for n in range(3, 20):
        make_theme(title=f"More {n}", description=f"Also [@paper{n % 3}].")
    conversions.clear()
    html = client.get(reverse("home")).text
    # Each description was rendered when saved; the page only numbers its
    # citations: [1], [2], [3] are the papers' stored numbers.
    assert len(conversions) == few == 0
    assert html.count('<div class="theme-tree__description prose">') == 20
    numbers = re.findall(r'<span class="cite">\[<a [^>]*>(\d+)</a>\]</span>', html)
    assert len(numbers) == 20
    assert sorted(set(numbers)) == ["1", "2", "3"]


def test_stale_stored_html_is_rendered_again_and_cites_the_same(
    client, make_theme, make_publication, conversions
):
    (theme,) = _themes(make_theme, make_publication, 1)
    fresh = client.get(theme.get_absolute_url()).text
    # As after an upgrade that changes the renderer: the stamp no longer matches.
    ResearchTheme.objects.filter(pk=theme.pk).update(
        description_html="<!--labsite:old--><p>old</p>"
    )
    conversions.clear()
    render.conversions.clear()
    again = client.get(theme.get_absolute_url()).text
    assert conversions.count("Cites [@paper0].") == 1
    assert "<p>old</p>" not in again
    assert again.count('<span class="cite">') == fresh.count('<span class="cite">') == 1
