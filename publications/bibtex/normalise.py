"""Plain entries to the values of a Publication: types, venues, dates, ids, links.

Every rule that turns what a file says into what the site stores lives here, so
the importer only has to match and write. Problems that do not make an entry
useless become warnings on the record; an entry without a title is an error.
"""

import hashlib
import json
import re
from dataclasses import dataclass, field, replace
from operator import gt, itemgetter

from publications.bibtex.latex import decode, dropped_commands, encode
from publications.bibtex.names import folded, parse_names
from publications.models import Publication
from site_config.core.text import fold
from site_config.markup.plaintext import to_plain

# Part of every entry's source hash: change it when a rule here changes, so that
# a re-import re-reads entries whose text has not changed.
RULES_VERSION = "3"
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
    # biblatex 3.x; biblatex-software adds the version and module entries.
    "software": Kind.SOFTWARE,
    "softwareversion": Kind.SOFTWARE,
    "softwaremodule": Kind.SOFTWARE,
    "dataset": Kind.DATASET,
}
# Name lists: BibTeX name syntax whatever the reader (see parse.Entry).
NAME_FIELDS = {"author", "editor"}
# An entry of another type whose "type" field says it is a talk.
TALK_TYPES = {"talk", "presentation", "lecture"}
# ... and one whose "type" says it is a preprint (the site's export of a
# preprint that no arXiv id or preprint server marks as one).
PREPRINT_TYPES = {"preprint", "prepublished", "preprint manuscript"}
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
    "abbr",
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
    "repository_url",
    "version",
    "license",
    "abstract",
    "keywords",
    "note",
    "authors_raw",
    "year_text",
    "isbn",
    "issn",
    "address",
    "edition",
    "series",
    "chapter",
    "institution",
    "organization",
    "howpublished",
    "language",
    "bib_note",
    "award",
    "additional_info",
    "html_url",
    "website_url",
    "supp_url",
    "blog_url",
]
# Every model field the importer manages (and an editor's change to which it keeps).
MANAGED_FIELDS = [
    *TEXT_FIELDS,
    "year",
    "month",
    "is_selected",
    "authors_et_al",
    "bibtex_show",
    "editors",
    "other_fields",
]
_MANAGED_KEYS = frozenset(MANAGED_FIELDS)


def managed_values(values):
    """A new dict of the managed fields of ``values`` (a dict), None for those
    it lacks. A normalised record's values hold exactly these fields, and are
    then copied whole rather than field by field."""
    if values.keys() == _MANAGED_KEYS:
        return dict(values)
    return {name: values.get(name) for name in MANAGED_FIELDS}


_LIMITS = {
    name: Publication._meta.get_field(name).max_length
    for name in TEXT_FIELDS
    if Publication._meta.get_field(name).max_length
}
_limited_values = itemgetter(*_LIMITS)
_LIMIT_LENGTHS = tuple(_LIMITS.values())
# al-folio's link fields and the model field each becomes.
LINK_FIELDS = {
    "pdf": "pdf_url",
    "code": "code_url",
    "slides": "slides_url",
    "video": "video_url",
    "poster": "poster_url",
    "html": "html_url",
    "website": "website_url",
    "supp": "supp_url",
    "blog": "blog_url",
    "project": "project_url",
}
# Link fields that may name a file instead (al-folio's ``pdf = {paper.pdf}``):
# the importer attaches it, and warns only when it is not found or not usable.
FILE_LINKS = {"pdf"}
# Fields read verbatim (``verbatim``, ``_link``), not decoded as LaTeX.
VERBATIM_FIELDS = {*LINK_FIELDS, "url", "doi", "eprint", "arxiv", "repository"}
# Plain text fields and the model field each becomes (the first one given wins).
TEXT_MAP = {
    "isbn": ("isbn",),
    "issn": ("issn",),
    "address": ("address", "location"),
    "edition": ("edition",),
    "series": ("series",),
    "chapter": ("chapter",),
    "organization": ("organization",),
    "language": ("language", "langid"),
    "additional_info": ("additional_info",),
    "award": ("award",),
    "keywords": ("keywords",),
    "abstract": ("abstract",),
    "volume": ("volume",),
    "publisher": ("publisher",),
}
# Each source field of TEXT_MAP and the model field it is read into, and every
# such model field empty.
_TEXT_TARGETS = {name: target for target, names in TEXT_MAP.items() for name in names}
_NO_TEXT = dict.fromkeys(TEXT_MAP, "")
# Fields read into model fields (or consumed by a rule: ids, marks, status).
MAPPED_FIELDS = {
    *LINK_FIELDS,
    *(name for names in TEXT_MAP.values() for name in names),
    "title", "author", "editor", "journal", "journaltitle", "booktitle", "school",
    "institution", "howpublished", "note", "year", "date", "month", "number",
    "issue", "pages", "doi", "eprint", "archiveprefix", "eprinttype", "arxiv",
    "url", "abbr", "shortjournal", "shortbooktitle", "selected", "bibtex_show",
    "award_name", "pubstate", "pubstatus", "author+an", "cofirstauthors",
    "correspondingauthors", "crossref", "eventtitle", "type",
    # biblatex @software/@dataset (biblatex-software names the last two).
    "version", "license", "repository",
}  # fmt: skip
# Bookkeeping of reference managers and local files: read, named in the report
# (-v 2), neither stored nor exported (docs/bibtex.md, "Ignored fields").
IGNORED_FIELDS = {
    "file", "timestamp", "owner", "biburl", "bibsource", "date-added",
    "date-modified", "mendeley-groups", "mendeley-tags", "groups", "ranking",
    "readstatus", "printed", "qualityassured", "priority", "ids", "citation-key",
    "added-at", "interhash", "intrahash", "bdsk-file-1", "bdsk-file-2",
    "bdsk-url-1", "bdsk-url-2", "creationdate", "modificationdate",
}  # fmt: skip
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
    # Fields read but neither mapped nor stored, and commented-out lines.
    ignored: list = field(default_factory=list)
    # The model fields the entry's format can express (None: all, as BibTeX).
    carries: frozenset | None = None

    @property
    def is_preprint(self):
        return self.values["status"] in Publication.PREPRINT_STATUSES

    @property
    def title_key(self):
        return title_key(self.values["title"])


def title_key(title, fold=fold):
    """How titles compare (dedupe and matching): the folded plain text
    (site_config.markup.plaintext), so that a title with markup
    (``<i>Quercus</i>``, ``CO<sub>2</sub>``, ``$x$``) and one without it give one
    key. ``fold`` may be a memoised ``site_config.core.text.fold``."""
    return fold(to_plain(title))


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


# Entry types that hold other entries (biblatex manual 2.1.1): used as a crossref
# parent, such an entry completes its children and is not a work of the group's.
CONTAINER_TYPES = {
    "proceedings",
    "mvproceedings",
    "collection",
    "mvcollection",
    "book",
    "mvbook",
    "reference",
    "mvreference",
    "periodical",
}


def resolve_crossrefs(entries):
    """Fill each entry's missing fields from its crossref parent (BibTeX's rule).

    Returns {id(parent entry): number of children} for the parents of a
    container type (``CONTAINER_TYPES``), which the importer skips unless asked.
    """
    by_key = {}
    for entry in entries:
        by_key.setdefault(entry.key.lower(), entry)
    containers = {}
    for entry in entries:
        parent_key = entry.fields.get("crossref")
        if not parent_key:
            continue
        parent = by_key.get(parent_key.strip().lower())
        if parent is None or parent is entry:
            entry.warnings.append(f"crossref {parent_key!r} not found in the file")
            continue
        if parent.type in CONTAINER_TYPES:
            containers[id(parent)] = containers.get(id(parent), 0) + 1
        entry.parent_source = parent.source
        for name, value in parent.fields.items():
            if name in {"title", "crossref", "ids"} or name in IGNORED_FIELDS:
                continue
            entry.fields.setdefault(name, value)
        if "title" in parent.fields:
            entry.fields.setdefault("booktitle", parent.fields["title"])
        if "booktitle" in parent.fields:
            entry.fields.setdefault("booktitle", parent.fields["booktitle"])
    return containers


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
    arxiv = fields.get("arxiv")
    match = arxiv and _ARXIV_ID.fullmatch(verbatim(arxiv))
    if match:
        return match.group(1)
    for name in ("url", "pdf", "howpublished", "note"):
        value = fields.get(name)
        match = value and _ARXIV_URL.search(value)
        if match:
            return match.group(1)
    for name in ("journal", "journaltitle", "volume", "note", "howpublished"):
        value = fields.get(name)
        if not value:
            continue  # most entries have few of these: no search of ""
        match = _ARXIV_IN_TEXT.search(value)
        if match:
            return match.group(1)
        if name == "volume" and value.startswith("abs/"):
            match = _ARXIV_ID.fullmatch(value[4:].strip())
            if match:
                return match.group(1)
    match = _ARXIV_DOI.match(doi)
    return match.group(1) if match else ""


_FIRST_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")


def field_line(entry, name):
    """The line of the file an entry's field starts on (the entry's own line
    when the entry's text does not show it, as for CSL-JSON and RIS)."""
    found = re.search(
        rf"(?:^|[,{{])[ \t]*{re.escape(name)}[ \t]*=", entry.source, re.I | re.M
    )
    if not found:
        return entry.line
    return entry.line + entry.source.count("\n", 0, found.start())


def _year_problem(raw, at):
    """What is wrong with a year that gives no year to sort by, and where."""
    if re.fullmatch(r"[-−–]?\s*\d+", raw):
        wrong = "is not a year from 1000 to 9999 (BCE years and years of fewer "
        wrong += "than four digits cannot be sorted and filtered by)"
    else:
        wrong = "is not a number"
    return (
        f"line {at}, field year: {raw!r} {wrong}; kept as written, "
        "shown and exported, without a year"
    )


def _year_month(fields, warnings, *, entry):
    """(year, month, year as written) from ``year``, ``date`` and ``month``.

    A year that is not one number (``1982--1983``, ``1982/83``, ``c. 1900``)
    keeps its first four-digit year for sorting and filtering, and is kept as
    written to show and export; a ``date`` range (``2017-09-03/2017-09-09``,
    biblatex manual 2.3.8) likewise.
    """
    year = month = None
    year_text = ""
    raw_year = fields.get("year", "").strip()
    date = fields.get("date", "").strip()
    if raw_year:
        decoded = decode(raw_year)
        match = _YEAR.match(decoded)
        if match:
            year = int(match.group(1))
        else:
            first = _FIRST_YEAR.search(decoded)
            year_text = raw_year.replace("{", "").replace("}", "")
            if first:
                year = int(first.group(1))
            else:
                warnings.append(_year_problem(raw_year, field_line(entry, "year")))
    if year is not None and "/" in date and date.startswith(str(year)):
        year_text = date  # a range, with year written for BibTeX as well
    elif date and not raw_year:
        match = _DATE.match(date)
        if match:
            year = int(match.group(1))
            if match.group(2) and 1 <= int(match.group(2)) <= 12:
                month = int(match.group(2))
            if "/" in date:
                year_text = date
        else:
            warnings.append(f"date {date!r} is not YYYY-MM-DD; kept without a year")
    elif not raw_year:
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
    return year, month, year_text


def _pages(fields):
    pages = decode(fields.get("pages", ""))
    return _DASHES.sub("--", pages)


def verbatim(value):
    """An identifier as written: braces and LaTeX escapes gone, nothing decoded."""
    return _ESCAPED.sub(r"\1", value.replace("{", "").replace("}", "")).strip()


def _link(fields, name, warnings, other):
    """A web address from a link field; anything else (al-folio's relative
    ``pdf = {paper.pdf}``) is kept as written in ``other`` with a warning."""
    raw = fields.get(name)
    value = verbatim(raw) if raw else ""
    if not value:
        return ""
    match = _URL_IN_TEXT.search(value)
    if match and (_URL.match(value.split()[0]) or "\\url" in fields.get(name, "")):
        return match.group(0)
    if _URL.match(value.split()[0]):
        return value.split()[0]
    other[name] = fields[name].strip()
    if name not in FILE_LINKS:
        warnings.append(
            f"{name} {value!r} is not a web address; kept in the other fields"
        )
    return ""


# Preprint servers other than arXiv, by the DOI prefix they register under
# (Crossref member prefixes) and by the journal name reference managers write.
PREPRINT_SERVERS = {
    "10.1101/": "bioRxiv",
    "10.2139/ssrn": "SSRN",
    "10.26434/chemrxiv": "ChemRxiv",
    "10.31219/osf.io": "OSF Preprints",
    "10.31234/osf.io": "PsyArXiv",
    "10.31235/osf.io": "SocArXiv",
    "10.21203/rs.": "Research Square",
    "10.36227/techrxiv": "TechRxiv",
    "10.20944/preprints": "Preprints.org",
    "10.22541/au.": "Authorea",
}
_SERVER_NAMES = re.compile(
    r"^\s*(biorxiv|medrxiv|ssrn|chemrxiv|osf preprints|psyarxiv|socarxiv|"
    r"research square|techrxiv|preprints\.org|authorea|eartharxiv|engrxiv)\b",
    re.IGNORECASE,
)


def preprint_server(venue, doi):
    """The preprint server a work is on ("bioRxiv", "SSRN"...), or ""."""
    match = _SERVER_NAMES.match(venue or "")
    if match:
        return venue.strip()
    lowered = (doi or "").lower()
    for prefix, name in PREPRINT_SERVERS.items():
        if lowered.startswith(prefix):
            if prefix == "10.1101/" and "medrxiv" in (venue or "").lower():
                return "medRxiv"
            return name
    return ""


def _kind_status(entry, fields, venue, arxiv_id, doi=""):
    kind = TYPE_KINDS.get(entry.type, Kind.OTHER)
    if kind == Kind.OTHER and fold(fields.get("type", "")) in TALK_TYPES:
        kind = Kind.TALK
    elif kind == Kind.OTHER and fold(fields.get("type", "")) in PREPRINT_TYPES:
        kind = Kind.PREPRINT
    status = Status.PUBLISHED
    pubstate = fields.get("pubstate") or fields.get("pubstatus")
    if pubstate:
        status = PUBSTATES.get(fold(decode(pubstate)), status)
    if arxiv_id and (not venue or _PREPRINT_VENUE.match(venue)):
        if kind in {Kind.ARTICLE, Kind.OTHER, Kind.REPORT, Kind.PREPRINT}:
            kind = Kind.PREPRINT
        if status == Status.PUBLISHED:
            status = Status.PREPRINT
    elif (not venue or _SERVER_NAMES.match(venue)) and preprint_server(venue, doi):
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
        venue = _with_link(fields.get("howpublished", ""))[0]
    return venue


def clip(values, warnings):
    """Cut text to the model's field lengths, saying so."""
    if not any(map(gt, map(len, _limited_values(values)), _LIMIT_LENGTHS)):
        return  # the common case, found without a Python loop over the fields
    for name, limit in _LIMITS.items():
        if len(values[name]) > limit:
            warnings.append(f"{name} longer than {limit} characters; shortened")
            values[name] = values[name][:limit]


def normalise(entry, *, marks=None):
    """A Record for an entry; raises ValueError when it cannot be a publication.

    ``marks``: the author-mark convention (``names.parse_names``). Every field of
    the entry is mapped to a model field, kept as written in ``other_fields``, or
    listed in ``Record.ignored`` (``IGNORED_FIELDS`` and commented-out lines).
    """
    fields = entry.fields
    if entry.plain:
        # Taken as written: encoded so that decoding gives the text back.
        # Addresses and identifiers are read verbatim, never decoded: encoding
        # them would keep "~" as "\textasciitilde".
        fields = {
            name: value
            if name in NAME_FIELDS or name in VERBATIM_FIELDS or name in entry.verbatim
            else encode(value)
            for name, value in fields.items()
        }
    warnings = list(entry.warnings)
    raw_title = fields.get("title") or ""
    # Title markup kept as the inline tags pages show (latex.TITLE_COMMANDS).
    title = decode(raw_title, tags=True) if raw_title.strip() else ""
    # Never silently: a logo command the decoder does not know (\MTeX) is
    # left out of the title, and named.
    dropped = ", ".join(f"\\{name}" for name in dropped_commands(raw_title))
    if not title:
        if dropped:
            raise ValueError(f"no title: it holds only unknown LaTeX ({dropped})")
        raise ValueError("no title")
    if dropped:
        warnings.append(f"title: unknown LaTeX {dropped} left out")
    other = {}
    doi = _doi(fields, warnings)
    arxiv_id = _arxiv_id(fields, doi)
    venue = _venue(entry, fields)
    kind, status = _kind_status(entry, fields, venue, arxiv_id, doi)
    server = preprint_server(venue, doi) if status == Status.PREPRINT else ""
    if server and not arxiv_id:
        venue = venue or server
    elif status == Status.PREPRINT and (
        (arxiv_id and not venue) or _ARXIV_IN_TEXT.search(venue)
    ):
        # Only a work with an arXiv id is on arXiv: a preprint without one
        # (RIS UNPB, a CSL "article" with no container) keeps no venue.
        venue = "arXiv"
    year, month, year_text = _year_month(fields, warnings, entry=entry)
    names = parse_names(fields.get("author", ""), marks=marks)
    warnings.extend(names.warnings)
    authors = _roles(names.authors, fields, warnings)
    editors = parse_names(fields.get("editor", ""), marks=marks)
    url = _link(fields, "url", warnings, other)
    howpublished, link = _with_link(fields.get("howpublished", ""))
    bib_note, note_link = _with_link(fields.get("note", ""))
    url = url or link or note_link
    institution = _text(fields, "institution", "school")
    values = {
        "title": title,
        "kind": kind,
        "status": status,
        "year": year,
        "year_text": year_text,
        "month": month,
        "venue": venue,
        "venue_short": _text(fields, "shortjournal", "shortbooktitle"),
        "abbr": _text(fields, "abbr"),
        "number": _text(fields, "number", "issue"),
        "pages": _pages(fields),
        "doi": doi,
        "arxiv_id": arxiv_id,
        "url": url,
        "pdf_url": "",
        "code_url": "",
        "slides_url": "",
        "video_url": "",
        "project_url": "",
        "poster_url": "",
        "html_url": "",
        "website_url": "",
        "supp_url": "",
        "blog_url": "",
        # The award's short name (the badge beside the title) and its text.
        "note": _text(fields, "award_name"),
        "bib_note": bib_note,
        "howpublished": "" if howpublished == venue else howpublished,
        "institution": "" if institution == venue else institution,
        "repository_url": _link(fields, "repository", warnings, other),
        "version": _text(fields, "version"),
        "license": _text(fields, "license"),
        "authors_raw": names.raw,
        "authors_et_al": names.et_al,
        "is_selected": _flag(fields, "selected", False),
        "bibtex_show": _flag(fields, "bibtex_show", True),
        "editors": [author.display for author in editors.authors]
        or ([editors.raw] if editors.raw else []),
    }
    # Only the TEXT_MAP fields the entry has are read: most entries have few.
    values.update(_NO_TEXT)
    for target in {_TEXT_TARGETS[name] for name in fields if name in _TEXT_TARGETS}:
        values[target] = _text(fields, *TEXT_MAP[target])
    # A comma list, written one way ("a, b") whatever the file's spacing, as
    # every export splits it (one RIS KW line, one CSL keyword each).
    values["keywords"] = ", ".join(
        word.strip() for word in values["keywords"].split(",") if word.strip()
    )
    if not values["note"] and len(values["award"]) <= 200:
        values["note"], values["award"] = values["award"], ""
    if not fields.keys().isdisjoint(LINK_FIELDS):
        for name, target in LINK_FIELDS.items():
            if fields.get(name) and not values[target]:
                values[target] = _link(fields, name, warnings, other)
    if kind == Kind.TALK and not values["venue"]:
        values["venue"] = _text(fields, "eventtitle", "venue")
    if fields.get("number") and fields.get("issue"):
        other["issue"] = fields["issue"]
    ignored = [f"commented-out field: {line}" for line in entry.commented]
    ignored += entry.ignored
    for name, value in fields.items():
        if name in IGNORED_FIELDS:
            ignored.append(f"field {name!r} ignored (reference-manager bookkeeping)")
        elif name not in MAPPED_FIELDS and value.strip():
            other[name] = value.strip()
    values["other_fields"] = other
    clip(values, warnings)
    return Record(
        key=entry.key,
        line=entry.line,
        values=values,
        authors=authors,
        source=entry.source,
        warnings=warnings,
        ignored=ignored,
        first_family=folded(authors[0].parts.family) if authors else "",
        carries=entry.carries,
    )


def _flag(fields, name, default):
    value = fields.get(name, "").strip().strip("{}").lower()
    if not value:
        return default
    return value in _TRUE


_URL_COMMAND = re.compile(r"\\(?:url|href)\s*\{([^{}]*)\}(?:\s*\{([^{}]*)\})?")
_URL_IN_TEXT = re.compile(r"https?://[^\s{}]+")


def _with_link(raw):
    """(decoded text without its web address, the address) for a raw
    ``howpublished`` or ``note``: ``\\url{...}``, ``\\href{...}{text}`` (whose
    text stays) or a bare address gives the publication its link."""
    if not raw or not raw.strip():
        return "", ""
    match = _URL_COMMAND.search(raw)
    if match:
        rest = raw[: match.start()] + (match.group(2) or "") + raw[match.end() :]
        return decode(rest).strip(" .,;:"), verbatim(match.group(1))
    match = _URL_IN_TEXT.search(raw)
    if not match:
        return decode(raw), ""
    # Found in the raw text: decoding would turn "~" in an address into a space.
    rest = decode(raw[: match.start()] + raw[match.end() :]).strip(" .,;:")
    return rest, verbatim(match.group(0).rstrip(".,;"))


_AN_ROLES = {
    "equal": "equal_contribution",
    "equalcontrib": "equal_contribution",
    "equalcontribution": "equal_contribution",
    "cofirst": "equal_contribution",
    "corresponding": "corresponding",
    "corr": "corresponding",
}


def _roles(authors, fields, warnings):
    """Marks given in fields of their own: biblatex annotations
    (``author+an = {1=equal; 3=corresponding}``, biblatex manual 3.7 "Data
    annotations") and a lab's ``cofirstauthors``/``correspondingauthors`` lists."""
    if not authors or not (
        "author+an" in fields
        or "cofirstauthors" in fields
        or "correspondingauthors" in fields
    ):
        return authors  # the common case: nothing to read
    flags = [{} for _author in authors]
    for item in fields.get("author+an", "").split(";"):
        position, _, roles = item.partition("=")
        position = position.split(":")[0].strip()
        if not position.isdigit() or not 1 <= int(position) <= len(authors):
            if item.strip():
                warnings.append(f"author+an item {item.strip()!r} not understood")
            continue
        for role in roles.replace('"', "").split(","):
            if role.strip().startswith("mark:"):
                # labsite's own export: a mark with no standard meaning, as printed.
                flags[int(position) - 1]["other_marks"] = role.strip()[5:]
                continue
            attribute = _AN_ROLES.get(fold(role).replace(" ", ""))
            if attribute:
                flags[int(position) - 1][attribute] = True
            elif role.strip():
                warnings.append(f"author+an role {role.strip()!r} not understood")
    keys = [_name_key(author.parts) for author in authors]
    for name, attribute in (
        ("cofirstauthors", "equal_contribution"),
        ("correspondingauthors", "corresponding"),
    ):
        for listed in parse_names(fields.get(name, "")).authors:
            key = _name_key(listed.parts)
            if key in keys:
                flags[keys.index(key)][attribute] = True
            else:
                warnings.append(f"{name}: {listed.display!r} is not an author")
    return [
        replace(author, **flag) if flag else author
        for author, flag in zip(authors, flags, strict=True)
    ]


def _name_key(parts):
    return fold(parts.family), fold(parts.given)[:1]


def generated_key(record):
    """A key for an entry that has none: first author, year, first title word."""
    family = fold(record.authors[0].parts.family) if record.authors else "anon"
    words = [w for w in title_key(record.values["title"]).split() if len(w) > 3]
    year = record.values["year"] or ""
    key = f"{family.replace(' ', '')}{year}{words[0] if words else ''}"
    return _KEY_CHARS.sub("", key)[:200] or "entry"
