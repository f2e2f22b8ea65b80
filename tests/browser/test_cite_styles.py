"""The Cite block in a browser: switch the citation style, copy the text."""

import pytest

from publications.models import Publication

pytestmark = [pytest.mark.browser]


def test_style_switch_and_copy_button(page):
    publication = Publication.objects.filter(authorships__isnull=False).first()
    page.goto(publication.get_absolute_url())
    text = page.locator(".cite-block__text")
    assert text.get_attribute("data-style") == "apa"
    # Choosing a style sends the form (scholarly.js); the Show button does the
    # same without JavaScript.
    with page.expect_navigation():
        page.select_option("select[name=style]", "ieee")
    assert "style=ieee" in page.url
    assert page.locator(".cite-block__text").get_attribute("data-style") == "ieee"
    # IEEE puts the title in quotes; no doubled punctuation or TeX reaches it.
    cited = page.locator(".cite-block__text").inner_text()
    assert "“" in cited
    assert "$" not in cited
    assert "\\" not in cited
    button = page.get_by_role("button", name="Copy citation")
    assert button.is_visible()
    button.click()
    status = page.locator(".cite-block .copy-status")
    status.wait_for(state="attached")
    page.wait_for_function(
        "document.querySelector('.cite-block .copy-status').textContent !== ''"
    )
    assert status.text_content() in {"Copied", "Select and copy by hand"}
    assert page.watch.take() == []


def test_the_show_button_switches_the_style_without_javascript(
    browser, live_server, demo
):
    publication = Publication.objects.filter(authorships__isnull=False).first()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + publication.get_absolute_url())
    page.select_option("select[name=style]", "vancouver")
    with page.expect_navigation():
        page.get_by_role("button", name="Show").click()
    assert "style=vancouver" in page.url
    text = page.locator(".cite-block__text")
    assert text.get_attribute("data-style") == "vancouver"
    context.close()
