import datetime

import pytest
from django.utils import timezone

from news.models import Course, NewsPost, Talk


@pytest.fixture
def make_post(db):
    def make(title="Group news", *, date="2025-03-01", people=(), **fields):
        if isinstance(date, str):
            date = datetime.date.fromisoformat(date)
        post = NewsPost.objects.create(title=title, date=date, **fields)
        if people:
            post.people.set(people)
        return post

    return make


@pytest.fixture
def make_talk(db):
    """A talk; start is a date, an ISO string or days from today."""

    def make(title="A talk", *, start=0, end=None, speakers=(), **fields):
        def day(value):
            if value is None or isinstance(value, datetime.date):
                return value
            if isinstance(value, int):
                return timezone.localdate() + datetime.timedelta(days=value)
            return datetime.date.fromisoformat(value)

        talk = Talk.objects.create(
            title=title, start_date=day(start), end_date=day(end), **fields
        )
        if speakers:
            talk.speakers.set(speakers)
        return talk

    return make


@pytest.fixture
def make_course(db):
    def make(title="A course", *, instructors=(), **fields):
        fields.setdefault("term", "Fall 2025")
        fields.setdefault("year", 2025)
        course = Course.objects.create(title=title, **fields)
        if instructors:
            course.instructors.set(instructors)
        return course

    return make
