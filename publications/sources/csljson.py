"""CSL-JSON (Zotero, Pandoc, citeproc, doi.org) to importer entries.

CSL-JSON is a JSON array of items, each a work described with the variables of
the Citation Style Language 1.0.2 specification (``type``, ``title``,
``container-title``, ``author`` as ``{family, given, non-dropping-particle,
dropping-particle, suffix}`` or ``{literal}``, ``issued`` as ``date-parts``,
``raw`` or ``literal``, ``page``, ``DOI``...). The mapping to BibTeX fields
follows the one citeproc-js and Zotero's exporters use, so that a work imported
from CSL-JSON and from the same library's BibTeX export becomes one publication.
"""

import json
import re

from publications.bibtex.export import (
    ALFOLIO_NOT_CSL,
    CSL_DATE_VARIABLES,
    CSL_NAME_VARIABLES,
)
from publications.bibtex.normalise import MAPPED_FIELDS
from publications.sources.entries import (
    Failure,
    ParseResult,
    bibtex_name,
    clean,
    make_entry,
    make_key,
    name_list,
    strip_jats,
    strip_markup,
)
from site_config.markup.math import TITLE_TAGS

# CSL item types (CSL 1.0.2 appendix) to BibTeX entry types.
CSL_TYPES = {
    "article-journal": "article",
    "article-magazine": "article",
    "article-newspaper": "article",
    "review": "article",
    "review-book": "article",
    "paper-conference": "inproceedings",
    "chapter": "incollection",
    "entry-encyclopedia": "inreference",
    "entry-dictionary": "inreference",
    "entry": "inreference",
    "book": "book",
    "classic": "book",
    "collection": "collection",
    "periodical": "periodical",
    "thesis": "phdthesis",
    "report": "techreport",
    "speech": "presentation",
    "presentation": "presentation",
    # CSL's "article" is a manuscript made public: a preprint or working paper.
    "article": "preprint",
    "manuscript": "unpublished",
    "dataset": "dataset",
    "software": "software",
    "patent": "patent",
    "webpage": "online",
    "post": "online",
    "post-weblog": "online",
    "graphic": "misc",
    "motion_picture": "video",
    "broadcast": "video",
    "interview": "misc",
    "personal_communication": "misc",
    "legal_case": "misc",
    "legislation": "misc",
    "bill": "misc",
    "map": "misc",
    "song": "misc",
    "standard": "standard",
    "document": "misc",
}
_CONTAINER_AS_JOURNAL = {"article", "periodical"}
_ARXIV_NUMBER = re.compile(r"^arxiv:\s*(\S+)$", re.IGNORECASE)
# "arXiv:2401.01234" on a line of its own in ``note`` (labsite's export, Zotero's
# "Extra"), and an arXiv page as the URL: both name the arXiv id.
_ARXIV_NOTE = re.compile(r"^\s*arxiv:\s*(\S+)\s*$", re.IGNORECASE | re.MULTILINE)
_ARXIV_URL = re.compile(
    r"^https?://(?:www\.)?arxiv\.org/(?:abs|pdf)/([^?#\s]+?)(?:v\d+)?(?:\.pdf)?/?$",
    re.IGNORECASE,
)
# The model fields a CSL item can express, the one list of them (see
# merge.plan_update): a CSL-JSON import never clears a field outside it. CSL
# has no variable for a work's site-only marks (selected, abbr, award), its
# al-folio links (pdf, code, slides, html...) or repository, nor for BibTeX's
# other fields (the variables a file keeps there are added key by key:
# merge.as_last_imported); a "license" some writers add is read, but CSL 1.0.2
# has none to write back, so no file clears it.
CSL_JSON_FIELDS = frozenset(
    {
        "title", "kind", "status", "venue", "venue_short", "year", "month",
        "year_text", "volume", "number", "pages", "publisher", "address", "doi",
        "url", "arxiv_id", "abstract", "keywords", "bib_note", "language",
        "edition", "version", "series", "chapter", "isbn", "issn", "editors",
    }
)  # fmt: skip
# Variables read and deliberately not kept, with the reason the report gives
# at -v 2 (docs/imports.md, "CSL-JSON in detail"): they describe a citation or
# a reference manager's record, not the work.
IGNORED_VARIABLES = {
    "id": "the item's id in its file; the key is its citation-key",
    "citation-label": "a label a style makes when citing",
    "citation-number": "a number a style gives when citing",
    "first-reference-note-number": "a note number a style gives when citing",
    "locator": "the page of one citation, not of the work",
    "year-suffix": "the letter a style adds to tell same-year works apart",
    "system_id": "a reference manager's own record id",
}
_MASTERS = re.compile(r"master|m\.?\s?sc|m\.?a\.?\b|diplom", re.IGNORECASE)


class CslJsonError(ValueError):
    """The text is not CSL-JSON at all (not JSON, or JSON of another shape)."""


def parse_csl_json(text):
    """Entries for every item of a CSL-JSON text.

    ``text``: a JSON array of CSL items (a single item object, or an object with
    an ``items`` array, is read too). Returns a ``ParseResult`` whose entries have
    the line each item starts on; an item that is not an object, or has no title,
    is a ``Failure`` with its line and id; a variable of the wrong shape (a name
    list given as a string) is a warning (a ``Failure`` with the item's line and
    key) saying how it was read. Raises ``CslJsonError`` when the text is not
    JSON, holds no list of items or an empty one.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise CslJsonError(
            f"not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"
        ) from error
    if isinstance(data, dict):
        data = data.get("items", [data]) if "items" in data else [data]
    if not isinstance(data, list):
        raise CslJsonError("JSON of another shape: CSL-JSON is a list of items")
    if not data:
        # As an empty .bib or .ris file: nothing to import is a mistake to report.
        raise CslJsonError("the list holds no items, so there is nothing to import")
    lines = _item_lines(text, len(data))
    result = ParseResult(entries=[], failures=[], warnings=[])
    for item, line in zip(data, lines, strict=True):
        if not isinstance(item, dict):
            result.failures.append(
                Failure(line=line, key="", message="item is not a JSON object")
            )
            continue
        source = json.dumps(item, ensure_ascii=False, sort_keys=True)
        problems = []
        try:
            entry = csl_item_entry(item, line=line, source=source, problems=problems)
        except ValueError as error:
            key = str(item.get("citation-key") or item.get("id") or "")
            result.failures.append(Failure(line=line, key=key, message=str(error)))
            continue
        result.entries.append(entry)
        result.warnings.extend(
            Failure(line=line, key=entry.key, message=message) for message in problems
        )
    return result


def _item_lines(text, count):
    """The line on which each top-level item of a JSON array starts."""
    decoder = json.JSONDecoder()
    lines, pos = [], text.find("[")
    if pos < 0:
        return [1] * count
    pos += 1
    for _ in range(count):
        while pos < len(text) and text[pos] in " \t\r\n,":
            pos += 1
        lines.append(text.count("\n", 0, pos) + 1)
        try:
            pos = decoder.raw_decode(text, pos)[1]
        except json.JSONDecodeError:
            break
    return lines + [lines[-1] if lines else 1] * (count - len(lines))


_ET_AL = re.compile(r"^(?:others|et\.? al\.?)$", re.IGNORECASE)


def csl_names(names, *, variable="author", problems=None):
    """A CSL name list (``author``, ``editor``) as BibTeX names.

    CSL wants a list of name objects; a string (``"author": "Smith"``) is read
    as one literal name and a list item that is not an object is left out, each
    with a message added to ``problems`` (a list) naming ``variable``. A literal
    "others" (or "et al.") is not a name: it ends the list with BibTeX's
    ``others``, read as et al.
    """
    problems = [] if problems is None else problems
    if isinstance(names, str):
        if not names.strip():
            return []
        problems.append(
            f"{variable} is the text {names.strip()[:60]!r}, not a list of names; "
            "read as one name"
        )
        names = [{"literal": names}]
    elif isinstance(names, dict):
        problems.append(f"{variable} is one name object, not a list; read as one")
        names = [names]
    elif names is not None and not isinstance(names, list):
        problems.append(f"{variable} is not a list of names ({names!r}); left out")
        return []
    out, et_al = [], False
    for position, name in enumerate(names or [], start=1):
        if not isinstance(name, dict):
            problems.append(
                f"{variable} name {position} is {name!r}, not a name object; left out"
            )
            continue
        literal = str(name.get("literal") or "").strip()
        if _ET_AL.match(literal):
            # {"literal": "others"} is how CSL writers say "and others" (et al.).
            et_al = True
            continue
        if not literal and not name.get("family") and name.get("given"):
            # A lone name part, as Crossref sends for a mononym.
            literal = str(name["given"]).strip()
        written = bibtex_name(
            family=str(name.get("family") or "").strip(),
            given=str(name.get("given") or "").strip(),
            particle=" ".join(
                str(name.get(part) or "").strip()
                for part in ("dropping-particle", "non-dropping-particle")
                if name.get(part)
            ),
            suffix=str(name.get("suffix") or "").strip(),
            literal=literal,
        )
        if not written:
            problems.append(f"{variable} name {position} is empty ({name!r}); left out")
            continue
        out.append(written)
    # BibTeX's "and others", which the name-list reader takes as et al.
    return [*out, "others"] if et_al else out


_FIRST_YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)")
# A raw date that is one ISO 8601 date (EDTF's plain form): read as its parts.
_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


def csl_date_fields(value, *, variable="issued", problems=None):
    """BibTeX ``year``/``month``/``date`` fields for a CSL date.

    ``value``: a CSL date object: ``date-parts`` (one part, or two for a range
    such as ``[[1982], [1983]]``), ``raw`` or ``literal`` (both, as labsite's
    export writes a written year beside its parts); a string or number is read
    as ``raw`` with a message. What is not a plain year is handed on as written
    (``year = {1982--1983}``, ``date = {2017-09-03/2017-09-09}``) so that the
    importer's one rule for years (``normalise._year_month``) keeps its first year
    for sorting and the text to show. A month outside 1-12 is left out with a
    message in ``problems``; a ``season`` is not a month and is left out.
    """
    problems = [] if problems is None else problems
    if isinstance(value, str | int) and str(value).strip():
        problems.append(
            f"{variable} is {value!r}, not a CSL date object; read as a written date"
        )
        value = {"raw": str(value)}
    if not isinstance(value, dict):
        return {}
    fields = {}
    parts = value.get("date-parts")
    ranges = [
        [_int(piece) for piece in part]
        for part in (parts if isinstance(parts, list) else [])
        if isinstance(part, list) and part and _int(part[0]) is not None
    ]
    _drop_bad_months(ranges, variable, problems)
    text = str(value.get("raw") or value.get("literal") or "").strip()
    iso = _ISO_DATE.match(text)
    if iso and not ranges:
        ranges, text = [[_int(piece) for piece in iso.groups() if piece]], ""
        _drop_bad_months(ranges, variable, problems)
    if ranges:
        fields["year"] = str(ranges[0][0])
        if len(ranges[0]) > 1:
            fields["month"] = str(ranges[0][1])
        if len(ranges) > 1 and not text:
            # ISO 8601's interval, as biblatex writes a range in ``date``.
            text = "/".join(
                "-".join(f"{piece:02d}" for piece in part if piece is not None)
                for part in ranges[:2]
            )
    if text and text != fields.get("year"):
        first = _FIRST_YEAR.search(text)
        year = first.group(0) if first else None
        if "/" in text and year and fields.get("year", year) == year:
            fields["date"] = text
            fields.setdefault("year", year)
        else:
            fields["year"] = text
    if value and not fields.get("year", "").strip():
        problems.append(f"{variable} {value!r} has no year; left out")
    return fields


def _drop_bad_months(ranges, variable, problems):
    for part in ranges:
        if len(part) > 1 and not (part[1] and 1 <= part[1] <= 12):
            problems.append(
                f"{variable} month {part[1]!r} is not a month (1-12); left out"
            )
            del part[1:]


def _int(value):
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _joined(value, separator):
    """A text variable's value as text; a list (which some writers give for a
    string variable) as its items joined."""
    if isinstance(value, list):
        return separator.join(str(v).strip() for v in value if str(v).strip())
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value).strip() if value not in (None, "") else ""


class _Item:
    """One CSL item being read: each variable taken is remembered, so that what
    no rule took can be kept (``other_fields``) or reported as ignored."""

    def __init__(self, item, problems):
        self.item = item
        self.problems = problems
        self.taken = set()

    def text(self, name, *, separator="; ", warn=True):
        self.taken.add(name)
        value = self.item.get(name)
        if warn and isinstance(value, list) and len(value) > 1:
            self.problems.append(
                f"{name} is a list of {len(value)} texts; read as one, joined"
            )
        return _joined(value, separator)

    def peek(self, name):
        return _joined(self.item.get(name), "; ")

    def names(self, name):
        self.taken.add(name)
        return csl_names(self.item.get(name), variable=name, problems=self.problems)


def csl_item_entry(item, *, line=1, source="", problems=None):
    """The ``Entry`` for one CSL item (a dict as the specification describes).

    ``problems``: a list that gets a message for each variable of the wrong
    shape (see ``csl_names``, ``csl_date_fields``) and for a ``type`` CSL does
    not define (imported as other). Every variable no rule maps is kept in the
    entry's fields under its name in lower case (the publication's other
    fields, which the exports write back), dates as ISO text and names as a
    BibTeX name list, or named in ``Entry.ignored`` when it is in
    ``IGNORED_VARIABLES``. Raises ValueError when the item has no title.
    """
    problems = [] if problems is None else problems
    read = _Item(item, problems)
    # Italics, bold, sub- and superscripts stay: the site shows them (case 25).
    title = strip_markup(read.text("title", separator=": "), keep=TITLE_TAGS)
    subtitle = strip_markup(read.text("subtitle", separator=": "), keep=TITLE_TAGS)
    if subtitle and not title.rstrip().endswith((":", "?", "!", ".")):
        title = f"{title.rstrip()}: {subtitle}"
    if not title.strip():
        raise ValueError("no title")
    csl_type = read.text("type") or "document"
    bib_type = CSL_TYPES.get(csl_type)
    if bib_type is None:
        problems.append(f"type {csl_type!r} is not a CSL type; imported as other")
        bib_type = "misc"
    # The genre ("PhD thesis", "Technical report") tells the BibTeX type and is
    # kept as written in the other fields, as BibTeX's type field has no model
    # field either.
    if csl_type == "thesis" and _MASTERS.search(read.peek("genre")):
        bib_type = "mastersthesis"
    authors = read.names("author")
    editors = read.names("editor")
    read.taken.add("issued")
    dates = csl_date_fields(item.get("issued"), problems=problems)
    container = strip_markup(read.text("container-title"))
    publisher = read.text("publisher")
    fields = {
        "title": title,
        "author": name_list(authors),
        "editor": name_list(editors),
        **dates,
        "volume": read.text("volume"),
        "number": read.text("issue") or read.text("number"),
        "pages": read.text("page"),
        "publisher": publisher,
        "address": read.text("publisher-place"),
        "doi": read.text("DOI"),
        "url": read.text("URL"),
        # Kept as written: CSL rich text (<i>, <sub>...) is the formatting the
        # abstract shows, sanitised when rendered; only JATS wrappers go.
        "abstract": strip_jats(read.text("abstract", separator="\n\n")),
        "keywords": read.text("keyword", separator=", ", warn=False),
        "note": _ARXIV_NOTE.sub("", read.text("note")).strip(),
        "isbn": read.text("ISBN"),
        "issn": read.text("ISSN"),
        "language": read.text("language"),
        "edition": read.text("edition"),
        "series": read.text("collection-title"),
        "chapter": read.text("chapter-number"),
        "version": read.text("version"),
        # Not in CSL 1.0.2, but written by some (Zenodo's, CSL 1.1's draft).
        "license": read.text("license"),
        "pubstate": read.text("status"),
        "shortjournal": read.text("container-title-short")
        or read.text("journalAbbreviation"),
    }
    if bib_type in _CONTAINER_AS_JOURNAL or bib_type == "preprint":
        fields["journal"] = container
    elif bib_type in {"phdthesis", "mastersthesis"}:
        # CSL names the university as publisher (Zotero, citeproc); labsite's
        # export and some others name it as container, beside a publisher.
        fields["school"] = container or publisher
        fields["publisher"] = publisher if container else ""
    elif bib_type == "techreport":
        fields["institution"] = publisher or container
        fields["publisher"] = ""
        fields["type"] = read.peek("genre")
    elif bib_type == "presentation":
        fields["eventtitle"] = (
            read.text("event-title") or read.text("event") or container
        )
        fields["venue"] = read.text("event-place")
    else:
        fields["booktitle"] = container
    if bib_type == "inproceedings" and not container:
        fields["booktitle"] = read.text("event-title") or read.text("event")
    arxiv = _ARXIV_NUMBER.match(read.peek("number"))
    if arxiv:
        fields["eprint"] = arxiv.group(1)
        fields["archiveprefix"] = "arXiv"
        fields["number"] = read.peek("issue")
    arxiv = arxiv or _ARXIV_NOTE.search(read.peek("note"))
    page = _ARXIV_URL.match(fields["url"])
    if page and (not arxiv or arxiv.group(1) == page.group(1)):
        # The arXiv page of the work names its arXiv id; the address is kept
        # unless it is the very page the site links for that id.
        if fields["url"] == f"https://arxiv.org/abs/{page.group(1)}":
            fields["url"] = ""
        arxiv = arxiv or page
    if arxiv:
        fields["eprint"] = arxiv.group(1)
        fields["archiveprefix"] = "arXiv"
    key = read.text("citation-key")
    if not key or key == read.peek("id"):
        key = key or read.peek("id")
        read.taken.add("id")
    key = make_key(
        key,
        authors=authors,
        year=dates.get("year"),
        title=title,
    )
    entry = make_entry(
        type=bib_type,
        key=key,
        fields=fields,
        line=line,
        source=source,
        carries=CSL_JSON_FIELDS,
    )
    _keep_the_rest(item, read.taken, entry, problems)
    return entry


def _keep_the_rest(item, taken, entry, problems):
    """Every variable no rule took: kept in ``entry.fields`` under its name in
    lower case (the importer stores a field it does not map in the
    publication's other fields), or named in ``entry.ignored``."""
    for name, value in item.items():
        if name in taken or value in (None, "", [], {}):
            continue
        if name in IGNORED_VARIABLES:
            reason = IGNORED_VARIABLES[name]
            entry.ignored.append(f"variable {name!r} ignored ({reason})")
            continue
        if name in CSL_DATE_VARIABLES:
            text = csl_date_text(value, variable=name, problems=problems)
        elif name in CSL_NAME_VARIABLES:
            text = name_list(csl_names(value, variable=name, problems=problems))
            entry.verbatim |= {name.lower()}
        else:
            text = _joined(value, "; ")
        field = name.lower()
        if field in entry.fields or field in MAPPED_FIELDS or field in ALFOLIO_NOT_CSL:
            # A variable of the same name as a BibTeX field read otherwise
            # (CSL's "number" beside its "issue"): kept apart.
            field = f"csl-{field}"
        if clean(text):
            entry.fields[field] = clean(text)


def csl_date_text(value, *, variable, problems):
    """A CSL date other than ``issued`` as text: ISO ``2020-05-01`` (a range
    joined with ``/``), else as written."""
    parts = value.get("date-parts") if isinstance(value, dict) else None
    if (
        isinstance(parts, list)
        and parts
        and all(isinstance(part, list) and part and _int(part[0]) for part in parts)
    ):
        return "/".join(
            "-".join(f"{_int(piece) or 0:02d}" for piece in part[:3])
            for part in parts[:2]
        )
    if isinstance(value, dict):
        return str(value.get("raw") or value.get("literal") or "").strip()
    problems.append(f"{variable} is {value!r}, not a CSL date object; kept as text")
    return str(value).strip()
