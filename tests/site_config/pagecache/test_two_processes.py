"""Invalidation across processes: an admin edit in one server shows in another.

Two gunicorn processes share one SQLite file, each with its own cache (local
memory by default, so nothing but the content version row connects them).
"""

import http.cookiejar
import os
import re
import urllib.request
import uuid
from html.parser import HTMLParser

import pytest

from tests.support.servers import http_request, manage, production_env

pytestmark = pytest.mark.server

PASSWORD = "correct horse battery"
SETUP = f"""
from django.contrib.auth import get_user_model
from publications.models import Publication
from site_config.models import NavigationLink, SiteProfile
get_user_model().objects.create_superuser("editor", "e@example.org", "{PASSWORD}")
SiteProfile.load()
NavigationLink.objects.create(label="Label before edit", url="/publications/", order=1)
Publication.objects.create(title="Shared Paper", year=2024)
"""


class ChangeFormFields(HTMLParser):
    """The fields an admin change form would submit, as a browser sends them."""

    def __init__(self):
        super().__init__()
        self.fields = {}
        self._in_form = False
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._in_form = (attrs.get("id") or "").endswith("_form")
        if not self._in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self.fields[name] = attrs.get("value") or "on"
            elif kind not in {"submit", "button", "file", "image"}:
                self.fields[name] = attrs.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields[self._select] = attrs.get("value") or ""

    def handle_data(self, data):
        if self._in_form and self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


def logged_in_opener(server):
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    login = f"{server.url}/admin/login/"
    _status, _headers, body = http_request(login, opener=opener)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    status, _headers, body = http_request(
        f"{login}?next=/admin/",
        data={
            "csrfmiddlewaretoken": token.decode(),
            "username": "editor",
            "password": PASSWORD,
            "next": "/admin/",
        },
        opener=opener,
    )
    assert status == 200
    assert b"Log out" in body or b"logout" in body, "login failed"
    return opener


def edit_navigation_label(server, opener, new_label):
    change = f"{server.url}/admin/site_config/navigationlink/1/change/"
    _status, _headers, body = http_request(change, opener=opener)
    parser = ChangeFormFields()
    parser.feed(body.decode())
    fields = parser.fields
    assert fields.get("label") == "Label before edit", fields
    fields["label"] = new_label
    fields.pop("_addanother", None)
    fields.pop("_continue", None)
    status, _headers, body = http_request(change, data=fields, opener=opener)
    assert status == 200
    assert new_label.encode() in body, "the admin did not save the change"


def cache_urls():
    urls = [pytest.param("locmem://", id="local-memory")]
    redis_url = os.environ.get("LABSITE_TEST_REDIS_URL")
    urls.append(
        pytest.param(
            redis_url or "",
            id="redis",
            marks=pytest.mark.skipif(
                not redis_url, reason="LABSITE_TEST_REDIS_URL is not set"
            ),
        )
    )
    return urls


@pytest.mark.parametrize("cache_url", cache_urls())
def test_admin_edit_in_one_process_shows_on_next_request_to_the_other(
    cache_url, tmp_path, collected_static, start_server
):
    env = production_env(
        database=tmp_path / "site.sqlite3",
        static_root=collected_static,
        media_root=tmp_path / "media",
        cache_url=cache_url,
    )
    env["DJANGO_CACHE_PREFIX"] = f"labsite-test-{uuid.uuid4().hex}"
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "shell", "-c", SETUP)
    editing, other = start_server(env), start_server(env)
    page = "/publications/"
    for server in (editing, other):
        http_request(server.url + page)
        status, headers, body = http_request(server.url + page)
        assert status == 200
        assert headers["X-Page-Cache"] == "hit"
        assert b"Label before edit" in body

    edit_navigation_label(editing, logged_in_opener(editing), "Label after edit")

    status, headers, body = http_request(other.url + page)
    assert status == 200
    assert b"Label after edit" in body
    assert b"Label before edit" not in body
    assert headers["X-Page-Cache"] == "miss"
    assert http_request(other.url + page)[1]["X-Page-Cache"] == "hit"
