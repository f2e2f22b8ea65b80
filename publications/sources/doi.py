"""Metadata for a DOI: Crossref's REST API first, then DOI content negotiation.

Crossref registers most journal and conference DOIs; its REST API answers
``GET https://api.crossref.org/works/{doi}`` with ``{"status": "ok",
"message-type": "work", "message": {...}}`` (the fields of its "Work" format:
``title`` and ``container-title`` as lists, ``author`` with ``given``/``family``
or ``name``, ``issued.date-parts``, ``page``, ``DOI``...). For a DOI Crossref does
not know (DataCite's datasets and software on Zenodo or Dryad, mEDRA, JaLC),
``https://doi.org/{doi}`` with ``Accept: application/vnd.citationstyles.csl+json``
hands the request to the DOI's registration agency, which answers CSL-JSON
(DOI content negotiation, documented by DataCite and Crossref alike).
"""

import json
import urllib.parse

from publications.sources.csljson import csl_item_entry
from publications.sources.http import NetworkError, NotFoundError
from publications.sources.identifiers import normalise_doi

CROSSREF_WORKS = "https://api.crossref.org/works/"
DOI_RESOLVER = "https://doi.org/"
CSL_JSON = "application/vnd.citationstyles.csl+json"
# Crossref's work types (https://api.crossref.org/types) as CSL item types.
CROSSREF_TYPES = {
    "journal-article": "article-journal",
    "proceedings-article": "paper-conference",
    "book-chapter": "chapter",
    "book-section": "chapter",
    "book-part": "chapter",
    "reference-entry": "entry-encyclopedia",
    "book": "book",
    "monograph": "book",
    "edited-book": "book",
    "reference-book": "book",
    "book-set": "book",
    "proceedings": "book",
    "posted-content": "article",
    "dissertation": "thesis",
    "report": "report",
    "report-series": "report",
    "dataset": "dataset",
    "standard": "standard",
    "peer-review": "review",
    "journal": "periodical",
    "other": "document",
}
# Work fields whose meaning is the same in Crossref's format and in CSL.
_SAME = (
    "volume",
    "issue",
    "page",
    "publisher",
    "publisher-location",
    "DOI",
    "URL",
    "language",
    "abstract",
    "edition-number",
)


def crossref_item(message):
    """A CSL item (dict) for a Crossref ``message`` of message-type ``work``."""
    item = {key: message[key] for key in _SAME if message.get(key)}
    item["type"] = CROSSREF_TYPES.get(message.get("type", ""), "document")
    if message.get("type") == "posted-content" and message.get("subtype") not in (
        None,
        "preprint",
    ):
        item["type"] = "document"
    for name in ("title", "subtitle", "container-title", "short-container-title"):
        values = message.get(name) or []
        if values:
            item[name] = values[0]
    if item.get("short-container-title"):
        item["container-title-short"] = item.pop("short-container-title")
    if message.get("edition-number"):
        item["edition"] = item.pop("edition-number")
    if message.get("ISSN"):
        item["ISSN"] = message["ISSN"][0]
    if message.get("ISBN"):
        item["ISBN"] = message["ISBN"][0]
    if message.get("subject"):
        item["keyword"] = ", ".join(message["subject"])
    for role in ("author", "editor"):
        names = []
        for person in message.get(role) or []:
            if person.get("name") and not person.get("family"):
                names.append({"literal": person["name"]})
            else:
                names.append(
                    {
                        k: person[k]
                        for k in ("family", "given", "suffix")
                        if person.get(k)
                    }
                )
        if names:
            item[role] = names
    for date in ("issued", "published-print", "published-online", "published"):
        parts = (message.get(date) or {}).get("date-parts") or [[None]]
        if parts[0] and parts[0][0]:
            item["issued"] = {"date-parts": [parts[0]]}
            break
    event = message.get("event") or {}
    if event.get("name"):
        item["event-title"] = event["name"]
    return item


def _item_entry(doi, item):
    item.setdefault("DOI", doi)
    source = json.dumps(item, ensure_ascii=False, sort_keys=True)
    return csl_item_entry(item, line=1, source=source)


def fetch_crossref(doi, *, client):
    """The Entry for a DOI from Crossref's REST API; NotFoundError if unknown."""
    response = client.get(CROSSREF_WORKS + urllib.parse.quote(doi, safe="/"))
    data = response.json()
    if data.get("status") != "ok" or data.get("message-type") != "work":
        raise NetworkError(
            f"api.crossref.org answered an unexpected document for {doi} "
            f"(message-type {data.get('message-type')!r})."
        )
    return _item_entry(doi, crossref_item(data["message"]))


def fetch_csl(doi, *, client):
    """The Entry for a DOI by content negotiation at doi.org (any agency)."""
    response = client.get(
        DOI_RESOLVER + urllib.parse.quote(doi, safe="/"), accept=CSL_JSON
    )
    item = response.json()
    if isinstance(item, list):
        item = item[0] if item else {}
    if not isinstance(item, dict) or not item.get("title"):
        raise NetworkError(f"doi.org answered no CSL-JSON record for {doi}.")
    return _item_entry(doi, item)


def fetch_doi(doi, *, client):
    """The Entry for one DOI: Crossref, or else its own agency through doi.org.

    ``doi``: as typed (``https://doi.org/…`` and ``doi:`` are accepted). Raises
    ValueError for text that is no DOI, NotFoundError when no agency knows it,
    NetworkError when the services cannot be reached.
    """
    canonical = normalise_doi(doi)
    if not canonical:
        raise ValueError(f"{doi!r} is not a DOI (10.<prefix>/<suffix>)")
    try:
        return fetch_crossref(canonical, client=client)
    except NotFoundError:
        pass
    try:
        return fetch_csl(canonical, client=client)
    except NotFoundError as error:
        raise NotFoundError(
            f"no registration agency knows the DOI {canonical}"
        ) from error
