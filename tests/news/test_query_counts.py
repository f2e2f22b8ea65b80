"""News, talks and teaching pages cost the same queries at 10 and 200 rows."""

import datetime
import itertools

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from news.models import Course, NewsPost, Talk
from people.models import Person
from publications.models import Publication
from research.models import ResearchTheme
from site_config.models import SiteProfile

MAX_QUERIES = 10
_serial = itertools.count()


@pytest.fixture
def anchors(db):
    SiteProfile.load()
    person = Person.objects.create(full_name="Pia Lead", role="pi", is_member=True)
    theme = ResearchTheme.objects.create(title="Anchor Theme")
    paper = Publication.objects.create(title="Anchor Paper", year=2024)
    post = NewsPost.objects.create(title="Anchor post", date=datetime.date(2025, 1, 1))
    talk = Talk.objects.create(
        title="Anchor talk", start_date=datetime.date(2025, 1, 1)
    )
    course = Course.objects.create(title="Anchor course", term="Fall 2025", year=2025)
    return {
        "person": person,
        "theme": theme,
        "paper": paper,
        "post": post,
        "talk": talk,
        "course": course,
    }


def add_rows(n, anchors):
    """n more posts, talks (half upcoming) and courses, each linked to the
    anchors and to a person of its own."""
    batch = [next(_serial) for _ in range(n)]
    people = Person.objects.bulk_create(
        Person(full_name=f"Person {i}", slug=f"person-{i}", is_member=i % 2 == 0)
        for i in batch
    )
    today = timezone.localdate()
    posts = NewsPost.objects.bulk_create(
        NewsPost(
            title=f"Post {i}",
            slug=f"post-{i}",
            date=datetime.date(2025, 1 + i % 12, 1 + i % 28),
            is_pinned=i % 50 == 0,
        )
        for i in batch
    )
    talks = Talk.objects.bulk_create(
        Talk(
            title=f"Talk {i}",
            slug=f"talk-{i}",
            start_date=today + datetime.timedelta(days=(k % 4) * 10 - 15),
            kind=Talk.Kind.values[i % len(Talk.Kind.values)],
        )
        for k, i in enumerate(batch)
    )
    courses = Course.objects.bulk_create(
        Course(
            title=f"Course {i}",
            slug=f"course-{i}",
            term="Spring",
            year=2000 + i % 25,
        )
        for i in batch
    )
    for model, rows, field in (
        (NewsPost, posts, "people"),
        (Talk, talks, "speakers"),
        (Course, courses, "instructors"),
    ):
        through = model._meta.get_field(field).remote_field.through
        owner = model._meta.model_name
        through.objects.bulk_create(
            [
                through(**{owner: row, "person": p})
                for row, p in zip(rows, people, strict=True)
            ]
            + [through(**{owner: row, "person": anchors["person"]}) for row in rows]
        )
    for model in (NewsPost, Talk):
        for field, target in (("themes", "theme"), ("publications", "paper")):
            through = model._meta.get_field(field).remote_field.through
            column = through._meta.get_field(
                "researchtheme" if field == "themes" else "publication"
            ).name
            owner = model._meta.model_name
            rows = posts if model is NewsPost else talks
            through.objects.bulk_create(
                through(**{owner: row, column: anchors[target]}) for row in rows
            )
    for row, field in (
        (anchors["post"], "people"),
        (anchors["talk"], "speakers"),
        (anchors["course"], "instructors"),
    ):
        getattr(row, field).add(*people)


def count_queries(client, url):
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


PAGES = {
    "news list": lambda a: reverse("news:list"),
    "news year": lambda a: reverse("news:year", kwargs={"year": 2025}),
    "news post": lambda a: a["post"].get_absolute_url(),
    "news feed": lambda a: reverse("news:atom"),
    "talks list": lambda a: reverse("talks:list"),
    "talk": lambda a: a["talk"].get_absolute_url(),
    "calendar": lambda a: reverse("talks:calendar"),
    "teaching list": lambda a: reverse("teaching:list"),
    "course": lambda a: a["course"].get_absolute_url(),
    "person with talks and courses": lambda a: a["person"].get_absolute_url(),
    "home": lambda a: reverse("home"),
}


@pytest.mark.parametrize("page", PAGES)
def test_query_count_does_not_grow_with_rows(client, anchors, page):
    url = PAGES[page](anchors)
    add_rows(10, anchors)
    small = count_queries(client, url)
    add_rows(190, anchors)
    large = count_queries(client, url)
    assert large == small
    if not page.startswith(("person", "home")):
        assert small <= MAX_QUERIES
