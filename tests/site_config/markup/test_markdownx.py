"""django-markdownx's holes, each closed: staff only, sanitized, re-encoded."""

from io import BytesIO

import pytest
from django.conf import settings
from django.urls import reverse
from PIL import Image

from site_config.markup.render import render_markdown
from tests.support.files import (
    HTML_AS_GIF,
    SVG_WITH_SCRIPT,
    bomb_png,
    image_bytes,
    stored_files,
    upload,
)

pytestmark = pytest.mark.django_db


def test_markdownx_urls_point_at_the_staff_only_views():
    assert reverse("markdownx_markdownify") == "/markdownx/markdownify/"
    assert reverse("markdownx_upload") == "/markdownx/upload/"
    # The widget script posts to these literal paths.
    from markdownx.settings import MARKDOWNX_UPLOAD_URLS_PATH, MARKDOWNX_URLS_PATH

    assert MARKDOWNX_URLS_PATH == reverse("markdownx_markdownify")
    assert MARKDOWNX_UPLOAD_URLS_PATH == reverse("markdownx_upload")


def test_anonymous_visitor_cannot_preview(client):
    response = client.post(reverse("markdownx_markdownify"), {"content": "*hi*"})
    assert response.status_code == 403
    assert "editors" in response.json()["error"]


def test_anonymous_visitor_cannot_upload(client, media_root):
    response = client.post(
        reverse("markdownx_upload"),
        {"image": upload("a.png", image_bytes("PNG"), "image/png")},
    )
    assert response.status_code == 403
    assert stored_files(media_root) == []


def test_signed_in_non_staff_user_cannot_upload(client, django_user_model, media_root):
    user = django_user_model.objects.create_user(username="visitor", password="x")
    client.force_login(user)
    response = client.post(
        reverse("markdownx_upload"),
        {"image": upload("a.png", image_bytes("PNG"), "image/png")},
    )
    assert response.status_code == 403
    assert stored_files(media_root) == []


def test_preview_is_refused_for_get(staff_client):
    assert staff_client.get(reverse("markdownx_markdownify")).status_code == 405


def test_preview_renders_markdown_for_staff(staff_client):
    response = staff_client.post(
        reverse("markdownx_markdownify"),
        {
            "content": "# Title\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n[ok](https://x.org)"
        },
    )
    assert response.status_code == 200
    html = response.text
    assert "<h1>Title</h1>" in html
    assert "<td>1</td>" in html
    assert 'href="https://x.org"' in html


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        "[click](javascript:alert(1))",
        '<a href="javascript:alert(1)">x</a>',
        '<img src="x" onerror="alert(1)">',
        '<svg onload="alert(1)"></svg>',
        "![x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "<style>body{display:none}</style>",
        '<iframe src="https://evil.example"></iframe>',
    ],
)
def test_preview_output_is_sanitized(staff_client, payload):
    html = staff_client.post(
        reverse("markdownx_markdownify"), {"content": payload}
    ).text.lower()
    for marker in ["<script", "javascript:", "onerror", "onload", "<svg", "<style"]:
        assert marker not in html
    assert "data:text/html" not in html
    assert "<iframe" not in html


def test_preview_setting_names_the_one_renderer():
    from django.utils.module_loading import import_string

    assert import_string(settings.MARKDOWNX_MARKDOWNIFY_FUNCTION) is render_markdown


def test_staff_upload_is_reencoded_under_a_generated_name(staff_client, media_root):
    response = staff_client.post(
        reverse("markdownx_upload"),
        {
            "image": upload(
                "../../evil name.php.jpg", image_bytes(gps=True), "image/jpeg"
            )
        },
        headers={"x-requested-with": "XMLHttpRequest"},
    )
    assert response.status_code == 200
    code = response.json()["image_code"]
    assert code.startswith(f"![]({settings.MEDIA_URL}markdownx/")
    files = stored_files(media_root)
    assert len(files) == 1
    name = files[0]
    assert name.startswith("markdownx/")
    assert name.endswith(".jpg")
    assert "evil" not in name
    assert ".php" not in name
    data = (media_root / name).read_bytes()
    assert b"SpyCam" not in data
    with Image.open(BytesIO(data)) as stored:
        assert stored.format == "JPEG"
        assert dict(stored.getexif()) == {}


def test_html_sent_as_gif_is_refused(staff_client, media_root):
    response = staff_client.post(
        reverse("markdownx_upload"),
        {"image": upload("pic.html", HTML_AS_GIF, "image/gif")},
    )
    assert response.status_code == 400
    assert "not a readable" in response.json()["image"][0]
    assert stored_files(media_root) == []


def test_svg_is_refused_even_when_it_claims_to_be_png(staff_client, media_root):
    for content_type in ["image/svg+xml", "image/png"]:
        response = staff_client.post(
            reverse("markdownx_upload"),
            {"image": upload("pic.svg", SVG_WITH_SCRIPT, content_type)},
        )
        assert response.status_code == 400
    assert stored_files(media_root) == []


def test_png_named_gif_is_stored_by_its_content(staff_client, media_root):
    response = staff_client.post(
        reverse("markdownx_upload"),
        {"image": upload("pic.gif", image_bytes("PNG"), "image/gif")},
    )
    assert response.status_code == 200
    assert stored_files(media_root)[0].endswith(".png")


def test_gif_is_reencoded_not_stored_as_sent(staff_client, media_root):
    original = image_bytes("GIF") + b"<script>trailing</script>"
    response = staff_client.post(
        reverse("markdownx_upload"),
        {"image": upload("a.gif", original, "image/gif")},
    )
    assert response.status_code == 200
    data = (media_root / stored_files(media_root)[0]).read_bytes()
    assert data != original
    assert b"<script>" not in data


def test_corrupt_image_is_a_clear_400_not_a_500(staff_client, media_root):
    truncated = image_bytes("PNG", size=(200, 200))[:80]
    response = staff_client.post(
        reverse("markdownx_upload"),
        {"image": upload("a.png", truncated, "image/png")},
    )
    assert response.status_code == 400
    assert response.json()["image"]
    assert stored_files(media_root) == []


def test_decompression_bomb_is_a_clear_400_not_a_500(staff_client, media_root):
    response = staff_client.post(
        reverse("markdownx_upload"),
        {"image": upload("bomb.png", bomb_png(), "image/png")},
    )
    assert response.status_code == 400
    assert "too many pixels" in response.json()["image"][0]
    assert stored_files(media_root) == []


def test_upload_without_file_is_a_clear_400(staff_client):
    response = staff_client.post(reverse("markdownx_upload"), {})
    assert response.status_code == 400
    assert "No image" in response.json()["image"][0]


def test_oversized_upload_is_refused(staff_client, settings, media_root):
    settings.MARKDOWNX_UPLOAD_MAX_SIZE = 100
    response = staff_client.post(
        reverse("markdownx_upload"),
        {"image": upload("a.png", image_bytes("PNG", size=(300, 300)), "image/png")},
    )
    assert response.status_code == 400
    assert "larger than" in response.json()["image"][0]
