"""One number per paper on the demo, in Chromium (issue 12): every citation and
reference on the home page, /research/, a theme page and a person page shows
the number the publications list gives the same paper, and clicking a citation
lands on the paper with that number."""

import re

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.browser]

# The seed's research-interests outline (../shared/seed/research-page.txt).
SEED_OUTLINE = {
    "Expressivity": ["8", "12"],
    "Optimization": ["2", "4", "11", "12"],
    "Implicit Bias": ["3", "5", "9", "10", "11", "4", "6"],
    "Generalization": ["1"],
    "Algorithm Design": ["10", "6", "10"],
    "Transformers and Large Language Models": ["8", "10", "12"],
    "Expressive Power": ["8", "12", "12"],
    "Non-convex and Convex Optimization": ["2", "4", "6", "10", "11", "12"],
    "Convex Optimization in ML": ["6"],
    "Non-convex Optimization in ML": ["2", "4", "10", "11", "12"],
    "Vision and Language": ["7"],
}

# Every citation and reference on a page: its number and where it leads. A
# link to a list item on the same page (#pub-<pk>) is followed to that item's
# title link, so both kinds compare with the publications list.
CITED = """() => {
  const out = [];
  const target = (a) => {
    const href = a.getAttribute("href");
    if (!href.startsWith("#")) return new URL(href, location.href).pathname;
    const item = document.getElementById(href.slice(1));
    return item ? new URL(item.querySelector(".pub-title").href).pathname : null;
  };
  for (const a of document.querySelectorAll(".cite a")) {
    out.push(["citation", a.textContent.trim(), target(a)]);
  }
  for (const li of document.querySelectorAll(".references li")) {
    const number = li.querySelector(".ref-number").textContent.trim();
    out.push(["reference", number.slice(1, -1), target(li.querySelector("a"))]);
  }
  for (const li of document.querySelectorAll("li.pub")) {
    const number = li.querySelector(".pub-number");
    if (number) {
      const text = number.textContent.trim();
      out.push(["item", text.slice(1, -1), target(li.querySelector(".pub-title"))]);
    }
  }
  return out;
}"""

OUTLINE = """() => Array.from(document.querySelectorAll(".theme-tree__item")).map(
  (item) => [
    item.querySelector(".theme-tree__title").textContent.trim(),
    Array.from(
      item.querySelectorAll(":scope > .theme-tree__description .cite a")
    ).map((a) => a.textContent.trim()),
  ]
)"""


def _list_numbers(page):
    page.goto(reverse("publications:list"))
    numbers = {}
    for kind, number, path in page.evaluate(CITED):
        assert kind == "item"
        numbers[path] = number
    return numbers


def test_citation_numbers_match_the_list_on_every_page(page):
    numbers = _list_numbers(page)
    # 12 papers, 4 preprints, 3 software and data, each numbered once.
    assert len(numbers) == 19
    assert sorted(n for n in numbers.values() if n.isdigit()) == sorted(
        str(n) for n in range(1, 13)
    )
    assert sorted(n for n in numbers.values() if n.startswith("P")) == [
        "P1",
        "P2",
        "P3",
        "P4",
    ]
    pages = {
        "home": reverse("home"),
        "research": reverse("research:list"),
        "theme": reverse("research:detail", kwargs={"slug": "implicit-bias"}),
        "person": reverse("people:detail", kwargs={"slug": "shulan-wen"}),
    }
    for name, path in pages.items():
        page.goto(path)
        shown = page.evaluate(CITED)
        assert any(kind == "citation" for kind, *_ in shown), name
        for kind, number, target in shown:
            assert target in numbers, (name, kind, number, target)
            assert numbers[target] == number, (name, kind, target)
        assert page.watch.take() == []


def test_home_outline_cites_the_seeds_numbers(page):
    page.goto(reverse("home"))
    outline = dict(page.evaluate(OUTLINE))
    for title, cited in SEED_OUTLINE.items():
        assert outline[title] == cited, title


def _click_citation_and_check_landing(page, number, title):
    """Click the outline's first citation [number]; the place it lands on
    shows that number and that paper, whether a list item on the same page
    or the paper's own page."""
    page.goto(reverse("home"))
    link = page.locator(".theme-tree .cite a", has_text=re.compile(rf"^{number}$"))
    href = link.first.get_attribute("href")
    link.first.click()
    if href.startswith("#"):
        page.wait_for_url(re.compile(rf"{href}$"))
        item = page.locator(f"{href}")
        assert item.locator(".pub-number").inner_text() == f"[{number}]"
        assert item.locator(".pub-title").inner_text().startswith(title)
        return "item"
    page.wait_for_url(re.compile(r"/publications/[^/]+/$"))
    assert page.locator("h1").inner_text().startswith(title)
    assert f"[{number}]" in page.locator(".facts").inner_text()
    return "page"


def test_clicking_a_citation_on_home_lands_on_the_paper_with_that_number(page):
    # [11] is among the home page's recent papers: the citation goes to the item.
    assert _click_citation_and_check_landing(page, 11, "Escaping Saddles") == "item"
    # [1] is not listed there: the citation opens the paper's own page.
    landed = _click_citation_and_check_landing(page, 1, "A Path-Norm Capacity Bound")
    assert landed == "page"
    assert page.watch.take() == []
