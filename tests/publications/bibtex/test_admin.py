"""The admin's Import BibTeX page: upload, dry-run report, confirm; staff only."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from publications.admin_import import SESSION_KEY, UPLOAD_DIR
from publications.models import ImportRun, Publication

BIB = b"""@article{lovelace1843,
  author = {Lovelace, Ada},
  title = {Sketch of the Analytical Engine},
  journal = {Scientific Memoirs},
  year = {1843},
}
@article{broken, author = {Nobody}}
"""
URL = "admin:publications_publication_import_bibtex"


def upload(client, content=BIB, **data):
    bib = SimpleUploadedFile("mine.bib", content, content_type="text/x-bibtex")
    return client.post(
        reverse(URL), {"file": bib, "encoding": "utf-8", **data}, follow=True
    )


def test_changelist_links_to_the_import_page(editor_client):
    response = editor_client.get(reverse("admin:publications_publication_changelist"))
    assert reverse(URL) in response.text


def test_upload_shows_the_dry_run_report_and_writes_nothing(editor_client):
    response = upload(editor_client)
    assert response.status_code == 200
    # The dry run ran as a background task (the tests' backend runs it at once)
    # and its page shows the report with the confirm buttons.
    (run,) = ImportRun.objects.all()
    assert (run.dry_run, run.state, run.created) == (True, "done", 1)
    assert response.redirect_chain[-1][0].endswith(f"?preview={run.pk}")
    assert "What importing mine.bib would do" in response.text
    assert "mine.bib:7:broken: no title" in response.text
    assert 'name="confirm"' in response.text
    assert Publication.objects.count() == 0


def test_confirm_imports_the_uploaded_file_and_clears_it(editor_client, make_theme):
    theme = make_theme("Engines")
    upload(editor_client, themes=[theme.pk])
    token = editor_client.session[SESSION_KEY]["token"]
    assert (UPLOAD_DIR / f"{token}.bib").is_file()
    response = editor_client.post(reverse(URL), {"confirm": "1"})
    assert response.status_code == 200
    assert "Imported mine.bib" in response.text
    publication = Publication.objects.get()
    assert publication.title == "Sketch of the Analytical Engine"
    assert list(publication.themes.all()) == [theme]
    assert SESSION_KEY not in editor_client.session
    assert not (UPLOAD_DIR / f"{token}.bib").exists()


def test_confirm_without_an_upload_asks_to_upload_again(editor_client):
    response = editor_client.post(reverse(URL), {"confirm": "1"}, follow=True)
    assert "That upload has expired" in response.text
    assert Publication.objects.count() == 0


def test_cancel_discards_the_upload(editor_client):
    upload(editor_client)
    token = editor_client.session[SESSION_KEY]["token"]
    editor_client.post(reverse(URL), {"cancel": "1"})
    assert SESSION_KEY not in editor_client.session
    assert not (UPLOAD_DIR / f"{token}.bib").exists()
    assert Publication.objects.count() == 0


def test_undecodable_upload_is_a_form_error(editor_client):
    response = upload(editor_client, content="@misc{a, title={Café}}".encode("latin-1"))
    assert "mine.bib is not valid utf-8" in response.text
    assert SESSION_KEY not in editor_client.session


@pytest.mark.parametrize("staff", [False, True])
def test_import_page_needs_staff_with_permissions(client, django_user_model, staff):
    user = django_user_model.objects.create_user(
        username="visitor", password="x", is_staff=staff
    )
    client.force_login(user)
    response = client.get(reverse(URL))
    # Not staff: sent to the admin login; staff without permissions: forbidden.
    assert response.status_code == (403 if staff else 302)
    assert Publication.objects.count() == 0
