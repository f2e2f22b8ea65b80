"""Defects a new user met on publication pages and lists (issue 12)."""

import re

import pytest
from django.urls import reverse


def _header(html):
    return re.search(r'<p class="publication__badges">(.*?)</p>', html, re.S).group(1)


def _visible(fragment):
    return " ".join(re.sub(r"<[^>]+>", " ", fragment).split())


@pytest.mark.parametrize(
    ("fields", "header"),
    [
        ({"kind": "conference", "status": "published"}, "Conference paper"),
        ({"kind": "preprint", "status": "preprint"}, "Preprint"),
        (
            {"kind": "conference", "status": "published", "venue_short": "NeurIPS"},
            "NeurIPS Conference paper",
        ),
        ({"kind": "article", "status": "accepted"}, "Journal article Accepted"),
        ({"kind": "article", "status": "preprint"}, "Journal article Preprint"),
        (
            {"kind": "preprint", "status": "under_review"},
            "Preprint Under review",
        ),
    ],
)
def test_page_header_names_the_type_once_and_the_status_when_it_adds(
    client, make_publication, fields, header
):
    paper = make_publication("A paper", **fields)
    html = client.get(paper.get_absolute_url()).text
    assert _visible(_header(html)).replace(" · ", " ") == header


def test_buttons_to_the_same_address_collapse_into_one(client, make_publication):
    paper = make_publication(
        "One arXiv page",
        arxiv_id="2401.00001",
        project_url="https://arxiv.org/abs/2401.00001",
        html_url="http://www.arxiv.org/abs/2401.00001/",
        code_url="https://example.org/code",
    )
    assert paper.link_buttons == [
        ("PDF", "https://arxiv.org/pdf/2401.00001"),
        ("arXiv", "https://arxiv.org/abs/2401.00001"),
        ("Code", "https://example.org/code"),
    ]
    for url in (reverse("publications:list"), paper.get_absolute_url()):
        html = client.get(url).text
        assert html.count('href="https://arxiv.org/abs/2401.00001">arXiv</a>') == 1
        assert ">Project</a>" not in html
        assert ">Web page</a>" not in html


def test_a_paper_whose_only_link_is_url_shows_it_in_lists(client, make_publication):
    make_publication("Only a link", url="https://example.org/paper")
    html = client.get(reverse("publications:list")).text
    assert '<a class="btn" href="https://example.org/paper">Web page</a>' in html


def test_list_items_and_page_use_the_one_link_button_include(client, make_publication):
    paper = make_publication(
        "Links", poster_url="https://example.org/poster", url="https://example.org/p"
    )
    expected = [
        ("Poster", "https://example.org/poster"),
        ("Web page", "https://example.org/p"),
    ]
    assert paper.link_buttons == expected
    listing = client.get(reverse("publications:list"))
    detail = client.get(paper.get_absolute_url())
    for response in (listing, detail):
        names = [t.name for t in response.templates]
        assert "includes/_link_buttons.html" in names
        for label, href in expected:
            assert f'<a class="btn" href="{href}">{label}</a>' in response.text


def test_list_shows_the_month_with_the_year(client, make_publication):
    make_publication("Dated", year=2025, month=6, venue="Journal of Tests")
    make_publication("Year only", year=2024, venue="Journal of Tests")
    html = client.get(reverse("publications:list")).text
    assert "<em>Journal of Tests</em>, June 2025" in html
    assert "<em>Journal of Tests</em>, 2024" in html
