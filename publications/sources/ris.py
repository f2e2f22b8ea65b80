"""RIS (Zotero, Mendeley, EndNote, publishers' "download citation") to importer entries.

RIS is a tagged text format: each record starts with ``TY  - TYPE`` and ends with
``ER  -``; every line in between is a two-character tag, two spaces, a hyphen, a
space and a value (the layout documented in Research Information Systems' RIS
format specification and kept by EndNote, Zotero and Mendeley). Repeatable tags
(``AU``, ``ED``, ``KW``, ``UR``) keep their order; a line without a tag continues
the previous value (long abstracts are wrapped that way by some exporters). A
tag of the specification with its separator written otherwise (``AU  -Jones``)
is read as that tag, with a warning. Year and month come from one date tag.
"""

import calendar
import re

from publications.bibtex.export import RIS_OTHER_NAMES
from publications.bibtex.latex import encode
from publications.bibtex.names import parse_names
from publications.sources.entries import (
    Failure,
    ParseResult,
    bibtex_name,
    make_entry,
    make_key,
    name_list,
)

_TAG_LINE = re.compile(r"^([A-Z][A-Z0-9])  ?-(?: (.*)|\s*)$")
# A tag of the RIS specification with its separator written otherwise
# ("AU  -Jones, K.", "AU   - Jones"): read as that tag, with a warning.
_LOOSE_TAG_LINE = re.compile(r"^([A-Z][A-Z0-9]) {1,4}-\s*(.*)$")
_SPEC_TAGS = set(
    "TY ER ID AU A1 A2 A3 A4 ED AB N1 N2 AD AN AV BT CA CN CP CT CY DA DB DO DP "
    "ET IS J1 J2 JA JF JO KW L1 L2 L3 L4 LA LB LK M1 M2 M3 NV OP PB PP PY RI RN "
    "RP SE SN SP EP ST T1 T2 T3 TA TI TT UR VL VO Y1 Y2 C1 C2 C3 C4 C5 C6 C7 C8 "
    "U1 U2 U3 U4 U5".split()
)
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
_DATE = re.compile(r"(\d{4})(?:[/-](\d{1,2})?(?:[/-](\d{1,2}))?)?")
# Publication dates (Y2 is the access date, kept as ``urldate``).
_DATE_TAGS = {"PY", "Y1", "DA"}
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
        "series", "isbn", "issn", "editors", "chapter", "year_text",
    }
)  # fmt: skip
# RIS has one edition tag (ET): the version of software and data, the edition of
# everything else. A record carries the one its type gives it.
_CARRIES = {
    True: RIS_FIELDS - {"edition"},
    False: RIS_FIELDS - {"version"},
}


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
        if match is None and record is not None:
            match = _LOOSE_TAG_LINE.match(line)
            if match and match.group(1) in _SPEC_TAGS:
                result.warnings.append(
                    Failure(
                        line=number,
                        key="",
                        message=f"{line.strip()[:60]!r} is not written "
                        f"'{match.group(1)}  - value' as RIS asks; read as "
                        f"{match.group(1)}",
                    )
                )
            else:
                match = None
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

    "Last, First[, Suffix]" (the RIS specification's form, which the site's
    export writes), or a corporate name (no comma). A line that is none of
    these ("Dowty, D.R., et al.", a list kept whole as written) is kept whole
    as a literal name, so that it is not split into invented people.
    """
    value = value.replace("{", "").replace("}", "")
    parts = [part.strip() for part in value.split(",")]
    suffix = parts[-1] if len(parts) > 1 and parts[-1].lower() in _SUFFIXES else ""
    if len(parts) > 3 or _AND_WORD.search(value) or (len(parts) == 3 and not suffix):
        return bibtex_name(literal=" ".join(value.split()))
    if len(parts) == 1:
        return bibtex_name(literal=parts[0])
    # A family name with an initial in it ("dos S. Liporace") is kept whole: a
    # BibTeX reader would take it for names separated by commas.
    initial = any(word.endswith(".") for word in parts[0].split()[:-1])
    return bibtex_name(
        family=parts[0],
        given=parts[1],
        suffix=suffix if len(parts) == 3 else "",
        whole_family=initial,
    )


def _is_name_list(value):
    """True when one AU value is several names that BibTeX's reader would keep
    whole too ("M. Halle, J. Bresnan, and G. Miller"); "Last, First, Suffix",
    RIS's order for one name, is not."""
    parts = [part.strip() for part in value.split(",")]
    if len(parts) == 3 and parts[-1].lower() in _SUFFIXES:
        return False
    return bool(parse_names(encode(value)).raw)


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
    """(year, month, problem) of a RIS date: a month outside 1-12 is left out,
    and it or a day its month has not (2020/02/30) is named in ``problem``."""
    match = _DATE.search(value or "")
    if not match:
        return "", "", ""
    year, month, day = match.groups()
    if month and not 1 <= int(month) <= 12:
        return year, "", f"month {int(month)} is not a month (1-12)"
    month = str(int(month)) if month else ""
    if month and day:
        days = calendar.monthrange(int(year), int(month))[1]
        if not 1 <= int(day) <= days:
            return year, month, f"day {int(day)} is not a day of {year}/{month:0>2}"
    return year, month, ""


# Tags read and left out, each named in the report (-v 2) with its reason:
# bookkeeping of the exporting program, as BibTeX's ``file`` and ``biburl``
# (normalise.IGNORED_FIELDS).
RIS_IGNORED_TAGS = {
    "L4": "a file on the exporting computer",
    "DP": "the database the record was exported from",
    "DB": "the database the record was exported from",
}
_ARXIV_AN = re.compile(r"^arxiv:\s*(\S+)$", re.IGNORECASE)


class _Tags:
    """A record's values by tag, remembering how many of each were read, so
    that every value no rule reads is kept as an other field."""

    def __init__(self, values):
        self.values = values
        self.read = {}

    def first(self, *names):
        for name in names:
            if self.values.get(name):
                self.read[name] = max(self.read.get(name, 0), 1)
                return self.values[name][0]
        return ""

    def every(self, *names):
        found = []
        for name in names:
            found += self.values.get(name, [])
            self.read[name] = len(self.values.get(name, []))
        return found

    def unread(self):
        """(tag, values) for what no rule read, in the record's order."""
        for tag, values in self.values.items():
            rest = values[self.read.get(tag, 0) :]
            if rest:
                yield tag, rest


def _date_parts(value):
    """(year, month, other, problem) from a RIS date (``YYYY/MM/DD/other
    info``); ``problem`` as ``_date`` says it."""
    year, month, problem = _date(value)
    parts = (value or "").split("/", 3)
    return year, month, parts[3].strip() if len(parts) == 4 else "", problem


def _publication_date(tags, lines, problems):
    """(year, month, other) of a record: year and month from one tag, DA when
    it is a valid date, else PY (or Y1); a month the other tag gives for the
    same year fills a missing one. A date tag whose month or day cannot be is
    named in ``problems`` with its line."""
    published_tag = "PY" if tags.values.get("PY") else "Y1"
    values = {published_tag: tags.first("PY", "Y1"), "DA": tags.first("DA")}
    dates = {tag: _date_parts(value) for tag, value in values.items()}
    dated, published = dates["DA"], dates[published_tag]
    chosen = "DA" if dated[0] and not dated[3] or not published[0] else published_tag
    rest = published_tag if chosen == "DA" else "DA"
    for tag, (_year, _month, _other, problem) in dates.items():
        if problem:
            fate = "left out" if tag == chosen else f"the date is read from {chosen}"
            problems.append(
                (lines.get(tag), f"{tag} {values[tag]!r}: {problem}; {fate}")
            )
    year, month, other, _problem = dates[chosen]
    if not month and dates[rest][0] == year and not dates[rest][3]:
        month = dates[rest][1]
    return year, month, other or dates[rest][2]


def ris_record_entry(record, *, line=1, source="", problems=None):
    """The ``Entry`` for one RIS record: a list of ``(tag, value)`` or
    ``(tag, value, line)`` tuples in order.

    ``problems``: a list that gets ``(line, message)`` for each value that cannot
    be read and is left out (a date with no year, an empty name). Every tag no
    rule reads is kept as an other field (``RIS_OTHER_NAMES``), or named as
    ignored (``RIS_IGNORED_TAGS``). Raises ValueError when the record has no
    title.
    """
    problems = [] if problems is None else problems
    values, lines = {}, {}
    for item in record:
        tag, value, at = item if len(item) == 3 else (*item, line)
        lines.setdefault(tag, at)
        if value:
            values.setdefault(tag, []).append(value)
        elif tag in _NAME_TAGS:
            problems.append((at, f"{tag} has no name; left out"))
        if (
            tag in _DATE_TAGS
            and value
            and not _DATE.search(value)
            and not _date_parts(value)[2]
        ):
            problems.append(
                (at, f"{tag} {value!r} is not a date (YYYY or YYYY/MM/DD); left out")
            )
    tags = _Tags(values)
    first = tags.first

    title = first("TI", "T1", "CT")
    if not title:
        raise ValueError("no title (TI or T1)")
    ris_type = first("TY").upper()
    bib_type = RIS_TYPES.get(ris_type, "misc")
    author_lines = tags.every("AU", "A1")
    authors = [_ris_name(v) for v in author_lines]
    author_list = name_list(authors)
    if len(author_lines) == 1 and _is_name_list(author_lines[0]):
        # A lone AU line that is a list of names ("M. Halle, J. Bresnan, and
        # G. Miller", the site's export of a list kept whole) is kept whole
        # again, as BibTeX's reader keeps it, not taken for one person.
        author_list = encode(author_lines[0])
    if bib_type in _JOURNAL_TYPES:
        # For articles A2 is not an editor but a secondary author (series
        # editor): kept as an other field.
        editors = [_ris_name(v) for v in tags.every("ED")]
    else:
        editors = [_ris_name(v) for v in tags.every("ED", "A2")]
    year, month, other = _publication_date(tags, lines, problems)
    start, end = first("SP"), first("EP")
    # As written: a one-page range "58--58" stays one.
    pages = f"{start}--{end}" if start and end else start or end
    container_tags = ("T2", "JO", "JF", "BT")
    if bib_type in {"incollection", "inproceedings"}:
        container_tags = ("T2", "BT", "JO", "JF")
    container = first(*container_tags)
    urls = tags.every("UR")
    arxiv_number = _ARXIV_AN.match(values.get("AN", [""])[0])
    if arxiv_number:
        # labsite's own export names the arXiv id; UR is then the work's page.
        first("AN")
        arxiv_id = arxiv_number.group(1)
        url = next((u for u in urls if u != f"https://arxiv.org/abs/{arxiv_id}"), "")
    else:
        # An arXiv address names the arXiv id (the site links it from there).
        found = next((m for u in urls if (m := _ARXIV_URL.search(u))), None)
        arxiv_id = found.group(1) if found else ""
        url = next((u for u in urls if not _ARXIV_URL.search(u)), "")
    pdf = first("L1") or next((u for u in urls if _PDF_URL.search(u)), "")
    # Addresses beyond the work's page, its PDF and its arXiv page are kept.
    arxiv_pages = {u for u in urls if _ARXIV_URL.search(u)} if arxiv_id else set()
    more_urls = [u for u in urls if u not in {url, pdf, *arxiv_pages}]
    fields = {
        "title": title,
        "author": author_list,
        "editor": name_list(editors),
        "year": _written_year(year, other),
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
        "keywords": ", ".join(tags.every("KW")),
        "note": first("N1"),
        "language": first("LA"),
        "chapter": first("SE"),
        "shortjournal": first("J2", "JA"),
        "series": first("T3"),
    }
    # RIS has one edition tag; for software and data it holds the version.
    fields["version" if bib_type in _VERSIONED_TYPES else "edition"] = first("ET")
    fields["isbn"], fields["issn"] = _serials(tags.every("SN"), bib_type)
    if bib_type in _JOURNAL_TYPES:
        fields["journal"] = container
    elif bib_type == "phdthesis":
        # The school is the container (labsite's export) or else the publisher
        # (Zotero's, EndNote's); a thesis then has no publisher of its own.
        fields["school"] = container or fields["publisher"]
        fields["publisher"] = fields["publisher"] if container else ""
        if re.search(r"master", first("M3"), re.IGNORECASE):
            bib_type = "mastersthesis"
    elif bib_type == "techreport":
        fields["institution"] = container or fields["publisher"]
        fields["publisher"] = fields["publisher"] if container else ""
        numbered = first("M1", "IS")
        fields["number"] = numbered or fields["volume"]
        fields["volume"] = fields["volume"] if numbered else ""
    else:
        fields["booktitle"] = container
    if arxiv_id:
        fields["eprint"] = arxiv_id
        fields["archiveprefix"] = "arXiv"
    key_value = first("ID")
    key = make_key(key_value, authors=authors, year=year, title=title)
    ignored = []
    if key_value and key != key_value:
        ignored.append(f"RIS tag ID {key_value!r} ignored (not a citation key)")
    if more_urls:
        fields["ris-ur"] = "; ".join(more_urls)
    if ris_type and ris_type not in RIS_TYPES:
        # A type with no kind of its own ("HEAR", "ABST") is kept, and written
        # back by the RIS export.
        fields["ris-ty"] = ris_type
    for tag, rest in tags.unread():
        if tag in RIS_IGNORED_TAGS:
            ignored.append(f"RIS tag {tag} ignored ({RIS_IGNORED_TAGS[tag]})")
            continue
        name = RIS_OTHER_NAMES.get(tag, f"ris-{tag.lower()}")
        joiner = " and " if tag in _NAME_TAGS else "; "
        fields[name] = joiner.join(rest)
    entry = make_entry(
        type=bib_type,
        key=key,
        fields=fields,
        line=line,
        source=source,
        carries=_CARRIES[bib_type in _VERSIONED_TYPES],
    )
    entry.ignored.extend(ignored)
    return entry


def _written_year(year, other):
    """The year as the importer reads it: with the date's "other info" (a
    range such as 1984/1986, "May 1987", "Spring") when there is one."""
    if not other:
        return year
    if year and year not in other:
        return f"{other} {year}"
    return other
