"""Layout checks a designer would otherwise do by eye: phones, print, focus, dark."""

import pytest
from django.urls import reverse

from people.models import Person
from publications.models import Publication
from research.models import ResearchTheme
from tests.browser.conftest import PHONE

pytestmark = [pytest.mark.browser]


def _layout_pages():
    theme = ResearchTheme.objects.active().first()
    person = Person.objects.current().filter(role=Person.Role.PI).first()
    publication = Publication.objects.exclude(abstract="").first()
    return [
        reverse("home"),
        reverse("research:list"),
        theme.get_absolute_url(),
        reverse("people:list"),
        person.get_absolute_url(),
        reverse("publications:list"),
        reverse("publications:list") + "?selected=1&type=conference",
        publication.get_absolute_url(),
        reverse("search") + "?q=transformer",
        "/no-such-page/",
    ]


def test_no_page_scrolls_sideways_on_a_phone(page):
    page.set_viewport_size(PHONE)
    too_wide = {}
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        for path in _layout_pages():
            page.goto(path, wait_until="load")
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                too_wide[f"{path} ({scheme})"] = width
    assert too_wide == {}


def test_filter_bar_is_two_tidy_columns_on_a_phone_and_one_row_on_a_desktop(page):
    page.set_viewport_size(PHONE)
    page.goto(reverse("publications:list"))
    box = {
        name: page.locator(f"select[name={name}]").bounding_box()
        for name in ("year", "type", "theme", "person", "status")
    }
    # Year and type share a row, the long theme names get a row of their own.
    assert box["year"]["y"] == box["type"]["y"]
    assert box["year"]["x"] < box["type"]["x"]
    assert box["theme"]["y"] > box["year"]["y"]
    assert box["theme"]["width"] > 1.8 * box["year"]["width"]
    assert box["person"]["y"] == box["status"]["y"] > box["theme"]["y"]
    for name, rect in box.items():
        assert rect["x"] >= 0, name
        assert rect["x"] + rect["width"] <= PHONE["width"], name
        # Big enough to hit with a thumb.
        assert rect["height"] >= 32, name
    button = page.get_by_role("button", name="Filter").bounding_box()
    assert button["height"] >= 32

    # On a desktop the choices line up in one row.
    page.set_viewport_size({"width": 1280, "height": 900})
    tops = {
        page.locator(f"select[name={name}]").bounding_box()["y"]
        for name in ("year", "type", "theme", "person", "status")
    }
    assert len(tops) == 1


def test_open_abstract_sits_below_the_whole_button_row(page):
    for viewport in (PHONE, {"width": 1280, "height": 900}):
        page.set_viewport_size(viewport)
        page.goto(reverse("publications:list"))
        item = page.locator(".pub", has=page.locator(".pub-abstract")).first
        item.locator(".pub-abstract summary").click()
        text = item.locator(".pub-abstract__text")
        assert text.is_visible()
        buttons = item.locator(".pub-actions > .btn").all()
        assert buttons
        summary = item.locator(".pub-abstract summary").bounding_box()
        text_top = text.bounding_box()["y"]
        for button in buttons:
            rect = button.bounding_box()
            assert rect["y"] + rect["height"] <= text_top, viewport
        # On a desktop the abstract button stays on the row with the others.
        if viewport["width"] > 1000:
            assert buttons[0].bounding_box()["y"] == summary["y"]


def test_publications_print_as_a_plain_numbered_list(page):
    page.goto(reverse("publications:list"))
    page.emulate_media(media="print")
    hidden = [
        ".site-nav",
        ".site-search",
        ".filter-bar",
        ".pub-actions",
        ".chart",
        ".result-summary",
        ".badge",
    ]
    for selector in hidden:
        assert not page.locator(selector).first.is_visible(), selector
    first = page.locator(".pub").first
    assert first.locator(".pub-number").is_visible()
    assert first.locator(".pub-title").is_visible()
    # The number hangs in the margin: wrapped lines start under the title.
    indent = first.evaluate("e => getComputedStyle(e).textIndent")
    assert indent.startswith("-")
    assert page.pdf(format="A4")[:4] == b"%PDF"


def test_keyboard_focus_is_outlined_in_light_and_dark_schemes(page):
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        page.goto(reverse("publications:list"))
        seen = set()
        for _ in range(40):
            page.keyboard.press("Tab")
            style = page.evaluate(
                "() => { const e = document.activeElement;"
                " const s = getComputedStyle(e);"
                " return [e.tagName, e.className, s.outlineStyle, s.outlineWidth]; }"
            )
            tag, classes, outline, width = style
            assert outline != "none", (scheme, tag, classes)
            assert float(width.removesuffix("px")) >= 2, (scheme, tag, classes)
            seen.add(tag)
        assert {"A", "SELECT", "BUTTON", "SUMMARY"} <= seen
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        darkest = max(int(n) for n in background[4:-1].split(","))
        assert (darkest < 60) == (scheme == "dark"), background


WIDE_LAPTOP = {"width": 1366, "height": 768}


def test_type_badges_stay_on_one_line_at_1366_px(page):
    Publication.objects.create(
        title="A conference paper without a venue badge",
        kind=Publication.Kind.CONFERENCE,
        year=2024,
    )
    page.set_viewport_size(WIDE_LAPTOP)
    page.goto(reverse("publications:list") + "?type=conference")
    rows = page.evaluate(
        """() => [...document.querySelectorAll('.pub .badge')].map(b => {
            const style = getComputedStyle(b);
            const one = parseFloat(style.lineHeight) + parseFloat(style.paddingTop)
                + parseFloat(style.paddingBottom);
            return [b.textContent, b.getBoundingClientRect().height, one];
        })"""
    )
    assert "Conference paper" in [text for text, _height, _one in rows]
    for text, height, one_line in rows:
        assert height < 1.5 * one_line, f"{text!r} is {height}px high"


def test_inline_math_never_leaves_its_full_stop_on_the_next_line(page):
    paper = Publication.objects.create(
        title="Regret of order $O(1/\\sqrt{T})$.", year=2024
    )
    page.goto(paper.get_absolute_url())
    measure = """() => {
        const span = document.querySelector('h1 .math-nowrap');
        const range = document.createRange();
        range.selectNodeContents(span.lastChild);
        const math = span.querySelector('math').getBoundingClientRect();
        const stop = range.getBoundingClientRect();
        return [math.top, math.bottom, stop.top, stop.bottom];
    }"""
    for width in range(300, 760, 7):
        page.set_viewport_size({"width": width, "height": 800})
        math_top, math_bottom, stop_top, stop_bottom = page.evaluate(measure)
        # The full stop sits on the formula's line: their boxes overlap.
        assert stop_top < math_bottom, width
        assert stop_bottom > math_top, width
