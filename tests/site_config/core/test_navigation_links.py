"""Navigation links take http, https, mailto and site paths only (#13, finding 7)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from site_config.core.links import is_safe_link
from site_config.models import NavigationLink

pytestmark = pytest.mark.django_db

UNSAFE = [
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "//evil.example/",
    "/\\evil.example/",
    "ftp://files.example/",
    "https://",
    "mailto:",
    "publications/",
]
SAFE = [
    "/publications/",
    "/",
    "https://example.org/x?y=1",
    "http://a.example",
    "mailto:pi@example.org",
]


@pytest.mark.parametrize("url", UNSAFE)
def test_unsafe_targets_are_refused_by_the_model(url):
    assert not is_safe_link(url)
    with pytest.raises(ValidationError, match="http, https or mailto"):
        NavigationLink(label="x", url=url).full_clean()


@pytest.mark.parametrize("url", SAFE)
def test_safe_targets_are_accepted(url):
    NavigationLink(label="x", url=url).full_clean()


def test_the_admin_form_names_the_problem(editor_client):
    response = editor_client.post(
        reverse("admin:site_config_navigationlink_add"),
        {"label": "Bad", "url": "javascript:alert(1)", "order": 1, "is_visible": "on"},
    )
    assert response.status_code == 200
    assert "http, https or mailto" in response.text
    assert not NavigationLink.objects.exists()


def test_a_stored_unsafe_link_is_never_rendered(client):
    NavigationLink.objects.create(label="Evil", url="javascript:alert(1)", order=1)
    NavigationLink.objects.create(label="Good", url="/people/", order=2)
    page = client.get(reverse("home")).text
    assert "javascript:" not in page
    assert 'href="/people/"' in page
