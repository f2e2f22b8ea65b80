import datetime
import xml.etree.ElementTree as ET

import pytest
from django.contrib.sitemaps import views as django_sitemap_views
from django.db import connection
from django.http import Http404
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse, set_script_prefix

from news.models import Course, NewsPost, Talk
from people.models import Person
from publications.models import Publication
from publications.sitemaps import PublicationSitemap
from research.models import ResearchTheme
from site_config.core.sitemaps import sitemap
from site_config.search import search
from site_config.sitemaps import SITEMAPS

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


@pytest.fixture
def every_section(make_post, make_talk, make_course, make_publication, make_theme):
    """A row in each sitemap section, all saved at 20:00 UTC: the next day
    in the site's time zone below."""
    make_post("Sitemap post")
    make_talk("Sitemap talk")
    make_course("Sitemap course")
    make_theme("Sitemap theme")
    make_publication("Sitemap paper", authors=["Ada Lovelace"])
    evening = datetime.datetime(2025, 3, 1, 20, tzinfo=datetime.UTC)
    for model in (NewsPost, Talk, Course, ResearchTheme, Publication, Person):
        model.objects.update(updated_at=evening)


def test_sitemap_is_what_djangos_sitemap_view_and_template_write(
    rf, settings, every_section
):
    settings.TIME_ZONE = "Pacific/Kiritimati"
    set_script_prefix("/lab/")
    try:
        request = rf.get("/sitemap.xml", SCRIPT_NAME="/lab")
        ours = sitemap(request, sitemaps=SITEMAPS)
        theirs = django_sitemap_views.sitemap(request, sitemaps=SITEMAPS)
        theirs.render()
        pages = [
            row.get_absolute_url()
            for model in (NewsPost, Talk, Course, ResearchTheme, Publication, Person)
            for row in model.objects.all()
        ]
    finally:
        set_script_prefix("/")
    assert ours.content == theirs.content
    assert dict(ours.headers) == dict(theirs.headers)
    assert ours["Last-Modified"] == "Sat, 01 Mar 2025 20:00:00 GMT"
    text = ours.content.decode()
    assert "<loc>http://testserver/lab/publications/sitemap-paper/</loc>" in text
    for path in pages:
        assert f"<loc>http://testserver{path}</loc>" in text
    assert "<lastmod>2025-03-02</lastmod>" in text


def test_sitemap_pages_each_section_at_its_limit(client, make_publication):
    for year in (2021, 2022, 2023):
        make_publication(f"Paper {year}", year=year)

    class PagedPublications(PublicationSitemap):
        limit = 2

    request_path = reverse("sitemap")

    def locations(page):
        request = RequestFactory().get(request_path, {"p": page})
        root = ET.fromstring(sitemap(request, {"p": PagedPublications}).content)
        return [loc.text for loc in root.iter(f"{SITEMAP}loc")]

    assert len(locations(1)) == 2
    assert locations(2) == ["http://testserver/publications/paper-2023/"]
    for page in (3, "x"):
        with pytest.raises(Http404):
            locations(page)
    assert client.get(request_path, {"p": 2}).status_code == 404


def test_sitemap_queries_do_not_grow_with_its_rows(
    client, make_publication, django_assert_max_num_queries
):
    make_publication("First paper", authors=["First Author"])
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("sitemap"))
    for n in range(5):
        make_publication(f"Paper {n}", authors=[f"Author {n}"])
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(reverse("sitemap"))
