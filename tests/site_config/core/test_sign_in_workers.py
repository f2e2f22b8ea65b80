"""Sign-in throttling holds across gunicorn workers (issue #13, finding 8).

With the old per-process cache counts and two workers, 14 wrong passwords got
9 real checks instead of 5. django-axes keeps the counts in the database.
"""

import http.cookiejar
import re
import urllib.request

import pytest

from tests.support.servers import http_request, manage, production_env

pytestmark = pytest.mark.server

PASSWORD = "correct horse battery"


def test_two_workers_share_one_failure_count(tmp_path, collected_static, start_server):
    env = production_env(
        database=tmp_path / "site.sqlite3",
        static_root=collected_static,
        media_root=tmp_path / "media",
    )
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "ensure_admin", "--username", "editor", "--password", PASSWORD)
    server = start_server(env, workers=2)
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    login = f"{server.url}/admin/login/"
    _status, _headers, body = http_request(login, opener=opener)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)

    def attempt(password):
        status, _headers, body = http_request(
            login,
            data={
                "csrfmiddlewaretoken": token.decode(),
                "username": "editor",
                "password": password,
            },
            opener=opener,
        )
        return status, body

    statuses = [attempt("wrong")[0] for _ in range(14)]
    # Four failures answered with the form, the fifth and all later locked out.
    assert statuses == [200] * 4 + [429] * 10
    status, body = attempt(PASSWORD)
    assert status == 429
    assert b"Too many failed sign-in attempts" in body
