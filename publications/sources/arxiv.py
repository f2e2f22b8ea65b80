"""Metadata for arXiv ids from the arXiv API.

``GET http://export.arxiv.org/api/query?id_list=ID,ID&max_results=N`` answers an
Atom 1.0 feed (arXiv API User's Manual, section 3.3): one ``<entry>`` per id with
``<id>`` (``http://arxiv.org/abs/ID vN``), ``<published>`` (first version),
``<title>`` and ``<summary>`` (hard-wrapped), ``<author><name>``, links, and
arXiv's own elements ``arxiv:doi``, ``arxiv:journal_ref``, ``arxiv:comment`` and
``arxiv:primary_category``. An id arXiv cannot read comes back as an entry titled
"Error" whose ``<id>`` points at ``/api/errors``; an id it does not have gives
no entry. arXiv's terms ask for one request every 3 seconds
(``http.MIN_INTERVAL``), so ids are asked for in batches.
"""

import re
import xml.etree.ElementTree as ET

from publications.sources.entries import (
    clean,
    free_name,
    make_entry,
    make_key,
    name_list,
)
from publications.sources.http import NetworkError

API = "http://export.arxiv.org/api/query"
BATCH = 50
NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "arxiv": "http://arxiv.org/schemas/atom",
    "opensearch": "http://a9.com/-/spec/opensearch/1.1/",
}
_ABS_ID = re.compile(r"arxiv\.org/abs/(.+?)(v\d+)?$")


class ArxivError(ValueError):
    """arXiv said an id is malformed (its "Error" entry), with arXiv's reason."""


# The model fields an arXiv record can express (see merge.plan_update): adding a
# preprint by its id never clears the site's marks, links or other fields.
ARXIV_FIELDS = frozenset(
    {
        "title", "kind", "status", "venue", "year", "month", "arxiv_id", "url",
        "doi", "abstract", "bib_note",
    }
)  # fmt: skip


def parse_feed(xml_text):
    """``({id: Entry}, {id: reason})`` for an arXiv API Atom feed.

    Raises NetworkError when the text is not an Atom feed (arXiv answers
    "Rate exceeded." in plain text when throttling).
    """
    try:
        root = ET.fromstring(xml_text)
    except ET.ParseError as error:
        raise NetworkError(
            f"export.arxiv.org answered something that is not an Atom feed "
            f"({xml_text[:60]!r}); try again later."
        ) from error
    entries, errors = {}, {}
    for node in root.findall("atom:entry", NS):
        ident = node.findtext("atom:id", "", NS).strip()
        title = clean(node.findtext("atom:title", "", NS))
        if "/api/errors" in ident or (
            title == "Error" and "arxiv.org/abs/" not in ident
        ):
            reason = clean(node.findtext("atom:summary", "", NS))
            errors[ident.rsplit("_for_", 1)[-1]] = reason or "arXiv reported an error"
            continue
        match = _ABS_ID.search(ident)
        if not match:
            continue
        arxiv_id = match.group(1)
        entries[arxiv_id] = _entry(
            node, arxiv_id, ET.tostring(node, encoding="unicode")
        )
    return entries, errors


def _entry(node, arxiv_id, source):
    names = []
    for author in node.findall("atom:author", NS):
        name = clean(author.findtext("atom:name", "", NS))
        if name:
            names.append(free_name(name))
    published = node.findtext("atom:published", "", NS)
    year, month = published[:4], published[5:7]
    title = clean(node.findtext("atom:title", "", NS))
    fields = {
        "title": title,
        "author": name_list(names),
        "year": year if year.isdigit() else "",
        "month": str(int(month)) if month.isdigit() else "",
        "eprint": arxiv_id,
        "archiveprefix": "arXiv",
        "primaryclass": (
            node.find("arxiv:primary_category", NS).get("term", "")
            if node.find("arxiv:primary_category", NS) is not None
            else ""
        ),
        "url": f"https://arxiv.org/abs/{arxiv_id}",
        "abstract": clean(node.findtext("atom:summary", "", NS)),
        "doi": clean(node.findtext("arxiv:doi", "", NS)),
        "note": clean(node.findtext("arxiv:journal_ref", "", NS)),
    }
    key = make_key("", authors=names, year=fields["year"], title=title)
    return make_entry(
        type="preprint",
        key=key,
        fields=fields,
        line=1,
        source=source,
        carries=ARXIV_FIELDS,
    )


def fetch_arxiv(ids, *, client):
    """``({id: Entry}, {id: reason})`` for arXiv ids (versions dropped), in batches.

    An id arXiv does not have is reported as "not found on arXiv".
    """
    found, missing = {}, {}
    ids = list(dict.fromkeys(ids))
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        response = client.get(
            API,
            params={"id_list": ",".join(batch), "max_results": str(len(batch))},
            accept="application/atom+xml",
        )
        entries, errors = parse_feed(response.text)
        found.update(entries)
        missing.update(errors)
        for arxiv_id in batch:
            if arxiv_id not in entries and arxiv_id not in errors:
                missing[arxiv_id] = "not found on arXiv"
    return found, missing
