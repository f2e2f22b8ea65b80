"""The sections of issue 14 in Chromium: news, talks, teaching, software,
funding and CV pages load cleanly at desktop and phone widths, pass axe in
light and dark, print the CV, and the light/dark/system switch works."""

import pytest
from django.urls import reverse

from news.models import Course, NewsPost, Talk
from people.models import Person
from tests.browser.conftest import DESKTOP, PHONE, screenshot

pytestmark = [pytest.mark.browser]

SERIOUS = {"serious", "critical"}


def section_pages():
    post = NewsPost.objects.order_by("-date").first()
    talk = Talk.objects.upcoming().first()
    course = Course.objects.first()
    pi = Person.objects.current().filter(role=Person.Role.PI).first()
    return [
        ("news", reverse("news:list")),
        ("news-post", post.get_absolute_url()),
        ("talks", reverse("talks:list")),
        ("talk", talk.get_absolute_url()),
        ("teaching", reverse("teaching:list")),
        ("course", course.get_absolute_url()),
        ("software", reverse("software:list")),
        ("funding", reverse("funding:list")),
        ("cv", reverse("person_cv", kwargs={"slug": pi.slug})),
    ]


def test_section_pages_load_cleanly_and_fit_a_phone(page):
    problems, too_wide = {}, {}
    for name, path in section_pages():
        response = page.goto(path, wait_until="load")
        assert response.status == 200, path
        errors = page.watch.take()
        if errors:
            problems[name] = errors
        screenshot(page, f"section-{name}")
    page.set_viewport_size(PHONE)
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        for name, path in [*section_pages(), ("home", reverse("home"))]:
            page.goto(path, wait_until="load")
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                too_wide[f"{name} ({scheme})"] = width
    assert problems == {}
    assert too_wide == {}


def test_section_pages_have_no_serious_accessibility_violations(page):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    found = {}
    for width, scheme in (
        ("desktop", "light"),
        ("desktop", "dark"),
        ("phone", "light"),
    ):
        page.set_viewport_size(PHONE if width == "phone" else DESKTOP)
        page.emulate_media(color_scheme=scheme)
        for name, path in section_pages():
            page.goto(path, wait_until="load")
            violations = axe.run(page).response["violations"]
            serious = [
                f"{v['id']} ({v['impact']}): {v['help']} — "
                + "; ".join(node["target"][0] for node in v["nodes"][:3])
                for v in violations
                if v["impact"] in SERIOUS
            ]
            if serious:
                found[f"{name} ({width}, {scheme})"] = serious
    assert found == {}


def _background_is_dark(page):
    colour = page.evaluate("getComputedStyle(document.body).backgroundColor")
    return max(int(n) for n in colour[colour.index("(") + 1 : -1].split(",")) < 60


def test_theme_switch_is_remembered_and_applied_before_the_body_exists(page):
    # Record the theme at the moment <body> first appears, before any of it
    # can be painted: a flash would show up as a missing attribute here.
    page.context.add_init_script(
        "new MutationObserver((_, observer) => { if (document.body) {"
        " window.__themeAtBody = document.documentElement.getAttribute('data-theme');"
        " observer.disconnect(); } })"
        ".observe(document, {childList: true, subtree: true});"
    )
    page.emulate_media(color_scheme="light")
    response = page.goto(reverse("home"))
    policy = response.headers["content-security-policy"]
    assert "unsafe-inline" not in policy
    switch = page.get_by_label("Theme", exact=True)
    assert switch.is_visible()
    assert switch.input_value() == "system"
    assert not _background_is_dark(page)
    switch.select_option("dark")
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    assert _background_is_dark(page)
    page.goto(reverse("talks:list"))
    assert page.evaluate("window.__themeAtBody") == "dark"
    assert page.get_by_label("Theme", exact=True).input_value() == "dark"
    assert _background_is_dark(page)
    # An explicit light choice wins over a dark system preference.
    page.get_by_label("Theme", exact=True).select_option("light")
    page.emulate_media(color_scheme="dark")
    page.reload()
    assert page.evaluate("window.__themeAtBody") == "light"
    assert not _background_is_dark(page)
    # Back to the system: the attribute goes and the system's dark shows.
    page.get_by_label("Theme", exact=True).select_option("system")
    assert page.evaluate("document.documentElement.hasAttribute('data-theme')") is False
    assert _background_is_dark(page)
    assert page.watch.take() == []


def test_without_scripts_the_site_follows_the_system_and_hides_the_switch(
    browser, live_server, demo
):
    context = browser.new_context(
        java_script_enabled=False, color_scheme="dark", base_url=live_server.url
    )
    page = context.new_page()
    page.goto(reverse("news:list"))
    assert not page.locator("[data-theme-switch]").is_visible()
    assert _background_is_dark(page)
    context.close()


def test_cv_prints_without_navigation(page):
    pi = Person.objects.current().filter(role=Person.Role.PI).first()
    page.goto(reverse("person_cv", kwargs={"slug": pi.slug}))
    page.emulate_media(media="print")
    for selector in (".site-nav", ".site-search", ".theme-switch", ".breadcrumb"):
        assert not page.locator(selector).first.is_visible(), selector
    for heading in (
        "cv-positions-heading",
        "cv-education-heading",
        "cv-grants-heading",
        "cv-publications-heading",
        "cv-talks-heading",
        "cv-teaching-heading",
    ):
        assert page.locator(f"#{heading}").is_visible(), heading
    assert not _background_is_dark(page)
    assert page.pdf(format="A4")[:4] == b"%PDF"
