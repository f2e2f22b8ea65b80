"""Every public page runs the same number of queries at 10 and at 500 rows."""

import datetime
import itertools

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from people.charts import MAX_COAUTHORS
from people.models import Affiliation, Organization, Person
from publications.models import Authorship, Publication
from research.models import ResearchTheme
from site_config.models import SiteProfile

# Ceiling per page; the real check is that 10 and 500 rows cost the same.
MAX_QUERIES = 16
# The publications page, plain or filtered, has a tighter budget (issue 6).
PAGE_MAX_QUERIES = {
    "publications list": 10,
    "publications filtered": 10,
    "publications by year": 10,
}

_serial = itertools.count()


@pytest.fixture
def anchors(db):
    SiteProfile.load()  # created on first use; not part of what a page costs
    pi = Person.objects.create(full_name="Pia Lead", role="pi", is_member=True)
    theme = ResearchTheme.objects.create(title="Anchor Theme")
    publication = Publication.objects.create(title="Anchor Paper", year=2024)
    Authorship.objects.create(publication=publication, person=pi, position=0)
    publication.themes.add(theme)
    return {"pi": pi, "theme": theme, "publication": publication}


def add_rows(n, anchors):
    """n more of everything each page lists, linked to the anchors."""
    pi, theme, anchor = anchors["pi"], anchors["theme"], anchors["publication"]
    batch = [next(_serial) for _ in range(n)]
    organization, _ = Organization.objects.get_or_create(name="Eastmoor University")
    roles = ["phd", "postdoc", "master", "staff", "alumni", "collaborator"]
    people = Person.objects.bulk_create(
        Person(
            full_name=f"Person {i}",
            family_name=f"Person{i}",
            slug=f"person-{i}",
            role=roles[i % len(roles)],
            is_member=roles[i % len(roles)] != "collaborator",
            show_on_people_page=True,
            start_date=datetime.date(2015, 1, 1),
            end_date=datetime.date(2020, 1, 1) if i % 6 == 4 else None,
            current_position="Somewhere",
            interests="Things",
        )
        for i in batch
    )
    Affiliation.objects.bulk_create(
        Affiliation(person=p, organization=organization, position=k)
        for p in people
        for k in range(2)
    )
    publications = Publication.objects.bulk_create(
        Publication(
            title=f"Paper {i}",
            slug=f"paper-{i}",
            year=2000 + i % 25,
            status="preprint" if i % 4 == 0 else "published",
            is_selected=i % 3 == 0,
            abstract="An *abstract*.",
            arxiv_id=f"2401.{i:05d}",
        )
        for i in batch
    )
    Authorship.objects.bulk_create(
        Authorship(publication=pub, person=person, position=k, equal_contribution=k < 2)
        for pub, other in zip(publications, people, strict=True)
        for k, person in enumerate([pi, other])
    )
    start = anchor.authorships.count()
    Authorship.objects.bulk_create(
        Authorship(publication=anchor, person=person, position=start + k)
        for k, person in enumerate(people)
    )
    through = Publication.themes.through
    through.objects.bulk_create(
        through(publication=pub, researchtheme=theme) for pub in publications
    )
    children = ResearchTheme.objects.bulk_create(
        ResearchTheme(title=f"Theme {i}", slug=f"theme-{i}", parent=theme)
        for i in batch
    )
    theme.people.add(*people)
    for child in children[:3]:
        child.people.add(pi)


def count_queries(client, url):
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


PAGES = {
    "home": lambda a: reverse("home"),
    "research list": lambda a: reverse("research:list"),
    "theme": lambda a: a["theme"].get_absolute_url(),
    "people list": lambda a: reverse("people:list"),
    "person": lambda a: a["pi"].get_absolute_url(),
    "publications list": lambda a: reverse("publications:list"),
    "publications filtered": lambda a: (
        reverse("publications:list")
        + f"?person={a['pi'].slug}&theme={a['theme'].slug}&status=published&page=2"
    ),
    "publications by year": lambda a: (
        reverse("publications:list") + "?year=2024&type=article"
    ),
    "publication": lambda a: a["publication"].get_absolute_url(),
}


@pytest.mark.parametrize("page", PAGES)
def test_query_count_does_not_grow_with_rows(
    client, anchors, page, django_assert_max_num_queries
):
    url = PAGES[page](anchors)
    ceiling = PAGE_MAX_QUERIES.get(page, MAX_QUERIES)
    add_rows(10, anchors)
    with django_assert_max_num_queries(ceiling):
        small = count_queries(client, url)
    add_rows(490, anchors)
    with django_assert_max_num_queries(ceiling):
        large = count_queries(client, url)
    assert large == small


def test_person_page_charts_only_the_most_frequent_coauthors(client, anchors):
    # The PI shares a paper with every one of the 500 people added here.
    add_rows(MAX_COAUTHORS + 476, anchors)
    cache.clear()
    html = client.get(anchors["pi"].get_absolute_url()).text
    coauthors = html[html.index('id="coauthors-heading"') :]
    assert coauthors.count('class="coauthors__item"') == MAX_COAUTHORS
