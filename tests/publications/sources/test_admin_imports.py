"""The admin's imports: any format on the import page, add by identifier, ORCID
sync, each run as a background task with a page, a status and a history."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from publications.models import ImportRun, Publication
from tests.publications.sources.conftest import DATA, ORCID

DATABASE_TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
}
IMPORT = "admin:publications_publication_import_bibtex"
ADD_BY_ID = "admin:publications_publication_add_by_identifier"
SYNC = "admin:publications_publication_sync_orcid"


def upload(client, path):
    data = SimpleUploadedFile(path.name, path.read_bytes())
    return client.post(
        reverse(IMPORT), {"file": data, "encoding": "utf-8"}, follow=True
    )


@pytest.mark.parametrize(
    "path",
    [DATA / "csljson" / "zotero-library.json", DATA / "ris" / "mixed-export.ris"],
    ids=["csl-json", "ris"],
)
def test_import_page_takes_csl_json_and_ris(editor_client, path):
    response = upload(editor_client, path)
    assert f"What importing {path.name} would do" in response.text
    preview = ImportRun.objects.get()
    assert (preview.dry_run, preview.created) == (True, 5)
    assert Publication.objects.count() == 0
    response = editor_client.post(reverse(IMPORT), {"confirm": "1"})
    assert f"Imported {path.name}" in response.text
    assert Publication.objects.count() == 5
    run = ImportRun.objects.exclude(pk=preview.pk).get()
    assert (run.state, run.created, run.requested_by.username) == ("done", 5, "editor")
    assert run.request["files"] == [[path.name, ""]]


def test_import_page_refuses_a_file_in_no_known_format(editor_client):
    data = SimpleUploadedFile("notes.txt", b"just notes\n")
    response = editor_client.post(reverse(IMPORT), {"file": data, "encoding": "utf-8"})
    assert "notes.txt is not BibTeX, CSL-JSON or RIS" in response.text
    assert ImportRun.objects.count() == 0


def test_add_by_identifier_runs_in_the_background_and_shows_the_report(
    editor_client, recorded
):
    response = editor_client.post(
        reverse(ADD_BY_ID),
        {"identifiers": "10.1145/3600006.3613165\narXiv:2401.01234"},
        follow=True,
    )
    run = ImportRun.objects.get()
    assert response.redirect_chain[-1][0] == reverse(
        "admin:publications_importrun_change", args=[run.pk]
    )
    assert "Imported doi:10.1145/3600006.3613165, arXiv:2401.01234" in response.text
    assert (run.source, run.created) == ("identifiers", 2)
    assert Publication.objects.filter(arxiv_id="2401.01234").exists()


def test_add_by_identifier_names_what_it_cannot_read(editor_client, replay):
    response = editor_client.post(
        reverse(ADD_BY_ID), {"identifiers": "10.1145/3600006.3613165 hello"}
    )
    assert "Not a DOI or arXiv id: hello" in response.text
    assert replay.requests == []
    assert ImportRun.objects.count() == 0


def test_doi_already_on_the_site_shows_its_field_changes(editor_client, recorded):
    editor_client.post(reverse(ADD_BY_ID), {"identifiers": "10.1145/3600006.3613165"})
    paper = Publication.objects.get()
    editor_client.post(
        reverse(ADD_BY_ID),
        {"identifiers": "https://doi.org/10.1145/3600006.3613165"},
    )
    assert Publication.objects.count() == 1
    assert ImportRun.objects.first().unchanged == 1
    assert paper.pk == Publication.objects.get().pk


def test_orcid_sync_page_lists_people_with_their_last_sync(
    editor_client, recorded, make_person
):
    person = make_person("Josiah Carberry", orcid=ORCID)
    make_person("No Orcid")
    page = editor_client.get(reverse(SYNC))
    assert "Josiah Carberry" in page.text
    assert "No Orcid" not in page.text
    assert "never" in page.text
    response = editor_client.post(reverse(SYNC), {"people": [person.pk]}, follow=True)
    assert "Imported" in response.text
    person.refresh_from_db()
    assert person.orcid_synced_at is not None
    assert ImportRun.objects.get().created == 4
    person_page = editor_client.get(
        reverse("admin:people_person_change", args=[person.pk])
    )
    assert "Last synced from ORCID" in person_page.text


@override_settings(TASKS=DATABASE_TASKS)
def test_queued_import_waits_for_the_worker_and_reports_progress(
    editor_client, recorded, transactional_db
):
    response = editor_client.post(
        reverse(ADD_BY_ID), {"identifiers": "10.1145/3600006.3613165"}, follow=True
    )
    run = ImportRun.objects.get()
    assert run.state == "queued"
    assert run.task_id
    assert "Waiting for the background worker" in response.text
    assert "<progress" in response.text
    status_url = reverse("admin:publications_importrun_status", args=[run.pk])
    assert editor_client.get(status_url).json()["finished"] is False
    assert Publication.objects.count() == 0
    call_command("db_worker", batch=True, startup_delay=False, reload=False)
    status = editor_client.get(status_url).json()
    assert (status["state"], status["finished"], status["percent"]) == (
        "done",
        True,
        100,
    )
    assert "1 created" in status["summary"]
    assert Publication.objects.count() == 1


def test_history_lists_every_import(editor_client, recorded):
    editor_client.post(reverse(ADD_BY_ID), {"identifiers": "10.1145/3600006.3613165"})
    page = editor_client.get(reverse("admin:publications_importrun_changelist"))
    assert page.status_code == 200
    assert "doi:10.1145/3600006.3613165" in page.text
    assert (
        reverse("admin:publications_importrun_changelist")
        in editor_client.get(reverse("admin:publications_publication_changelist")).text
    )


@pytest.mark.parametrize("url", [ADD_BY_ID, SYNC])
def test_pages_need_staff_with_publication_permissions(client, django_user_model, url):
    user = django_user_model.objects.create_user("clerk", password="pw", is_staff=True)
    client.force_login(user)
    assert client.get(reverse(url)).status_code == 403
    client.logout()
    assert client.get(reverse(url)).status_code == 302


def test_run_page_shows_failures_warnings_and_per_field_changes(editor_client):
    run = ImportRun.objects.create(
        source=ImportRun.Source.FILES,
        description="library.json",
        state=ImportRun.State.DONE,
        updated=1,
        failed=1,
        summary="2 entries: 0 created, 1 updated, 0 unchanged, 0 skipped, 1 failed",
        report={
            "failures": ["library.json:12:x1: no title"],
            "warnings": ["library.json:3:k: kept the editor's title"],
        },
        changes=[
            {
                "entry": "library.json:3:k",
                "changes": [{"field": "volume", "old": "99", "new": "100"}],
                "kept": [{"field": "title", "old": "Mine", "new": "Theirs"}],
            }
        ],
    )
    page = editor_client.get(
        reverse("admin:publications_importrun_change", args=[run.pk])
    )
    text = page.text
    assert "Imported library.json" in text
    assert "library.json:12:x1: no title" in text
    assert "<td>volume</td><td>99</td><td>100</td>" in text
    assert "kept the editor's value (source: Theirs)" in text
    assert "1 warning" in text


@override_settings(TASKS=DATABASE_TASKS)
def test_upload_dry_run_runs_in_the_background_then_offers_the_import(
    editor_client, transactional_db
):
    path = DATA / "ris" / "mixed-export.ris"
    response = upload(editor_client, path)
    preview = ImportRun.objects.get()
    assert (preview.dry_run, preview.state) == (True, "queued")
    assert preview.task_id
    # Nothing was read in the request: the page waits for the worker.
    assert "Waiting for the background worker" in response.text
    assert 'name="confirm"' not in response.text
    call_command("db_worker", batch=True, startup_delay=False, reload=False)
    preview.refresh_from_db()
    assert (preview.state, preview.created) == ("done", 5)
    page = editor_client.get(response.request["PATH_INFO"], {"preview": preview.pk})
    assert "What importing mixed-export.ris would do" in page.text
    assert 'name="confirm"' in page.text
    assert Publication.objects.count() == 0
    editor_client.post(reverse(IMPORT), {"confirm": "1"})
    call_command("db_worker", batch=True, startup_delay=False, reload=False)
    assert Publication.objects.count() == 5


def test_a_preview_that_is_not_the_editors_pending_upload_is_refused(
    editor_client,
):
    other = ImportRun.objects.create(
        source=ImportRun.Source.FILES, description="theirs.bib", dry_run=True
    )
    for preview in [str(other.pk), "nonsense"]:
        response = editor_client.get(reverse(IMPORT), {"preview": preview}, follow=True)
        assert "That upload has expired" in response.text
        assert 'name="confirm"' not in response.text
