import re

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template

from people.models import Person
from publications.models import Publication
from research.models import ResearchTheme
from site_config.markup.citations import number_publications
from site_config.markup.render import cited_keys, render_markdown
from site_config.models import SiteProfile


@pytest.fixture
def papers(make_publication):
    return {
        key: make_publication(f"Paper {key}", bibtex_key=key, venue_short="ICML")
        for key in ("wang2024", "li2023", "e2019")
    }


def numbers_in(html):
    return [
        int(n) for n in re.findall(r'<a href="[^"]*" title="[^"]*">(\d+)</a>', html)
    ]


def test_single_citation_is_a_numbered_link_followed_by_reference(papers):
    html = render_markdown("Transformers [@wang2024].")
    paper = papers["wang2024"]
    assert f'<a href="{paper.get_absolute_url()}" title="Paper wang2024">1</a>' in html
    assert '<section class="references"' in html
    assert html.index("[<a") < html.index("references")
    assert re.search(
        r'<li value="1" id="ref-1"><a href="[^"]+">Paper wang2024</a>', html
    )


def test_several_keys_in_one_citation_get_consecutive_numbers(papers):
    html = render_markdown("See [@li2023; @wang2024] and again [@li2023].")
    assert numbers_in(html) == [1, 2, 1]
    assert html.count("<li value=") == 2


def test_numbering_is_shared_by_every_text_of_one_page(papers):
    template = Template(
        "{% load labsite %}{% citations %}{{ a|markdown }}<hr>{{ b|markdown }}"
        "{% endcitations %}"
    )
    html = template.render(Context({"a": "[@e2019]", "b": "[@wang2024; @e2019]"}))
    assert numbers_in(html) == [1, 2, 1]
    assert html.count('class="references"') == 1
    assert html.index("<hr>") < html.index('class="references"')


def test_page_resolves_all_keys_in_one_query(papers, django_assert_num_queries):
    template = Template(
        "{% load labsite %}{% citations %}{{ a|markdown }}{{ b|markdown }}"
        "{{ c|markdown }}{% endcitations %}"
    )
    context = Context({"a": "[@e2019]", "b": "[@wang2024]", "c": "[@li2023]"})
    with django_assert_num_queries(1):
        html = template.render(context)
    assert numbers_in(html) == [1, 2, 3]


def test_citation_of_a_listed_item_shows_its_list_number_and_links_to_it(papers):
    listed = [papers["li2023"], papers["wang2024"]]
    listed[0].list_number, listed[1].list_number = 2, 1  # the list counts down
    template = Template(
        "{% load labsite %}{% citations %}{{ intro|markdown }}"
        "{% publication_numbers listed as numbers %}"
        '{% for p in listed %}<li id="pub-{{ p.pk }}">{{ numbers|number_of:p }}'
        "</li>{% endfor %}{% endcitations %}"
    )
    html = template.render(Context({"intro": "[@wang2024; @e2019]", "listed": listed}))
    assert f'href="#pub-{papers["wang2024"].pk}"' in html
    assert numbers_in(html) == [1, 3]  # unlisted paper numbered after the list
    assert '<li value="3" id="ref-3">' in html
    assert "Paper wang2024</a><" not in html.split("references")[1]


def test_number_publications_numbers_across_lists():
    class Row:
        def __init__(self, pk):
            self.pk = pk

    assert number_publications([Row(5), Row(3)], [Row(9)]) == {5: 1, 3: 2, 9: 3}


def test_escaped_citation_stays_literal(papers):
    html = render_markdown(r"Write \[@wang2024] to cite.")
    assert "[@wang2024]" in html
    assert "<a " not in html


def test_citations_in_code_are_not_processed(papers):
    html = render_markdown("Inline `[@wang2024]` and\n\n    [@li2023]\n")
    assert "<code>[@wang2024]</code>" in html
    assert "[@li2023]" in html
    assert "references" not in html
    assert cited_keys("`[@wang2024]` and [@e2019]") == ["e2019"]


def test_unknown_key_is_visibly_marked_in_preview(papers):
    html = render_markdown("See [@nobody2020; @wang2024].")
    assert '<mark class="cite-error">@nobody2020 (unknown citation key)</mark>' in html
    assert numbers_in(html) == [1]


def test_text_without_citations_needs_no_query(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert render_markdown("*plain*") == "<p><em>plain</em></p>"


def test_unknown_key_fails_validation_naming_the_key(papers, make_person, make_theme):
    theme = make_theme(description="Known [@wang2024], unknown [@ghost2021].")
    with pytest.raises(ValidationError) as error:
        theme.full_clean()
    assert "ghost2021" in str(error.value.message_dict["description"])
    assert "wang2024" not in str(error.value.message_dict["description"])

    person = make_person(bio="[@missing1; @missing2]")
    with pytest.raises(ValidationError) as error:
        person.full_clean()
    assert "missing1" in error.value.message_dict["bio"][0]
    assert "missing2" in error.value.message_dict["bio"][0]

    profile = SiteProfile.load()
    profile.introduction = "Our work [@nope]"
    with pytest.raises(ValidationError, match="nope"):
        profile.full_clean()

    paper = papers["li2023"]
    paper.abstract = "Extends [@e2019] and [@typo2019]."
    with pytest.raises(ValidationError, match="typo2019"):
        paper.full_clean()


def test_known_keys_pass_validation(papers, make_theme):
    theme = make_theme(description="See [@wang2024; @e2019].")
    theme.full_clean()


def test_admin_form_shows_unknown_key(editor_client, papers, make_theme):
    from django.urls import reverse

    theme = make_theme(title="Expressivity")
    url = reverse("admin:research_researchtheme_change", args=[theme.pk])
    response = editor_client.post(
        url,
        {
            "title": "Expressivity",
            "slug": theme.slug,
            "description": "Approximation [@wang2024][@ghost99]",
            "order": 100,
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert "ghost99" in response.text
    theme.refresh_from_db()
    assert theme.description == ""


def test_cited_publications_count_as_linked_to_the_theme(
    papers, make_theme, make_publication, django_assert_num_queries
):
    theme = make_theme(description="Builds on [@e2019].")
    tagged = make_publication("Tagged", themes=[theme])
    make_publication("Elsewhere")
    with django_assert_num_queries(1):
        linked = set(Publication.objects.linked_to_themes([theme]))
    assert linked == {tagged, papers["e2019"]}


def test_models_keep_working_without_citations(make_person):
    person = make_person(bio="Plain bio with $x^2$.")
    person.full_clean()
    assert Person.objects.get(pk=person.pk).bio.startswith("Plain")
    assert ResearchTheme.objects.count() == 0


def test_live_preview_shows_citation_math_and_unknown_key(editor_client, papers):
    from django.urls import reverse

    response = editor_client.post(
        reverse("markdownx_markdownify"),
        {"content": "See [@wang2024] and [@nobody]; $x^2$."},
    )
    html = response.text
    assert numbers_in(html) == [1]
    assert '<mark class="cite-error">@nobody (unknown citation key)</mark>' in html
    assert "<msup><mi>x</mi><mn>2</mn></msup>" in html
    assert 'id="ref-1"' in html
