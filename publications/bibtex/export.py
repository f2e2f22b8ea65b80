"""Publications out as BibTeX, CSL-JSON and RIS.

BibTeX is written from the publication's fields (not from the stored original),
as UTF-8 with LaTeX's special characters escaped and math kept, so the output is
valid for BibTeX and biber and imports back to the same publications. CSL-JSON
follows the CSL-JSON schema that Zotero, Pandoc and citeproc read.
"""

import contextlib
import json
import re
from pathlib import PurePosixPath

from people.names import split_name, von_family
from publications.bibtex.latex import decode, encode, encode_title
from publications.bibtex.names import parse_names
from publications.models import Publication

Kind = Publication.Kind
Status = Publication.Status

BIBTEX_TYPES = {
    Kind.ARTICLE: ("article", "journal"),
    Kind.CONFERENCE: ("inproceedings", "booktitle"),
    Kind.PREPRINT: ("misc", "howpublished"),
    Kind.THESIS: ("phdthesis", "school"),
    Kind.BOOK: ("book", "booktitle"),
    Kind.CHAPTER: ("incollection", "booktitle"),
    Kind.REPORT: ("techreport", "institution"),
    Kind.TALK: ("misc", "howpublished"),
    # biblatex's own types; the venue of software and data is the publisher.
    Kind.SOFTWARE: ("software", "howpublished"),
    Kind.DATASET: ("dataset", "howpublished"),
    Kind.OTHER: ("misc", "howpublished"),
}
PUBSTATES = {
    Status.ACCEPTED: "accepted",
    Status.UNDER_REVIEW: "submitted",
    Status.PREPRINT: "prepublished",
}
MONTH_MACROS = [
    "jan",
    "feb",
    "mar",
    "apr",
    "may",
    "jun",
    "jul",
    "aug",
    "sep",
    "oct",
    "nov",
    "dec",
]
CSL_TYPES = {
    Kind.ARTICLE: "article-journal",
    Kind.CONFERENCE: "paper-conference",
    Kind.PREPRINT: "article",
    Kind.THESIS: "thesis",
    Kind.BOOK: "book",
    Kind.CHAPTER: "chapter",
    Kind.REPORT: "report",
    Kind.TALK: "speech",
    Kind.SOFTWARE: "software",
    Kind.DATASET: "dataset",
    Kind.OTHER: "document",
}
# CSL's free-text ``status``, in words the importer reads back (its PUBSTATES).
CSL_STATUSES = {
    Status.ACCEPTED: "accepted",
    Status.UNDER_REVIEW: "under review",
    Status.PREPRINT: "preprint",
}
# Kinds written as @misc whose biblatex ``type`` field says what they are.
MISC_TYPES = {Kind.TALK: "Talk", Kind.PREPRINT: "Preprint"}
# Kinds whose RIS edition tag (ET) holds the version.
VERSIONED_KINDS = {Kind.SOFTWARE, Kind.DATASET}
RIS_TYPES = {
    Kind.ARTICLE: "JOUR",
    Kind.CONFERENCE: "CPAPER",
    Kind.PREPRINT: "UNPB",
    Kind.THESIS: "THES",
    Kind.BOOK: "BOOK",
    Kind.CHAPTER: "CHAP",
    Kind.REPORT: "RPRT",
    Kind.TALK: "SLIDE",
    Kind.SOFTWARE: "COMP",
    Kind.DATASET: "DATA",
    Kind.OTHER: "GEN",
}
# RIS tags that no model field holds, kept in a publication's other fields
# (what the BibTeX export writes back) by the RIS reader, under the BibTeX or
# biblatex field of the same meaning, or under ``ris-`` and the tag (``AD`` ->
# ``ris-ad``): author addresses (AD), original publication (OP), translated
# title (TT), tertiary authors (A3), custom fields (C1-C8), accession numbers
# (AN), notes (M1-M3)... The RIS export writes each back as its tag.
RIS_OTHER_NAMES = {
    "ST": "shorttitle",
    "Y2": "urldate",
    "RN": "annote",
}
_RIS_OTHER_TAGS = {name: tag for tag, name in RIS_OTHER_NAMES.items()}
_RIS_OTHER_NAME = re.compile(r"^ris-([a-z][a-z0-9])$")
# Tags that start and end a record: never written from the other fields.
_RIS_RECORD_TAGS = {"TY", "ER"}
LINKS = [
    ("pdf", "pdf_url"),
    ("code", "code_url"),
    ("slides", "slides_url"),
    ("video", "video_url"),
    ("poster", "poster_url"),
]
# Name suffixes, as written after a comma ("King, Jr").
_SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}
# What would end a key for a parser; everything else BibTeX keys may hold.
_KEY_UNSAFE = re.compile(r"[\s,{}()]")


def exportable(queryset=None):
    """Publications with what every exporter reads, in one prefetch."""
    queryset = Publication.objects.all() if queryset is None else queryset
    return queryset.with_authors()


# Authors ------------------------------------------------------------------------


def author_names(publication):
    """(family, given, literal) for each author, in order."""
    names = []
    for authorship in publication.ordered_authorships():
        person = authorship.person
        printed = authorship.printed_name or person.full_name
        if printed == person.full_name and person.family_name:
            family, given = person.family_name, person.given_name
            plain = " ".join(p for p in (given, family) if p)
            # A suffix is what the printed name has beyond given and family.
            suffix = (
                printed[len(plain) + 2 :] if printed.startswith(plain + ", ") else ""
            )
        else:
            name, suffix = printed, ""
            head, _, tail = printed.rpartition(", ")
            if head and tail.strip(".").lower() in _SUFFIXES:
                name, suffix = head, tail
            parts = split_name(name)
            family = von_family(parts.von, parts.family)
            given = parts.given
        names.append((family, given, suffix))
    return names


def _bibtex_name(family, given, suffix):
    family = encode(family)
    if " " in family or not given:
        family = "{" + family + "}"
    pieces = [family]
    if suffix:
        pieces.append(encode(suffix))
    if given:
        pieces.append(encode(given))
    return ", ".join(pieces)


# BibTeX -------------------------------------------------------------------------


def _verbatim(text):
    """Identifiers (URLs, DOIs) as written; only braces would break the value."""
    return text.replace("{", "").replace("}", "")


def bibtex_key(publication):
    key = _KEY_UNSAFE.sub("-", publication.bibtex_key)
    return key or f"{publication.slug}-{publication.pk}"


# Fields only this site reads (al-folio's): the full export keeps them, the
# BibTeX shown to visitors (Cite block, cite.bib) leaves them out.
SITE_ONLY_FIELDS = {"abbr", "selected", "preview", "bibtex_show"}
LINKS += [
    ("html", "html_url"),
    ("website", "website_url"),
    ("supp", "supp_url"),
    ("blog", "blog_url"),
    ("project", "project_url"),
]
# Text fields written as they are named in BibTeX/biblatex.
TEXT_FIELDS = [
    ("edition", "edition"),
    ("series", "series"),
    ("chapter", "chapter"),
    ("address", "address"),
    ("organization", "organization"),
    ("howpublished", "howpublished"),
    ("isbn", "isbn"),
    ("issn", "issn"),
    ("language", "language"),
    ("note", "bib_note"),
    ("additional_info", "additional_info"),
]


def _pages(pages):
    """A page range as BibTeX writes it: ``1--34`` (an en dash when printed)."""
    return "--".join(encode(part) for part in pages.split("--"))


def _marks(publication):
    """biblatex data annotations for the author marks (biblatex manual 3.7):
    ``1=equal; 3=corresponding; 4=mark:+``, or "". labsite's importer reads the
    same annotations back (docs/bibtex.md, "Author marks")."""
    items = []
    for index, authorship in enumerate(publication.ordered_authorships(), start=1):
        roles = []
        if authorship.equal_contribution:
            roles.append("equal")
        if authorship.corresponding:
            roles.append("corresponding")
        if authorship.other_marks:
            roles.append(f"mark:{authorship.other_marks}")
        if roles:
            items.append(f"{index}={','.join(roles)}")
    return "; ".join(items)


def _editors(publication):
    names = []
    for name in publication.editors:
        parts = split_name(name)
        family = von_family(parts.von, parts.family)
        names.append(_bibtex_name(family, parts.given, parts.suffix))
    return " and ".join(names)


def to_bibtex(publication, *, site_fields=False):
    """One publication as a BibTeX entry (text).

    ``site_fields``: also write the fields only this site reads
    (``SITE_ONLY_FIELDS``: the full export does; the BibTeX shown to visitors
    does not). Every stored field is written back: editors, year as written,
    author marks as ``author+an``, and the other fields kept at import, as
    written.
    """
    entry_type, venue_field = BIBTEX_TYPES.get(publication.kind, ("misc", "note"))
    if publication.kind == Kind.THESIS and publication.venue == publication.institution:
        venue_field = "school"
    fields = []
    written = set()

    def add(name, value, *, raw=False):
        if value in ("", None) or name in written:
            return
        if name in SITE_ONLY_FIELDS and not site_fields:
            return
        written.add(name)
        text = str(value) if raw else encode(str(value))
        fields.append(f"  {name} = {{{text}}}")

    if publication.authors_raw:
        add("author", publication.authors_raw)
    else:
        names = [_bibtex_name(*name) for name in author_names(publication)]
        if publication.authors_et_al:
            names.append("others")
        if names:
            add("author", " and ".join(names), raw=True)
            add("author+an", _marks(publication), raw=True)
    add("title", "{" + encode_title(publication.title) + "}", raw=True)
    add("editor", _editors(publication), raw=True)
    add(venue_field, publication.venue)
    # @misc says no kind: biblatex's type field does (read back by the importer).
    add("type", MISC_TYPES.get(publication.kind, ""))
    add(
        "year",
        publication.year_text
        if publication.year_text and "/" not in publication.year_text
        else publication.year,
        raw=True,
    )
    if "/" in publication.year_text:
        add("date", publication.year_text, raw=True)
    if publication.month:
        written.add("month")
        fields.append(f"  month = {MONTH_MACROS[publication.month - 1]}")
    add("volume", publication.volume)
    add("number", publication.number)
    add("pages", _pages(publication.pages), raw=True)
    add("publisher", publication.publisher)
    if publication.institution != publication.venue:
        add(
            "school" if publication.kind == Kind.THESIS else "institution",
            publication.institution,
        )
    for name, attribute in TEXT_FIELDS:
        add(name, getattr(publication, attribute))
    add("doi", _verbatim(publication.doi), raw=True)
    if publication.arxiv_id:
        add("eprint", _verbatim(publication.arxiv_id), raw=True)
        add("archiveprefix", "arXiv", raw=True)
    add("url", _verbatim(publication.url), raw=True)
    # biblatex @software/@dataset fields (biblatex-software names the last two).
    add("version", publication.version)
    add("license", publication.license)
    add("repository", _verbatim(publication.repository_url), raw=True)
    add("pubstate", PUBSTATES.get(publication.status), raw=True)
    add("abbr", publication.abbr)
    add("shortjournal", publication.venue_short)
    if publication.award:
        add("award", publication.award)
        add("award_name", publication.note)
    else:
        add("award", publication.note)
    if publication.is_selected:
        add("selected", "true", raw=True)
    if not publication.bibtex_show:
        add("bibtex_show", "false", raw=True)
    for name, attribute in LINKS:
        add(name, _verbatim(getattr(publication, attribute)), raw=True)
    add("keywords", publication.keywords)
    add("abstract", publication.abstract)
    for name, value in sorted((publication.other_fields or {}).items()):
        add(name, value, raw=True)
    if publication.image:
        # An image uploaded in the admin: al-folio's preview names its file,
        # which the importer finds again with --media-dir.
        add("preview", PurePosixPath(publication.image.name).name, raw=True)
    return f"@{entry_type}{{{bibtex_key(publication)},\n" + ",\n".join(fields) + "\n}\n"


def to_bibtex_file(publications, *, site_fields=False):
    return join_entries(
        [to_bibtex(item, site_fields=site_fields) for item in publications], "bibtex"
    )


# CSL-JSON -----------------------------------------------------------------------

_DATE_PART = re.compile(r"(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?")


# CSL 1.0.2's variables (the CSL-JSON schema, tests/data/csl-data.schema.json):
# names, dates and the rest. The reader keeps a variable it does not map in the
# other fields, under its name in lower case; the writer gives it back.
CSL_NAME_VARIABLES = frozenset(
    {
        "author", "chair", "collection-editor", "compiler", "composer",
        "container-author", "contributor", "curator", "director", "editor",
        "editorial-director", "executive-producer", "guest", "host", "interviewer",
        "illustrator", "narrator", "organizer", "original-author", "performer",
        "producer", "recipient", "reviewed-author", "script-writer",
        "series-creator", "translator",
    }
)  # fmt: skip
CSL_DATE_VARIABLES = frozenset(
    {"accessed", "available-date", "event-date", "issued", "original-date", "submitted"}
)
CSL_TEXT_VARIABLES = frozenset(
    {
        "abstract", "annote", "archive", "archive_collection", "archive_location",
        "archive-place", "authority", "call-number", "categories", "chapter-number",
        "collection-number", "collection-title", "container-title",
        "container-title-short", "dimensions", "division", "DOI", "edition",
        "event", "event-title", "event-place", "genre", "ISBN", "ISSN", "issue",
        "journalAbbreviation", "jurisdiction", "keyword", "language", "medium",
        "note", "number", "number-of-pages", "number-of-volumes",
        "original-publisher", "original-publisher-place", "original-title",
        "page", "page-first", "part", "part-title", "PMCID", "PMID", "printing",
        "publisher", "publisher-place", "references", "reviewed-genre",
        "reviewed-title", "scale", "section", "shortTitle", "source", "status",
        "supplement", "title", "title-short", "URL", "version", "volume",
        "volume-title", "volume-title-short",
    }
)  # fmt: skip
# al-folio's fields that share a CSL variable's name but not its meaning:
# ``dimensions = {true}`` shows the Dimensions badge, where CSL's "dimensions"
# is a physical size. They are never written as CSL; the CSL-JSON reader keeps
# the CSL variable apart as ``csl-dimensions``.
ALFOLIO_NOT_CSL = frozenset({"dimensions"})
# An other field named as a CSL variable (in any case; "csl-" before a name the
# reader had to keep apart from a BibTeX field of the same name).
_CSL_BY_FIELD = {
    name.lower(): name
    for name in CSL_TEXT_VARIABLES | CSL_NAME_VARIABLES | CSL_DATE_VARIABLES
} | {
    "custom": "custom",
    # biblatex's venue is where an event took place (biblatex manual, 2.2.2),
    # what the CSL-JSON reader reads a talk's event-place into.
    "venue": "event-place",
    # biblatex fields with a CSL variable of the same meaning (biblatex manual
    # 2.2.2; the pairs pandoc's and citation.js's biblatex readers use).
    "urldate": "accessed",
    "eventdate": "event-date",
    "origdate": "original-date",
    "origtitle": "original-title",
    "origpublisher": "original-publisher",
    "origlocation": "original-publisher-place",
    "pagetotal": "number-of-pages",
}


def csl_issued(publication):
    """CSL's ``issued``: ``{"date-parts": [[y, m]]}``, two parts for a range
    (``1982--1983``, ``2017-09-03/2017-09-09``; CSL-JSON schema, date-variable),
    ``{"literal": ...}`` for a written year with no number, or None. A year as
    written (``year_text``) is also given as ``raw``, which processors read
    only when there are no parts and labsite's reader keeps to show (left out
    where it is the parts' own ISO form, ``2017-09-03/2017-09-09``)."""
    text = publication.year_text
    if text:
        found = [
            [int(part) for part in match.groups() if part]
            for match in _DATE_PART.finditer(text)
        ]
        for part in found:
            if len(part) > 1 and not 1 <= part[1] <= 12:
                del part[1:]  # biblatex's seasons (2012-22): the raw text has them
        if len(found) == 2:
            if publication.month and len(found[0]) == 1:
                found[0].append(publication.month)
            issued = {"date-parts": found}
            iso = "/".join("-".join(f"{n:02d}" for n in part) for part in found)
            if text != iso:
                issued["raw"] = text  # "1982--1983", not the parts' own form
            return issued
        if not found:
            return {"literal": text}
    if publication.year:
        parts = [publication.year]
        if publication.month:
            parts.append(publication.month)
        issued = {"date-parts": [parts]}
        if text:
            issued["raw"] = text
        return issued
    return None


def _csl_name(family, given, suffix):
    if not given:
        return {"literal": family}
    name = {"family": family, "given": given}
    if suffix:
        name["suffix"] = suffix
    return name


def to_csl(publication):
    """One publication as a CSL-JSON item (a dict)."""
    item = {
        "id": bibtex_key(publication),
        "citation-key": bibtex_key(publication),
        "type": CSL_TYPES.get(publication.kind, "document"),
        "title": publication.title,
    }
    if publication.authors_raw:
        item["author"] = [{"literal": publication.authors_raw}]
    else:
        authors = [_csl_name(*name) for name in author_names(publication)]
        if authors and publication.authors_et_al:
            # No CSL variable says "and others": the literal name CSL-JSON
            # writers use for it, which the reader takes back as et al.
            authors.append({"literal": "others"})
        if authors:
            item["author"] = authors
    editors = []
    for name in publication.editors:
        parts = split_name(name)
        family = von_family(parts.von, parts.family)
        editors.append(_csl_name(family, parts.given, parts.suffix))
    if editors:
        item["editor"] = editors
    issued = csl_issued(publication)
    if issued:
        item["issued"] = issued
    is_report = publication.kind == Kind.REPORT
    notes = [publication.bib_note]
    if publication.arxiv_id:
        notes.append(f"arXiv:{publication.arxiv_id}")
    optional = {
        "container-title": publication.venue,
        "container-title-short": publication.venue_short,
        "collection-title": publication.series,
        "volume": publication.volume,
        "issue": "" if is_report else publication.number,
        "number": publication.number if is_report else "",
        "page": publication.pages.replace("--", "-"),
        "chapter-number": publication.chapter,
        "edition": publication.edition,
        "publisher": publication.publisher
        or publication.institution
        or publication.organization,
        "publisher-place": publication.address,
        "ISBN": publication.isbn,
        "ISSN": publication.issn,
        "DOI": publication.doi,
        "URL": publication.url or publication.arxiv_url,
        "abstract": publication.abstract,
        "keyword": publication.keywords,
        "language": publication.language,
        "note": "\n".join(n for n in notes if n),
        "version": publication.version,
    }
    if publication.status in CSL_STATUSES:
        optional["status"] = CSL_STATUSES[publication.status]
    item.update({name: str(value) for name, value in optional.items() if value})
    item.update(csl_other_fields(publication.other_fields, written=item))
    return item


# Variables the writer fills from model fields (``to_csl``).
CSL_FROM_MODEL = frozenset(
    {
        "id", "citation-key", "type", "title", "author", "editor", "issued",
        "container-title", "container-title-short", "collection-title", "volume",
        "issue", "number", "page", "chapter-number", "edition", "publisher",
        "publisher-place", "ISBN", "ISSN", "DOI", "URL", "abstract", "keyword",
        "language", "note", "version", "status",
    }
)  # fmt: skip


def csl_other_fields(other_fields, *, written=()):
    """The other fields named as CSL variables (``pmid`` as ``PMID``, what the
    CSL-JSON reader kept), as CSL values: names as name objects, dates as
    ``raw`` dates, text decoded from BibTeX. A variable the writer fills from
    model fields (``CSL_FROM_MODEL``) is left out, so that a BibTeX ``keyword``
    field does not become the keywords, unless the reader kept it apart as
    ``csl-<name>``; one already in ``written`` (the item) is always left out."""
    out = {}
    for field, value in sorted((other_fields or {}).items()):
        name = _CSL_BY_FIELD.get(field.lower().removeprefix("csl-"))
        if name is None or name in out or not value or field in ALFOLIO_NOT_CSL:
            continue
        if name in written or (
            name in CSL_FROM_MODEL and not field.lower().startswith("csl-")
        ):
            continue
        if name in CSL_NAME_VARIABLES:
            names = parse_names(value)
            if names.raw:
                out[name] = [{"literal": names.raw}]
                continue
            out[name] = [
                {"literal": author.parts.family}
                if author.literal
                else _csl_name(
                    " ".join(p for p in (author.parts.von, author.parts.family) if p),
                    author.parts.given,
                    author.parts.suffix,
                )
                for author in names.authors
            ]
        elif name in CSL_DATE_VARIABLES:
            out[name] = {"raw": decode(value)}
        elif name == "custom":
            # A writer's own object, kept by the reader as JSON text.
            with contextlib.suppress(ValueError):
                custom = json.loads(decode(value))
                if isinstance(custom, dict):
                    out[name] = custom
        else:
            out[name] = decode(value)
    return out


def to_csl_json(publications):
    return join_entries([csl_json_entry(p) for p in publications], "csl-json")


def csl_json_entry(publication):
    """One publication's item as it stands in a CSL-JSON file's array: the
    text of ``json.dumps`` with indent 2, one level in."""
    text = json.dumps(to_csl(publication), ensure_ascii=False, indent=2)
    # JSON escapes newlines within strings: each line is structure.
    return "  " + text.replace("\n", "\n  ")


# RIS ----------------------------------------------------------------------------


def to_ris(publication):
    """One publication as a RIS record."""
    other = publication.other_fields or {}
    ris_type = RIS_TYPES.get(publication.kind, "GEN")
    if publication.kind == Kind.OTHER and other.get("ris-ty"):
        ris_type = other["ris-ty"]  # the type a RIS import read and kept
    lines = [("TY", ris_type)]
    # RIS has no way to say "and others": the et-al flag is not written, and a
    # RIS import keeps it (it is not in RIS_FIELDS, what a RIS record carries).
    # One AU per name. A list kept whole because it could not be split
    # (``authors_raw``, e.g. "M. Halle, J. Bresnan, and G. Miller") is one AU
    # line as written: RIS has no other tag for it, and the RIS reader keeps a
    # lone AU line that is such a list whole again.
    if publication.authors_raw:
        lines.append(("AU", publication.authors_raw))
    for family, given, suffix in author_names(publication):
        head, _, tail = family.rpartition(", ")
        if head and not suffix and tail.strip(".").lower() in _SUFFIXES:
            # BibTeX's braced "{Bennett, Jr.}": RIS says the suffix last.
            family, suffix = head, tail
        name = ", ".join(part for part in (family, given, suffix) if part)
        lines.append(("AU", name))
    lines.append(("TI", publication.title))
    if publication.venue:
        tag = "JO" if publication.kind == Kind.ARTICLE else "T2"
        lines.append((tag, publication.venue))
    if publication.venue_short:
        lines.append(("J2", publication.venue_short))
    if publication.year:
        lines.append(("PY", str(publication.year)))
    if publication.year or publication.year_text:
        month = f"{publication.month:02d}" if publication.month else ""
        # The year as written (a range, "May 1987") is the date's "other info".
        date = f"{publication.year or ''}/{month}//{publication.year_text}"
        lines.append(("DA", date))
    # One ED per stored editor; the RIS reader takes each ED line as one name.
    # A name is written "Last, First[, Suffix]" as RIS asks; one with another
    # comma (a list kept whole as written) exactly as stored, since splitting
    # it would invent names.
    for name in publication.editors:
        head, _, tail = name.rpartition(", ")
        suffix = tail if head and tail.strip(".").lower() in _SUFFIXES else ""
        plain = head if suffix else name
        if "," in plain:
            lines.append(("ED", name))
            continue
        parts = split_name(plain)
        family = von_family(parts.von, parts.family)
        lines.append(("ED", ", ".join(p for p in (family, parts.given, suffix) if p)))
    first, _, last = publication.pages.partition("--")
    if not (first and last):
        # Not a range ("12", "--", "10715--"): written whole, as stored.
        first, last = publication.pages, ""
    for tag, value in [
        ("T3", publication.series),
        # RIS has one edition tag; software and data put their version there.
        (
            "ET",
            publication.version
            if publication.kind in VERSIONED_KINDS
            else publication.edition,
        ),
        ("CY", publication.address),
        # RIS repeats SN for a second number; the reader tells them by shape.
        ("SN", publication.isbn),
        ("SN", publication.issn),
        ("LA", publication.language),
        ("N1", publication.bib_note),
        ("VL", publication.volume),
        ("IS", publication.number),
        ("SE", publication.chapter),
        ("SP", first),
        ("EP", last),
        ("PB", publication.publisher),
        ("DO", publication.doi),
        # One address: the work's own, else its arXiv page (read back as the
        # arXiv id). RIS has no tag that tells a repository from the work's page.
        ("UR", publication.url or publication.arxiv_url),
        # The arXiv id as the accession number in arXiv, so that the reader
        # tells the work's own page from the arXiv page written for it.
        ("AN", f"arXiv:{publication.arxiv_id}" if publication.arxiv_id else ""),
        ("L1", publication.pdf_url),
        ("AB", publication.abstract),
        ("ID", bibtex_key(publication)),
    ]:
        if value:
            lines.append((tag, value))
    for keyword in filter(None, (k.strip() for k in publication.keywords.split(","))):
        lines.append(("KW", keyword))
    for name, value in sorted(other.items()):
        tag = ris_other_tag(name)
        if tag and value and tag not in _RIS_RECORD_TAGS:
            # Kept as LaTeX for the BibTeX export; RIS is plain text.
            lines.append((tag, decode(value)))
    lines.append(("ER", ""))
    return "".join(
        f"{tag}  - {' '.join(str(value).split())}\r\n" for tag, value in lines
    )


def ris_other_tag(name):
    """The RIS tag an other field is written as (``RIS_OTHER_NAMES``), or None
    when RIS has no tag for it."""
    match = _RIS_OTHER_NAME.match(name)
    return match.group(1).upper() if match else _RIS_OTHER_TAGS.get(name)


def to_ris_file(publications):
    return join_entries([to_ris(publication) for publication in publications], "ris")


FORMATS = {
    "bibtex": (to_bibtex_file, "application/x-bibtex", "bib"),
    "csl-json": (to_csl_json, "application/vnd.citationstyles.csl+json", "json"),
    "ris": (to_ris_file, "application/x-research-info-systems", "ris"),
}


def entry_text(publication, fmt):
    """One publication as it stands in a visitor's file of format fmt (a key of
    FORMATS); ``join_entries`` makes the file of such texts."""
    if fmt == "bibtex":
        return to_bibtex(publication)
    if fmt == "csl-json":
        return csl_json_entry(publication)
    return to_ris(publication)


def join_entries(texts, fmt):
    """The file of format fmt holding texts (``entry_text``'s), in order."""
    if fmt == "csl-json":
        return "[\n" + ",\n".join(texts) + "\n]" if texts else "[]"
    return ("\r\n" if fmt == "ris" else "\n").join(texts)


def export(publications, fmt, *, full=False):
    """Text of publications in format fmt (a key of FORMATS).

    ``full``: the BibTeX export keeps the site-only fields (the command's
    export, for moving a site); without it the text is what visitors get.
    """
    writer = FORMATS[fmt][0]
    if fmt == "bibtex":
        return writer(list(publications), site_fields=full)
    return writer(list(publications))
