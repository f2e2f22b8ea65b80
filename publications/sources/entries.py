"""Building BibTeX-shaped entries from other formats' records.

Readers of CSL-JSON, RIS, Crossref, arXiv and ORCID records describe a work as a
BibTeX type, a key and plain Unicode field values; ``make_entry`` turns that into
the ``Entry`` the BibTeX importer takes, marked ``plain``: its values are
Unicode text taken as written, never LaTeX-decoded (names excepted: they are in
BibTeX's name-list syntax, braces keeping a corporate name whole).
"""

import re

from people.names import von_family
from publications.bibtex.latex import encode
from publications.bibtex.parse import Entry, Failure, ParseResult
from site_config.core.text import fold

# A key a BibTeX file could hold (anything but white space, commas, braces and
# parentheses, which would end it; the export writes keys so), other than a bare
# record number.
_KEY_OK = re.compile(r"^(?!\d+$)[^\s,{}()\"#%=\\]{1,250}$")
_SPACES = re.compile(r"\s+")

__all__ = ["Failure", "ParseResult", "bibtex_name", "make_entry", "make_key"]


# Rich-text markup that CSL processors (citeproc-js) and Crossref put in titles;
# only these tags are taken out, so "x < y" in a title stays as it is.
_MARKUP = re.compile(
    r"</?(?:i|b|em|strong|sup|sub|sc|u|span(?:\s+class=\"nocase\")?|"
    r"jats:[a-z-]+|mml:[a-z]+[^>]*)>",
    re.IGNORECASE,
)


def strip_markup(text, *, keep=()):
    """Text without the inline tags of CSL rich text and Crossref's JATS; tags
    named in ``keep`` (e.g. the formatting a title shows,
    site_config.markup.math.TITLE_TAGS) stay."""
    if not keep:
        return _MARKUP.sub("", text)

    def kept(match):
        name = match.group(0).strip("</>").split()[0].lower()
        return match.group(0) if name in keep else ""

    return _MARKUP.sub(kept, text)


_JATS = re.compile(r"</?(?:jats:[a-z-]+|mml:[a-z]+)[^>]*>", re.IGNORECASE)


def strip_jats(text):
    """Text without Crossref's JATS and MathML tags; CSL rich text stays."""
    return _JATS.sub("", text)


def clean(text):
    """A value with runs of white space (line breaks, tabs) as one space."""
    return _SPACES.sub(" ", str(text or "")).strip()


def bibtex_name(
    *, family="", given="", particle="", suffix="", literal="", whole_family=False
):
    """One name in BibTeX's "von Last, Jr, First" form from plain-text parts.

    ``literal`` (a corporate or institutional author) is braced so that it stays
    one name; a family name alone is braced too, so "Plato" is not split, and
    so is one with ``whole_family`` (a format that says where the family name
    ends) or with an initial before its last word: "dos S. Liporace" is not
    read as names separated by commas. Each
    part is taken as written: LaTeX's special characters in it are escaped, so
    that a backslash or a brace in a name is read back as itself.
    """
    family, given, particle, suffix, literal = (
        encode(part) for part in (family, given, particle, suffix, literal)
    )
    if literal:
        return "{" + literal + "}"
    family = von_family(particle, family)
    if not family:
        return "{" + given + "}" if given else ""
    # An initial before the last word ("dos S. Liporace") would make the name
    # reader take "Last, F., Last, F." for names separated by commas.
    whole_family = whole_family or any(w.endswith(".") for w in family.split()[:-1])
    pieces = ["{" + family + "}" if whole_family and " " in family else family]
    if suffix:
        pieces.append(suffix)
    if given:
        pieces.append(given)
    elif not suffix:
        return "{" + family + "}"
    return ", ".join(pieces)


# Author "names" that are groups: kept whole rather than split into given/family.
_GROUP = re.compile(
    r"\b(collaboration|consortium|group|team|project|organi[sz]ation|committee)\b",
    re.IGNORECASE,
)


def free_name(name):
    """A name written "First Last" (arXiv, ORCID credit names) for a BibTeX list:
    as it is, or braced whole when it names a group ("The ATLAS Collaboration")."""
    name = clean(name)
    return "{" + name + "}" if _GROUP.search(name) else name


def name_list(names):
    """BibTeX names (from ``bibtex_name``) joined with ``and``; empty ones left out."""
    return " and ".join(name for name in names if name)


def make_key(key, *, authors=(), year=None, title=""):
    """The key a record is imported under.

    A key the record gives (CSL-JSON ``id``/``citation-key``, RIS ``ID``) is kept
    when it is one a BibTeX file could hold (``10.1:18``, ``O'Hara_1999``,
    ``IJCAI01*425``); otherwise (Zotero's item URLs, bare numbers, none at all)
    one is made from the first author's family name, the year and the first long
    title word, as the importer does for keyless entries.
    """
    key = clean(key)
    if _KEY_OK.match(key) and "://" not in key:
        return key
    family = ""
    if authors:
        first = authors[0]
        family = first.split(",")[0] if "," in first else first.strip("{}")
    words = [w for w in fold(title).split() if len(w) > 3]
    made = f"{fold(family).replace(' ', '')}{year or ''}{words[0] if words else ''}"
    made = re.sub(r"[^A-Za-z0-9_:.\-+/]", "", made)[:100]
    return made or "entry"


def make_entry(*, type, key, fields, line, source, carries=None):
    """A plain ``Entry`` for the importer from Unicode values.

    ``type``: a BibTeX entry type (``article``, ``inproceedings``...); ``fields``:
    lower-case BibTeX field names to text (empty values are dropped); ``line``:
    where the record starts in its file (1 for a record fetched by identifier);
    ``source``: the record as read, whose hash tells a re-import that nothing
    changed; ``carries``: the model fields the record's format can express (the
    reader's constant; None for a record as full as BibTeX's).
    """
    values = {}
    for name, value in fields.items():
        value = clean(value) if name != "abstract" else str(value or "").strip()
        if value:
            values[name] = value
    return Entry(
        type=type,
        key=key,
        fields=values,
        line=line,
        source=source,
        plain=True,
        carries=carries,
    )
