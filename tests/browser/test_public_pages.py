import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from people.models import Person
from publications.models import Publication
from research.models import ResearchTheme
from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser]

SERIOUS = {"serious", "critical"}


def public_pages():
    """(name, path) of every public page of the demo."""
    pages = [
        ("home", reverse("home")),
        ("research", reverse("research:list")),
        ("people", reverse("people:list")),
        ("publications", reverse("publications:list")),
        ("search", reverse("search") + "?q=transformer"),
    ]
    pages += [
        (f"theme-{t.slug}", t.get_absolute_url())
        for t in ResearchTheme.objects.active()
    ]
    pages += [(f"person-{p.slug}", p.get_absolute_url()) for p in Person.objects.all()]
    pages += [
        (f"publication-{p.slug}", p.get_absolute_url())
        for p in Publication.objects.all()
    ]
    return pages


def main_pages():
    theme = ResearchTheme.objects.active().filter(description__contains="[@").first()
    person = Person.objects.current().filter(role=Person.Role.PI).first()
    publication = Publication.objects.exclude(abstract="").first()
    return [
        ("home", reverse("home")),
        ("research", reverse("research:list")),
        ("theme", theme.get_absolute_url()),
        ("people", reverse("people:list")),
        ("person", person.get_absolute_url()),
        ("publications", reverse("publications:list")),
        ("publication", publication.get_absolute_url()),
        ("search", reverse("search") + "?q=transformer"),
    ]


def test_every_public_page_loads_without_errors(page):
    problems = {}
    for name, path in public_pages():
        response = page.goto(path, wait_until="load")
        assert response.status == 200, path
        errors = page.watch.take()
        if errors:
            problems[name] = errors
    assert problems == {}
    for name, path in main_pages():
        page.goto(path, wait_until="load")
        screenshot(page, name)
    assert page.watch.take() == []


def test_main_pages_have_no_serious_accessibility_violations(page):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    found = {}
    pages = [
        (scheme, name, path)
        for scheme in ("light", "dark")
        for name, path in main_pages()
    ]
    for scheme, name, path in pages:
        page.emulate_media(color_scheme=scheme)
        page.goto(path, wait_until="load")
        violations = axe.run(page).response["violations"]
        serious = [
            f"{v['id']} ({v['impact']}): {v['help']} — "
            + "; ".join(node["target"][0] for node in v["nodes"][:3])
            for v in violations
            if v["impact"] in SERIOUS
        ]
        if serious:
            found[f"{name} ({scheme})"] = serious
    assert found == {}


def test_citations_and_math_show_on_the_home_page(page):
    page.goto(reverse("home"))
    citation = page.locator(".cite a").first
    assert re.fullmatch(r"\d+", citation.inner_text())
    href = citation.get_attribute("href")
    citation.click()
    if href.startswith("#"):
        assert page.url.endswith(href)
        assert page.locator(href).first.is_visible()
    else:
        page.wait_for_load_state("load")
        assert page.url.endswith(href)


def test_math_is_typeset_by_the_browser(page):
    publication = Publication.objects.filter(abstract__contains="$").first()
    page.goto(publication.get_absolute_url())
    formula = page.locator(".prose math").first
    # MathML is laid out by Chromium itself: the formula takes up real space and
    # its TeX source is not shown as text.
    box = formula.bounding_box()
    assert box["width"] > 0
    assert box["height"] > 0
    assert "$" not in page.locator(".prose").first.inner_text()


def test_filters_combine_by_clicking(page):
    page.goto(reverse("publications:list"))
    year = page.locator("select[name=year] option").nth(1).get_attribute("value")
    page.select_option("select[name=year]", year)
    page.get_by_role("button", name="Filter").click()
    page.wait_for_load_state("load")
    assert f"year={year}" in page.url
    years = page.locator(".pub .pub-venue").all_inner_texts()
    assert years
    assert all(year in text for text in years)
    # Types with no paper in that year are offered disabled; pick one that has.
    disabled = page.locator("select[name=type] option[disabled]").all_inner_texts()
    assert all(text.endswith("(0)") for text in disabled)
    kind = page.locator("select[name=type] option:not([value='']):not([disabled])")
    page.select_option("select[name=type]", kind.first.get_attribute("value"))
    page.get_by_role("button", name="Filter").click()
    page.wait_for_load_state("load")
    assert f"year={year}" in page.url
    assert "type=" in page.url
    assert page.locator(".pub").count() > 0
    assert page.watch.take() == []


def test_search_by_typing_in_the_header(page):
    page.goto(reverse("home"))
    box = page.get_by_role("searchbox", name="Search publications, people and themes")
    box.fill("transformer")
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q=transformer"))
    titles = page.locator(".search-hit__title").all_inner_texts()
    assert titles
    assert "transformer" in titles[0].lower()
    page.locator(".search-hit__title").first.click()
    page.wait_for_load_state("load")
    assert page.locator("h1").inner_text().lower().count("transformer") >= 1
    assert page.watch.take() == []


def test_admin_live_preview_renders_citation_and_math(page, live_server):
    user = get_user_model().objects.create_superuser(
        "browser-editor", "editor@example.org", "a long browser password"
    )
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "url": live_server.url,
            }
        ]
    )
    cited = Publication.objects.exclude(bibtex_key="").first()
    key = cited.bibtex_key
    theme = ResearchTheme.objects.first()
    page.goto(reverse("admin:research_researchtheme_change", args=[theme.pk]))
    editor = page.locator("textarea[name=description]")
    editor.fill(f"As shown [@{key}], $x^2 + y_1$ holds; [@no-such-key] does not.")
    preview = page.locator(".markdownx-preview").first
    # The preview first shows the saved text; wait for the typed one.
    preview.locator("mark.cite-error").wait_for(timeout=10_000)
    assert "no-such-key" in preview.locator("mark.cite-error").inner_text()
    # The preview shows the paper's stored number, as every page does.
    assert preview.locator(".cite a").first.inner_text() == cited.number_label
    assert preview.locator("math msup").count() == 1
    assert preview.locator(".references li").count() == 1
