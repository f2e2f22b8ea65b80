"""Crossref, doi.org (DataCite), arXiv and ORCID answers to importer entries."""

import json

import pytest

from publications.bibtex.normalise import normalise
from publications.sources.arxiv import fetch_arxiv, parse_feed
from publications.sources.doi import fetch_doi
from publications.sources.http import HttpClient, NotFoundError
from publications.sources.identifiers import (
    normalise_arxiv,
    normalise_orcid,
    split_identifiers,
)
from publications.sources.orcid import (
    fetch_work_details,
    fetch_works,
    parse_works,
    work_entry,
)
from tests.publications.sources.conftest import ORCID, REMOTE


def test_crossref_work_becomes_a_journal_article(recorded):
    record = normalise(
        fetch_doi("https://doi.org/10.1103/PhysRevB.99.125411", client=HttpClient())
    )
    values = record.values
    assert values["title"] == "Van der Waals heterostructures of MoS2 on graphene"
    assert values["kind"] == "article"
    assert values["venue"] == "Physical Review B"
    assert (values["year"], values["month"]) == (2019, 3)
    assert (values["volume"], values["number"], values["pages"]) == (
        "99",
        "12",
        "125411",
    )
    assert values["doi"] == "10.1103/PhysRevB.99.125411"
    assert [a.display for a in record.authors] == [
        "Johannes van der Waals",
        "Zoë Müller",
        "Anders Jonas Ångström",
    ]
    assert record.authors[0].parts.von == "van der"


def test_crossref_proceedings_paper_with_group_author_and_jats_abstract(recorded):
    record = normalise(fetch_doi("10.1145/3600006.3613165", client=HttpClient()))
    values = record.values
    assert values["kind"] == "conference"
    assert (
        values["venue"]
        == "Proceedings of the 29th Symposium on Operating Systems Principles"
    )
    assert values["pages"] == "611--626"
    assert values["abstract"].startswith("High throughput serving")
    assert "<jats" not in values["abstract"]
    assert [a.display for a in record.authors] == [
        "Woosuk Kwon",
        "Jean de La Fontaine",
        "The vLLM Team",
    ]
    assert record.authors[2].literal


def test_datacite_doi_comes_by_content_negotiation(recorded):
    record = normalise(fetch_doi("10.5281/zenodo.7654321", client=HttpClient()))
    urls = recorded.urls()
    assert urls == [
        "https://api.crossref.org/works/10.5281/zenodo.7654321",
        "https://doi.org/10.5281/zenodo.7654321",
    ]
    accept = recorded.requests[1][1]["Accept"]
    assert accept == "application/vnd.citationstyles.csl+json"
    assert record.values["title"] == "Solar corona spectra, 2022 campaign"
    assert record.values["year"] == 2023
    assert record.values["publisher"] == "Zenodo"
    assert [a.display for a in record.authors] == [
        "Anders Jonas Ångström",
        "European Organization For Nuclear Research",
    ]


def test_doi_no_agency_knows_is_not_found(recorded):
    with pytest.raises(NotFoundError, match="10.9999/unknown.42"):
        fetch_doi("10.9999/unknown.42", client=HttpClient())


def test_arxiv_atom_entry_becomes_a_preprint(recorded):
    found, missing = fetch_arxiv(["2401.01234"], client=HttpClient())
    assert missing == {}
    record = normalise(found["2401.01234"])
    values = record.values
    assert values["title"] == (
        "Sharp Bounds for Gradient Descent on Overparameterised Networks"
    )
    assert values["abstract"].startswith(
        "We prove sharp bounds for gradient descent on wide networks, with a constant"
    )
    assert (values["kind"], values["status"], values["venue"]) == (
        "preprint",
        "preprint",
        "arXiv",
    )
    assert values["arxiv_id"] == "2401.01234"
    assert (values["year"], values["month"]) == (2024, 1)
    assert [a.display for a in record.authors] == [
        "Zoë Müller",
        "Jan van der Berg",
        "The ATLAS Collaboration",
    ]
    assert record.authors[1].parts.von == "van der"


def test_arxiv_error_entry_and_unknown_ids_are_reported():
    text = (REMOTE / "arxiv" / "error-1234.5.xml").read_text()
    entries, errors = parse_feed(text)
    assert entries == {}
    assert errors == {"1234.5": "incorrect id format for 1234.5"}


def test_orcid_works_list_takes_the_preferred_summary_of_each_group():
    data = json.loads((REMOTE / "orcid" / f"{ORCID}-works.json").read_text())
    works = parse_works(data)
    assert [(w.put_code, w.doi, w.arxiv_id) for w in works] == [
        (1001, "10.1103/PhysRevB.99.125411", ""),
        (2001, "", "2401.01234"),
        (3003, "", ""),
        (3004, "10.9999/unknown.42", ""),
    ]


def test_orcid_full_work_becomes_an_entry(recorded):
    client = HttpClient()
    works = fetch_works(ORCID, client=client)
    details = fetch_work_details(ORCID, [w.put_code for w in works[2:]], client=client)
    work = details[3003]
    record = normalise(work_entry(work, orcid=ORCID, source=json.dumps(work)))
    assert record.values["title"] == "Psychoceramics in the Workplace: A Field Study"
    assert record.values["kind"] == "conference"
    assert record.values["venue"] == "Proceedings of the Brown Workshop on Cracked Pots"
    assert (record.values["year"], record.values["month"]) == (2015, 6)
    assert [a.display for a in record.authors] == [
        "Josiah Carberry",
        "Jeanne d'Arc",
        "Brown University Psychoceramics Group",
    ]


def test_identifiers_as_people_paste_them():
    dois, arxiv_ids, unknown = split_identifiers(
        "https://doi.org/10.1103/PhysRevB.99.125411, doi:10.5281/zenodo.7654321;"
        " arXiv:2401.01234v2 https://arxiv.org/abs/hep-th/9901001 "
        "10.48550/arXiv.1706.03762 nonsense 10.1103/physrevb.99.125411"
    )
    assert dois == ["10.1103/PhysRevB.99.125411", "10.5281/zenodo.7654321"]
    assert arxiv_ids == ["2401.01234", "hep-th/9901001", "1706.03762"]
    assert unknown == ["nonsense"]
    assert normalise_arxiv("2401.01234v3") == "2401.01234"


def test_orcid_ids_are_checked_by_their_check_digit():
    assert normalise_orcid("https://orcid.org/0000-0002-1825-0097") == ORCID
    assert normalise_orcid("0000-0002-1694-233x") == "0000-0002-1694-233X"
    assert normalise_orcid("0000-0002-1825-0098") == ""
    assert normalise_orcid("1825-0097") == ""
