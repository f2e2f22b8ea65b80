"""Deleting a cited publication in the admin says where it is cited first."""

from django.urls import reverse

from news.models import NewsPost
from site_config.markup.render import rows_citing


def test_the_delete_page_names_each_text_that_cites_the_paper(
    editor_client, make_publication, make_theme
):
    paper = make_publication("Cited paper", bibtex_key="smith2020")
    make_publication("Longer key", bibtex_key="smith2020a")
    theme = make_theme("Theory", description="See [@smith2020].")
    make_theme("Other", description="See [@smith2020a] and `[@smith2020]` in code.")
    post = NewsPost.objects.create(title="Out now", body="Read [@a; @smith2020].")
    assert {(str(row), field) for row, field in rows_citing("smith2020")} == {
        (str(theme), "description"),
        (str(post), "body"),
    }
    url = reverse("admin:publications_publication_delete", args=[paper.pk])
    html = editor_client.get(url).text
    assert "[@smith2020] is cited by" in html
    assert "“Theory” (description)" in html
    assert "“Out now” (body)" in html
    assert "“Other”" not in html


def test_an_uncited_paper_is_deleted_without_a_warning(editor_client, make_publication):
    paper = make_publication("Alone", bibtex_key="alone2020")
    url = reverse("admin:publications_publication_delete", args=[paper.pk])
    assert "is cited by" not in editor_client.get(url).text
    assert editor_client.post(url, {"post": "yes"}).status_code == 302
