import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from publications import selectors
from publications.models import Authorship
from site_config.templatetags.labsite import count_phrase


def _titles(html):
    return re.findall(r'class="pub-title" href="[^"]*">([^<]+)<', html)


def _get(client, **params):
    response = client.get(reverse("publications:list"), params)
    assert response.status_code == 200
    return response.text


@pytest.fixture
def catalogue(make_person, make_theme, make_publication):
    ada = make_person("Ada Lovelace")
    theory = make_theme("Theory")
    optimization = make_theme("Optimization", parent=theory)
    vision = make_theme("Vision")
    make_publication(
        "Flat Minima",
        year=2024,
        kind="conference",
        authors=[ada, "Alan Turing"],
        themes=[optimization],
        is_selected=True,
    )
    make_publication("Old Journal", year=2019, kind="article", themes=[theory])
    make_publication(
        "Vision Draft",
        year=2024,
        kind="preprint",
        status="preprint",
        authors=["Alan Turing"],
        themes=[vision],
    )
    make_publication(
        "Accepted Talk", year=2023, kind="talk", status="accepted", authors=[ada]
    )
    return {"ada": ada, "theory": theory, "vision": vision}


def test_list_groups_by_year_with_preprints_apart_and_numbered(client, catalogue):
    html = _get(client)
    preprints = html.index('id="preprints-heading"')
    assert _titles(html[:preprints]) == ["Flat Minima", "Accepted Talk", "Old Journal"]
    assert _titles(html[preprints:]) == ["Vision Draft"]
    headings = re.findall(r'<h3 class="year-heading">(\d+)</h3>', html)
    assert headings == ["2024", "2023", "2019", "2024"]
    # Each shows the number it was given when created, papers and preprints
    # counted apart...
    numbers = re.findall(r'<span class="pub-number">\[(P?\d+)\]</span>', html)
    assert numbers == ["1", "3", "2", "P1"]
    assert "indicates equal contribution" in html
    assert "[P3]: preprint 3" in html
    # ...until an editor renumbers on purpose: then by date, oldest first.
    call_command("number_publications", "--renumber", stdout=io.StringIO())
    html = _get(client)
    numbers = re.findall(r'<span class="pub-number">\[(P?\d+)\]</span>', html)
    assert numbers == ["3", "2", "1", "P1"]


def test_item_emphasises_members_and_marks_authors(
    client, make_person, make_publication
):
    ada = make_person("Ada Lovelace")
    publication = make_publication(
        "Paper", authors=[ada, "Alan Turing"], equal=(0, 1), venue_short="NeurIPS 2024"
    )
    Authorship.objects.filter(publication=publication, position=0).update(
        corresponding=True
    )
    html = _get(client)
    assert (
        f'<a class="author author--member" href="{ada.get_absolute_url()}">'
        "Ada Lovelace</a>"
    ) in html
    assert '<span class="author">Alan Turing</span><abbr class="mark"' in html
    assert html.count('title="equal contribution">*</abbr>') == 2
    assert html.count('title="corresponding author">†</abbr>') == 1
    assert '<span class="badge">NeurIPS 2024</span>' in html


def test_item_folds_long_author_lists_after_ten(client, make_publication):
    names = [f"Author Number{n}" for n in range(14)]
    make_publication("Big Collaboration", authors=names)
    html = _get(client)
    assert "Author Number9" in html
    assert "Author Number10" not in html
    assert "and 4 more</a>" in html


def test_item_shows_buttons_for_every_link_and_an_abstract_without_js(
    client, make_publication
):
    make_publication(
        "Linked",
        abstract="We prove *things*.",
        arxiv_id="2401.00001",
        code_url="https://example.org/code",
        slides_url="https://example.org/slides",
        video_url="https://example.org/video",
        project_url="https://example.org/project",
        doi="10.5555/x.1",
        note="Oral",
    )
    html = _get(client)
    assert (
        '<details class="pub-abstract"><summary class="btn">Abstract</summary>' in html
    )
    assert "<em>things</em>" in html
    for label, href in [
        ("PDF", "https://arxiv.org/pdf/2401.00001"),
        ("arXiv", "https://arxiv.org/abs/2401.00001"),
        ("Code", "https://example.org/code"),
        ("Slides", "https://example.org/slides"),
        ("Video", "https://example.org/video"),
        ("Project", "https://example.org/project"),
        ("DOI", "https://doi.org/10.5555/x.1"),
    ]:
        assert f'<a class="btn" href="{href}">{label}</a>' in html
    assert '<span class="pub-note">Oral</span>' in html
    # BibTeX leads to the page's "Cite" block, where it can be read and copied.
    cite = re.search(r'<a class="btn" href="([^"]+)"[^>]*>BibTeX</a>', html)
    assert cite
    assert cite.group(1).endswith("/#cite-heading")
    detail = client.get(cite.group(1).split("#")[0]).text
    assert 'id="cite-heading"' in detail
    assert re.search(r"class=\"cite-block__bibtex\"[^>]*>@\w+\{", detail)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"year": "2024"}, ["Flat Minima", "Vision Draft"]),
        ({"type": "article"}, ["Old Journal"]),
        ({"theme": "theory"}, ["Flat Minima", "Old Journal"]),
        ({"theme": "vision"}, ["Vision Draft"]),
        ({"person": "ada-lovelace"}, ["Flat Minima", "Accepted Talk"]),
        ({"status": "accepted"}, ["Accepted Talk"]),
        ({"status": "preprint"}, ["Vision Draft"]),
        ({"selected": "on"}, ["Flat Minima"]),
        ({"year": "2024", "person": "alan-turing"}, ["Flat Minima", "Vision Draft"]),
        ({"year": "2024", "type": "conference", "theme": "theory"}, ["Flat Minima"]),
        ({"person": "ada-lovelace", "status": "accepted"}, ["Accepted Talk"]),
        ({"year": "2019", "selected": "on"}, []),
    ],
)
def test_filters_apply_alone_and_combined(client, catalogue, params, expected):
    html = _get(client, **params)
    assert _titles(html) == expected
    if not expected:
        assert "No publications match." in html


def test_filter_state_is_kept_in_the_form(client, catalogue):
    html = _get(client, year="2024", type="conference", selected="on")
    assert '<option value="2024" selected>2024 (1)</option>' in html
    assert '<option value="conference" selected>' in html
    assert re.search(r'name="selected"[^>]*checked', html)
    assert "Clear</a>" in html


def test_filter_by_an_outside_coauthor_is_offered_when_asked(client, catalogue):
    html = _get(client, person="alan-turing")
    assert '<option value="alan-turing" selected>Alan Turing (2)</option>' in html


def test_filter_choices_count_what_picking_them_would_show(client, catalogue):
    html = _get(client, type="conference")
    assert '<option value="2024">2024 (1)</option>' in html
    # Offered but disabled: with type=conference on, 2019 would list nothing.
    assert '<option value="2019" disabled>2019 (0)</option>' in html
    assert '<option value="article">Journal article (1)</option>' in html
    assert "Selected only (1)" in html


def test_a_chosen_value_with_no_match_stays_selectable(client, catalogue):
    html = _get(client, type="conference", year=2019)
    assert '<option value="2019" selected>2019 (0)</option>' in html


def test_bad_filter_values_get_a_clear_message_and_are_ignored(client, catalogue):
    html = _get(client, year="abc", person="nobody", type="poem")
    assert "No publications from the year “abc”" in html
    assert "There is no person “nobody”" in html
    assert "“poem” is not a publication type" in html
    assert len(_titles(html)) == 4


def test_counts_ignore_a_bad_theme_or_person_and_keep_the_good_filters(
    client, catalogue
):
    html = _get(client, theme="nowhere", person="nobody", year="2024")
    assert "There is no research theme “nowhere”" in html
    assert sorted(_titles(html)) == ["Flat Minima", "Vision Draft"]
    # Counted as if theme and person were not asked for at all.
    assert '<option value="2019">2019 (1)</option>' in html
    assert '<option value="vision">Vision (1)</option>' in html
    assert '<option value="preprint">Preprint (1)</option>' in html


def test_years_offered_are_every_year_whatever_the_filters(client, catalogue):
    html = _get(client, person=catalogue["ada"].slug, theme="vision")
    for year in ("2024", "2023", "2019"):
        assert f'<option value="{year}" disabled>{year} (0)</option>' in html


def test_long_lists_are_paged_by_whole_years(client, make_publication, monkeypatch):
    monkeypatch.setattr(selectors, "PAGE_TARGET", 3)
    for year, count in [(2024, 2), (2023, 2), (2022, 1), (2021, 1)]:
        for n in range(count):
            make_publication(f"Paper {year} {n}", year=year)
    first = _get(client)
    assert _titles(first) == [
        "Paper 2024 0",
        "Paper 2024 1",
        "Paper 2023 0",
        "Paper 2023 1",
    ]
    assert 'aria-current="page">2024–2023</span>' in first
    assert "?page=2" in first
    call_command("number_publications", "--renumber", stdout=io.StringIO())
    second = _get(client, page="2")
    assert _titles(second) == ["Paper 2022 0", "Paper 2021 0"]
    numbers = re.findall(r'<span class="pub-number">\[(\d+)\]</span>', second)
    assert numbers == ["2", "1"]


def test_pages_keep_the_filter_and_bad_page_numbers_fall_back(
    client, make_publication, monkeypatch
):
    monkeypatch.setattr(selectors, "PAGE_TARGET", 1)
    make_publication("New", year=2024, kind="article")
    make_publication("Old", year=2020, kind="article")
    html = _get(client, type="article")
    assert "?type=article&amp;page=2" in html
    assert _titles(_get(client, type="article", page="99")) == ["Old"]
    assert _titles(_get(client, page="x")) == ["New"]


def test_undated_publications_come_last(client, make_publication):
    make_publication("Dated", year=2020)
    make_publication("Timeless", year=None)
    html = _get(client)
    assert _titles(html) == ["Dated", "Timeless"]
    assert '<h3 class="year-heading">Undated</h3>' in html


def test_empty_list_says_so(client, db):
    assert "No publications match." in _get(client)


@pytest.mark.parametrize("value", ["0", "false", "False", "off", "no", ""])
def test_selected_zero_false_or_empty_means_every_publication(client, catalogue, value):
    html = _get(client, selected=value)
    assert len(_titles(html)) == 4
    assert not re.search(r'name="selected"[^>]*checked', html)
    assert "Clear</a>" not in html


@pytest.mark.parametrize("value", ["1", "on", "true", "yes"])
def test_selected_one_or_on_shows_only_selected_publications(client, catalogue, value):
    html = _get(client, selected=value)
    assert _titles(html) == ["Flat Minima"]
    assert re.search(r'name="selected"[^>]*checked', html)


@pytest.mark.parametrize(
    ("params", "summary"),
    [
        ({}, "3 publications and 1 preprint."),
        ({"type": "conference"}, "1 publication matches the filter."),
        ({"year": "2024"}, "1 publication and 1 preprint match the filter."),
        ({"status": "preprint"}, "1 preprint matches the filter."),
    ],
)
def test_summary_counts_read_as_a_sentence(client, catalogue, params, summary):
    html = _get(client, **params)
    assert f'<p class="result-summary">{summary}</p>' in html


def test_summary_is_left_out_when_nothing_matches(client, catalogue):
    html = _get(client, year="2019", type="talk")
    assert "result-summary" not in html
    assert "No publications match." in html


@pytest.mark.parametrize(
    ("published", "preprints", "phrase"),
    [
        (0, 0, "no publications"),
        (1, 0, "1 publication"),
        (0, 2, "2 preprints"),
        (2, 1, "2 publications and 1 preprint"),
    ],
)
def test_count_phrase_names_only_the_counts_that_are_not_zero(
    published, preprints, phrase
):
    assert count_phrase(published, preprints) == phrase


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("Lahner", ["Spectral Shape Matching"]),
        ("rodola", ["Spectral Shape Matching", "Functional Maps"]),
        ("Penaloza neurips", ["Functional Maps"]),
        ("SPECTRAL", ["Spectral Shape Matching"]),
        ("nobody", []),
    ],
)
def test_words_filter_ignores_accents_and_case(
    client, make_publication, words, expected
):
    make_publication(
        "Spectral Shape Matching", year=2024, authors=["Zorah Lähner", "E. Rodolà"]
    )
    make_publication(
        "Functional Maps",
        year=2023,
        venue="NeurIPS",
        authors=["Rafael Peñaloza", "E. Rodolà"],
    )
    make_publication("Unrelated", year=2022, authors=["Ada Plain"])
    html = _get(client, q=words)
    assert _titles(html) == expected
    assert f'value="{words}"' in html


def test_words_filter_narrows_every_count(client, make_publication):
    make_publication("Spectral Shape Matching", year=2024, kind="conference")
    make_publication("Other", year=2023, kind="article")
    html = _get(client, q="spectral")
    assert '<option value="conference">Conference paper (1)</option>' in html
    assert '<option value="2023">' not in html


def test_type_and_status_filters_offer_only_values_with_papers(client, catalogue):
    html = _get(client)
    assert ">Thesis (" not in html
    assert ">Under review (" not in html
    assert '<option value="conference">Conference paper (1)</option>' in html
    # A value asked for in the URL stays, selected, even with nothing to show.
    html = _get(client, type="thesis")
    assert '<option value="thesis" selected>Thesis (0)</option>' in html


def test_other_marks_show_in_lists_as_printed_and_the_legend_says_so(
    client, make_publication
):
    paper = make_publication("Marked Paper", authors=["Ann Lee", "Bo Chen"])
    Authorship.objects.filter(publication=paper, position=1).update(
        other_marks="‡", corresponding=True
    )
    html = _get(client)
    line = re.search(r'<p class="pub-authors">.*?</p>', html, re.S).group(0)
    # After the name and its † mark, as the paper prints it.
    assert re.search(r"Bo Chen</span><abbr[^>]*>†</abbr><span[^>]*>‡</span>", line)
    assert "any other mark after a name is as the paper prints it" in html
    detail = client.get(paper.get_absolute_url()).text
    assert "‡" in detail
