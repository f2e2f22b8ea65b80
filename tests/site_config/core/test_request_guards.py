"""Requests no page should answer as it would a plain GET: an oversized query
string (400, not a TooManyFieldsSent traceback from the page cache's key), TRACE
(405 from every view), and HEAD on an OpenGraph card (200 without a body).
WhiteNoise without a collected STATIC_ROOT serves the finders' files silently."""

import datetime
import logging
import warnings

import pytest
from django.test import override_settings
from django.urls import reverse

from news.models import NewsPost
from site_config.core.http import StaticFilesMiddleware

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("cache", [True, False])
@pytest.mark.parametrize("debug", [True, False])
def test_a_query_with_too_many_parameters_answers_400_without_a_traceback(
    client, caplog, settings, cache, debug
):
    settings.PAGE_CACHE_ENABLED = cache
    settings.DEBUG = debug
    fields = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1
    query = "&".join(f"p{n}=1" for n in range(fields))
    with caplog.at_level(logging.WARNING):
        response = client.get(f"{reverse('publications:list')}?{query}")
    assert response.status_code == 400
    assert "more parameters" in response.text
    assert not [r for r in caplog.records if r.exc_info]


def test_a_query_within_the_limit_still_renders(client, settings):
    query = "&".join(f"p{n}=1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS))
    assert client.get(f"{reverse('publications:list')}?{query}").status_code == 200


def test_head_on_a_publication_card_answers_200_without_a_body(
    client, make_publication
):
    publication = make_publication("A Card")
    url = reverse("publications:card", kwargs={"slug": publication.slug})
    response = client.head(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.content == b""
    assert client.get(url).content.startswith(b"\x89PNG")


def test_head_on_a_news_card_answers_200(client):
    post = NewsPost.objects.create(title="News", date=datetime.date(2025, 3, 1))
    response = client.head(
        reverse("news:card", kwargs={"year": post.date.year, "slug": post.slug})
    )
    assert response.status_code == 200
    assert response.content == b""


@pytest.mark.parametrize(
    "name",
    ["home", "publications:list", "feeds:publications_atom", "sitemap", "robots_txt"],
)
def test_trace_is_refused_by_every_kind_of_view(client, name):
    response = client.generic("TRACE", reverse(name))
    assert response.status_code == 405
    assert "TRACE" not in response["Allow"]


def test_trace_on_a_function_view_is_refused(client, make_publication):
    publication = make_publication("Traced")
    url = reverse("publications:card", kwargs={"slug": publication.slug})
    assert client.generic("TRACE", url).status_code == 405


def test_static_files_without_collectstatic_come_from_the_finders(tmp_path, rf):
    with (
        override_settings(STATIC_ROOT=tmp_path / "never-collected", DEBUG=False),
        warnings.catch_warnings(),
    ):
        warnings.simplefilter("error")
        middleware = StaticFilesMiddleware(lambda request: None)
    response = middleware(rf.get("/static/css/site.css"))
    assert response.status_code == 200


def test_a_collected_static_root_is_served_as_collected(tmp_path, rf):
    root = tmp_path / "collected"
    (root / "css").mkdir(parents=True)
    (root / "css" / "only-here.css").write_text("body{}")
    with override_settings(STATIC_ROOT=root, DEBUG=False):
        middleware = StaticFilesMiddleware(lambda request: None)
    assert middleware(rf.get("/static/css/only-here.css")).status_code == 200
    assert middleware(rf.get("/static/css/site.css")) is None
