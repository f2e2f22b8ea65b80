"""The scholarly pieces as they appear on the real pages."""

import json
import re

from django.urls import reverse

from tests.support.html import parse


def test_publication_page_head_and_cite_block(client, make_publication):
    paper = make_publication(
        "Bounds for $\\ell_p$ nets",
        authors=["Ada Lovelace", "Zed Zhang"],
        venue="Journal of Examples",
        doi="10.1/x",
        bibtex_key="ada2024",
    )
    response = client.get(paper.get_absolute_url())
    html = response.text
    head = parse(html.split("</head>")[0])
    assert head.values("citation_title") == ["Bounds for ℓₚ nets"]
    assert head.values("citation_author") == ["Ada Lovelace", "Zed Zhang"]
    assert head.values("citation_journal_title") == ["Journal of Examples"]
    assert head.values("citation_doi") == ["10.1/x"]
    [data] = [json.loads(block) for block in head.json_ld]
    assert data["@type"] == "ScholarlyArticle"
    feeds = {link["href"] for link in head.links if link["rel"] == "alternate"}
    assert reverse("feeds:publications_atom") in feeds
    assert "<title>Bounds for ℓₚ nets" in html
    assert "<h1>Bounds for <math" in html
    assert 'class="cite-block"' in html
    assert "@article{ada2024," in html


def test_theme_page_lists_cited_publications_and_numbers_citations(
    client, make_theme, make_publication
):
    theme = make_theme("Expressivity", description="Shown in [@cited2020].")
    cited = make_publication("Cited work", bibtex_key="cited2020", year=2020)
    make_publication("Tagged work", themes=[theme], year=2024)
    html = client.get(theme.get_absolute_url()).text
    assert "Cited work" in html
    assert "Tagged work" in html
    # The cited paper is in the page's numbered list: the citation shows its
    # number there and jumps to it; no separate reference list is needed.
    number = re.search(
        r'<span class="cite">\[<a href="#pub-(\d+)"[^>]*>(\d+)</a>\]', html
    )
    assert number is not None
    assert int(number.group(1)) == cited.pk
    item = re.search(
        rf'id="pub-{cited.pk}".*?pub-number">\[(\d+)\]', html, flags=re.DOTALL
    )
    assert item.group(1) == number.group(2)
    assert 'class="references"' not in html


def test_person_page_has_person_json_ld_chart_and_coauthors(
    client, make_person, make_publication
):
    ada = make_person("Ada Lovelace", orcid="0000-0002-1825-0097")
    bob = make_person("Bob Babbage")
    make_publication("One", authors=[ada, bob], year=2021)
    make_publication("Two", authors=[ada, bob], year=2023)
    html = client.get(ada.get_absolute_url()).text
    head = parse(html.split("</head>")[0])
    [data] = [json.loads(block) for block in head.json_ld]
    assert data["@type"] == "Person"
    assert data["identifier"]["value"] == "0000-0002-1825-0097"
    assert "2 publications of Ada Lovelace from 2021 to 2023" in html
    assert re.search(
        r"Bob Babbage</a>\s*<span class=\"coauthors__count\">2 papers", html
    )


def test_home_page_is_a_research_organization(client, db):
    html = client.get(reverse("home")).text
    head = parse(html.split("</head>")[0])
    [data] = [json.loads(block) for block in head.json_ld]
    assert data["@type"] == "ResearchOrganization"


def test_every_page_links_the_search_box(client, db):
    html = client.get(reverse("people:list")).text
    assert f'action="{reverse("search")}"' in html
    assert 'name="q"' in html
