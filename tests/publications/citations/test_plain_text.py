"""Plain text where plain text belongs: titles and names with TeX, math or HTML
read as text in <title>, citation_* and OpenGraph tags, JSON-LD, feeds, the
Cite text and search snippets (issue 12; cases 04, 13 and 25)."""

import json
import re
import xml.etree.ElementTree as ET
from html import unescape

import pytest
from django.urls import reverse

from publications.bibtex.importer import import_bibtex
from publications.models import Publication
from publications.references import format_reference
from site_config.markup.plaintext import math_as_text, to_plain

TEX = re.compile(r"[\\{}$]")


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("${\\mathit{K}}_{24}$", "K₂₄"),
        ("$O(1/\\sqrt{T})$", "O(1/√T)"),
        ("On $\\ell_p$ norms", "On ℓₚ norms"),
        ("$x^{10}_{ij}$ and $\\frac{a+b}{2}$", "xᵢⱼ¹⁰ and (a+b)/2"),
        ("$\\alpha$-stable $\\mathcal{O}(n)$", "α-stable O(n)"),
        ("$\\sin x$", "sin x"),
        ("CO<sub>2</sub> and <i>Quercus</i>", "CO₂ and Quercus"),
        ("x<sup>n+1</sup>, a<sub>max</sub>, b<sub>cd</sub>", "xⁿ⁺¹, aₘₐₓ, b_(cd)"),
        ("50\\% of {DNA} in \\textit{vivo}", "50% of DNA in vivo"),
        ("Costs \\$5", "Costs $5"),
        ("Tom &amp; Jerry <friends>", "Tom & Jerry <friends>"),
        ("", ""),
    ],
)
def test_plain_text_reads_math_tex_and_tags(text, plain):
    assert to_plain(text) == plain


def test_unreadable_formula_still_has_no_tex_characters():
    assert not TEX.search(math_as_text("\\frac{1}{"))


class Head:
    """<title>, meta tags and JSON-LD of a page."""

    def __init__(self, html):
        head = html.split("</head>")[0]
        self.title = unescape(re.search(r"<title>(.*?)</title>", head, re.S)[1])
        self.meta = {
            name: unescape(content)
            for name, content in re.findall(
                r'<meta (?:name|property)="([^"]+)" content="([^"]*)"', head
            )
        }
        self.json_ld = [
            json.loads(block)
            for block in re.findall(r'ld\+json">(.*?)</script>', head, re.S)
        ]


def assert_plain(text, *expected):
    assert not TEX.search(text), text
    assert "<i>" not in text, text
    assert "<sub>" not in text, text
    for part in expected:
        assert part in text, (part, text)


@pytest.mark.corpus
def test_04_math_reads_as_text_in_every_plain_place(db, client, bib_cases):
    import_bibtex(sources=[bib_cases / "04-aps-math-ifmmode.bib"])
    paper = Publication.objects.with_authors().get()
    words = "saddle-splay constant K₂₄ in nematic films"
    html = client.get(paper.get_absolute_url()).text
    head = Head(html)
    assert_plain(head.title, words)
    assert_plain(head.meta["citation_title"], words)
    assert_plain(head.meta["og:title"], words)
    assert_plain(head.meta["description"], words)
    [article] = head.json_ld
    assert_plain(article["name"], words)
    assert_plain(article["headline"])
    cite = html[html.index("cite-block__text") :].split("</p>")[0]
    assert_plain(unescape(re.sub(r"<[^>]+>", "", cite)), words, "Župan")
    # The page itself keeps the typeset formula.
    assert "<h1>Optical measurement of the saddle-splay constant <math" in html
    for feed in ("feeds:publications_atom", "feeds:publications_rss"):
        root = ET.fromstring(client.get(reverse(feed)).content)
        titles = [e.text for e in root.iter() if e.tag.endswith("title")]
        assert any(words in (t or "") for t in titles)
        assert not any(TEX.search(t or "") for t in titles)
    for style in ("apa", "ieee", "chicago", "vancouver", "harvard"):
        assert_plain(format_reference(paper, style).text, "K₂₄", "Župan")


@pytest.mark.corpus
def test_13_cjk_names_and_titles_in_the_cite_text(db, client, bib_cases):
    import_bibtex(sources=[bib_cases / "13-cjk-only-titles.bib"])
    tanaka = Publication.objects.with_authors().get(bibtex_key="tanaka2020")
    text = format_reference(tanaka, "apa").text
    assert text.startswith("田中太郎. (2020). 日本語の形態素解析.")
    assert "田中太郎" in format_reference(tanaka, "ieee").text
    head = Head(client.get(tanaka.get_absolute_url()).text)
    assert head.meta["citation_title"] == "日本語の形態素解析"
    ivanov = Publication.objects.with_authors().get(bibtex_key="ivanov2019")
    # Title case is for English: a Russian title keeps its own case.
    assert "“Обзор методов оптимизации.”" in format_reference(ivanov, "chicago").text


@pytest.mark.corpus
def test_25_html_in_titles_is_plain_text_in_the_head_and_cite(db, client, bib_cases):
    import_bibtex(sources=[bib_cases / "25-html-in-titles.bib"])
    paper = Publication.objects.with_authors().get()
    words = "Growth of Quercus imaginaria seedlings under CO₂ enrichment"
    head = Head(client.get(paper.get_absolute_url()).text)
    assert_plain(head.title, words)
    assert_plain(head.meta["citation_title"], words)
    assert_plain(head.meta["og:title"], words)
    assert_plain(head.json_ld[0]["name"], words)
    assert_plain(format_reference(paper, "apa").text, words)


def test_search_snippets_and_feeds_read_math_as_text(client, make_publication):
    make_publication(
        "Rates $O(1/\\sqrt{T})$ for SGD",
        abstract="We prove $O(1/\\sqrt{T})$ rates for stochastic methods.",
        authors=["Ada Lovelace"],
    )
    html = client.get(reverse("search"), {"q": "stochastic"}).text
    snippet = re.search(r'class="search-hit__snippet"[^>]*>(.*?)</', html, re.S)
    assert snippet is not None
    assert_plain(unescape(re.sub(r"<[^>]+>", "", snippet[1])), "O(1/√T)")
    rss = client.get(reverse("feeds:publications_rss")).text
    assert "Rates O(1/√T) for SGD" in rss
