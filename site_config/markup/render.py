"""The one Markdown renderer: pages, the admin's live preview and feeds all use it.

Its output passes an allow-list sanitizer (nh3), so editors' text cannot inject
scripts, event handlers or javascript: URLs into public pages.
"""

import hashlib
import threading
from importlib.metadata import version
from pathlib import Path

import markdown
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from markdownx.models import MarkdownxField

from site_config.markup.citations import (
    CitationExtension,
    CitationScope,
    KeyMarkers,
    active_scope,
    expand_stored,
    resolve_keys,
)
from site_config.markup.math import MathExtension
from site_config.markup.sanitize import sanitize_html
from site_config.registry import content_models

EXTENSIONS = ["extra", "sane_lists", "smarty"]

# Stored HTML starts with a stamp of the renderer that made it: a hash of the
# pipeline's source and the Markdown and nh3 versions. A change to any of them
# makes older stored HTML stale, and pages then render the text again (as
# before storing) until it is saved, instead of showing outdated output.
_SOURCES = [
    Path(__file__).with_name(name)
    for name in ("render.py", "math.py", "citations.py", "sanitize.py")
]
RENDERER_STAMP = "<!--labsite:{}-->".format(
    hashlib.sha256(
        b"".join(path.read_bytes() for path in _SOURCES)
        + version("Markdown").encode()
        + version("nh3").encode()
    ).hexdigest()[:16]
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


def render_for_storage(text):
    """(html, keys): text rendered once, to be stored when it is saved.

    html carries the renderer's stamp and a marker per citation (turned into
    the page's citations by `stored_html`); keys are the BibTeX keys cited,
    in order. One Markdown conversion.
    """
    if not text:
        return "", []
    markers = KeyMarkers()
    return RENDERER_STAMP + _convert(text, markers), markers.keys


def stored_html(html, text):
    """The HTML to show for text whose stored rendering is html.

    Stored HTML of the current renderer is used as it is (no Markdown runs);
    stale or missing HTML is rendered from text again. Citations join the
    page's scope either way.
    """
    if html.startswith(RENDERER_STAMP):
        return expand_stored(html.removeprefix(RENDERER_STAMP))
    return render_markdown(text)


def collect_citations(text):
    """The citation scope text would fill, without resolving anything."""
    scope = CitationScope()
    if text:
        _convert(text, scope)
    return scope


def cited_keys(text):
    """BibTeX keys cited in Markdown text, in order (code and escapes ignored)."""
    if not text:
        return []
    return collect_citations(text).keys


def unknown_keys(text):
    """The keys text cites that name no publication, in order."""
    keys = cited_keys(text)
    if not keys:
        return []
    known = resolve_keys(keys)
    return [key for key in keys if key not in known]


def validate_citations(instance, field_names):
    """Raise a ValidationError naming every unknown key, per Markdown field."""
    errors = {}
    for name in field_names:
        missing = unknown_keys(getattr(instance, name, ""))
        if missing:
            errors[name] = _(
                "No publication has the BibTeX key %(keys)s. Check the spelling "
                "or add the publication first."
            ) % {"keys": ", ".join(f"“{key}”" for key in missing)}
    if errors:
        raise ValidationError(errors)


def rows_citing(key):
    """[(row, field name), ...]: the content rows whose Markdown fields cite key.

    Every MarkdownxField of the content apps (site_config.registry) is looked
    at: one query per field finds texts holding "@key", and a Markdown reading
    (cited_keys) keeps those that cite it, not a longer key or code.
    """
    found = []
    for model in content_models():
        for field in model._meta.get_fields():
            if not isinstance(field, MarkdownxField):
                continue
            rows = model._default_manager.filter(
                **{f"{field.name}__contains": f"@{key}"}
            )
            found += [
                (row, field.name)
                for row in rows
                if key in cited_keys(getattr(row, field.name))
            ]
    return found
