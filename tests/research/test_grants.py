"""Grants: the funding page, a theme's page, the constraint, query counts."""

import datetime

import pytest
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from people.models import Person
from research.models import Grant
from site_config.models import SiteProfile

TODAY = datetime.date.today()  # noqa: DTZ011 - a calendar day, as the view uses


@pytest.fixture
def make_grant(db):
    def make(title="A grant", *, themes=(), people=(), **fields):
        fields.setdefault("funder", "Example Foundation")
        grant = Grant.objects.create(title=title, **fields)
        grant.themes.set(themes)
        grant.people.set(people)
        return grant

    return make


def test_funding_page_shows_current_then_past_grants_with_details(
    client, make_grant, make_theme, make_person
):
    theme = make_theme("Optimization")
    ada = make_person("Ada Lovelace")
    make_grant(
        "Running project",
        funder="Eastmoor Science Foundation",
        programme="Young Investigators",
        number="ESF-1",
        start_date=datetime.date(2021, 1, 1),
        end_date=TODAY + datetime.timedelta(days=300),
        acknowledgement="Supported by ESF-1.",
        themes=[theme],
        people=[ada],
    )
    make_grant(
        "Finished project",
        start_date=datetime.date(2015, 1, 1),
        end_date=datetime.date(2018, 1, 1),
    )
    html = client.get(reverse("funding:list")).text
    current = html[html.index("current-grants-heading") : html.index("past-grants")]
    assert "Running project" in current
    assert "Eastmoor Science Foundation, Young Investigators (ESF-1)" in current
    assert f"2021–{(TODAY + datetime.timedelta(days=300)).year}" in current
    assert "Supported by ESF-1." in current
    assert theme.get_absolute_url() in current
    assert ada.get_absolute_url() in current
    assert "Finished project" in html[html.index("past-grants-heading") :]


def test_theme_page_lists_its_grants(client, make_grant, make_theme):
    theme = make_theme("Optimization")
    make_grant("Theme grant", funder="NRC", number="N-7", themes=[theme])
    make_grant("Other grant")
    html = client.get(theme.get_absolute_url()).text
    assert 'id="theme-funding-heading"' in html
    assert "Theme grant" in html
    assert "NRC (N-7)" in html
    assert "Other grant" not in html


def test_a_grant_cannot_end_before_it_starts(make_grant):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_grant(
            start_date=datetime.date(2020, 1, 2), end_date=datetime.date(2020, 1, 1)
        )


def test_period_reads_as_years():
    grant = Grant(start_date=datetime.date(2021, 3, 1))
    assert grant.period == "since 2021"
    grant.end_date = datetime.date(2024, 2, 1)
    assert grant.period == "2021–2024"


def test_funding_and_theme_pages_query_counts_are_flat(client, make_theme, db):
    SiteProfile.load()
    theme = make_theme("Optimization")

    def add(n, start):
        grants = Grant.objects.bulk_create(
            Grant(title=f"Grant {i}", funder="F", number=str(i))
            for i in range(start, start + n)
        )
        people = Person.objects.bulk_create(
            Person(full_name=f"P {i}", slug=f"p-{i}", is_member=True)
            for i in range(start, start + n)
        )
        for grant, person in zip(grants, people, strict=True):
            grant.themes.add(theme)
            grant.people.add(person)

    def count(url):
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    add(10, 0)
    small = {
        url: count(url) for url in (reverse("funding:list"), theme.get_absolute_url())
    }
    add(190, 10)
    large = {url: count(url) for url in small}
    assert large == small
    assert small[reverse("funding:list")] <= 6
