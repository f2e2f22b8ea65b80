"""The Cite block in a browser: switch the citation style, copy the text."""

import pytest

from publications.models import Publication

pytestmark = [pytest.mark.browser]


def test_style_switch_and_copy_button(page):
    publication = Publication.objects.filter(authorships__isnull=False).first()
    page.goto(publication.get_absolute_url())
    text = page.locator(".cite-block__text")
    assert text.get_attribute("data-style") == "apa"
    page.select_option("select[name=style]", "ieee")
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state("load")
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


def test_choosing_a_style_shows_it_without_pressing_show(page):
    publication = Publication.objects.filter(authorships__isnull=False).first()
    page.goto(publication.get_absolute_url())
    with page.expect_navigation():
        page.select_option("select[name=style]", "vancouver")
    assert "style=vancouver" in page.url
    text = page.locator(".cite-block__text")
    assert text.get_attribute("data-style") == "vancouver"
    assert page.watch.take() == []
