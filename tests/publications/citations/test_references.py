"""Formatted references from citeproc-py and the CSL styles (issue 12)."""

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from publications import references
from publications.bibtex.importer import import_bibtex
from publications.models import Publication
from publications.references import format_reference, format_references, style_for
from site_config.models import CitationStyle, SiteProfile
from site_config.pagecache.cache import page_cache

DOUBLED = re.compile(r"[.?!][”’]?\.(?!\.)|\.\.(?!\.)|[?!][”’]?,")


def imported(bib_cases, name):
    import_bibtex(sources=[bib_cases / name])
    return list(Publication.objects.with_authors().order_by("pk"))


@pytest.mark.corpus
def test_19_cite_text_has_the_punctuation_a_style_writes(db, bib_cases):
    dream, manual = imported(bib_cases, "19-cite-double-period.bib")
    apa = format_references([dream, manual], CitationStyle.APA)
    assert (
        apa[0].text
        == "Ortega, L., & Pham, T., Jr. (2014). Do Infants Dream? Brain Dev."
    )
    assert apa[1].text == "Invented Software Inc. (n.d.). Solver Manual."
    assert format_reference(dream, "vancouver").text == (
        "Ortega L, Pham T Jr. Do Infants Dream? Brain Dev. 2014."
    )
    for style in CitationStyle:
        for reference in format_references([dream, manual], style):
            assert not DOUBLED.search(reference.text), (style, reference.text)
            assert "Inc.." not in reference.text


@pytest.mark.parametrize(
    ("title", "venue", "style", "expected"),
    [
        # A question or exclamation ends the title; the style's "." and "," go.
        ("Why Not?", "J. Ex.", "apa", "Why Not? J. Ex."),
        ("Stop!", "J. Ex.", "ieee", "“Stop!” J. Ex."),
        ("Ends here.", "Journal", "chicago", "“Ends Here.” Journal."),
        # American English puts a following comma inside the quotes.
        ("Plain title", "Journal", "ieee", "“Plain title,” Journal"),
        # An ellipsis inside a title is the title's own.
        ("Wait... what", "Journal", "apa", "Wait... what. Journal."),
    ],
)
def test_punctuation_at_the_seams(make_publication, title, venue, style, expected):
    paper = make_publication(title, authors=["Ada Lovelace"], venue=venue)
    text = format_reference(paper, style).text
    assert expected in text
    assert not DOUBLED.search(text.replace("...", "…"))


def test_an_abbreviation_before_a_comma_keeps_its_period(make_publication):
    report = make_publication(
        "Solver Manual",
        kind="report",
        publisher="Invented Software Inc.",
        authors=["Ada Lovelace"],
    )
    assert "Invented Software Inc." in format_reference(report, "apa").text
    assert "Inc.." not in format_reference(report, "apa").text


def test_chicago_writes_given_names_in_full_and_apa_initials(make_publication):
    paper = make_publication("T", authors=["Lina Ortega", "Tuan Pham"], venue="J")
    assert format_reference(paper, "chicago").text.startswith(
        "Ortega, Lina, and Tuan Pham. 2024."
    )
    assert format_reference(paper, "apa").text.startswith("Ortega, L., & Pham, T.")


def test_numeric_styles_label_lists_but_not_a_single_reference(make_publication):
    first = make_publication("First", authors=["Ada Lovelace"], venue="J")
    second = make_publication("Second", authors=["Zed Zhang"], venue="J")
    assert format_reference(first, "ieee").text.startswith("A. Lovelace, “First,”")
    # A list carries each paper's stored number, not its place in the list.
    listed = format_references([second, first], "ieee", numbered=True)
    assert [r.text[:4] for r in listed] == ["[2] ", "[1] "]
    assert listed[0].text.startswith("[2] Z. Zhang, “Second,”")
    listed = format_references([second, first], "vancouver", numbered=True)
    assert [r.text[:4] for r in listed] == ["[2] ", "[1] "]
    assert listed[1].text.startswith("[1] Lovelace A. First.")


def test_and_others_is_et_al_with_the_styles_delimiter(make_publication):
    paper = make_publication(
        "T", authors=["Hilde Achterberg"], venue="J", authors_et_al=True
    )
    expected = {
        "apa": "Achterberg, H., et al. (2024)",
        "ieee": "H. Achterberg et al.,",
        "chicago": "Achterberg, Hilde, et al. 2024.",
        "vancouver": "Achterberg H, et al.",
        "harvard": "Achterberg, H. et al. (2024)",
    }
    for style, start in expected.items():
        assert format_reference(paper, style).text.startswith(start), style


def test_month_keeps_its_space_in_vancouver(make_publication):
    paper = make_publication("T", authors=["Ada Lovelace"], venue="J", month=2)
    assert "2024 Feb" in format_reference(paper, "vancouver").text


def test_reference_html_is_escaped_and_italic_where_the_style_says(make_publication):
    paper = make_publication(
        "Transformers & <friends>", authors=["Ada Lovelace"], venue="Journal"
    )
    reference = format_reference(paper, "apa")
    assert "Transformers &amp; &lt;friends&gt;" in reference.html
    assert "<i>Journal</i>" in reference.html
    assert "Transformers & <friends>" in reference.text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("ieee", "ieee"),
        ("IEEE ", "ieee"),
        ("", "harvard"),
        (None, "harvard"),
        ("mla", "harvard"),
        ("<script>", "harvard"),
    ],
)
def test_unknown_style_falls_back_to_the_default(value, expected):
    assert style_for(value, CitationStyle.HARVARD) == expected


def test_every_offered_style_formats_every_kind(make_publication):
    papers = [
        make_publication(
            f"Paper {kind}",
            kind=kind,
            authors=["Ada Lovelace"],
            venue="Venue",
            volume="3",
            pages="1--9",
            doi=f"10.1/{kind}",
            publisher="Press",
        )
        for kind in Publication.Kind.values
    ]
    for style in CitationStyle:
        references = format_references(papers, style)
        assert len(references) == len(papers)
        for reference in references:
            assert "Lovelace" in reference.text
            assert "{" not in reference.text


@pytest.mark.parametrize(
    ("server", "kind"), [("arXiv", "preprint"), ("bioRxiv", "preprint")]
)
def test_a_preprint_names_its_server_once_and_says_preprint_once(
    make_publication, server, kind
):
    preprint = make_publication(
        "Learning things",
        kind=kind,
        status="preprint",
        venue=server,
        authors=["Ada Lovelace"],
        year=2024,
    )
    texts = {
        style: format_references([preprint], style)[0].text for style in CitationStyle
    }
    # APA 7th edition, section 10.8: Title [Preprint]. Server. URL
    assert f"Learning things [Preprint]. {server}." in texts["apa"]
    assert "[Preprint]" in texts["vancouver"]
    for style, text in texts.items():
        assert text.lower().count("preprint") <= 1, style
        assert f"In {server}" not in text, style
        assert text.lower().count(server.lower()) == 1, style


DATE_RANGES = [
    # (written date, what every style must show)
    ("2019-06-03/2019-06-07", "2019"),
    ("2019-06/2019-07", "2019"),
    ("2019-06-03/2020-01-07", "2019"),
    ("1982--1983", "1982"),
]


@pytest.mark.parametrize(("written", "year"), DATE_RANGES)
def test_every_style_formats_a_date_range(make_publication, written, year):
    paper = make_publication(
        "A conference paper",
        kind="conference",
        venue="Proc. Conf",
        authors=["Ann Smith"],
        year=int(year),
        year_text=written,
    )
    for style in CitationStyle:
        text = format_references([paper], style)[0].text
        assert year in text, (style, text)


def test_a_reference_citeproc_fails_on_is_formatted_from_its_essentials(
    make_publication, monkeypatch
):
    # Without its date rule citeproc-py 0.11 raises TypeError on a range of
    # days within one year: the reference still comes, from title, authors, year.
    monkeypatch.setattr(references, "_formattable_date", lambda issued: issued)
    paper = make_publication(
        "Ranged talk",
        kind="conference",
        venue="Proc. Conf",
        authors=["Ann Smith"],
        year=2019,
        year_text="2019-06-03/2019-06-07",
    )
    other = make_publication("Plain paper", authors=["Bo Li"], year=2020)
    texts = [r.text for r in format_references([paper, other], CitationStyle.APA)]
    assert "Smith" in texts[0]
    assert "Ranged talk" in texts[0]
    assert "2019" in texts[0]
    assert "Plain paper" in texts[1]


def test_a_date_range_with_days_shows_on_its_page_and_in_the_text_list(client, db):
    import_bibtex(
        sources=[
            (
                "range.bib",
                "@inproceedings{rng2019, author = {Smith, Ann}, title = {A paper"
                " with a date range}, booktitle = {Proc. Conf},"
                " date = {2019-06-03/2019-06-07}}",
            )
        ]
    )
    paper = Publication.objects.get(bibtex_key="rng2019")
    for style in CitationStyle:
        response = client.get(paper.get_absolute_url(), {"style": style})
        assert response.status_code == 200, style
    listing = client.get(reverse("publications:list_text"))
    assert listing.status_code == 200
    assert "A paper with a date range" in listing.text


# The page ------------------------------------------------------------------------


def test_publication_page_switches_style_and_defaults_to_the_profile(
    client, make_publication
):
    paper = make_publication("Do Infants Dream?", authors=["Lina Ortega"], venue="J")
    url = paper.get_absolute_url()
    assert "Ortega, L. (2024). Do Infants Dream? <i>J</i>." in client.get(url).text
    ieee = client.get(url, {"style": "ieee"}).text
    assert "L. Ortega, “Do Infants Dream?” <i>J</i>, 2024." in ieee
    assert '<option value="ieee" selected>' in ieee
    profile = SiteProfile.load()
    profile.citation_style = CitationStyle.CHICAGO
    profile.save()
    assert "Ortega, Lina. 2024." in client.get(url).text
    response = client.get(url, {"style": "no-such-style"})
    assert response.status_code == 200
    assert "Ortega, Lina. 2024." in response.text


def test_cite_block_copies_with_a_script_file_not_inline(client, make_publication):
    html = client.get(make_publication("T").get_absolute_url()).text
    cite = html[html.index('class="cite-block"') :]
    assert 'data-copy-target="cite-text-' in cite
    assert 'name="style"' in cite
    assert "<script>" not in html
    assert "onclick" not in html
    assert "js/scholarly.js" in html


def test_page_cache_keys_on_the_style(settings, make_publication):
    settings.PAGE_CACHE_ENABLED = True
    page_cache().clear()
    visitor = Client()
    paper = make_publication("Cached", authors=["Lina Ortega"], venue="J")
    url = paper.get_absolute_url()
    apa = visitor.get(url, {"style": "apa"}).text
    ieee = visitor.get(url, {"style": "ieee"}).text
    assert "Ortega, L. (2024)" in apa
    assert "L. Ortega, “Cached,”" in ieee
    assert "L. Ortega, “Cached,”" in visitor.get(url, {"style": "ieee"}).text
    page_cache().clear()


def test_site_profile_default_style_is_in_the_admin(editor_client):
    html = editor_client.get(reverse("admin:site_config_siteprofile_add")).text
    assert 'name="citation_style"' in html


def test_formatted_text_is_cached_until_what_it_shows_changes(
    make_publication, monkeypatch
):
    from publications import references

    paper = make_publication("First title", authors=["Ada Lovelace"], venue="J")
    assert "First title" in format_reference(paper, "apa").text
    calls = []
    render = references._render
    monkeypatch.setattr(
        references, "_render", lambda *args: calls.append(1) or render(*args)
    )
    assert "First title" in format_reference(paper, "apa").text
    assert calls == []
    paper.title = "Second title"
    paper.save()
    assert "Second title" in format_reference(paper, "apa").text
    assert calls == [1]


# Each style's range as the style's page-range-format writes it (CSL 1.0.2,
# Appendix V): Vancouver is "minimal", Chicago "chicago-16", the rest expanded.
PAGE_RANGES = {
    "1--10": ("1–10", "1–10"),
    "1--100": ("1–100", "1–100"),
    "10--100": ("10–100", "10–100"),
    "5--5": ("5–5", "5–5"),
    "321--328": ("321–328", "321–8"),
    "2787--2816": ("2787–2816", "2787–816"),
}


@pytest.mark.parametrize("pages", PAGE_RANGES)
@pytest.mark.parametrize("style", CitationStyle.values)
def test_every_style_writes_whole_page_ranges(make_publication, style, pages):
    paper = make_publication(
        "Ranges", authors=["Ada Lovelace"], venue="J. Ex.", pages=pages
    )
    text = format_reference(paper, style).text
    expanded, minimal = PAGE_RANGES[pages]
    if style == "chicago" and pages.startswith(("321", "2787")):
        # Chicago's own table: see the next test.
        expanded = "321–28" if pages.startswith("321") else expanded
    assert (minimal if style == "vancouver" else expanded) in text, text
    assert f"{expanded}0" not in text
    assert "–." not in text
    assert "–," not in text


def test_chicago_shortens_ranges_as_its_manual_says(make_publication):
    written = {}
    for pages in ("101--108", "321--328", "1496--1504", "1087--1089", "100--104"):
        paper = make_publication(pages, authors=["Ada Lovelace"], pages=pages)
        written[pages] = format_reference(paper, "chicago").text
    assert "101–8" in written["101--108"]
    assert "321–28" in written["321--328"]
    assert "1496–1504" in written["1496--1504"]
    assert "1087–89" in written["1087--1089"]
    assert "100–104" in written["100--104"]


MEMOISED = [
    (references._Element, "xpath_search"),
    (references._Element, "get_root"),
    (references.citeproc_model.Parent, "calls_variable"),
    (references.citeproc_model.Text, "calls_variable"),
    (references.citeproc_model.Locale, "get_option"),
]


@pytest.mark.corpus
@pytest.mark.parametrize(
    "name", ["biblatex__biblatex-examples.bib", "alfolio__papers.bib"]
)
def test_kept_style_lookups_change_no_reference(db, bib_corpus, monkeypatch, name):
    """Every offered style writes the same text with citeproc-py's lookups
    kept per element (and items' references kept, their fields read
    directly) as with its own methods, over real files' entries of
    every type (books, theses, editors, et al., ranges)."""
    import_bibtex(sources=[bib_corpus / name])
    publications = list(Publication.objects.with_authors().order_by("pk"))
    assert len(publications) > 5

    def formatted():
        cache.clear()
        return {
            style: [
                reference.html
                for reference in format_references(publications, style, numbered=True)
            ]
            for style in CitationStyle.values
        }

    kept = formatted()
    for owner, method in MEMOISED:
        wrapper = getattr(owner, method)
        assert wrapper.labsite_fixed
        monkeypatch.setattr(owner, method, wrapper.__wrapped__)
    element = references.citeproc_model.CitationStylesElement
    assert element.get_formatter.labsite_fixed
    monkeypatch.setattr(element, "get_formatter", element.get_formatter.__wrapped__)
    item = references.citeproc_source.CitationItem
    assert item.reference.fget.labsite_fixed
    monkeypatch.setattr(item, "reference", property(item.reference.fget.__wrapped__))
    fields = references.citeproc_source.CustomDict
    assert fields.__getattr__.labsite_fixed
    monkeypatch.setattr(fields, "__getattr__", fields.__getattr__.__wrapped__)
    assert formatted() == kept


def test_a_kept_lookup_is_made_once_per_element(make_publication, monkeypatch):
    paper = make_publication("Kept", authors=["Ada Lovelace"], venue="J. Ex.")
    calls = []
    original = references.citeproc_model.Locale.get_option.__wrapped__

    def counted(self, name):
        calls.append(name)
        return original(self, name)

    monkeypatch.setattr(
        references.citeproc_model.Locale,
        "get_option",
        references._memoised_per_element(counted),
    )
    first = format_reference(paper, "ieee").text
    asked = len(calls)
    cache.clear()
    assert format_reference(paper, "ieee").text == first
    assert asked
    assert len(calls) == asked
