"""The admin import takes a .zip of a .bib and its preview images, and its report
lists per-field changes and ignored fields."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from publications.admin_import import SESSION_KEY, UPLOAD_DIR
from publications.models import Publication

URL = "admin:publications_publication_import_bibtex"
BIB = (
    b"@inproceedings{sam, author = {Renwick*, Tobias}, title = {SAM},"
    b" booktitle = {B}, year = 2024, preview = {sam-teaser.png},"
    b" timestamp = {2020-01-01}}\n"
)


def zipped(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def png():
    buffer = io.BytesIO()
    Image.new("RGB", (30, 20), (10, 120, 10)).save(buffer, format="PNG")
    return buffer.getvalue()


def upload(client, content, name="site.zip"):
    file = SimpleUploadedFile(name, content, content_type="application/zip")
    return client.post(reverse(URL), {"file": file, "encoding": "utf-8"}, follow=True)


def test_zip_of_a_bib_and_its_images_sets_the_preview(
    editor_client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    content = zipped(
        {
            "_bibliography/papers.bib": BIB,
            "assets/img/publication_preview/sam-teaser.png": png(),
        }
    )
    response = upload(editor_client, content)
    assert response.status_code == 200
    assert "What importing site.zip would do" in response.text
    assert "not found" not in response.text
    assert "field &#x27;timestamp&#x27; ignored" in response.text
    # The dry run left the images for the import to come.
    token = editor_client.session[SESSION_KEY]["token"]
    assert (UPLOAD_DIR / f"{token}-media" / "sam-teaser.png").is_file()
    editor_client.post(reverse(URL), {"confirm": "1"})
    publication = Publication.objects.get()
    assert publication.image.name.startswith("publications/")
    assert not (UPLOAD_DIR / f"{token}-media").exists()


def test_a_zip_without_one_bib_is_a_form_error(editor_client):
    response = upload(editor_client, zipped({"a.png": png()}))
    assert "must hold exactly one .bib file" in response.text
    response = upload(editor_client, b"PK\x03\x04 broken")
    assert "not a readable .zip file" in response.text


def test_admin_report_lists_each_field_that_would_change(editor_client):
    bib = SimpleUploadedFile("a.bib", BIB.replace(b"preview = {sam-teaser.png},", b""))
    editor_client.post(reverse(URL), {"file": bib, "encoding": "utf-8"})
    editor_client.post(reverse(URL), {"confirm": "1"})
    changed = SimpleUploadedFile("a.bib", BIB.replace(b"year = 2024", b"year = 2025"))
    response = editor_client.post(
        reverse(URL), {"file": changed, "encoding": "utf-8"}, follow=True
    )
    assert "<td>year</td><td>2024</td><td>2025</td>" in response.text
