"""Plain text and JSON-LD for a page's head, shared by every app's metadata.

Descriptions are Markdown read as one line of plain text (math as Unicode text,
see site_config.markup.plaintext; citations left out); JSON-LD goes out as a
<script> element that no value can close early.
"""

import html
import json
import re

from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from site_config.markup.plaintext import math_to_plain, to_plain
from site_config.markup.render import render_markdown

DESCRIPTION_WORDS = 45
# Escapes that keep JSON inside <script> from closing the tag or opening a comment.
_JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


_CITATION = re.compile(r"\s*\[\s*@[^\]]*\]")
# Where a block of rendered Markdown ends; the text keeps a break there.
_BLOCK_END = re.compile(r"</(?:p|h[1-6]|blockquote|pre|ul|ol|table|tr|div)>")
_LIST_ITEM = re.compile(r"<li\b[^>]*>")
_LINE_BREAK = re.compile(r"<br\s*/?>")


def plain_text(markdown_text, *, words=DESCRIPTION_WORDS):
    """Markdown as one line of plain text, math as Unicode, cut after some words."""
    if not markdown_text:
        return ""
    text = _CITATION.sub("", markdown_text)
    text = strip_tags(render_markdown(math_to_plain(text)))
    text = to_plain(text)
    return Truncator(text).words(words, truncate="…") if words else text


def plain_paragraphs(markdown_text):
    """Markdown as plain text that keeps its blocks, for a format with a text
    body (iCalendar's DESCRIPTION, RFC 5545 3.8.1.5): str in, str out.

    Paragraphs and headings are set apart by a blank line, list items start a
    line with "- ", math reads as Unicode (site_config.markup.plaintext),
    citations are left out and HTML entities read as their characters.
    """
    if not markdown_text:
        return ""
    rendered = render_markdown(math_to_plain(_CITATION.sub("", markdown_text)))
    # Only the tags say where a line ends; the renderer's own newlines do not.
    rendered = " ".join(rendered.split("\n"))
    rendered = _LIST_ITEM.sub("\n- ", rendered)
    rendered = _BLOCK_END.sub("\n\n", _LINE_BREAK.sub("\n", rendered))
    lines = [" ".join(line.split()) for line in strip_tags(rendered).split("\n")]
    text = html.unescape("\n".join(lines))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def json_ld(data):
    """A <script type="application/ld+json"> element, safe inside HTML."""
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    payload = payload.translate(_JSON_ESCAPES)
    return mark_safe(  # noqa: S308 - the only markup-significant characters are escaped
        f'<script type="application/ld+json">{payload}</script>'
    )


def absolute(request, url):
    """url with scheme and host when a request is at hand; "" for no url."""
    if not url:
        return ""
    return request.build_absolute_uri(url) if request is not None else url
