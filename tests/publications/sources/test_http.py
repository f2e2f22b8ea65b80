"""The HTTP client: manners towards the services, and clear failures."""

import urllib.error

import pytest
from django.test import override_settings

from publications.sources.http import HttpClient, NetworkError, NotFoundError, Response
from tests.publications.sources.conftest import offline_error

URL = "https://api.crossref.org/works/10.1/x"


def test_user_agent_names_labsite_and_the_contact_address(replay):
    replay.add(URL, body=b"{}")
    with override_settings(LABSITE_CONTACT_EMAIL="web@lab.example.org"):
        HttpClient().get(URL)
    headers = replay.requests[0][1]
    assert headers["User-Agent"].startswith("labsite/")
    assert "mailto:web@lab.example.org" in headers["User-Agent"]
    assert headers["Accept"] == "application/json"


def test_server_errors_are_retried_with_doubling_back_off(replay):
    replay.add(URL, status=503)
    replay.add(URL, status=502)
    replay.add(URL, body=b'{"ok": true}')
    response = HttpClient(backoff=1.0).get(URL)
    assert response.json() == {"ok": True}
    assert len(replay.requests) == 3
    assert replay.sleeps == [1.0, 2.0]


def test_retry_after_says_how_long_to_wait(replay):
    replay.add(URL, status=429, headers={"retry-after": "7"})
    replay.add(URL, body=b"{}")
    HttpClient().get(URL)
    assert replay.sleeps == [7.0]


def test_gives_up_after_the_retries_with_a_message(replay):
    replay.add(URL, status=500)
    with pytest.raises(
        NetworkError, match=r"api.crossref.org did not answer .* 4 tries"
    ):
        HttpClient(retries=3).get(URL)
    assert len(replay.requests) == 4


def test_timeouts_are_retried(replay):
    replay.fail(URL, TimeoutError("timed out"))
    replay.add(URL, body=b"{}")
    assert HttpClient(timeout=5).get(URL).status == 200
    assert len(replay.requests) == 2


def test_no_network_is_a_clear_message_at_once(replay):
    replay.fail(URL, offline_error())
    with pytest.raises(NetworkError) as caught:
        HttpClient().get(URL)
    assert "Cannot reach api.crossref.org" in str(caught.value)
    assert "Nothing was imported" in str(caught.value)
    assert len(replay.requests) == 1


def test_not_found_and_other_client_errors(replay):
    replay.add(URL, status=404, body=b"Resource not found.")
    with pytest.raises(NotFoundError):
        HttpClient().get(URL)
    other = URL + "/y"
    replay.add(other, status=400, body=b"bad request")
    with pytest.raises(NetworkError, match="HTTP 400"):
        HttpClient().get(other)


def test_arxiv_is_asked_at_most_once_every_three_seconds(replay):
    url = "http://export.arxiv.org/api/query"
    replay.add(url, body=b"")
    client = HttpClient()
    client.get(url)
    replay.now += 1.0
    client.get(url)
    assert replay.sleeps == [pytest.approx(2.0)]


def test_crossref_rate_limit_headers_slow_the_client_down(replay):
    replay.add(URL, headers={"x-rate-limit-limit": "5", "x-rate-limit-interval": "1s"})
    client = HttpClient()
    client.get(URL)
    assert client.intervals["api.crossref.org"] == pytest.approx(0.2)


def test_body_that_is_not_json_is_a_network_error():
    response = Response(url=URL, status=200, body=b"<html>maintenance</html>")
    with pytest.raises(NetworkError, match="not JSON"):
        response.json()


def test_the_suite_never_reaches_the_network():
    with pytest.raises(AssertionError, match="tried to reach"):
        HttpClient(retries=0).get("https://api.crossref.org/works/10.1/x")


def test_connection_refused_is_offline_too(replay):
    replay.fail(URL, urllib.error.URLError(ConnectionRefusedError(111, "refused")))
    with pytest.raises(NetworkError, match="Cannot reach"):
        HttpClient().get(URL)
