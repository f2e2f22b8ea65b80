"""Playwright driving Debian's Chromium against pytest-django's live server.

Playwright's sync API runs an event loop in this thread; Django would then refuse
ORM calls from the test code, which is safe here (one thread, no real async).
"""

import mimetypes
import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("LABSITE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def browser():
    if not (Path(CHROMIUM).is_file() or shutil.which(CHROMIUM)):
        pytest.skip(
            f"Chromium not found at {CHROMIUM}; install Debian's chromium or set "
            "LABSITE_CHROMIUM to its path."
        )
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def demo(transactional_db, settings, tmp_path):
    """The demo group in the database, its photos in a throwaway media folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_demo", verbosity=0)
    return settings.MEDIA_ROOT


class PageWatch:
    """Console errors and failed requests seen by one page."""

    def __init__(self, page):
        self.page = page
        self.errors = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        page.on("requestfailed", self._failed)
        page.on("response", self._response)

    def _console(self, message):
        if message.type == "error":
            self.errors.append(f"console: {message.text} at {message.location}")

    def _failed(self, request):
        # Leaving a page cancels what it still loads (a favicon, say); that is
        # the browser's doing. A missing file shows up as an HTTP error instead.
        if request.failure == "net::ERR_ABORTED":
            return
        self.errors.append(f"request failed: {request.url} ({request.failure})")

    def _response(self, response):
        if response.status >= 400:
            self.errors.append(f"HTTP {response.status}: {response.url}")

    def take(self):
        errors, self.errors = self.errors, []
        return errors


def _serve_media(media_root):
    """Answer /media/ requests from disk, as the production web server does."""

    def handle(route):
        path = route.request.url.split("/media/", 1)[1].split("?", 1)[0]
        file = (Path(media_root) / path).resolve()
        if Path(media_root).resolve() not in file.parents or not file.is_file():
            route.fulfill(status=404, body="not found")
            return
        content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        route.fulfill(status=200, body=file.read_bytes(), content_type=content_type)

    return handle


@pytest.fixture
def page(browser, live_server, demo):
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url)
    context.route("**/media/**", _serve_media(demo))
    page = context.new_page()
    page.watch = PageWatch(page)
    yield page
    context.close()


@pytest.fixture
def admin_page(browser, live_server, transactional_db):
    """A page signed in to the admin as a superuser ("editor")."""
    get_user_model().objects.create_superuser("editor", "e@example.org", "pw-12345")
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url)
    page = context.new_page()
    page.watch = PageWatch(page)
    page.goto("/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "pw-12345")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    yield page
    context.close()


def screenshot(page, name):
    """Full-page screenshots at desktop and phone widths, for review."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for label, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        page.screenshot(path=SCREENSHOTS / f"{name}-{label}.png", full_page=True)
    page.set_viewport_size(DESKTOP)
