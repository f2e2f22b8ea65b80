import xml.etree.ElementTree as ET

from django.urls import reverse

from site_config.search import search

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def test_search_finds_posts_talks_and_courses(make_post, make_talk, make_course):
    post = make_post("Quasar workshop announced", body="Details follow.")
    talk = make_talk("A talk", event="Quasar Days")
    course = make_course("Quasar Physics", code="PHY 101")
    hits = search("quasar")
    assert {hit.kind for hit in hits} == {"news", "talk", "course"}
    assert {hit.url for hit in hits} == {
        post.get_absolute_url(),
        talk.get_absolute_url(),
        course.get_absolute_url(),
    }
    # Title hits rank above a hit in the event name.
    assert hits[-1].object == talk


def test_search_page_links_to_a_news_post(client, make_post):
    post = make_post("Zebrafish news")
    html = client.get(reverse("search") + "?q=zebrafish").text
    assert post.get_absolute_url() in html


def test_sitemap_lists_news_pages(client, make_post, make_talk, make_course):
    post = make_post("Sitemap post")
    make_post("Older post", date="2021-05-01")
    talk = make_talk("Sitemap talk")
    course = make_course("Sitemap course")
    root = ET.fromstring(client.get(reverse("sitemap")).content)
    locations = {loc.text for loc in root.iter(f"{SITEMAP}loc")}
    for path in (
        post.get_absolute_url(),
        talk.get_absolute_url(),
        course.get_absolute_url(),
        reverse("news:list"),
        reverse("news:year", args=[post.date.year]),
        reverse("news:year", args=[2021]),
        reverse("talks:list"),
        reverse("teaching:list"),
    ):
        assert f"http://testserver{path}" in locations
