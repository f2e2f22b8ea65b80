"""Render once (issue 10 rule 5, issue 12): pages never run Markdown to find
which publications a text cites; the keys were stored when the text was saved."""

import pytest
from django.urls import reverse

from site_config.markup import render


@pytest.fixture
def conversions(monkeypatch):
    """Counts Markdown conversions (the one renderer's `_convert`)."""
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


def test_home_converts_each_shown_text_once_and_none_to_find_keys(
    client, make_theme, make_publication, conversions
):
    _themes(make_theme, make_publication, 4)
    conversions.clear()
    client.get(reverse("home"))
    shown = [text for text in conversions if text.startswith("Cites")]
    # One conversion per description the outline shows, nothing else per theme.
    assert len(shown) == 4
    assert len(set(shown)) == 3
    assert len(conversions) == 4
