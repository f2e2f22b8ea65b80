"""Kept Markdown conversions (site_config.markup.render.ConversionCache): a text
converted once serves every page, and what depends on the page is still the
page's own."""

import re

import pytest
from django.urls import reverse, set_script_prefix

from site_config.markup import citations, render
from site_config.markup.citations import CitationScope, page_scope
from site_config.markup.render import (
    ConversionCache,
    cited_keys,
    render_for_storage,
    render_markdown,
    stored_html,
)

TEXTS = [
    "Plain *emphasis*, `code` and a [link](https://example.org/).",
    'Math $\\mathcal{O}(n^2)$, display $$\\sum_i x_i$$ and "quotes" -- dashes.',
    "Cites [@alpha2020] and [@beta2021; @alpha2020], then [@missing].",
    "A footnote[^1].\n\n[^1]: The note, citing [@beta2021].",
    "| a | b |\n|---|---|\n| $x$ | [@alpha2020] |",
    "Escaped \\[@alpha2020] and `[@beta2021]` in code stay text.",
]


@pytest.fixture
def papers(make_publication):
    return {
        key: make_publication(f"Paper {key}", bibtex_key=key)
        for key in ("alpha2020", "beta2021")
    }


def converted_afresh(text):
    """What render_markdown gave before conversions were kept: one Markdown
    run in the text's own scope."""
    scope = CitationScope()
    return scope.finish(render._convert(text, scope))


@pytest.mark.parametrize("text", TEXTS)
def test_a_kept_conversion_gives_the_same_html_as_converting_afresh(papers, text):
    expected = converted_afresh(text)
    render.conversions.clear()
    assert render_markdown(text) == expected  # converted
    assert render_markdown(text) == expected  # kept


def test_inside_a_page_scope_a_kept_text_joins_the_pages_citations(papers):
    text = TEXTS[2]
    render_markdown(text)  # kept now
    with page_scope() as kept_scope:
        kept = render_markdown(text)
    with page_scope() as fresh_scope:
        fresh = render._convert(text, fresh_scope)
    assert [c.keys for c in kept_scope.citations] == [
        c.keys for c in fresh_scope.citations
    ]
    assert kept_scope.finish(kept) == fresh_scope.finish(fresh)


def test_the_same_text_converts_once(papers):
    render.conversions.clear()
    misses = render.conversions.misses
    for _ in range(3):
        render_markdown(TEXTS[1])
        cited_keys(TEXTS[1])
    assert render.conversions.misses == misses + 1


def test_stored_html_and_cited_keys_match_a_fresh_conversion(papers):
    text = TEXTS[3]
    html, keys = render_for_storage(text)
    assert keys == ["beta2021"]
    assert stored_html(html, text) == converted_afresh(text)
    assert cited_keys(TEXTS[2]) == ["alpha2020", "beta2021", "missing"]


def test_links_follow_the_url_prefix_of_each_render(papers):
    text = "See [@alpha2020]."
    plain = render_markdown(text)
    set_script_prefix("/lab/")
    try:
        prefixed = render_markdown(text)
    finally:
        set_script_prefix("/")
    url = reverse("publications:detail", kwargs={"slug": papers["alpha2020"].slug})
    assert f'href="{url}"' in plain
    assert f'href="/lab{url}"' in prefixed


def test_a_cited_paper_listed_on_the_page_is_linked_within_it(papers):
    text = "See [@alpha2020]."
    render_markdown(text)
    pk = papers["alpha2020"].pk
    with page_scope() as scope:
        scope.list_item(pk)
        html = scope.finish(render_markdown(text))
    assert f'href="#pub-{pk}"' in html
    assert "references" not in html


def test_a_cited_papers_new_number_shows_though_the_text_is_kept(papers):
    text = "See [@alpha2020]."
    paper = papers["alpha2020"]
    before = render_markdown(text)
    # As `number_publications --renumber` moves it.
    type(paper).objects.filter(pk=paper.pk).update(serial=41)
    after = render_markdown(text)
    assert re.search(r">41</a>", after)
    assert after != before


def test_the_unknown_key_label_is_in_the_language_of_each_render(papers, monkeypatch):
    text = "See [@nobody1999]."
    assert "unknown citation key" in render_markdown(text)
    monkeypatch.setattr(citations, "_", lambda message: f"«{message}» (fr)")
    assert "«unknown citation key» (fr)" in render_markdown(text)


def test_the_cache_is_bounded_by_the_characters_it_holds():
    cache = ConversionCache(max_chars=200)
    texts = [f"Paragraph number {n} with some words." for n in range(20)]
    for text in texts:
        cache.get(text)
        assert cache.chars <= 200
    assert 0 < len(cache.entries) < len(texts)
    assert cache.chars == sum(len(html) for html, _cited in cache.entries.values())
    # The least recently used go first: the first text is converted again.
    misses = cache.misses
    cache.get(texts[-1])
    assert cache.misses == misses
    cache.get(texts[0])
    assert cache.misses == misses + 1


def test_a_conversion_larger_than_the_whole_cache_is_not_kept():
    cache = ConversionCache(max_chars=50)
    html, cited = cache.get("word " * 40)
    assert "word" in html
    assert cited == ()
    assert not cache.entries
    assert cache.chars == 0


def test_the_key_changes_with_the_renderer(monkeypatch):
    key = ConversionCache.key("Some *text*.")
    monkeypatch.setattr(render, "RENDERER_STAMP", "<!--labsite:other-->")
    assert ConversionCache.key("Some *text*.") != key
    assert ConversionCache.key("Some *text*!") != key


def test_an_edited_abstract_shows_in_the_feeds(client, make_publication, make_person):
    ada = make_person("Ada Lovelace")
    paper = make_publication(
        "A paper", authors=[ada], abstract="First *abstract* $x^2$."
    )
    feeds = [
        reverse("feeds:publications_rss"),
        reverse("feeds:publications_atom"),
        reverse("feeds:person_rss", kwargs={"slug": ada.slug}),
    ]
    for url in feeds:
        assert "First &lt;em&gt;abstract" in client.get(url).text
    paper.abstract = "Second *abstract* $y^2$."
    paper.save()
    for url in feeds:
        body = client.get(url).text
        assert "Second &lt;em&gt;abstract" in body
        assert "First" not in body
