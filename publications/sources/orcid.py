"""A person's works from ORCID's public API, v3.0.

``GET https://pub.orcid.org/v3.0/{orcid}/works`` (``Accept: application/json``)
answers the works section: ``group`` is a list of works, each holding the
``external-ids`` the group shares and one ``work-summary`` per source that
added it (``put-code``, ``title.title.value``, ``type``, ``publication-date``
with ``year``/``month``/``day`` ``value`` strings, ``journal-title``,
``external-ids.external-id`` with ``external-id-type``/``-value``/``-relationship``,
``url``). ``GET /v3.0/{orcid}/works/{put-code,put-code,...}`` (at most 100)
answers ``{"bulk": [{"work": {...}} | {"error": {...}}]}``, where a full work adds
``contributors.contributor`` (``credit-name.value`` and the contributor's
``contributor-orcid.path``), ``short-description`` and ``citation``. Field
names and shapes as in ORCID's v3.0 record schema (``work-3.0.xsd``) and its JSON
samples.
"""

from dataclasses import dataclass, field

from publications.sources.entries import free_name, make_entry, make_key, name_list
from publications.sources.identifiers import normalise_arxiv, normalise_doi

API = "https://pub.orcid.org/v3.0/"
BULK = 100
# ORCID work types (v3.0 vocabulary) as BibTeX entry types.
ORCID_TYPES = {
    "journal-article": "article",
    "magazine-article": "article",
    "newspaper-article": "article",
    "review": "article",
    "conference-paper": "inproceedings",
    "conference-abstract": "inproceedings",
    "conference-poster": "inproceedings",
    "conference-presentation": "presentation",
    "lecture-speech": "presentation",
    "book-chapter": "incollection",
    "encyclopedia-entry": "inreference",
    "dictionary-entry": "inreference",
    "book": "book",
    "edited-book": "collection",
    "dissertation": "phdthesis",
    "dissertation-thesis": "phdthesis",
    "supervised-student-publication": "phdthesis",
    "report": "techreport",
    "working-paper": "techreport",
    "preprint": "preprint",
    "data-set": "dataset",
    "software": "software",
    "patent": "patent",
    "standards-and-policy": "standard",
    "website": "online",
}


@dataclass
class WorkSummary:
    """One work of a person's ORCID record: the preferred summary of its group."""

    put_code: int
    title: str
    type: str = ""
    year: str = ""
    doi: str = ""
    arxiv_id: str = ""
    external: dict = field(default_factory=dict)


# The model fields an ORCID work summary can express (see merge.plan_update): a
# sync never clears the site's marks, links or other fields.
ORCID_FIELDS = frozenset(
    {
        "title", "kind", "status", "venue", "year", "month", "doi", "arxiv_id",
        "url", "abstract", "isbn", "issn", "language",
    }
)  # fmt: skip


def _value(node, *path):
    for name in path:
        if not isinstance(node, dict):
            return ""
        node = node.get(name)
    return str(node).strip() if node not in (None, "") else ""


def _ids(external_ids):
    """``{type: value}`` of a work's own identifiers ("self" relationship)."""
    out = {}
    for ident in (external_ids or {}).get("external-id") or []:
        if ident.get("external-id-relationship", "self") != "self":
            continue
        kind = str(ident.get("external-id-type") or "").lower()
        # As the source wrote it: ORCID's normalised form lower-cases DOIs.
        value = _value(ident, "external-id-value") or _value(
            ident, "external-id-normalized", "value"
        )
        if kind and value:
            out.setdefault(kind, value)
    return out


def _summary(summary, shared_ids):
    ids = {**shared_ids, **_ids(summary.get("external-ids"))}
    return WorkSummary(
        put_code=int(summary["put-code"]),
        title=_value(summary, "title", "title", "value"),
        type=_value(summary, "type"),
        year=_value(summary, "publication-date", "year", "value"),
        doi=normalise_doi(ids.get("doi", "")),
        arxiv_id=normalise_arxiv(ids.get("arxiv", "")),
        external=ids,
    )


def parse_works(data):
    """The WorkSummary of each group of a ``/works`` answer, in ORCID's order.

    Each group is one work that several sources added; its first summary (the
    one the person marked preferred, which ORCID lists first) stands for it.
    """
    works = []
    for group in data.get("group") or []:
        summaries = group.get("work-summary") or []
        if not summaries:
            continue
        works.append(_summary(summaries[0], _ids(group.get("external-ids"))))
    return works


def fetch_works(orcid, *, client):
    """A person's WorkSummary list; NotFoundError when ORCID has no such iD."""
    response = client.get(f"{API}{orcid}/works", accept="application/json")
    return parse_works(response.json())


def fetch_work_details(orcid, put_codes, *, client):
    """``{put_code: work dict}`` for full works, fetched 100 at a time."""
    details = {}
    codes = [str(code) for code in put_codes]
    for start in range(0, len(codes), BULK):
        batch = ",".join(codes[start : start + BULK])
        response = client.get(f"{API}{orcid}/works/{batch}", accept="application/json")
        for item in response.json().get("bulk") or []:
            work = item.get("work")
            if work and work.get("put-code") is not None:
                details[int(work["put-code"])] = work
    return details


def work_entry(work, *, orcid, source):
    """The Entry for a full ORCID work (its own record: no richer source found).

    Contributors' credit names are read as BibTeX reads "First Last"; the
    person's ORCID iD and the put-code make the key when the work has no other.
    """
    title = _value(work, "title", "title", "value")
    if not title:
        raise ValueError("ORCID work has no title")
    subtitle = _value(work, "title", "subtitle", "value")
    if subtitle:
        title = f"{title}: {subtitle}"
    bib_type = ORCID_TYPES.get(_value(work, "type"), "misc")
    names = []
    contributors = (work.get("contributors") or {}).get("contributor") or []
    for contributor in contributors:
        role = _value(contributor, "contributor-attributes", "contributor-role")
        if role in {"editor", "chair", "translator"}:
            continue
        name = _value(contributor, "credit-name", "value")
        if name:
            names.append(free_name(name))
    ids = _ids(work.get("external-ids"))
    date = work.get("publication-date") or {}
    year = _value(date, "year", "value")
    month = _value(date, "month", "value")
    container = _value(work, "journal-title", "value")
    fields = {
        "title": title,
        "author": name_list(names),
        "year": year,
        "month": str(int(month)) if month.isdigit() else "",
        "doi": normalise_doi(ids.get("doi", "")),
        "url": _value(work, "url", "value"),
        "abstract": _value(work, "short-description"),
        "isbn": ids.get("isbn", ""),
        "issn": ids.get("issn", ""),
        "language": _value(work, "language-code"),
    }
    arxiv_id = normalise_arxiv(ids.get("arxiv", ""))
    if arxiv_id:
        fields["eprint"] = arxiv_id
        fields["archiveprefix"] = "arXiv"
    if bib_type in {"article", "preprint"}:
        fields["journal"] = container
    elif bib_type == "phdthesis":
        fields["school"] = container
    elif bib_type == "techreport":
        fields["institution"] = container
    else:
        fields["booktitle"] = container
    put_code = _value(work, "put-code")
    key = make_key("", authors=names, year=year, title=title)
    return make_entry(
        type=bib_type,
        key=key,
        fields=fields,
        line=int(put_code or 1),
        source=source,
        carries=ORCID_FIELDS,
    )
