"""Publications out as BibTeX, CSL-JSON and RIS.

BibTeX is written from the publication's fields (not from the stored original),
as UTF-8 with LaTeX's special characters escaped and math kept, so the output is
valid for BibTeX and biber and imports back to the same publications. CSL-JSON
follows the CSL-JSON schema that Zotero, Pandoc and citeproc read.
"""

import json
import re

from people.names import split_name
from publications.bibtex.latex import encode
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
    Kind.OTHER: "document",
}
RIS_TYPES = {
    Kind.ARTICLE: "JOUR",
    Kind.CONFERENCE: "CPAPER",
    Kind.PREPRINT: "UNPB",
    Kind.THESIS: "THES",
    Kind.BOOK: "BOOK",
    Kind.CHAPTER: "CHAP",
    Kind.REPORT: "RPRT",
    Kind.TALK: "SLIDE",
    Kind.OTHER: "GEN",
}
LINKS = [
    ("pdf", "pdf_url"),
    ("code", "code_url"),
    ("slides", "slides_url"),
    ("video", "video_url"),
    ("poster", "poster_url"),
    ("html", "project_url"),
]
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
            if head and tail.strip(".").lower() in {"jr", "sr", "ii", "iii", "iv"}:
                name, suffix = head, tail
            parts = split_name(name)
            family = " ".join(p for p in (parts.von, parts.family) if p)
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


def to_bibtex(publication):
    """One publication as a BibTeX entry."""
    entry_type, venue_field = BIBTEX_TYPES.get(publication.kind, ("misc", "note"))
    fields = []

    def add(name, value, *, raw=False):
        if value in ("", None):
            return
        text = str(value) if raw else encode(str(value))
        fields.append(f"  {name} = {{{text}}}")

    if publication.authors_raw:
        add("author", publication.authors_raw)
    else:
        names = [_bibtex_name(*name) for name in author_names(publication)]
        if publication.authors_et_al:
            names.append("others")
        if names:
            fields.append(f"  author = {{{' and '.join(names)}}}")
    fields.append(f"  title = {{{{{encode(publication.title)}}}}}")
    add(venue_field, publication.venue)
    if publication.kind == Kind.TALK:
        add("type", "Talk")
    add("year", publication.year, raw=True)
    if publication.month:
        fields.append(f"  month = {MONTH_MACROS[publication.month - 1]}")
    add("volume", publication.volume)
    add("number", publication.number)
    add("pages", publication.pages)
    add("publisher", publication.publisher)
    add("doi", _verbatim(publication.doi), raw=True)
    if publication.arxiv_id:
        add("eprint", _verbatim(publication.arxiv_id), raw=True)
        add("archiveprefix", "arXiv", raw=True)
    add("url", _verbatim(publication.url), raw=True)
    add("pubstate", PUBSTATES.get(publication.status), raw=True)
    add("abbr", publication.venue_short)
    if publication.is_selected:
        add("selected", "true", raw=True)
    for name, attribute in LINKS:
        add(name, _verbatim(getattr(publication, attribute)), raw=True)
    add("award", publication.note)
    add("keywords", publication.keywords)
    add("abstract", publication.abstract)
    return f"@{entry_type}{{{bibtex_key(publication)},\n" + ",\n".join(fields) + "\n}\n"


def to_bibtex_file(publications):
    return "\n".join(to_bibtex(publication) for publication in publications)


# CSL-JSON -----------------------------------------------------------------------


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
        authors = []
        for family, given, suffix in author_names(publication):
            if given:
                name = {"family": family, "given": given}
                if suffix:
                    name["suffix"] = suffix
            else:
                name = {"literal": family}
            authors.append(name)
        if authors:
            item["author"] = authors
    if publication.year:
        parts = [publication.year]
        if publication.month:
            parts.append(publication.month)
        item["issued"] = {"date-parts": [parts]}
    optional = {
        "container-title": publication.venue,
        "container-title-short": publication.venue_short,
        "volume": publication.volume,
        "issue": publication.number,
        "page": publication.pages.replace("--", "-"),
        "publisher": publication.publisher,
        "DOI": publication.doi,
        "URL": publication.url or publication.arxiv_url,
        "abstract": publication.abstract,
        "keyword": publication.keywords,
        "note": f"arXiv:{publication.arxiv_id}" if publication.arxiv_id else "",
    }
    if publication.status in PUBSTATES:
        optional["status"] = publication.get_status_display()
    item.update({name: value for name, value in optional.items() if value})
    return item


def to_csl_json(publications):
    return json.dumps(
        [to_csl(publication) for publication in publications],
        ensure_ascii=False,
        indent=2,
    )


# RIS ----------------------------------------------------------------------------


def to_ris(publication):
    """One publication as a RIS record."""
    lines = [("TY", RIS_TYPES.get(publication.kind, "GEN"))]
    if publication.authors_raw:
        lines.append(("AU", publication.authors_raw))
    for family, given, suffix in author_names(publication):
        name = ", ".join(part for part in (family, given, suffix) if part)
        lines.append(("AU", name))
    lines.append(("TI", publication.title))
    if publication.venue:
        tag = "JO" if publication.kind == Kind.ARTICLE else "T2"
        lines.append((tag, publication.venue))
    if publication.year:
        lines.append(("PY", str(publication.year)))
        month = f"{publication.month:02d}" if publication.month else ""
        lines.append(("DA", f"{publication.year}/{month}//"))
    first, _, last = publication.pages.partition("--")
    for tag, value in [
        ("VL", publication.volume),
        ("IS", publication.number),
        ("SP", first),
        ("EP", last),
        ("PB", publication.publisher),
        ("DO", publication.doi),
        ("UR", publication.url or publication.arxiv_url),
        ("AB", publication.abstract),
        ("ID", bibtex_key(publication)),
    ]:
        if value:
            lines.append((tag, value))
    for keyword in filter(None, (k.strip() for k in publication.keywords.split(","))):
        lines.append(("KW", keyword))
    lines.append(("ER", ""))
    return "".join(
        f"{tag}  - {' '.join(str(value).split())}\r\n" for tag, value in lines
    )


def to_ris_file(publications):
    return "\r\n".join(to_ris(publication) for publication in publications)


FORMATS = {
    "bibtex": (to_bibtex_file, "application/x-bibtex", "bib"),
    "csl-json": (to_csl_json, "application/vnd.citationstyles.csl+json", "json"),
    "ris": (to_ris_file, "application/x-research-info-systems", "ris"),
}


def export(publications, fmt):
    """Text of publications in format fmt (a key of FORMATS)."""
    writer = FORMATS[fmt][0]
    return writer(list(publications))
