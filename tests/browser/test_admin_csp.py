"""The admin and markdownx's editor keep working in Chromium under the CSP."""

import pytest

from people.models import Person
from publications.models import Publication

pytestmark = [pytest.mark.browser]


def problems(page):
    """Console errors (CSP violations show up here) and failed requests.

    The admin's pages name no favicon, so the browser's guess at /favicon.ico
    is a 404 that says nothing about the page.
    """
    return [e for e in page.watch.take() if "favicon.ico" not in e]


def test_markdownx_preview_works_and_stays_sanitized_under_the_csp(admin_page):
    publication = Publication.objects.create(title="Paper", slug="paper", year=2024)
    admin_page.goto(f"/admin/publications/publication/{publication.pk}/change/")
    editor = admin_page.locator("textarea#id_abstract")
    editor.fill("**bold** <script>window.pwned = 1</script>")
    editor.dispatch_event("input")
    preview = admin_page.locator("#id_abstract").locator(
        "xpath=ancestor::div[@class='markdownx']//div[@class='markdownx-preview']"
    )
    preview.locator("strong").wait_for(timeout=10000)
    assert preview.locator("strong").inner_text() == "bold"
    assert "<script" not in preview.inner_html()
    assert admin_page.evaluate("window.pwned") is None
    assert problems(admin_page) == []


def test_admin_scripts_run_under_the_csp(admin_page):
    admin_page.goto("/admin/people/person/add/")
    # The admin's jquery.init.js defines django.jQuery: it only does when the
    # admin's JavaScript is allowed to run.
    assert admin_page.evaluate("typeof window.django.jQuery") == "function"
    # The slug is left blank: the server makes it (no prepopulate script).
    admin_page.fill("#id_full_name", "Grace Hopper")
    assert admin_page.input_value("#id_slug") == ""
    admin_page.click("input[name=_save]")
    admin_page.wait_for_url("**/admin/people/person/")
    assert Person.objects.get(full_name="Grace Hopper").slug == "grace-hopper"
    assert problems(admin_page) == []
