"""Uploads on content models: judged by content, re-encoded, renamed, cleaned up."""

from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import override_settings
from django.urls import clear_url_caches, reverse
from PIL import Image

from people.models import Person
from publications.models import Publication
from research.models import ResearchTheme
from site_config.media.thumbnails import responsive
from site_config.media.uploads import (
    reencode_image,
    validate_pdf,
    validate_raster_image,
)
from site_config.models import SiteProfile
from tests.support.admin import change_form_data
from tests.support.files import (
    HTML_AS_GIF,
    SVG_WITH_SCRIPT,
    bomb_png,
    image_bytes,
    pdf_bytes,
    stored_files,
    upload,
)

pytestmark = pytest.mark.django_db

PDF = pdf_bytes()


def post_person_photo(client, person, content, name="me.jpg"):
    url = reverse("admin:people_person_change", args=[person.pk])
    data = change_form_data(client, url)
    data["photo"] = upload(name, content, "image/jpeg")
    return client.post(url, data)


def test_admin_photo_is_reencoded_without_gps_under_generated_name(
    editor_client, make_person, media_root
):
    person = make_person("Ada Lovelace")
    response = post_person_photo(
        editor_client, person, image_bytes(gps=True), "Ada at home (GPS).jpg"
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.photo.name.startswith("people/")
    assert "Ada" not in person.photo.name
    data = (media_root / person.photo.name).read_bytes()
    assert b"SpyCam" not in data
    with Image.open(BytesIO(data)) as stored:
        assert stored.format == "JPEG"
        assert 0x8825 not in stored.getexif()


def test_admin_refuses_html_posing_as_an_image(editor_client, make_person, media_root):
    person = make_person("Ada Lovelace")
    response = post_person_photo(editor_client, person, HTML_AS_GIF, "me.gif")
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["photo"]
    assert stored_files(media_root) == []


def test_admin_refuses_decompression_bomb_with_form_error(
    editor_client, make_person, media_root
):
    person = make_person("Ada Lovelace")
    response = post_person_photo(editor_client, person, bomb_png(), "bomb.png")
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["photo"]
    assert any("pixels" in e for e in errors) or any("valid image" in e for e in errors)
    assert stored_files(media_root) == []


def test_replacing_a_photo_deletes_the_old_file(
    editor_client, make_person, media_root, django_capture_on_commit_callbacks
):
    person = make_person("Ada Lovelace")
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            post_person_photo(editor_client, person, image_bytes()).status_code == 302
        )
    person.refresh_from_db()
    first = person.photo.name
    assert (media_root / first).is_file()
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            post_person_photo(editor_client, person, image_bytes()).status_code == 302
        )
    person.refresh_from_db()
    assert person.photo.name != first
    assert stored_files(media_root) == [person.photo.name]


def test_thumbnails_go_with_the_photo_they_were_made_of(
    editor_client, make_person, media_root, django_capture_on_commit_callbacks
):
    ada, grace = make_person("Ada Lovelace"), make_person("Grace Hopper")
    with django_capture_on_commit_callbacks(execute=True):
        for person in (ada, grace):
            person.photo = reencode_image(
                upload("a.png", image_bytes("PNG"), "image/png")
            )
            person.save()
    for person in (ada, grace):
        assert responsive(person.photo, 40, 40)[0] is not None
    old_thumbs = [
        name for name in stored_files(media_root) if name.startswith("thumbs/")
    ]
    assert len(old_thumbs) == 4  # 1x and 2x of each photo
    with django_capture_on_commit_callbacks(execute=True):
        assert post_person_photo(editor_client, ada, image_bytes()).status_code == 302
        grace.delete()
    ada.refresh_from_db()
    assert stored_files(media_root) == [ada.photo.name]
    made, _srcset = responsive(ada.photo, 40, 40)
    assert made is not None
    assert made.url.endswith(".webp")
    assert len(stored_files(media_root)) == 3  # the new photo and its two sizes


def test_clearing_a_photo_deletes_its_file(
    editor_client, make_person, media_root, django_capture_on_commit_callbacks
):
    person = make_person("Ada Lovelace")
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            post_person_photo(editor_client, person, image_bytes()).status_code == 302
        )
    assert len(stored_files(media_root)) == 1
    url = reverse("admin:people_person_change", args=[person.pk])
    data = change_form_data(editor_client, url)
    data["photo-clear"] = "on"
    with django_capture_on_commit_callbacks(execute=True):
        assert editor_client.post(url, data).status_code == 302
    assert stored_files(media_root) == []


def test_deleting_objects_deletes_their_files(
    make_person,
    make_theme,
    make_publication,
    media_root,
    django_capture_on_commit_callbacks,
):
    person = make_person("Ada Lovelace")
    theme = make_theme("Optics")
    publication = make_publication("Paper")
    profile = SiteProfile.load()
    with django_capture_on_commit_callbacks(execute=True):
        person.photo = reencode_image(upload("a.png", image_bytes("PNG"), "image/png"))
        person.save()
        theme.image = reencode_image(upload("b.png", image_bytes("PNG"), "image/png"))
        theme.save()
        profile.logo = reencode_image(upload("c.png", image_bytes("PNG"), "image/png"))
        profile.save()
        publication.pdf = upload("paper.pdf", PDF, "application/pdf")
        publication.save()
    assert len(stored_files(media_root)) == 4
    with django_capture_on_commit_callbacks(execute=True):
        for obj in [person, theme, profile, publication]:
            obj.delete()
    assert stored_files(media_root) == []


def test_rolled_back_delete_keeps_the_file(make_person, media_root):
    person = make_person("Ada Lovelace")
    person.photo = reencode_image(upload("a.png", image_bytes("PNG"), "image/png"))
    person.save()

    def delete_then_fail():
        with transaction.atomic():
            Person.objects.get(pk=person.pk).delete()
            raise RuntimeError("editor's request failed half-way")

    with pytest.raises(RuntimeError):
        delete_then_fail()
    assert stored_files(media_root) == [person.photo.name]


def test_theme_image_upload_is_reencoded(editor_client, make_theme, media_root):
    theme = make_theme("Optics")
    url = reverse("admin:research_researchtheme_change", args=[theme.pk])
    data = change_form_data(editor_client, url)
    data["image"] = upload("x.webp", image_bytes("WEBP"), "image/webp")
    assert editor_client.post(url, data).status_code == 302
    theme.refresh_from_db()
    assert theme.image.name.startswith("themes/")
    assert theme.image.name.endswith(".webp")


def test_site_logo_upload_refuses_svg(editor_client, media_root):
    profile = SiteProfile.load()
    url = reverse("admin:site_config_siteprofile_change", args=[profile.pk])
    data = change_form_data(editor_client, url)
    data["logo"] = upload("logo.png", SVG_WITH_SCRIPT, "image/png")
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["logo"]
    assert stored_files(media_root) == []


def test_publication_pdf_is_checked_by_content_and_renamed(
    editor_client, make_publication, media_root
):
    publication = make_publication("Paper")
    url = reverse("admin:publications_publication_change", args=[publication.pk])
    data = change_form_data(editor_client, url)
    data["pdf"] = upload(
        "paper.pdf", b"<html><script>x</script></html>", "application/pdf"
    )
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "not a PDF" in str(response.context["adminform"].form.errors["pdf"])

    data = change_form_data(editor_client, url)
    data["pdf"] = upload("../../my paper.pdf.html", PDF, "text/html")
    assert editor_client.post(url, data).status_code == 302
    publication.refresh_from_db()
    assert publication.pdf.name.startswith("papers/")
    assert publication.pdf.name.endswith(".pdf")
    assert "my paper" not in publication.pdf.name
    assert (media_root / publication.pdf.name).read_bytes() == PDF


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (HTML_AS_GIF, "image_invalid"),
        (SVG_WITH_SCRIPT, "image_invalid"),
        (image_bytes("BMP"), "image_format"),
    ],
)
def test_validator_judges_content_not_name(content, code):
    with pytest.raises(ValidationError) as caught:
        validate_raster_image(upload("ok.png", content, "image/png"))
    assert caught.value.code == code


def test_pdf_validator_refuses_non_pdf():
    with pytest.raises(ValidationError):
        validate_pdf(upload("a.pdf", b"MZ\x90\x00 not a pdf", "application/pdf"))
    validate_pdf(upload("whatever.bin", PDF, "application/octet-stream"))


@pytest.mark.parametrize(
    "content",
    [
        # Issue #13, finding 11: the header anywhere in the first KB was enough.
        b"<!doctype html><!-- %PDF-1.4 --><script>alert(1)</script>",
        b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
        b"%PDF-1.7\n" + b"\x00" * 2000,
        b" %PDF-1.4\n" + PDF,
    ],
)
def test_pdf_validator_needs_a_document_pypdf_can_read(content):
    with pytest.raises(ValidationError) as caught:
        validate_pdf(upload("a.pdf", content, "application/pdf"))
    assert caught.value.code in {"pdf_invalid", "pdf_unreadable"}


def test_reencoding_keeps_orientation_and_scales_down_huge_images():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise on display
    buffer = BytesIO()
    Image.new("RGB", (300, 100)).save(buffer, format="JPEG", exif=exif.tobytes())
    clean = reencode_image(upload("a.jpg", buffer.getvalue(), "image/jpeg"))
    with Image.open(clean) as image:
        assert image.size == (100, 300)
        assert 0x0112 not in image.getexif()
    big = reencode_image(
        upload("b.png", image_bytes("PNG", size=(3000, 1500)), "image/png")
    )
    with Image.open(big) as image:
        assert max(image.size) == 2400


def test_media_is_served_with_nosniff_in_debug(client, settings, media_root):
    (media_root / "people").mkdir()
    (media_root / "people" / "a.jpg").write_bytes(image_bytes())
    settings.DEBUG = True
    with override_settings(ROOT_URLCONF="tests.support.debug_urls"):
        clear_url_caches()
        response = client.get(f"{settings.MEDIA_URL}people/a.jpg")
    clear_url_caches()
    assert response.status_code == 200
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_model_validators_run_on_full_clean(make_person):
    person = make_person("Ada Lovelace")
    person.photo = upload("a.jpg", HTML_AS_GIF, "image/jpeg")
    with pytest.raises(ValidationError) as caught:
        person.full_clean()
    assert "photo" in caught.value.message_dict
    assert Publication._meta.get_field("pdf").validators
    assert ResearchTheme._meta.get_field("image").validators
