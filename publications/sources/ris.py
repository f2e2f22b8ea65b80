"""RIS (Zotero, Mendeley, EndNote, publishers' "download citation") to importer entries.

RIS is a tagged text format: each record starts with ``TY  - TYPE`` and ends with
``ER  -``; every line in between is a two-character tag, two spaces, a hyphen, a
space and a value (the layout documented in Research Information Systems' RIS
format specification and kept by EndNote, Zotero and Mendeley). Repeatable tags
(``AU``, ``ED``, ``KW``, ``UR``) keep their order; a line without a tag continues
the previous value (long abstracts are wrapped that way by some exporters).
"""

import re

from people.names import split_name
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
_DATE_TAGS = {"PY", "Y1", "Y2", "DA"}
_ARXIV_URL = re.compile(
    r"arxiv\.org/(?:abs|pdf)/([^?#\s]+?)(?:v\d+)?(?:\.pdf)?/?(?:[?#]|$)", re.IGNORECASE
)
_VERSIONED_TYPES = {"software", "dataset"}
_PDF_URL = re.compile(r"\.pdf(?:$|\?)|/pdf/", re.IGNORECASE)


# Tags whose values are free text that exporters wrap onto untagged lines (long
# titles and abstracts): only these take a continuation line. After any other
# tag (a name, a date, an identifier) an untagged line is an error in the file.
_WRAPPED_TAGS = {
    "TI", "T1", "T2", "T3", "BT", "CT", "AB", "N1", "N2", "JO", "JF", "JA", "J2",
    "PB", "CY", "PP", "AD",
}  # fmt: skip
# Repeatable tags of names, each line one name.
_NAME_TAGS = {"AU", "A1", "A2", "A3", "A4", "ED"}
# The model fields a RIS record can express, the one list of them (see
# merge.plan_update): a RIS import never clears a field outside it. RIS has no
# tag for a publication's status, its site-only marks (selected, abbr), its
# al-folio links (code, slides, html...), license or repository, nor for
# BibTeX's other fields.
RIS_FIELDS = frozenset(
    {
        "title", "kind", "venue", "venue_short", "year", "month", "volume",
        "number", "pages", "publisher", "address", "doi", "url", "arxiv_id",
        "abstract", "keywords", "bib_note", "language", "edition", "version",
        "series", "isbn", "issn", "editors",
    }
)  # fmt: skip


def looks_like_ris(text):
    """True when a text has a ``TY  -`` line, as every RIS record starts."""
    return re.search(r"^\s*TY  ?- ", text, re.MULTILINE) is not None


def parse_ris(text):
    """Entries for every record of a RIS text.

    Returns a ``ParseResult``: one entry per ``TY``…``ER`` record, with the line its
    ``TY`` is on; a record without a title fails with its line (the records after
    it still import). Problems in the text are warnings (``Failure`` objects with
    the line they are on): a record not closed by ``ER`` (read up to the next
    ``TY`` or the end), an untagged line that does not continue a text value
    (left out: it never becomes a name), and the values ``ris_record_entry``
    cannot read. Lines outside records are skipped, as RIS readers do.
    """
    result = ParseResult(entries=[], failures=[], warnings=[])
    record, start, lines, last = None, 0, [], None
    number = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        match = _TAG_LINE.match(line.lstrip("\ufeff"))
        if match is None:
            if record is None or not line.strip():
                continue
            if last in _WRAPPED_TAGS:
                # A wrapped value: continues the tag before it.
                tag, value, at = record[-1]
                record[-1] = (tag, (value + " " + line.strip()).strip(), at)
                lines.append(raw)
            else:
                after = f"after {last}" if last else "after TY"
                result.warnings.append(
                    Failure(
                        line=number,
                        key="",
                        message=f"a line without a RIS tag {after} "
                        f"({line.strip()[:60]!r}); left out",
                    )
                )
            continue
        tag, value = match.group(1), (match.group(2) or "").strip()
        if tag == "TY":
            if record is not None:
                _unclosed(result, start, number, ending="the next TY")
                _finish(result, record, start, "\n".join(lines))
            record, start, lines, last = [("TY", value, number)], number, [raw], None
            continue
        if record is None:
            continue
        lines.append(raw)
        if tag == "ER":
            _finish(result, record, start, "\n".join(lines))
            record, last = None, None
            continue
        record.append((tag, value, number))
        last = tag
    if record is not None:
        _unclosed(result, start, number, ending="the end of the file")
        _finish(result, record, start, "\n".join(lines))
    return result


def _unclosed(result, start, number, *, ending):
    result.warnings.append(
        Failure(
            line=number,
            key="",
            message=f"the record that starts at line {start} has no 'ER  -' line; "
            f"read up to {ending}",
        )
    )


def _finish(result, record, line, source):
    key = next((value for tag, value, _at in record if tag == "ID"), "")
    problems = []
    try:
        entry = ris_record_entry(record, line=line, source=source, problems=problems)
    except ValueError as error:
        result.failures.append(Failure(line=line, key=key, message=str(error)))
        return
    result.entries.append(entry)
    result.warnings.extend(
        Failure(line=at, key=entry.key, message=message) for at, message in problems
    )


_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "v", "jun.", "sen."}
_AND_WORD = re.compile(r"(?:^|\s)and\s", re.IGNORECASE)


def _ris_name(value):
    """One RIS name line in BibTeX form: each line is one name, never more.

    "Last, First[, Suffix]" (the RIS specification's form), "First Last[, Jr]"
    (the site's own export writes names as displayed), or a corporate name.
    A line that is none of these ("Dowty, D.R., et al.", a list kept whole
    as written) is kept whole as a literal name, so that it is not split into
    invented people.
    """
    value = value.replace("{", "").replace("}", "")
    parts = [part.strip() for part in value.split(",")]
    suffix = parts[-1] if len(parts) > 1 and parts[-1].lower() in _SUFFIXES else ""
    if len(parts) > 3 or _AND_WORD.search(value) or (len(parts) == 3 and not suffix):
        return bibtex_name(literal=" ".join(value.split()))
    if len(parts) == 1:
        return bibtex_name(literal=parts[0]) if " " in parts[0] else parts[0]
    if len(parts) == 2 and suffix:
        # "Martin Luther King, Jr": given names first, then the suffix.
        name = split_name(parts[0])
        family = " ".join(p for p in (name.von, name.family) if p)
        return bibtex_name(family=family, given=name.given, suffix=suffix)
    return bibtex_name(family=parts[0], given=parts[1], suffix=suffix)


_ISSN = re.compile(r"^\d{4}-?\d{3}[\dXx]$")


def _serials(values, bib_type):
    """(isbn, issn) from the SN values of a record, told apart by shape: an ISSN
    is NNNN-NNNX, an ISBN has 10 or 13 digits (ISO 3297, ISO 2108); a value of
    neither shape goes where the record's type expects it."""
    isbn = issn = ""
    for value in values:
        digits = re.sub(r"[\s-]", "", value)
        if _ISSN.match(value.strip()):
            issn = issn or value
        elif len(digits) in (10, 13) and digits[:-1].isdigit():
            isbn = isbn or value
        elif bib_type in {"book", "collection", "incollection"}:
            isbn = isbn or value
        else:
            issn = issn or value
    return isbn, issn


def _date(value):
    match = _DATE.search(value or "")
    if not match:
        return "", ""
    month = match.group(2)
    if month and not 1 <= int(month) <= 12:
        month = None
    return match.group(1), str(int(month)) if month else ""


def ris_record_entry(record, *, line=1, source="", problems=None):
    """The ``Entry`` for one RIS record: a list of ``(tag, value)`` or
    ``(tag, value, line)`` tuples in order.

    ``problems``: a list that gets ``(line, message)`` for each value that cannot
    be read and is left out (a date with no year, an empty name). Raises
    ValueError when the record has no title.
    """
    problems = [] if problems is None else problems
    tags = {}
    for item in record:
        tag, value, at = item if len(item) == 3 else (*item, line)
        if value:
            tags.setdefault(tag, []).append(value)
        elif tag in _NAME_TAGS:
            problems.append((at, f"{tag} has no name; left out"))
        if tag in _DATE_TAGS and value and not _DATE.search(value):
            problems.append(
                (at, f"{tag} {value!r} is not a date (YYYY or YYYY/MM/DD); left out")
            )

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
    # An arXiv address names the arXiv id (the site links it from there).
    url = next((u for u in urls if not _ARXIV_URL.search(u)), "")
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
        "edition": first("ET") if bib_type not in _VERSIONED_TYPES else "",
        # RIS has one edition tag; for software and data it holds the version.
        "version": first("ET") if bib_type in _VERSIONED_TYPES else "",
        "shortjournal": first("J2", "JA"),
        "series": first("T3") if bib_type not in _JOURNAL_TYPES else "",
    }
    fields["isbn"], fields["issn"] = _serials(tags.get("SN", []), bib_type)
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
    arxiv = next((m for u in urls if (m := _ARXIV_URL.search(u))), None)
    if arxiv:
        fields["eprint"] = arxiv.group(1)
        fields["archiveprefix"] = "arXiv"
    key = make_key(first("ID"), authors=authors, year=year, title=title)
    return make_entry(
        type=bib_type,
        key=key,
        fields=fields,
        line=line,
        source=source,
        carries=RIS_FIELDS,
    )
