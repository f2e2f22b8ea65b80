"""The one Markdown renderer: pages, the admin's live preview and feeds all use it.

Its output passes an allow-list sanitizer (nh3), so editors' text cannot inject
scripts, event handlers or javascript: URLs into public pages.
"""

import threading

import markdown
import nh3

from site_config.citations import CitationExtension, CitationScope, active_scope
from site_config.math import MathExtension

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt",
    "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i",
    "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "s", "small", "span",
    "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr",
    "ul",
    # MathML produced by the math extension.
    "math", "mrow", "mi", "mn", "mo", "ms", "mtext", "msup", "msub", "msubsup",
    "mfrac", "msqrt", "mroot", "mover", "munder", "munderover", "mtable", "mtr",
    "mtd", "mspace", "mstyle", "semantics", "annotation", "mpadded", "menclose",
}  # fmt: skip

ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "id"},
    "img": {"src", "alt", "title", "width", "height", "loading"},
    "abbr": {"title"},
    "th": {"align", "scope"},
    "td": {"align"},
    "ol": {"start"},
    "li": {"id"},
    "sup": {"id"},
    "span": {"class", "id"},
    "div": {"class"},
    "code": {"class"},
    "h1": {"id"}, "h2": {"id"}, "h3": {"id"}, "h4": {"id"},
    "math": {"display", "xmlns"},
    "annotation": {"encoding"},
    "mo": {"stretchy", "fence", "separator", "lspace", "rspace", "form", "accent",
           "minsize", "maxsize", "largeop", "movablelimits", "symmetric",
           "mathvariant"},
    "mstyle": {"displaystyle", "scriptlevel"},
    "mspace": {"width"},
    "mtable": {"columnalign"},
    # What latex2mathml emits (site_config.math); presentation only, no URLs.
    "mi": {"mathvariant"}, "mn": {"mathvariant"}, "mtext": {"mathvariant"},
    "mover": {"accent"}, "munder": {"accentunder"},
    "munderover": {"accent", "accentunder"},
    "mtd": {"columnalign", "columnspan", "rowspan"},
    "mfrac": {"linethickness"},
    "menclose": {"notation"},
    "mark": {"class"},
}  # fmt: skip

URL_SCHEMES = {"http", "https", "mailto"}

EXTENSIONS = ["extra", "sane_lists", "smarty"]


def sanitize_html(html):
    """Strip everything outside the allow-list from html."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


_converters = threading.local()


def _convert(text, scope):
    # Building a Markdown instance costs more than converting a typical text, so
    # each thread keeps one and resets it between texts.
    md = getattr(_converters, "md", None)
    if md is None:
        md = markdown.Markdown(
            extensions=[*EXTENSIONS, MathExtension(), CitationExtension()],
            output_format="html",
        )
        _converters.md = md
    md.reset()
    md.citation_scope = scope
    try:
        return sanitize_html(md.convert(text))
    finally:
        md.citation_scope = None


def render_markdown(text):
    """Markdown text to sanitized HTML, with math typeset and citations linked.

    Inside a page's citation scope the citations are left as tokens for the page
    to number and resolve at once; on its own (live preview, feeds) the text is
    its own scope and gets its reference list here.
    """
    if not text:
        return ""
    scope = active_scope()
    if scope is not None:
        return _convert(text, scope)
    scope = CitationScope()
    return scope.finish(_convert(text, scope))


def collect_citations(text):
    """The citation scope text would fill, without resolving anything."""
    scope = CitationScope()
    if text:
        _convert(text, scope)
    return scope
