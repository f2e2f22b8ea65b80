"""TeX math in titles and Markdown, typeset on the server as MathML.

Browsers render MathML natively, so pages need no JavaScript engine and make no
request to a CDN. Text outside math is escaped; the MathML goes through the same
nh3 allow-list as Markdown output (see site_config.markup.render).
"""

import re
import xml.etree.ElementTree as ET

from django.utils.html import escape
from latex2mathml.converter import convert
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor

from site_config.markup.sanitize import sanitize_html

# $$display$$ or $inline$. An unescaped dollar opens; inline math may not start
# or end with a space and may not be followed by a digit, so "costs $5 and $6"
# stays prose (the rule pandoc uses). Punctuation right after inline math is
# taken along (``after``) and kept on the formula's line.
MATH_RE = re.compile(
    r"(?<![\\$])(?:\$\$(?P<display>.+?)\$\$"
    r"|\$(?P<inline>[^\s$](?:[^$]*?[^\s\\$])?)\$(?!\d)(?P<after>[.,;:!?]+)?)",
    re.DOTALL,
)


def tex_to_mathml(tex, *, display=False):
    """One TeX formula as a MathML element string; unparsable TeX stays as code."""
    tex = tex.strip()
    try:
        mathml = convert(tex, display="block" if display else "inline")
        ET.fromstring(mathml)
    except Exception:  # latex2mathml raises many kinds for malformed input
        return (
            f'<code class="math-error" title="Unreadable formula">{escape(tex)}</code>'
        )
    # The TeX source rides along as an annotation: copy-paste and screen readers
    # that do not speak MathML still get the formula. Pagefind (the static
    # copy's search) leaves it out: it read both forms, so a result's title
    # said "ℝn\mathbb{R}^n".
    annotation = (
        '<annotation encoding="application/x-tex" data-pagefind-ignore="">'
        f"{escape(tex)}</annotation>"
    )
    head, _sep, tail = mathml.partition(">")
    body = tail.rsplit("</math>", 1)[0]
    return f"{head}><semantics>{body}{annotation}</semantics></math>"


# The formatting tags al-folio's titles carry (CO<sub>2</sub>, <i>Quercus</i>),
# shown as formatting: only these, without attributes, then cleaned by nh3. The
# BibTeX import and export read and write them as LaTeX commands
# (publications.bibtex.latex).
TITLE_TAGS = ("i", "em", "b", "strong", "sub", "sup")
_TITLE_TAG = re.compile(rf"&lt;(/?)({'|'.join(TITLE_TAGS)})&gt;", re.IGNORECASE)


def typeset_match(match):
    """The HTML of one MATH_RE match: a formula, with the punctuation that
    follows inline math in one no-wrap span, so a browser never breaks the
    line between a formula and its full stop."""
    if match.group("display") is not None:
        return tex_to_mathml(match.group("display"), display=True)
    html = tex_to_mathml(match.group("inline"))
    after = match.group("after")
    if not after:
        return html
    return f'<span class="math-nowrap">{html}{escape(after)}</span>'


def has_math(text):
    return bool(text) and MATH_RE.search(text) is not None


def math_text_html(text):
    """A title as safe HTML: ``$…$`` math typeset as MathML, the inline tags
    al-folio's titles use (``<i>``, ``<em>``, ``<b>``, ``<strong>``, ``<sub>``,
    ``<sup>``, no attributes) kept as formatting, everything else escaped;
    the result goes through the nh3 allow-list, which also closes open tags."""
    if not text:
        return ""
    parts = []
    position = 0
    for match in MATH_RE.finditer(text):
        parts.append(_title_prose(text[position : match.start()]))
        parts.append(typeset_match(match))
        position = match.end()
    parts.append(_title_prose(text[position:]))
    return sanitize_html("".join(parts))


def _title_prose(text):
    return _TITLE_TAG.sub(r"<\1\2>", str(escape(_unescape_dollars(text))))


def _unescape_dollars(text):
    return text.replace(r"\$", "$")


class MathInlineProcessor(InlineProcessor):
    """Typesets math before emphasis runs, so `$a_1 b_2$` keeps its underscores."""

    def handleMatch(self, m, data):  # noqa: N802 - Markdown's API name
        html = typeset_match(m)
        return self.md.htmlStash.store(html), m.start(0), m.end(0)


class MathExtension(Extension):
    def extendMarkdown(self, md):  # noqa: N802 - Markdown's API name
        if "$" not in md.ESCAPED_CHARS:
            md.ESCAPED_CHARS.append("$")
        # Above the backslash escapes (180) so TeX's backslashes reach the
        # converter untouched; below code spans (190) so `$x$` in code stays code.
        md.inlinePatterns.register(
            MathInlineProcessor(MATH_RE.pattern, md), "labsite_math", 185
        )
