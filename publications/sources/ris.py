"""RIS (Zotero, Mendeley, EndNote, publishers' "download citation") to importer entries.

RIS is a tagged text format: each record starts with ``TY  - TYPE`` and ends with
``ER  -``; every line in between is a two-character tag, two spaces, a hyphen, a
space and a value (the layout documented in Research Information Systems' RIS
format specification and kept by EndNote, Zotero and Mendeley). Repeatable tags
(``AU``, ``ED``, ``KW``, ``UR``) keep their order; a line without a tag continues
the previous value (long abstracts are wrapped that way by some exporters).
"""

import re

from publications.sources.entries import (
    Failure,
    ParseResult,
    bibtex_name,
    make_entry,
    make_key,
    name_list,
)

_TAG_LINE = re.compile(r"^([A-Z][A-Z0-9])  ?-(?: (.*)|\s*)$")
# RIS reference types (the RIS specification's list) to BibTeX entry types.
RIS_TYPES = {
    "JOUR": "article",
    "JFULL": "article",
    "EJOUR": "article",
    "MGZN": "article",
    "NEWS": "article",
    "INPR": "article",
    "CONF": "inproceedings",
    "CPAPER": "inproceedings",
    "CHAP": "incollection",
    "ECHAP": "incollection",
    "BOOK": "book",
    "EBOOK": "book",
    "EDBOOK": "collection",
    "THES": "phdthesis",
    "RPRT": "techreport",
    "UNPB": "preprint",
    "MANSCPT": "unpublished",
    "DATA": "dataset",
    "COMP": "software",
    "ELEC": "online",
    "WEB": "online",
    "BLOG": "online",
    "SLIDE": "presentation",
    "PAT": "patent",
    "STAND": "standard",
    "ENCYC": "inreference",
    "DICT": "inreference",
    "GEN": "misc",
}
_JOURNAL_TYPES = {"article", "preprint"}
_DATE = re.compile(r"(\d{4})(?:[/-](\d{1,2}))?")
_ARXIV_URL = re.compile(r"arxiv\.org/(?:abs|pdf)/", re.IGNORECASE)
_PDF_URL = re.compile(r"\.pdf(?:$|\?)|/pdf/", re.IGNORECASE)


def looks_like_ris(text):
    """True when a text has a ``TY  -`` line, as every RIS record starts."""
    return re.search(r"^\s*TY  ?- ", text, re.MULTILINE) is not None


def parse_ris(text):
    """Entries for every record of a RIS text.

    Returns a ``ParseResult``: one entry per ``TY``…``ER`` record, with the line its
    ``TY`` is on; a record without a title, or cut off before its ``ER``, fails with
    its line (the records after it still import). Lines outside records are
    skipped, as RIS readers do.
    """
    result = ParseResult(entries=[], failures=[], warnings=[])
    record, start, lines, last = None, 0, [], None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        match = _TAG_LINE.match(line.lstrip("\ufeff"))
        if match is None:
            if record is not None and last is not None and line.strip():
                # A wrapped value: continues the tag before it.
                record[-1] = (last, record[-1][1] + " " + line.strip())
                lines.append(raw)
            continue
        tag, value = match.group(1), (match.group(2) or "").strip()
        if tag == "TY":
            if record is not None:
                result.failures.append(
                    Failure(line=start, key="", message="record has no ER line")
                )
            record, start, lines, last = [], number, [raw], None
            record.append(("TY", value))
            continue
        if record is None:
            continue
        lines.append(raw)
        if tag == "ER":
            _finish(result, record, start, "\n".join(lines))
            record, last = None, None
            continue
        record.append((tag, value))
        last = tag
    if record is not None:
        _finish(result, record, start, "\n".join(lines))
        result.warnings.append(f"the record at line {start} has no ER line")
    return result


def _finish(result, record, line, source):
    try:
        result.entries.append(ris_record_entry(record, line=line, source=source))
    except ValueError as error:
        key = next((value for tag, value in record if tag == "ID"), "")
        result.failures.append(Failure(line=line, key=key, message=str(error)))


def _ris_name(value):
    """A RIS name ("Last, First[, Suffix]", or one corporate name) in BibTeX form."""
    parts = [part.strip() for part in value.split(",")]
    if len(parts) == 1:
        return bibtex_name(literal=parts[0]) if " " in parts[0] else parts[0]
    family, given = parts[0], parts[1]
    suffix = parts[2] if len(parts) > 2 else ""
    return bibtex_name(family=family, given=given, suffix=suffix)


def _date(value):
    match = _DATE.search(value or "")
    if not match:
        return "", ""
    month = match.group(2)
    if month and not 1 <= int(month) <= 12:
        month = None
    return match.group(1), str(int(month)) if month else ""


def ris_record_entry(record, *, line=1, source=""):
    """The ``Entry`` for one RIS record: a list of ``(tag, value)`` pairs in order.

    Raises ValueError when the record has no title.
    """
    tags = {}
    for tag, value in record:
        if value:
            tags.setdefault(tag, []).append(value)

    def first(*names):
        for name in names:
            if tags.get(name):
                return tags[name][0]
        return ""

    title = first("TI", "T1", "CT")
    if not title:
        raise ValueError("no title (TI or T1)")
    ris_type = first("TY").upper()
    bib_type = RIS_TYPES.get(ris_type, "misc")
    authors = [_ris_name(v) for v in tags.get("AU", []) + tags.get("A1", [])]
    editors = [_ris_name(v) for v in tags.get("ED", []) + tags.get("A2", [])]
    if bib_type in _JOURNAL_TYPES:
        # For articles A2 is not an editor but a secondary author (series editor).
        editors = [_ris_name(v) for v in tags.get("ED", [])]
    year, month = _date(first("PY", "Y1", "DA", "Y2"))
    if not month:
        month = _date(first("DA", "Y1"))[1]
    start, end = first("SP"), first("EP")
    pages = f"{start}--{end}" if start and end and end != start else start
    container = first("T2", "JO", "JF", "BT", "T3")
    if bib_type in {"incollection", "inproceedings"}:
        container = first("T2", "BT", "JO", "JF", "T3")
    urls = tags.get("UR", [])
    url = next((u for u in urls if not _ARXIV_URL.search(u)), urls[0] if urls else "")
    pdf = first("L1") or next((u for u in urls if _PDF_URL.search(u)), "")
    fields = {
        "title": title,
        "author": name_list(authors),
        "editor": name_list(editors),
        "year": year,
        "month": month,
        "volume": first("VL"),
        "number": first("IS", "CP"),
        "pages": pages,
        "publisher": first("PB"),
        "address": first("CY", "PP"),
        "doi": first("DO"),
        "url": url,
        "pdf": pdf if pdf != url else "",
        "abstract": first("AB", "N2"),
        "keywords": ", ".join(tags.get("KW", [])),
        "note": first("N1"),
        "language": first("LA"),
        "edition": first("ET"),
        "shortjournal": first("J2", "JA"),
        "series": first("T3") if bib_type not in _JOURNAL_TYPES else "",
    }
    serial = first("SN")
    fields["isbn" if bib_type in {"book", "collection", "incollection"} else "issn"] = (
        serial
    )
    if bib_type in _JOURNAL_TYPES:
        fields["journal"] = container
    elif bib_type == "phdthesis":
        fields["school"] = first("PB") or container
        fields["publisher"] = ""
        if re.search(r"master", first("M3"), re.IGNORECASE):
            bib_type = "mastersthesis"
    elif bib_type == "techreport":
        fields["institution"] = first("PB") or container
        fields["publisher"] = ""
        fields["number"] = first("M1", "IS", "VL")
        fields["volume"] = ""
    else:
        fields["booktitle"] = container
    arxiv = next((u for u in urls if _ARXIV_URL.search(u)), "")
    if arxiv and not fields["url"]:
        fields["url"] = arxiv
    elif arxiv:
        fields["eprint"] = arxiv.rsplit("/", 1)[-1].removesuffix(".pdf")
        fields["archiveprefix"] = "arXiv"
    key = make_key(first("ID"), authors=authors, year=year, title=title)
    return make_entry(type=bib_type, key=key, fields=fields, line=line, source=source)
