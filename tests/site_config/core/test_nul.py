"""NUL (U+0000) in any request is refused with 400 before a view or the admin.

Issue #13, findings 4 and 12: on PostgreSQL ``?person=%00`` reached a query and
answered 500, and so did admin filters and autocomplete; SQLite let it through.
"""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/publications/?person=%00",
        "/publications/?year=2020%00",
        "/publications/?%00=1",
        "/search/?q=a%00b",
        "/people/%00/",
        "/research/x%00y/",
    ],
)
def test_public_urls_with_nul_answer_400(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "NUL" in response.text


def test_admin_filter_and_autocomplete_with_nul_answer_400(editor_client):
    changelist = reverse("admin:publications_publication_changelist")
    assert editor_client.get(changelist + "?kind__exact=%00").status_code == 400
    autocomplete = reverse("admin:autocomplete")
    response = editor_client.get(
        autocomplete,
        {
            "term": "\x00",
            "app_label": "publications",
            "model_name": "authorship",
            "field_name": "person",
        },
    )
    assert response.status_code == 400


def test_a_form_field_with_nul_is_refused_before_the_view(editor_client, editor):
    url = reverse("admin:people_person_add")
    response = editor_client.post(url, {"full_name": "Ada\x00 Lovelace"})
    assert response.status_code == 400
    assert "form" in response.text
    from people.models import Person

    assert not Person.objects.exists()


def test_ordinary_requests_pass(client, make_publication):
    make_publication("Plain")
    assert client.get("/publications/?person=0&utm=%2500").status_code == 200
