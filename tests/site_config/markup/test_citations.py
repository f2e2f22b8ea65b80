import re

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template

from people.models import Person
from publications.models import Publication
from research.models import ResearchTheme
from site_config.markup.render import cited_keys, render_markdown
from site_config.models import SiteProfile


@pytest.fixture
def papers(make_publication):
    # Created in this order, so stored numbers 1, 2, 3 (publications.numbering).
    return {
        key: make_publication(f"Paper {key}", bibtex_key=key, venue_short="ICML")
        for key in ("wang2024", "li2023", "e2019")
    }


def numbers_in(html):
    return re.findall(r'<a href="[^"]*" title="[^"]*">(P?\d+)</a>', html)


def test_single_citation_is_a_numbered_link_followed_by_reference(papers):
    html = render_markdown("Transformers [@wang2024].")
    paper = papers["wang2024"]
    assert f'<a href="{paper.get_absolute_url()}" title="Paper wang2024">1</a>' in html
    assert '<section class="references"' in html
    assert html.index("[<a") < html.index("references")
    assert re.search(
        r'<li id="ref-1"><span class="ref-number">\[1\]</span> '
        r'<a href="[^"]+">Paper wang2024</a>',
        html,
    )


def test_a_citation_shows_the_papers_stored_number_not_the_order_cited(papers):
    html = render_markdown("See [@e2019; @wang2024] and again [@e2019].")
    assert numbers_in(html) == ["3", "1", "3"]
    assert html.count('<li id="ref-') == 2
    # The reference block is in number order, each under its own number.
    assert html.index('id="ref-1"') < html.index('id="ref-3"')


def test_a_preprint_is_cited_with_its_preprint_number(papers, make_publication):
    make_publication("Draft", bibtex_key="draft2025", status="preprint")
    html = render_markdown("A draft [@draft2025] and a paper [@li2023].")
    assert numbers_in(html) == ["P1", "2"]
    assert '<span class="ref-number">[P1]</span>' in html
    # Papers come before preprints in the reference block.
    assert html.index('id="ref-2"') < html.index('id="ref-P1"')


def test_every_text_of_one_page_shares_one_reference_block(papers):
    template = Template(
        "{% load labsite %}{% citations %}{{ a|markdown }}<hr>{{ b|markdown }}"
        "{% endcitations %}"
    )
    html = template.render(Context({"a": "[@e2019]", "b": "[@wang2024; @e2019]"}))
    assert numbers_in(html) == ["3", "1", "3"]
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
    assert numbers_in(html) == ["3", "1", "2"]


def test_citation_of_a_listed_item_links_to_it_and_an_unlisted_one_is_referenced(
    papers,
):
    listed = [papers["li2023"], papers["wang2024"]]
    template = Template(
        "{% load labsite %}{% citations %}{{ intro|markdown }}"
        "{% for p in listed %}<li{% publication_anchor p %}>[{{ p.number_label }}]"
        "</li>{% endfor %}{% endcitations %}"
    )
    html = template.render(Context({"intro": "[@wang2024; @e2019]", "listed": listed}))
    assert f'href="#pub-{papers["wang2024"].pk}"' in html
    # The same number in the citation, the list and the reference block.
    assert numbers_in(html) == ["1", "3"]
    assert "<li" + f' id="pub-{papers["wang2024"].pk}">[1]</li>' in html
    references = html.split('class="references"')[1]
    assert '<li id="ref-3"><span class="ref-number">[3]</span>' in references
    assert "Paper wang2024" not in references


def test_a_publication_listed_twice_on_a_page_has_one_anchor(papers):
    paper = papers["li2023"]
    template = Template(
        "{% load labsite %}{% citations %}"
        "<li{% publication_anchor p %}></li><li{% publication_anchor p %}></li>"
        "{% endcitations %}"
    )
    html = template.render(Context({"p": paper}))
    assert html.count(f'id="pub-{paper.pk}"') == 1


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
    assert numbers_in(html) == ["1"]


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
    assert numbers_in(html) == ["1"]
    assert '<mark class="cite-error">@nobody (unknown citation key)</mark>' in html
    assert "<msup><mi>x</mi><mn>2</mn></msup>" in html
    assert 'id="ref-1"' in html


def test_a_theme_stores_the_keys_its_description_cites_when_saved(make_theme):
    theme = make_theme(description="See `[@code]`, [@b2020; @a2019] and [@b2020].")
    assert ResearchTheme.objects.get(pk=theme.pk).cited_keys == ["b2020", "a2019"]
    theme.description = "Now [@c2021]."
    theme.save(update_fields=["description"])
    assert ResearchTheme.objects.get(pk=theme.pk).cited_keys == ["c2021"]


def test_a_paper_added_after_the_theme_cites_it_counts_as_linked(
    make_theme, make_publication
):
    # The theme stores keys, not rows: the cited paper may come later (an
    # import) and leave again (a delete) without the theme being saved.
    theme = make_theme(description="Builds on [@later2025].")
    assert not Publication.objects.linked_to_themes([theme]).exists()
    paper = make_publication("Later", bibtex_key="later2025")
    assert list(Publication.objects.linked_to_themes([theme])) == [paper]
    paper.delete()
    assert not Publication.objects.linked_to_themes([theme]).exists()


def test_stored_html_cites_like_a_fresh_rendering(papers, make_publication):
    from site_config.markup.render import (
        RENDERER_STAMP,
        render_for_storage,
        stored_html,
    )

    odd = make_publication("Odd", bibtex_key="o'neil&co<2020>")
    text = "See [@e2019; @o'neil&co<2020>], `[@wang2024]` and $x^2$."
    html, keys = render_for_storage(text)
    assert keys == ["e2019", "o'neil&co<2020>"]
    assert html.startswith(RENDERER_STAMP)
    assert "<code>[@wang2024]</code>" in html
    shown = stored_html(html, text)
    assert shown == render_markdown(text)
    assert numbers_in(shown) == ["3", odd.number_label]
