"""A member's CV page: every section, numbers, print, flat query count."""

import datetime

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from news.models import Course, Talk
from people.models import CVEntry, Person
from publications.models import Authorship, Publication
from research.models import Grant
from site_config.models import SiteProfile


def test_cv_shows_positions_education_awards_papers_talks_teaching_grants(
    client, make_person, make_affiliation, make_publication
):
    ada = make_person(
        "Ada Lovelace", role=Person.Role.POSTDOC, start_date=datetime.date(2022, 1, 1)
    )
    make_affiliation(ada, "Eastmoor University", title="Research Fellow")
    CVEntry.objects.create(
        person=ada,
        kind="education",
        title="PhD in Mathematics",
        organization="Harrowgate",
        start_year=2017,
        end_year=2021,
    )
    CVEntry.objects.create(
        person=ada, kind="award", title="Best Thesis", start_year=2021
    )
    CVEntry.objects.create(
        person=ada, kind="position", title="Intern", start_year=2016, end_year=2016
    )
    make_publication("Older paper", authors=[ada], year=2021)
    make_publication("Newer paper", authors=[ada, "Bo"], year=2023)
    make_publication("Draft", authors=[ada], status="preprint", year=2024)
    talk = Talk.objects.create(
        title="Invited talk", start_date=datetime.date(2024, 3, 1)
    )
    talk.speakers.add(ada)
    course = Course.objects.create(title="Statistics 101", term="Fall 2024", year=2024)
    course.instructors.add(ada)
    grant = Grant.objects.create(title="Big grant", funder="ESF", number="E-1")
    grant.people.add(ada)
    html = client.get(reverse("person_cv", kwargs={"slug": ada.slug})).text
    order = [
        "cv-positions-heading",
        "Research Fellow, Eastmoor University",
        "2016</span>",
        "cv-education-heading",
        "2017–2021",
        "PhD in Mathematics, Harrowgate",
        "cv-awards-heading",
        "Best Thesis",
        "cv-grants-heading",
        "ESF (E-1)",
        "cv-publications-heading",
        "[2]</span>",
        "Newer paper",
        "[1]</span>",
        "Older paper",
        "cv-preprints-heading",
        "Draft",
        "cv-talks-heading",
        "Invited talk",
        "cv-teaching-heading",
        "Statistics 101",
    ]
    positions = [html.index(marker) for marker in order]
    assert positions == sorted(positions)
    person_page = client.get(ada.get_absolute_url()).text
    assert reverse("person_cv", kwargs={"slug": ada.slug}) in person_page


def test_cv_is_for_members_only(client, make_person):
    outsider = make_person("Outside Author", is_member=False)
    url = reverse("person_cv", kwargs={"slug": outsider.slug})
    assert client.get(url).status_code == 404


def test_cv_query_count_is_flat(client, make_person, db):
    SiteProfile.load()
    ada = make_person("Ada Lovelace")
    url = reverse("person_cv", kwargs={"slug": ada.slug})

    def add(n, start):
        papers = Publication.objects.bulk_create(
            Publication(title=f"Paper {i}", slug=f"paper-{i}", year=2000 + i % 20)
            for i in range(start, start + n)
        )
        Authorship.objects.bulk_create(
            Authorship(publication=p, person=ada, position=0) for p in papers
        )
        CVEntry.objects.bulk_create(
            CVEntry(person=ada, kind=CVEntry.Kind.values[i % 4], title=f"Entry {i}")
            for i in range(start, start + n)
        )
        for i in range(start, start + n):
            Talk.objects.create(
                title=f"Talk {i}", start_date=datetime.date(2020, 1, 1)
            ).speakers.add(ada)
            Course.objects.create(
                title=f"Course {i}", term="T", year=2020
            ).instructors.add(ada)
            Grant.objects.create(title=f"Grant {i}", funder="F").people.add(ada)

    def count():
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    add(10, 0)
    small = count()
    add(190, 10)
    assert count() == small
