"""Recorded answers of Crossref, doi.org, arXiv and ORCID, replayed instead of the
network (the files under tests/data/remote/ are shaped as each API documents)."""

import socket
import urllib.error
from pathlib import Path

import pytest

from publications.sources import http

REMOTE = Path(__file__).resolve().parents[2] / "data" / "remote"
DATA = Path(__file__).resolve().parents[2] / "data"
ORCID = "0000-0002-1825-0097"


class Replay:
    """A transport that answers from recorded files and remembers each request."""

    def __init__(self):
        self.routes = {}
        self.requests = []
        self.sleeps = []
        self.now = 1000.0

    def sleep(self, seconds):
        """Counts a wait, and lets the replay's clock move on by it."""
        self.sleeps.append(seconds)
        self.now += seconds

    def clock(self):
        return self.now

    def add(self, url, *, file=None, status=200, headers=None, body=b""):
        """Answer ``url`` (a list of answers is used up in turn, for retries)."""
        if file is not None:
            body = (REMOTE / file).read_bytes()
        answer = http.Response(url=url, status=status, headers=headers or {}, body=body)
        self.routes.setdefault(url, []).append(answer)

    def fail(self, url, error):
        self.routes.setdefault(url, []).append(error)

    def __call__(self, url, *, headers, timeout):
        self.requests.append((url, headers))
        answers = self.routes.get(url)
        if not answers:
            raise AssertionError(f"no recorded answer for {url}")
        answer = answers.pop(0) if len(answers) > 1 else answers[0]
        if isinstance(answer, BaseException):
            raise answer
        return answer

    def urls(self):
        return [url for url, _headers in self.requests]


@pytest.fixture
def replay(monkeypatch):
    """An empty Replay in place of the network, and sleeps that only count."""
    recorded = Replay()
    monkeypatch.setattr(http, "TRANSPORT", recorded)
    monkeypatch.setattr(http, "SLEEP", recorded.sleep)
    monkeypatch.setattr(http, "CLOCK", recorded.clock)
    return recorded


CROSSREF = "https://api.crossref.org/works/"
ARXIV = "http://export.arxiv.org/api/query?id_list={}&max_results={}"


@pytest.fixture
def recorded(replay):
    """The Replay with every recorded answer the tests use."""
    replay.add(
        CROSSREF + "10.1103/PhysRevB.99.125411",
        file="crossref/10.1103_PhysRevB.99.125411.json",
        headers={"x-rate-limit-limit": "50", "x-rate-limit-interval": "1s"},
    )
    replay.add(
        CROSSREF + "10.1145/3600006.3613165",
        file="crossref/10.1145_3600006.3613165.json",
    )
    for doi in ("10.5281/zenodo.7654321", "10.9999/unknown.42"):
        replay.add(CROSSREF + doi, status=404, body=b"Resource not found.")
    replay.add(
        "https://doi.org/10.5281/zenodo.7654321",
        file="doi/10.5281_zenodo.7654321.csl.json",
    )
    replay.add("https://doi.org/10.9999/unknown.42", status=404, body=b"Not Found")
    replay.add(ARXIV.format("2401.01234", 1), file="arxiv/2401.01234.xml")
    replay.add(ARXIV.format("1903.00001", 1), file="arxiv/1903.00001.xml")
    orcid = f"https://pub.orcid.org/v3.0/{ORCID}/works"
    replay.add(orcid, file=f"orcid/{ORCID}-works.json")
    replay.add(orcid + "/3003,3004", file=f"orcid/{ORCID}-works-3003,3004.json")
    return replay


def offline_error():
    return urllib.error.URLError(
        socket.gaierror(-3, "Temporary failure in name resolution")
    )
