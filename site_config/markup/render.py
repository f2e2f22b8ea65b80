"""The one Markdown renderer: pages, the admin's live preview and feeds all use it.

Its output passes an allow-list sanitizer (nh3), so editors' text cannot inject
scripts, event handlers or javascript: URLs into public pages.
"""

import hashlib
import re
import secrets
import threading
from collections import OrderedDict
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

# Conversions kept by this process: an export renders the same abstract in
# every feed, list entry and head that shows it (the group's feed, its themes'
# and each author's, RSS and Atom), and Markdown with math and nh3 is most of
# what such a page costs. Bounded by the characters held, so a large site's
# abstracts (a few KiB each as MathML) cannot grow a process without limit.
CACHE_CHARS = 16_000_000
# The stand-in for a citation in a kept conversion: a per-process nonce, so no
# editor's text can hold one, and only letters and digits, so Markdown and nh3
# treat it exactly as the page scope's own tokens (citations.CitationScope).
_NONCE = secrets.token_hex(8)
_KEPT_TOKEN = re.compile(rf"LSMD{_NONCE}N(\d+)E")


class _Citations:
    """A scope that only notes each citation's keys, in the order cited."""

    def __init__(self):
        self.cited = []

    def cite(self, keys):
        self.cited.append(tuple(keys))
        return f"LSMD{_NONCE}N{len(self.cited) - 1}E"


class ConversionCache:
    """Sanitised conversions of Markdown texts, least recently used dropped
    once the HTML held passes max_chars characters.

    A value is (html, citations): the HTML with each citation as a token, and
    each citation's keys in the order the text cites them. The key is a
    digest of the text and the renderer's stamp (RENDERER_STAMP: the
    pipeline's code, Markdown's and nh3's versions), the only inputs of a
    conversion: what depends on the page (its URL prefix, its language, which
    cited papers it lists, their numbers) is added after, when the citations
    are resolved in the page's scope, so one conversion serves every page.
    Safe to share between threads.
    """

    def __init__(self, max_chars=CACHE_CHARS):
        self.max_chars = max_chars
        self.chars = 0
        self.entries = OrderedDict()
        self.hits = 0
        self.misses = 0
        self._lock = threading.Lock()

    @staticmethod
    def key(text):
        return hashlib.blake2b(
            f"{RENDERER_STAMP}\0{text}".encode(), digest_size=16
        ).digest()

    def get(self, text):
        """(html, citations) of text, converting it on a miss."""
        key = self.key(text)
        with self._lock:
            found = self.entries.get(key)
            if found is not None:
                self.entries.move_to_end(key)
                self.hits += 1
                return found
            self.misses += 1
        citations = _Citations()
        found = (_convert(text, citations), tuple(citations.cited))
        self._put(key, found)
        return found

    def _put(self, key, value):
        size = len(value[0])
        if size > self.max_chars:
            return
        with self._lock:
            old = self.entries.pop(key, None)
            if old is not None:
                self.chars -= len(old[0])
            self.entries[key] = value
            self.chars += size
            while self.chars > self.max_chars:
                _key, dropped = self.entries.popitem(last=False)
                self.chars -= len(dropped[0])

    def clear(self):
        with self._lock:
            self.entries.clear()
            self.chars = 0


conversions = ConversionCache()


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


def _converted(text, scope):
    """text's sanitised HTML with its citations noted in scope (any object with
    cite(keys) -> token, in the order the text cites), as a conversion with
    that scope would give; the conversion itself comes from `conversions`."""
    html, cited = conversions.get(text)
    if not cited:
        return html
    tokens = [scope.cite(list(keys)) for keys in cited]
    return _KEPT_TOKEN.sub(lambda match: tokens[int(match[1])], html)


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
        return _converted(text, scope)
    scope = CitationScope()
    return scope.finish(_converted(text, scope))


def render_for_storage(text):
    """(html, keys): text rendered once, to be stored when it is saved.

    html carries the renderer's stamp and a marker per citation (turned into
    the page's citations by `stored_html`); keys are the BibTeX keys cited,
    in order. One Markdown conversion.
    """
    if not text:
        return "", []
    markers = KeyMarkers()
    return RENDERER_STAMP + _converted(text, markers), markers.keys


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
        _converted(text, scope)
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
