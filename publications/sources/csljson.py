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

from publications.sources.entries import (
    Failure,
    ParseResult,
    bibtex_name,
    make_entry,
    make_key,
    name_list,
    strip_markup,
)

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
# al-folio links (pdf, code, slides, html...), license or repository, nor for
# BibTeX's other fields.
CSL_JSON_FIELDS = frozenset(
    {
        "title", "kind", "status", "venue", "venue_short", "year", "month",
        "year_text", "volume", "number", "pages", "publisher", "address", "doi",
        "url", "arxiv_id", "abstract", "keywords", "bib_note", "language",
        "edition", "version", "series", "chapter", "isbn", "issn", "editors",
    }
)  # fmt: skip
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
        out.append(
            bibtex_name(
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
        )
    # BibTeX's "and others", which the name-list reader takes as et al.
    return [*out, "others"] if et_al else out


def csl_date(value):
    """``(year, month)`` from a CSL date: ``date-parts``, ``raw`` or ``literal``.

    Either may be None; a ``season`` is not a month and is left out.
    """
    if not isinstance(value, dict):
        return None, None
    parts = value.get("date-parts")
    if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
        first = parts[0]
        year = _int(first[0])
        month = _int(first[1]) if len(first) > 1 else None
        return year, month if month and 1 <= month <= 12 else None
    text = str(value.get("raw") or value.get("literal") or "")
    match = re.search(r"\b(\d{4})(?:[-/](\d{1,2}))?", text)
    if not match:
        return None, None
    month = _int(match.group(2))
    return int(match.group(1)), month if month and 1 <= month <= 12 else None


def _int(value):
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _text(item, name):
    value = item.get(name)
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value) if value not in (None, "") else ""


def csl_item_entry(item, *, line=1, source="", problems=None):
    """The ``Entry`` for one CSL item (a dict as the specification describes).

    ``problems``: a list that gets a message for each variable of the wrong
    shape (see ``csl_names``). Raises ValueError when the item has no title.
    """
    problems = [] if problems is None else problems
    title = strip_markup(_text(item, "title"))
    subtitle = strip_markup(_text(item, "subtitle"))
    if subtitle and not title.rstrip().endswith((":", "?", "!", ".")):
        title = f"{title.rstrip()}: {subtitle}"
    if not title.strip():
        raise ValueError("no title")
    csl_type = _text(item, "type") or "document"
    bib_type = CSL_TYPES.get(csl_type, "misc")
    genre = _text(item, "genre")
    if csl_type == "thesis" and _MASTERS.search(genre):
        bib_type = "mastersthesis"
    authors = csl_names(item.get("author"), variable="author", problems=problems)
    editors = csl_names(item.get("editor"), variable="editor", problems=problems)
    issued = item.get("issued")
    if isinstance(issued, str | int) and str(issued).strip():
        problems.append(
            f"issued is {issued!r}, not a CSL date object; read as a written date"
        )
        issued = {"raw": str(issued)}
    year, month = csl_date(issued)
    if issued and year is None:
        problems.append(f"issued {issued!r} has no year; left out")
    container = strip_markup(_text(item, "container-title"))
    fields = {
        "title": title,
        "author": name_list(authors),
        "editor": name_list(editors),
        "year": str(year or ""),
        "month": str(month or ""),
        "volume": _text(item, "volume"),
        "number": _text(item, "issue") or _text(item, "number"),
        "pages": _text(item, "page"),
        "publisher": _text(item, "publisher"),
        "address": _text(item, "publisher-place"),
        "doi": _text(item, "DOI"),
        "url": _text(item, "URL"),
        "abstract": strip_markup(_text(item, "abstract")),
        "keywords": _text(item, "keyword"),
        "note": _ARXIV_NOTE.sub("", _text(item, "note")).strip(),
        "isbn": _text(item, "ISBN"),
        "issn": _text(item, "ISSN"),
        "language": _text(item, "language"),
        "edition": _text(item, "edition"),
        "series": _text(item, "collection-title"),
        "chapter": _text(item, "chapter-number"),
        "version": _text(item, "version"),
        "pubstate": _text(item, "status"),
        "shortjournal": _text(item, "container-title-short")
        or _text(item, "journalAbbreviation"),
    }
    if bib_type in _CONTAINER_AS_JOURNAL or bib_type == "preprint":
        fields["journal"] = container
    elif bib_type in {"phdthesis", "mastersthesis"}:
        # CSL names the university as publisher; some exporters as container.
        fields["school"] = _text(item, "publisher") or container
        fields["publisher"] = ""
    elif bib_type == "techreport":
        fields["institution"] = _text(item, "publisher") or container
        fields["publisher"] = ""
        fields["type"] = genre
    elif bib_type == "presentation":
        fields["eventtitle"] = (
            _text(item, "event-title") or _text(item, "event") or container
        )
        fields["venue"] = _text(item, "event-place")
    else:
        fields["booktitle"] = container
    if bib_type == "inproceedings" and not container:
        fields["booktitle"] = _text(item, "event-title") or _text(item, "event")
    arxiv = _ARXIV_NUMBER.match(_text(item, "number"))
    if arxiv:
        fields["eprint"] = arxiv.group(1)
        fields["archiveprefix"] = "arXiv"
        fields["number"] = _text(item, "issue")
    arxiv = arxiv or _ARXIV_NOTE.search(_text(item, "note"))
    page = _ARXIV_URL.match(fields["url"])
    if page and (not arxiv or arxiv.group(1) == page.group(1)):
        # The arXiv page of the work: its arXiv id, which the site links.
        fields["url"] = ""
        arxiv = arxiv or page
    if arxiv:
        fields["eprint"] = arxiv.group(1)
        fields["archiveprefix"] = "arXiv"
    key = make_key(
        _text(item, "citation-key") or _text(item, "id"),
        authors=authors,
        year=year,
        title=title,
    )
    return make_entry(
        type=bib_type,
        key=key,
        fields=fields,
        line=line,
        source=source,
        carries=CSL_JSON_FIELDS,
    )
