"""Plain entries to the values of a Publication: types, venues, dates, ids, links.

Every rule that turns what a file says into what the site stores lives here, so
the importer only has to match and write. Problems that do not make an entry
useless become warnings on the record; an entry without a title is an error.
"""

import hashlib
import json
import re
from dataclasses import dataclass, field

from publications.bibtex.latex import decode, encode
from publications.bibtex.names import parse_names
from publications.models import Publication
from site_config.core.text import fold

# Part of every entry's source hash: change it when a rule here changes, so that
# a re-import re-reads entries whose text has not changed.
RULES_VERSION = "1"
Kind = Publication.Kind
Status = Publication.Status

TYPE_KINDS = {
    "article": Kind.ARTICLE,
    "periodical": Kind.ARTICLE,
    "magazine_article": Kind.ARTICLE,
    "newspaper_article": Kind.ARTICLE,
    "suppperiodical": Kind.ARTICLE,
    "inproceedings": Kind.CONFERENCE,
    "conference": Kind.CONFERENCE,
    "conference_paper": Kind.CONFERENCE,
    "phdthesis": Kind.THESIS,
    "mastersthesis": Kind.THESIS,
    "thesis": Kind.THESIS,
    "book": Kind.BOOK,
    "mvbook": Kind.BOOK,
    "booklet": Kind.BOOK,
    "collection": Kind.BOOK,
    "mvcollection": Kind.BOOK,
    "proceedings": Kind.BOOK,
    "mvproceedings": Kind.BOOK,
    "reference": Kind.BOOK,
    "mvreference": Kind.BOOK,
    "inbook": Kind.CHAPTER,
    "incollection": Kind.CHAPTER,
    "inreference": Kind.CHAPTER,
    "bookinbook": Kind.CHAPTER,
    "suppbook": Kind.CHAPTER,
    "suppcollection": Kind.CHAPTER,
    "book_section": Kind.CHAPTER,
    "techreport": Kind.REPORT,
    "report": Kind.REPORT,
    "presentation": Kind.TALK,
    "talk": Kind.TALK,
    "lecture": Kind.TALK,
    "preprint": Kind.PREPRINT,
}
# Name lists: BibTeX name syntax whatever the reader (see parse.Entry).
NAME_FIELDS = {"author", "editor"}
# An entry of another type whose "type" field says it is a talk.
TALK_TYPES = {"talk", "presentation", "lecture"}
# biblatex containers that group or feed other entries but are no work of their own.
SKIPPED_TYPES = {"set", "xdata"}
PUBSTATES = {
    "submitted": Status.UNDER_REVIEW,
    "underreview": Status.UNDER_REVIEW,
    "under review": Status.UNDER_REVIEW,
    "inpreparation": Status.UNDER_REVIEW,
    "accepted": Status.ACCEPTED,
    "inpress": Status.ACCEPTED,
    "in press": Status.ACCEPTED,
    "forthcoming": Status.ACCEPTED,
    "prepublished": Status.PREPRINT,
    "preprint": Status.PREPRINT,
    "published": Status.PUBLISHED,
}
MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan", "janvier", "januar"),
            ("february", "feb", "février", "februar"),
            ("march", "mar", "mars", "märz"),
            ("april", "apr", "avril"),
            ("may", "mai"),
            ("june", "jun", "juin", "juni"),
            ("july", "jul", "juillet", "juli"),
            ("august", "aug", "août"),
            ("september", "sep", "sept", "septembre"),
            ("october", "oct", "octobre", "oktober"),
            ("november", "nov", "novembre"),
            ("december", "dec", "décembre", "dezember"),
        ],
        start=1,
    )
    for name in names
}
TEXT_FIELDS = [
    "title",
    "kind",
    "status",
    "venue",
    "venue_short",
    "volume",
    "number",
    "pages",
    "publisher",
    "doi",
    "arxiv_id",
    "url",
    "pdf_url",
    "code_url",
    "slides_url",
    "video_url",
    "project_url",
    "poster_url",
    "abstract",
    "keywords",
    "note",
    "authors_raw",
]
# Every model field the importer manages (and an editor's change to which it keeps).
MANAGED_FIELDS = [*TEXT_FIELDS, "year", "month", "is_selected", "authors_et_al"]
_LIMITS = {
    name: Publication._meta.get_field(name).max_length
    for name in TEXT_FIELDS
    if Publication._meta.get_field(name).max_length
}
LINK_FIELDS = {
    "pdf": "pdf_url",
    "code": "code_url",
    "slides": "slides_url",
    "video": "video_url",
    "poster": "poster_url",
    "html": "project_url",
    "website": "project_url",
}
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_ARXIV_NEW = r"\d{4}\.\d{4,5}"
_ARXIV_OLD = r"[a-z][a-z.-]*(?:\.[A-Z]{2})?/\d{7}"
_ARXIV_ID = re.compile(rf"({_ARXIV_NEW}|{_ARXIV_OLD})(?:v\d+)?")
_ARXIV_URL = re.compile(rf"arxiv\.org/(?:abs|pdf)/({_ARXIV_NEW}|{_ARXIV_OLD})", re.I)
_ARXIV_IN_TEXT = re.compile(rf"arxiv[:\s]*({_ARXIV_NEW}|{_ARXIV_OLD})", re.I)
_ARXIV_DOI = re.compile(rf"^10\.48550/arxiv\.({_ARXIV_NEW}|{_ARXIV_OLD})", re.I)
_PREPRINT_VENUE = re.compile(r"^\s*(arxiv|corr)\b", re.IGNORECASE)
_YEAR = re.compile(r"^\s*(\d{4})\s*$")
_DATE = re.compile(r"^\s*(\d{4})(?:-(\d{2}))?")
_URL = re.compile(r"^https?://\S+$", re.IGNORECASE)
_TRUE = {"true", "yes", "1", "y"}
_ESCAPED = re.compile(r"\\([_%&#~$])")
_KEY_CHARS = re.compile(r"[^A-Za-z0-9_:.\-+/]")
_NON_WORD = re.compile(r"[^\w]+")
_DASHES = re.compile(r"\s*[-‐‑–—]+\s*")


@dataclass(slots=True)
class Record:
    """What one entry says about a publication, in model terms."""

    key: str
    line: int
    values: dict
    authors: list = field(default_factory=list)
    source: str = ""
    warnings: list = field(default_factory=list)
    file: str = ""
    source_hash: str = ""
    identity: dict = field(default_factory=dict)
    first_family: str = ""

    @property
    def is_preprint(self):
        return self.values["status"] in {Status.PREPRINT, Status.UNDER_REVIEW}

    @property
    def title_key(self):
        return quick_fold(self.values["title"])


def quick_fold(text):
    """site_config.core.text.fold, with a shortcut for ASCII text, which Unicode
    decomposition leaves as it is."""
    if text.isascii():
        return _NON_WORD.sub(" ", text.lower()).strip()
    return fold(text)


def macros_digest(macros):
    """What every entry of a file shares: its @string macros and these rules."""
    digest = hashlib.sha1(RULES_VERSION.encode())
    digest.update(json.dumps(macros, sort_keys=True).encode())
    return digest.digest()


def source_digest(entry, shared):
    """A hash of everything an entry's values are read from."""
    digest = hashlib.sha1(shared)
    digest.update(entry.source.encode())
    digest.update(entry.parent_source.encode())
    return digest.hexdigest()


def resolve_crossrefs(entries):
    """Fill each entry's missing fields from its crossref parent (BibTeX's rule)."""
    by_key = {}
    for entry in entries:
        by_key.setdefault(entry.key.lower(), entry)
    for entry in entries:
        parent_key = entry.fields.get("crossref")
        if not parent_key:
            continue
        parent = by_key.get(parent_key.strip().lower())
        if parent is None or parent is entry:
            entry.warnings.append(f"crossref {parent_key!r} not found in the file")
            continue
        entry.parent_source = parent.source
        for name, value in parent.fields.items():
            if name in {"title", "crossref", "ids"}:
                continue
            entry.fields.setdefault(name, value)
        if "title" in parent.fields:
            entry.fields.setdefault("booktitle", parent.fields["title"])


def _text(fields, *names):
    for name in names:
        value = fields.get(name)
        if value and value.strip():
            return decode(value)
    return ""


def _doi(fields, warnings):
    raw = fields.get("doi", "").strip()
    if not raw:
        return ""
    doi = _DOI_PREFIX.sub("", verbatim(raw)).strip()
    doi = doi.split()[0] if doi else ""
    if not doi.startswith("10."):
        warnings.append(f"DOI {raw!r} does not start with '10.'; left out")
        return ""
    return doi


def _arxiv_id(fields, doi):
    prefix = (fields.get("archiveprefix") or fields.get("eprinttype") or "").lower()
    eprint = (fields.get("eprint") or "").strip()
    if eprint and (prefix in {"arxiv", ""}):
        match = _ARXIV_ID.search(eprint)
        if match and (prefix == "arxiv" or match.group(0) == eprint):
            return match.group(1)
    for name in ("url", "pdf", "howpublished", "note"):
        match = _ARXIV_URL.search(fields.get(name, ""))
        if match:
            return match.group(1)
    for name in ("journal", "journaltitle", "volume", "note", "howpublished"):
        value = fields.get(name, "")
        match = _ARXIV_IN_TEXT.search(value)
        if match:
            return match.group(1)
        if name == "volume" and value.startswith("abs/"):
            match = _ARXIV_ID.fullmatch(value[4:].strip())
            if match:
                return match.group(1)
    match = _ARXIV_DOI.match(doi)
    return match.group(1) if match else ""


def _year_month(fields, warnings):
    year = month = None
    raw_year = fields.get("year", "").strip()
    date = fields.get("date", "").strip()
    if raw_year:
        match = _YEAR.match(decode(raw_year))
        if match:
            year = int(match.group(1))
        else:
            warnings.append(f"year {raw_year!r} is not a number; kept without a year")
    elif date:
        match = _DATE.match(date)
        if match:
            year = int(match.group(1))
            if match.group(2) and 1 <= int(match.group(2)) <= 12:
                month = int(match.group(2))
        else:
            warnings.append(f"date {date!r} is not YYYY-MM-DD; kept without a year")
    else:
        warnings.append("no year; kept without one")
    raw_month = decode(fields.get("month", "")).strip().strip(".").lower()
    if raw_month:
        words = [w for w in _NON_WORD.split(raw_month) if w]
        found = [
            MONTHS.get(w) or (int(w) if w.isdigit() and 1 <= int(w) <= 12 else None)
            for w in words
        ]
        if not words or words[0].isdigit() and len(words) > 1:
            # "10 january" is a day and a month: the month is the word.
            found = [MONTHS.get(w) for w in words] or found
        months = [m for m in found if m]
        if months:
            month = months[0]
        else:
            warnings.append(f"month {raw_month!r} not understood; left out")
    return year, month


def _pages(fields):
    pages = decode(fields.get("pages", ""))
    return _DASHES.sub("--", pages)


def verbatim(value):
    """An identifier as written: braces and LaTeX escapes gone, nothing decoded."""
    return _ESCAPED.sub(r"\1", value.replace("{", "").replace("}", "")).strip()


def _link(fields, name, warnings):
    value = verbatim(fields.get(name, ""))
    if not value:
        return ""
    value = value.split()[0]
    if _URL.match(value):
        return value
    warnings.append(f"{name} {value!r} is not a web address; left out")
    return ""


def _kind_status(entry, fields, venue, arxiv_id):
    kind = TYPE_KINDS.get(entry.type, Kind.OTHER)
    if kind == Kind.OTHER and fold(fields.get("type", "")) in TALK_TYPES:
        kind = Kind.TALK
    status = Status.PUBLISHED
    if fields.get("pubstate"):
        status = PUBSTATES.get(fold(decode(fields["pubstate"])), status)
    if arxiv_id and (not venue or _PREPRINT_VENUE.match(venue)):
        if kind in {Kind.ARTICLE, Kind.OTHER, Kind.REPORT, Kind.PREPRINT}:
            kind = Kind.PREPRINT
        if status == Status.PUBLISHED:
            status = Status.PREPRINT
    elif kind == Kind.PREPRINT and status == Status.PUBLISHED:
        status = Status.PREPRINT
    return kind, status


def _venue(entry, fields):
    venue = _text(fields, "journal", "journaltitle", "booktitle")
    if not venue and entry.type in {"phdthesis", "mastersthesis", "thesis"}:
        venue = _text(fields, "school", "institution")
    if not venue and entry.type in {"techreport", "report"}:
        venue = _text(fields, "institution")
    if not venue:
        howpublished = _text(fields, "howpublished")
        if howpublished and not _URL.match(howpublished):
            venue = howpublished
    return venue


def clip(values, warnings):
    """Cut text to the model's field lengths, saying so."""
    for name, limit in _LIMITS.items():
        if len(values[name]) > limit:
            warnings.append(f"{name} longer than {limit} characters; shortened")
            values[name] = values[name][:limit]


def normalise(entry):
    """A Record for an entry; raises ValueError when it cannot be a publication."""
    fields = entry.fields
    if entry.plain:
        # Taken as written: encoded so that decoding gives the text back.
        fields = {
            name: value if name in NAME_FIELDS else encode(value)
            for name, value in fields.items()
        }
    warnings = list(entry.warnings)
    title = _text(fields, "title")
    if not title:
        raise ValueError("no title")
    doi = _doi(fields, warnings)
    arxiv_id = _arxiv_id(fields, doi)
    venue = _venue(entry, fields)
    kind, status = _kind_status(entry, fields, venue, arxiv_id)
    if status == Status.PREPRINT and (not venue or _ARXIV_IN_TEXT.search(venue)):
        venue = "arXiv"
    year, month = _year_month(fields, warnings)
    names = parse_names(fields.get("author", "")) if fields.get("author") else None
    if names is None or not (names.authors or names.raw):
        names = parse_names(fields.get("editor", ""))
    warnings.extend(names.warnings)
    url = _link(fields, "url", warnings)
    values = {
        "title": title,
        "kind": kind,
        "status": status,
        "year": year,
        "month": month,
        "venue": venue,
        "venue_short": _text(fields, "abbr"),
        "volume": _text(fields, "volume"),
        "number": _text(fields, "number", "issue"),
        "pages": _pages(fields),
        "publisher": _text(fields, "publisher", "organization"),
        "doi": doi,
        "arxiv_id": arxiv_id,
        "url": url,
        "pdf_url": "",
        "code_url": "",
        "slides_url": "",
        "video_url": "",
        "project_url": "",
        "poster_url": "",
        "abstract": _text(fields, "abstract"),
        "keywords": _text(fields, "keywords"),
        "note": _text(fields, "award_name", "award"),
        "authors_raw": names.raw,
        "authors_et_al": names.et_al,
        "is_selected": fields.get("selected", "").strip().lower() in _TRUE,
    }
    for name, target in LINK_FIELDS.items():
        if fields.get(name) and not values[target]:
            values[target] = _link(fields, name, warnings)
    if kind == Kind.TALK and not values["venue"]:
        values["venue"] = _text(fields, "eventtitle", "venue")
    clip(values, warnings)
    return Record(
        key=entry.key,
        line=entry.line,
        values=values,
        authors=names.authors,
        source=entry.source,
        warnings=warnings,
        first_family=quick_fold(names.authors[0].parts.family) if names.authors else "",
    )


def generated_key(record):
    """A key for an entry that has none: first author, year, first title word."""
    family = fold(record.authors[0].parts.family) if record.authors else "anon"
    words = [w for w in fold(record.values["title"]).split() if len(w) > 3]
    year = record.values["year"] or ""
    key = f"{family.replace(' ', '')}{year}{words[0] if words else ''}"
    return _KEY_CHARS.sub("", key)[:200] or "entry"
