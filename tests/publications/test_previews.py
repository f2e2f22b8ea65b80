"""Paper previews in lists, og:image, and the generated OpenGraph cards."""

import io
import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image

from news.models import NewsPost
from site_config.models import SiteProfile


def png_bytes(size=(400, 300), colour="#336699"):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_lists_show_a_preview_thumbnail_unless_the_profile_turns_them_off(
    client, make_publication, media
):
    paper = make_publication("With figure")
    paper.image.save("figure.png", ContentFile(png_bytes()), save=True)
    make_publication("Without figure")
    html = client.get(reverse("publications:list")).text
    assert html.count('class="pub-preview"') == 1
    thumbnail = re.search(r'class="pub-preview" src="([^"]+)"', html).group(1)
    assert thumbnail.endswith(".webp")
    profile = SiteProfile.load()
    profile.show_previews = False
    profile.save()
    assert 'class="pub-preview"' not in client.get(reverse("publications:list")).text


def test_og_image_is_the_preview_or_else_the_generated_card(
    client, make_publication, media
):
    plain = make_publication("A $\\mathcal{O}(n)$ bound")
    html = client.get(plain.get_absolute_url()).text
    card_url = f"http://testserver{reverse('publications:card', args=[plain.slug])}"
    assert f'<meta property="og:image" content="{card_url}">' in html
    illustrated = make_publication("Illustrated")
    illustrated.image.save("figure.png", ContentFile(png_bytes()), save=True)
    html = client.get(illustrated.get_absolute_url()).text
    assert (
        f'<meta property="og:image" content="http://testserver{illustrated.image.url}">'
        in html
    )


def test_card_is_a_1200_by_630_png_and_cached(client, make_publication):
    paper = make_publication("A rather long title " * 12)
    response = client.get(reverse("publications:card", args=[paper.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "max-age=86400" in response["Cache-Control"]
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "PNG"
    assert image.size == (1200, 630)
    # The title is drawn: the card is not one flat colour.
    assert len(image.convert("RGB").getcolors(maxcolors=100_000)) > 2
    again = client.get(reverse("publications:card", args=[paper.slug]))
    assert again.content == response.content
    assert client.get(reverse("publications:card", args=["no-such"])).status_code == 404


def test_news_post_without_image_shares_its_card(client, db, media):
    post = NewsPost.objects.create(title="Big news", body="Text.")
    html = client.get(post.get_absolute_url()).text
    card = reverse("news:card", kwargs={"year": post.date.year, "slug": post.slug})
    assert f'content="http://testserver{card}"' in html
    response = client.get(card)
    assert Image.open(io.BytesIO(response.content)).size == (1200, 630)
