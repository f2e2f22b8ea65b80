"""Smoke checks against the real services, for maintainers with internet.

    .venv/bin/python -m pytest tests/publications/sources/test_live.py --live

They fetch one known record from each service and check that the readers still
understand today's answers (the recorded answers under tests/data/remote/ only
prove that the readers understand the answers as they were recorded). Skipped
without ``--live``; CI never passes it. Set DJANGO_CONTACT_EMAIL first, as
Crossref's etiquette asks.
"""

import pytest

from publications.bibtex.normalise import normalise
from publications.sources import http
from publications.sources.arxiv import fetch_arxiv
from publications.sources.doi import fetch_doi
from publications.sources.orcid import fetch_work_details, fetch_works

# ORCID's own test record (Josiah Carberry, a fictional professor at Brown).
TEST_ORCID = "0000-0002-1825-0097"


@pytest.fixture(autouse=True)
def live_network(request, monkeypatch):
    if not request.config.getoption("--live"):
        pytest.skip("asks the real services; run with --live (needs internet)")
    monkeypatch.setattr(http, "TRANSPORT", http.urllib_transport)


def test_crossref_answers_a_journal_article():
    record = normalise(fetch_doi("10.1038/nature14539", client=http.HttpClient()))
    assert record.values["title"] == "Deep learning"
    assert record.values["venue"] == "Nature"
    assert record.values["year"] == 2015
    assert [a.parts.family for a in record.authors] == ["LeCun", "Bengio", "Hinton"]


def test_doi_org_content_negotiation_answers_a_datacite_doi():
    record = normalise(fetch_doi("10.5281/zenodo.1003150", client=http.HttpClient()))
    assert record.values["title"]
    assert record.values["year"]


def test_arxiv_answers_a_preprint():
    found, missing = fetch_arxiv(["1706.03762"], client=http.HttpClient())
    assert missing == {}
    record = normalise(found["1706.03762"])
    assert record.values["title"] == "Attention Is All You Need"
    assert record.values["arxiv_id"] == "1706.03762"


def test_orcid_answers_works_and_full_records():
    client = http.HttpClient()
    works = fetch_works(TEST_ORCID, client=client)
    assert works
    details = fetch_work_details(TEST_ORCID, [works[0].put_code], client=client)
    assert works[0].put_code in details
