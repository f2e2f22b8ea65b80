"""The admin makes slugs by the server's one rule (unique_slug, anyascii) when
the editor leaves them blank, also for titles in Chinese, Japanese, Korean or
Cyrillic, which Django's prepopulated_fields JavaScript got wrong (issue 12)."""

import pytest
from django.urls import reverse

from news.models import NewsPost
from people.models import Person
from publications.models import Publication
from research.models import ResearchTheme
from site_config.core.text import slug_base
from tests.support.admin import change_form_data

pytestmark = pytest.mark.django_db

CASES = [
    ("admin:publications_publication_add", Publication, "title", {"year": "2024"}),
    ("admin:people_person_add", Person, "full_name", {}),
    ("admin:research_researchtheme_add", ResearchTheme, "title", {}),
    ("admin:news_newspost_add", NewsPost, "title", {}),
]


@pytest.mark.parametrize("text", ["深度学习的理论", "Теория обучения"])
@pytest.mark.parametrize(("name", "model", "field", "extra"), CASES)
def test_blank_slug_is_made_on_the_server(
    editor_client, name, model, field, extra, text
):
    url = reverse(name)
    page = editor_client.get(url).text
    assert "prepopulated_fields" not in page
    data = change_form_data(editor_client, url)
    data.update(extra, **{field: text, "slug": ""})
    response = editor_client.post(url, data)
    errors = response.context and response.context["adminform"].form.errors
    assert response.status_code == 302, errors
    row = model.objects.get(**{field: text})
    assert row.slug == slug_base(text)
    assert row.slug in {"shen-du-xue-xi-de-li-lun", "teoriya-obucheniya"}
