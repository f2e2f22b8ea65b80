"""The page cache's invalidation covers the new sections: news, talks, courses,
grants, CV entries and software, through saves, m2m changes and the admin."""

import datetime

import pytest
import reversion
from django.test import Client
from django.urls import reverse

from news.models import Course, NewsPost, Talk
from people.models import CVEntry
from research.models import Grant
from site_config.models import SiteProfile

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def warm(visitor):
    def fetch(*urls):
        for url in urls:
            visitor.get(url)
            assert visitor.get(url)["X-Page-Cache"] == "hit", url

    SiteProfile.load()
    return fetch


def fresh(visitor, url):
    response = visitor.get(url)
    assert response.status_code == 200
    assert response["X-Page-Cache"] == "miss", f"{url} was served stale"
    return response.text


def test_new_sections_are_cached_and_refreshed_on_change(
    visitor, warm, make_person, make_theme
):
    ada = make_person("Ada Lovelace")
    theme = make_theme("Optimization")
    urls = [
        reverse("home"),
        reverse("news:list"),
        reverse("talks:list"),
        reverse("teaching:list"),
        reverse("funding:list"),
        reverse("software:list"),
        ada.get_absolute_url(),
        reverse("person_cv", kwargs={"slug": ada.slug}),
        theme.get_absolute_url(),
    ]
    warm(*urls)
    NewsPost.objects.create(title="Fresh news", date=datetime.date.today())  # noqa: DTZ011
    assert "Fresh news" in fresh(visitor, reverse("news:list"))
    assert "Fresh news" in fresh(visitor, reverse("home"))
    talk = Talk.objects.create(title="Fresh talk", start_date=datetime.date(2024, 1, 1))
    warm(ada.get_absolute_url())
    talk.speakers.add(ada)  # an m2m change alone
    assert "Fresh talk" in fresh(visitor, ada.get_absolute_url())
    Course.objects.create(title="Fresh course", term="Fall", year=2025)
    assert "Fresh course" in fresh(visitor, reverse("teaching:list"))
    grant = Grant.objects.create(title="Fresh grant", funder="F")
    warm(theme.get_absolute_url())
    grant.themes.add(theme)
    assert "Fresh grant" in fresh(visitor, theme.get_absolute_url())
    cv = reverse("person_cv", kwargs={"slug": ada.slug})
    warm(cv)
    CVEntry.objects.create(person=ada, kind="award", title="Fresh award")
    assert "Fresh award" in fresh(visitor, cv)


def test_admin_keeps_revisions_of_news_posts(editor):
    admin = Client()
    admin.force_login(editor)
    response = admin.post(
        reverse("admin:news_newspost_add"),
        {
            "title": "Admin news",
            "slug": "admin-news",
            "date": "2025-04-01",
            "summary": "",
            "body": "Some *text*.",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    post = NewsPost.objects.get(slug="admin-news")
    assert reversion.models.Version.objects.get_for_object(post).count() == 1
    history = admin.get(reverse("admin:news_newspost_history", args=[post.pk]))
    assert history.status_code == 200
    preview = admin.post(reverse("markdownx_markdownify"), {"content": "*hi*"})
    assert "<em>hi</em>" in preview.text
