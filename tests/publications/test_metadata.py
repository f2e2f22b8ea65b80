import json

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from publications.references import format_reference
from site_config.markup.metadata import json_ld
from site_config.models import SiteProfile
from tests.support.html import parse


@pytest.fixture
def request_(settings):
    settings.ALLOWED_HOSTS = ["lab.example.org"]
    return RequestFactory().get("/", HTTP_HOST="lab.example.org")


@pytest.fixture
def paper(make_publication, make_person):
    zed = make_person("Zed Zhang", orcid="0000-0002-1825-0097")
    return make_publication(
        "Expressivity of $\\ell_p$ Transformers & <friends>",
        authors=[zed, "Ada Lovelace", "Émile Borel"],
        kind="conference",
        year=2024,
        month=7,
        venue="International Conference on Machine Learning",
        venue_short="ICML 2024",
        volume="235",
        number="4",
        pages="100--117",
        doi="10.5555/abc.123",
        arxiv_id="2401.01234",
        keywords="transformers, approximation",
        abstract="We show *much* about $x^2$ [@missing].",
        bibtex_key="zhang2024expressivity",
    )


def test_highwire_tags_match_the_publication_field_by_field(paper, request_):
    html = render_to_string(
        "includes/_meta_publication.html", {"publication": paper}, request=request_
    )
    head = parse(html)
    assert head.values("citation_title") == [
        "Expressivity of ℓₚ Transformers & <friends>"
    ]
    assert head.values("citation_author") == [
        "Zed Zhang",
        "Ada Lovelace",
        "Émile Borel",
    ]
    assert head.values("citation_publication_date") == ["2024/07"]
    assert head.values("citation_conference_title") == [paper.venue]
    assert head.values("citation_journal_title") == []
    assert head.values("citation_volume") == ["235"]
    assert head.values("citation_issue") == ["4"]
    assert head.values("citation_firstpage") == ["100"]
    assert head.values("citation_lastpage") == ["117"]
    assert head.values("citation_doi") == ["10.5555/abc.123"]
    assert head.values("citation_arxiv_id") == ["2401.01234"]
    assert head.values("citation_pdf_url") == ["https://arxiv.org/pdf/2401.01234"]
    canonical = [link["href"] for link in head.links if link["rel"] == "canonical"]
    assert canonical == [f"http://lab.example.org{paper.get_absolute_url()}"]
    assert head.values("og:type") == ["article"]
    assert head.values("og:url") == canonical
    assert head.values("og:title") == head.values("citation_title")
    assert head.values("og:description") == ["We show much about x²."]


def test_journal_articles_name_the_journal(make_publication, request_):
    article = make_publication("A", kind="article", venue="J. Mach. Learn. Res.")
    head = parse(
        render_to_string(
            "includes/_meta_publication.html",
            {"publication": article},
            request=request_,
        )
    )
    assert head.values("citation_journal_title") == ["J. Mach. Learn. Res."]
    assert head.values("citation_publication_date") == ["2024"]


def test_scholarly_article_json_ld(paper, request_):
    html = render_to_string(
        "includes/_meta_publication.html", {"publication": paper}, request=request_
    )
    [block] = parse(html).json_ld
    assert "<friends>" not in block  # escaped inside the script element
    data = json.loads(block)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "ScholarlyArticle"
    assert data["name"] == "Expressivity of ℓₚ Transformers & <friends>"
    assert [a["name"] for a in data["author"]] == [
        "Zed Zhang",
        "Ada Lovelace",
        "Émile Borel",
    ]
    assert all(a["@type"] == "Person" for a in data["author"])
    assert data["author"][0]["identifier"] == "https://orcid.org/0000-0002-1825-0097"
    assert data["datePublished"] == "2024-07"
    assert data["isPartOf"]["name"] == paper.venue
    assert data["identifier"]["value"] == "10.5555/abc.123"
    assert "https://doi.org/10.5555/abc.123" in data["sameAs"]
    assert data["url"].endswith(paper.get_absolute_url())


def test_person_json_ld(make_person, make_affiliation, request_):
    person = make_person(
        "Wang Mingze",
        native_name="王明泽",
        orcid="0000-0002-1825-0097",
        github_username="mzwang",
        homepage="https://mzwang.example.org",
    )
    make_affiliation(person, "Peking University")
    html = render_to_string(
        "includes/_meta_person.html", {"person": person}, request=request_
    )
    head = parse(html)
    [data] = [json.loads(block) for block in head.json_ld]
    assert data["@type"] == "Person"
    assert data["name"] == "Wang Mingze"
    assert data["alternateName"] == "王明泽"
    assert data["affiliation"] == [
        {"@type": "Organization", "name": "Peking University"}
    ]
    assert data["identifier"]["value"] == "0000-0002-1825-0097"
    assert "https://orcid.org/0000-0002-1825-0097" in data["sameAs"]
    assert "https://github.com/mzwang" in data["sameAs"]
    feeds = [link["href"] for link in head.links if link["rel"] == "alternate"]
    assert feeds == [
        f"/feeds/people/{person.slug}.atom",
        f"/feeds/people/{person.slug}.rss",
    ]


def test_home_research_organization(db, make_person, request_):
    profile = SiteProfile.load()
    profile.group_name = "Deep Learning Theory Group"
    profile.tagline = "Theory & algorithms"
    profile.save()
    ada = make_person("Ada Lovelace")
    html = render_to_string(
        "includes/_meta_home.html",
        {"site_profile": profile, "current_people": [ada]},
        request=request_,
    )
    [data] = [json.loads(block) for block in parse(html).json_ld]
    assert data["@type"] == "ResearchOrganization"
    assert data["name"] == "Deep Learning Theory Group"
    assert data["description"] == "Theory & algorithms"
    assert data["member"][0]["name"] == "Ada Lovelace"


def test_json_ld_cannot_close_its_script_element():
    html = json_ld({"name": "</script><script>alert(1)</script>"})
    assert html.count("</script>") == 1
    assert json.loads(html.split(">", 1)[1].rsplit("<", 1)[0])["name"].startswith(
        "</script>"
    )


def test_cite_block_has_citation_text_and_bibtex(paper, request_):
    assert format_reference(paper, "apa").text == (
        "Zhang, Z., Lovelace, A., & Borel, É. (2024). Expressivity of ℓₚ "
        "Transformers & <friends>. International Conference on Machine Learning, "
        "235(4), 100–117. https://doi.org/10.5555/abc.123"
    )
    html = render_to_string(
        "includes/_cite.html",
        {"publication": paper, "citation_style": "apa"},
        request=request_,
    )
    assert "@inproceedings{zhang2024expressivity," in html
    assert 'data-copy-target="bibtex-' in html
    assert "&lt;friends&gt;" in html
