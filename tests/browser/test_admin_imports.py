"""The admin's imports in Chromium: upload any format, add by DOI or arXiv id,
and watch a background import's progress bar turn into its report."""

import pytest
from django.core.management import call_command
from django.test import override_settings

from publications.models import ImportRun, Publication
from tests.browser.conftest import screenshot
from tests.browser.test_admin_csp import problems
from tests.publications.sources.conftest import (  # noqa: F401
    DATA,
    ORCID,
    recorded,
    replay,
)

pytestmark = [pytest.mark.browser]

DATABASE_TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
}


def test_upload_ris_check_then_import(admin_page):
    admin_page.goto("/admin/publications/publication/")
    admin_page.click("text=Import BibTeX, CSL-JSON or RIS")
    admin_page.set_input_files("#id_file", str(DATA / "ris" / "mixed-export.ris"))
    admin_page.click("input[value='Check the file']")
    admin_page.get_by_text("What importing mixed-export.ris would do").wait_for()
    assert Publication.objects.count() == 0
    admin_page.click("input[name=confirm]")
    admin_page.get_by_text("Imported mixed-export.ris").wait_for()
    assert Publication.objects.count() == 5
    admin_page.click("text=Back to the publications")
    admin_page.click("text=Import history")
    admin_page.get_by_text("mixed-export.ris").first.wait_for()
    assert problems(admin_page) == []


@override_settings(TASKS=DATABASE_TASKS)
def test_upload_dry_run_shows_progress_then_its_report_and_the_import_button(
    admin_page,
):
    # As below: the browser's status polls are answered here until the worker
    # (run in the test's process) has finished the dry run.
    status = {"state": "queued", "finished": False, "percent": 0, "done": 0}
    status.update(total=0, step="", summary="", error="")
    admin_page.route("**/status/", lambda route: route.fulfill(json=status))
    admin_page.goto("/admin/publications/publication/")
    admin_page.click("text=Import BibTeX, CSL-JSON or RIS")
    admin_page.set_input_files("#id_file", str(DATA / "ris" / "mixed-export.ris"))
    admin_page.click("input[value='Check the file']")
    admin_page.get_by_text("Waiting for the background worker").wait_for()
    assert admin_page.locator("input[name=confirm]").count() == 0
    preview = ImportRun.objects.get()
    assert (preview.dry_run, preview.state) == (True, "queued")
    call_command("db_worker", batch=True, startup_delay=False, reload=False)
    status.update(state="done", finished=True, percent=100)
    admin_page.get_by_text("What importing mixed-export.ris would do").wait_for(
        timeout=15000
    )
    assert "5 created" in admin_page.locator(".import-summary").inner_text()
    assert Publication.objects.count() == 0
    screenshot(admin_page, "admin-import-dry-run")
    status.update(state="queued", finished=False, percent=0)
    admin_page.click("input[name=confirm]")
    admin_page.get_by_text("Importing mixed-export.ris").wait_for()
    call_command("db_worker", batch=True, startup_delay=False, reload=False)
    assert Publication.objects.count() == 5
    assert problems(admin_page) == []


@override_settings(TASKS=DATABASE_TASKS)
def test_add_by_identifier_shows_progress_until_the_worker_is_done(
    admin_page,
    recorded,  # noqa: F811
):
    # The in-memory test database cannot take the page's status polls while the
    # worker writes, so the browser's polls are answered here, as the status
    # view would answer them, until the worker has finished.
    status = {"state": "running", "finished": False, "percent": 40, "done": 1}
    status.update(total=2, step="DOI", summary="", error="")
    admin_page.route("**/status/", lambda route: route.fulfill(json=status))
    admin_page.goto("/admin/publications/publication/")
    admin_page.click("text=Add by DOI or arXiv id")
    admin_page.fill(
        "#id_identifiers", "https://doi.org/10.1145/3600006.3613165, arXiv:2401.01234"
    )
    admin_page.click("input[value='Add']")
    admin_page.get_by_text("Waiting for the background worker").wait_for()
    run = ImportRun.objects.get()
    assert run.state == "queued"
    bar = admin_page.locator("#import-progress progress")
    admin_page.get_by_text("DOI 1/2").wait_for()
    assert bar.get_attribute("value") == "40"
    assert bar.is_visible()
    screenshot(admin_page, "admin-import-running")
    # The worker takes the queued task (here, in the test's own process so the
    # recorded answers stand in for Crossref and arXiv).
    call_command("db_worker", batch=True, startup_delay=False, reload=False)
    run.refresh_from_db()
    assert run.state == "done"
    status.update(state="done", finished=True, percent=100)
    admin_page.get_by_text("Imported doi:10.1145/3600006.3613165").wait_for(
        timeout=15000
    )
    assert (
        admin_page.locator(".import-summary")
        .inner_text()
        .startswith("2 entries: 2 created")
    )
    screenshot(admin_page, "admin-import-done")
    assert Publication.objects.count() == 2
    assert problems(admin_page) == []


def test_sync_from_orcid_by_clicking(admin_page, recorded, make_person):  # noqa: F811
    person = make_person("Josiah Carberry", orcid=ORCID)
    admin_page.goto("/admin/publications/publication/")
    admin_page.click("text=Sync from ORCID")
    row = admin_page.locator("tr", has_text="Josiah Carberry")
    assert "never" in row.inner_text()
    admin_page.click("input[value='Sync']")
    admin_page.get_by_text("Imported Josiah Carberry").wait_for()
    summary = admin_page.locator(".import-summary").inner_text()
    assert summary.startswith("4 entries: 4 created")
    person.refresh_from_db()
    assert person.orcid_synced_at is not None
    admin_page.goto("/admin/publications/publication/sync-orcid/")
    row = admin_page.locator("tr", has_text="Josiah Carberry")
    assert "never" not in row.inner_text()
    assert problems(admin_page) == []
