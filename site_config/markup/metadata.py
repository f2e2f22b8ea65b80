"""Plain text and JSON-LD for a page's head, shared by every app's metadata.

Descriptions are Markdown read as one line of plain text (math as Unicode text,
see site_config.markup.plaintext; citations left out); JSON-LD goes out as a
<script> element that no value can close early.
"""

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


def plain_text(markdown_text, *, words=DESCRIPTION_WORDS):
    """Markdown as one line of plain text, math as Unicode, cut after some words."""
    if not markdown_text:
        return ""
    text = re.sub(r"\s*\[\s*@[^\]]*\]", "", markdown_text)
    text = strip_tags(render_markdown(math_to_plain(text)))
    text = to_plain(text)
    return Truncator(text).words(words, truncate="…") if words else text


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
