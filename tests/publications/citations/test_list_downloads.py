"""Lists people can take away: the filtered list, a person's and a theme's, as
BibTeX, CSL-JSON, RIS and a formatted reference list (issue 12)."""

import json
import re
from html import unescape

import pytest
from django.urls import reverse

from publications import export_views
from publications.bibtex.importer import import_bibtex
from site_config.models import SiteProfile

FORMATS = {
    "publications:list_bibtex": ("application/x-bibtex", "bib"),
    "publications:list_csljson": ("application/vnd.citationstyles.csl+json", "json"),
    "publications:list_ris": ("application/x-research-info-systems", "ris"),
    "publications:list_text": ("text/plain", "txt"),
}


@pytest.fixture
def papers(make_publication, make_person, make_theme):
    ada = make_person("Ada Lovelace", is_member=True)
    theory = make_theme("Learning Theory")
    return {
        "old": make_publication(
            "Old Bounds", authors=[ada], year=2019, venue="J", themes=[theory]
        ),
        "new": make_publication("New Bounds", authors=[ada], year=2024, venue="J"),
        "other": make_publication(
            "Other Work", authors=["Zed Zhang"], year=2024, venue="J"
        ),
        "ada": ada,
        "theory": theory,
    }


@pytest.mark.parametrize("name", FORMATS)
def test_each_format_has_its_content_type_and_filename(client, papers, name):
    content_type, extension = FORMATS[name]
    response = client.get(reverse(name), {"year": "2024"})
    assert response.status_code == 200
    assert response["Content-Type"] == f"{content_type}; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="publications-2024.{extension}"'
    )
    body = response.text
    assert "New Bounds" in body
    assert "Other Work" in body
    assert "Old Bounds" not in body


def test_filters_combine_as_on_the_list_page(client, papers):
    body = client.get(
        reverse("publications:list_csljson"),
        {"year": "2024", "person": papers["ada"].slug},
    ).text
    assert [item["title"] for item in json.loads(body)] == ["New Bounds"]
    theme = client.get(
        reverse("publications:list_ris"), {"theme": papers["theory"].slug}
    )
    assert "TI  - Old Bounds" in theme.text
    assert "New Bounds" not in theme.text
    assert theme["Content-Disposition"].endswith('-learning-theory.ris"')
    words = client.get(reverse("publications:list_bibtex"), {"q": "old bounds"})
    assert "Old Bounds" in words.text
    assert "New Bounds" not in words.text
    assert words["Content-Disposition"].endswith('publications-old-bounds.bib"')


def test_a_value_that_names_nothing_is_left_out_never_an_error(client, papers):
    response = client.get(
        reverse("publications:list_bibtex"), {"year": "1850", "person": "nobody"}
    )
    assert response.status_code == 200
    assert response.text.count("@article{") == 3
    assert response["Content-Disposition"] == 'attachment; filename="publications.bib"'


def test_text_list_uses_the_chosen_or_default_style_numbered_newest_first(
    client, papers
):
    url = reverse("publications:list_text")
    apa = client.get(url).text
    assert apa.splitlines()[0].startswith("Lovelace, A. (2024). New Bounds.")
    # Numeric styles label each entry with the paper's site number (the old
    # paper was numbered first, by date), not its place in the download.
    ieee = client.get(url, {"style": "ieee"}).text.split("\n\n")
    assert ieee[0].startswith("[2] A. Lovelace, “New Bounds,”")
    assert ieee[2].startswith("[1] A. Lovelace, “Old Bounds,”")
    profile = SiteProfile.load()
    profile.citation_style = "vancouver"
    profile.save()
    assert client.get(url).text.startswith("[2] Lovelace A. New Bounds.")
    assert client.get(url, {"style": "bogus"}).status_code == 200


@pytest.mark.parametrize(
    ("style", "first"),
    [("ieee", "[2] A. Lovelace, “New Bounds,”"), ("vancouver", "[2] Lovelace A.")],
)
def test_a_persons_text_list_keeps_the_sites_numbers(
    client, papers, make_publication, style, first
):
    preprint = make_publication(
        "Draft Bounds", authors=[papers["ada"]], status="preprint", year=2025
    )
    body = client.get(
        reverse("publications:list_text"),
        {"style": style, "person": papers["ada"].slug},
    ).text
    entries = [entry for entry in body.split("\n\n") if entry.strip()]
    assert [entry.split(" ", 1)[0] for entry in entries] == [
        f"[P{preprint.serial}]",
        "[2]",
        "[1]",
    ]
    assert entries[1].startswith(first)
    assert "Other Work" not in body
    assert not any(entry.startswith(("1.", "2.", "3.")) for entry in entries)


def test_text_list_is_capped_with_a_message(client, papers, monkeypatch):
    monkeypatch.setattr(export_views, "TEXT_LIMIT", 2)
    response = client.get(reverse("publications:list_text"))
    lines = response.text.split("\n\n")
    assert lines[0].startswith("The first 2 of 3 publications;")
    assert len([line for line in lines[1:] if line.strip()]) == 2
    assert response["X-Labsite-Truncated"] == "2 of 3"
    monkeypatch.setattr(export_views, "LIST_LIMIT", 1)
    bib = client.get(reverse("publications:list_bibtex")).text
    assert bib.startswith("@comment{The first 1 of 3 publications;")
    assert bib.count("@article{") == 1


def download_links(html):
    return {
        unescape(href)
        for href in re.findall(r'href="([^"]*/export\.[a-z]+[^"]*)"', html)
    }


def test_list_person_and_theme_pages_link_their_downloads(client, papers):
    html = client.get(reverse("publications:list"), {"year": "2024"}).text
    assert f"{reverse('publications:list_bibtex')}?year=2024" in download_links(html)
    assert f"{reverse('publications:list_text')}?year=2024" in download_links(html)
    person = client.get(papers["ada"].get_absolute_url()).text
    assert (
        f"{reverse('publications:list_ris')}?person={papers['ada'].slug}"
        in download_links(person)
    )
    theme = client.get(papers["theory"].get_absolute_url()).text
    assert (
        f"{reverse('publications:list_csljson')}?theme={papers['theory'].slug}"
        in download_links(theme)
    )
    everything = client.get(reverse("publications:list")).text
    assert reverse("publications:list_bibtex") in download_links(everything)


def test_list_download_query_count_is_flat(
    client, make_publication, django_assert_max_num_queries
):
    for n in range(12):
        make_publication(f"Paper {n}", authors=["Ada Lovelace", f"Co {n}"])
    with django_assert_max_num_queries(7):
        client.get(reverse("publications:list_ris"))


@pytest.mark.corpus
def test_19_formatted_list_has_no_doubled_punctuation(db, client, bib_cases):
    import_bibtex(sources=[bib_cases / "19-cite-double-period.bib"])
    for style in ("apa", "ieee", "chicago", "vancouver", "harvard"):
        text = client.get(reverse("publications:list_text"), {"style": style}).text
        assert "?." not in text
        assert ".." not in text
        assert "Do Infants Dream?" in text
