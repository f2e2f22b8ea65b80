"""Citations by BibTeX key inside Markdown: `[@key]` and `[@a; @b]`.

A page renders its Markdown fields inside one citation scope (the `{% citations %}`
tag in base.html). While the fields render, each citation leaves a token in the
HTML and its keys are noted; when the page body is done, every key is resolved in
one query and the tokens become links showing each publication's own number, the
one it has on every page ([12], [P3]). Outside a page (the admin's live preview,
feeds) a single text is its own scope.

A citation of a publication the page lists (`publication_anchor` in the list
item) links to the item; any other cited publication is listed under the same
number in the reference block that follows the page's content.

This module knows the syntax, not where publications or their numbers live:
the publications app registers the function that looks keys up
(`set_key_resolver`, from its AppConfig.ready()), so the base of the site imports
no app. Finding which keys a text cites and validating them is
site_config.markup.render's job, because it takes a Markdown conversion.
"""

import contextvars
import re
import secrets
from dataclasses import dataclass, field

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor

from site_config.markup.math import math_text_html
from site_config.markup.plaintext import to_plain

# A BibTeX key: anything but spaces, separators and brackets.
KEY = r"[^\s;,\[\]@{}]+"
CITATION_RE = re.compile(rf"\[\s*@({KEY}(?:\s*;\s*@{KEY})*)\s*\]")
KEY_RE = re.compile(rf"@({KEY})")

# A citation inside HTML stored when its text was saved: the keys, hex-encoded
# so the sanitizer leaves them alone and no key can end the marker early.
STORED_RE = re.compile(r"LSKEYS([0-9a-f]+)E")

_active_scope = contextvars.ContextVar("labsite_citation_scope", default=None)
_resolver = None


def set_key_resolver(resolve):
    """Register how BibTeX keys are looked up: resolve(keys) -> {key: publication}.

    keys is a list of strings; the result maps each known key to an object with
    pk, title, venue, venue_short, year, number_label (the number as printed,
    "12" or "P3"), number_order (a sortable value, the order of the lists) and
    get_absolute_url(); unknown keys are left out. The publications app
    registers its own when Django starts; with none registered every key is
    unknown.
    """
    global _resolver
    _resolver = resolve


def resolve_keys(keys):
    """{key: publication} for the keys that name a publication, in one lookup."""
    if not keys or _resolver is None:
        return {}
    return _resolver(list(keys))


@dataclass
class _Citation:
    token: str
    keys: list


@dataclass
class CitationScope:
    """Citations of one rendered page: collected first, resolved once."""

    nonce: str = field(default_factory=lambda: secrets.token_hex(6))
    citations: list = field(default_factory=list)
    listed: set = field(default_factory=set)

    def cite(self, keys):
        """Note a citation of keys; returns the token standing in for it."""
        token = f"LSCITE{self.nonce}N{len(self.citations)}E"
        self.citations.append(_Citation(token=token, keys=list(keys)))
        return token

    def list_item(self, pk):
        """Note that the page lists publication pk; True the first time.

        The first item of a publication carries its anchor (`#pub-<pk>`), and
        citations of it on this page link there.
        """
        if pk in self.listed:
            return False
        self.listed.add(pk)
        return True

    @property
    def keys(self):
        seen = {}
        for citation in self.citations:
            for key in citation.keys:
                seen.setdefault(key, None)
        return list(seen)

    def finish(self, html, *, with_references=True):
        """html with the tokens replaced by numbered links, plus the references."""
        if not self.citations:
            return html
        by_token = {c.token: c for c in self.citations}
        found = resolve_keys(self.keys)
        referenced = {}

        def link(publication):
            if publication.pk in self.listed:
                return f"#pub-{publication.pk}"
            referenced.setdefault(publication.pk, publication)
            return publication.get_absolute_url()

        token_re = re.compile(rf"LSCITE{self.nonce}N\d+E")

        def replace(match):
            citation = by_token.get(match.group(0))
            if citation is None:
                return match.group(0)
            return _citation_html(citation.keys, found, link)

        html = token_re.sub(replace, html)
        if with_references and referenced:
            ordered = sorted(referenced.values(), key=lambda p: p.number_order)
            html += references_html(ordered)
        return html


def _citation_html(keys, found, link):
    parts = []
    for key in keys:
        publication = found.get(key)
        if publication is None:
            parts.append(
                format_html(
                    '<mark class="cite-error">@{} ({})</mark>',
                    key,
                    _("unknown citation key"),
                )
            )
            continue
        parts.append(
            format_html(
                '<a href="{}" title="{}">{}</a>',
                link(publication),
                to_plain(publication.title),
                # A row the numbering has not reached yet still gets a link.
                publication.number_label or key,
            )
        )
    return format_html(
        '<span class="cite">[{}]</span>',
        mark_safe(", ".join(parts)),  # noqa: S308
    )


def references_html(publications):
    """The reference block: each publication's number, linked title, venue, year.

    publications are in the order to show; each keeps its site-wide number.
    """
    items = format_html_join(
        "\n",
        '<li id="ref-{}"><span class="ref-number">[{}]</span> '
        '<a href="{}">{}</a>{}</li>',
        (
            (
                publication.number_label or publication.pk,
                publication.number_label or "·",
                publication.get_absolute_url(),
                mark_safe(math_text_html(publication.title)),  # noqa: S308 - sanitized
                _venue_year(publication),
            )
            for publication in publications
        ),
    )
    return format_html(
        '<section class="references" aria-labelledby="references-heading">'
        '<h2 id="references-heading">{}</h2><ul class="references__list">{}</ul>'
        "</section>",
        _("References"),
        items,
    )


def _venue_year(publication):
    parts = [p for p in (publication.venue_short or publication.venue,) if p]
    if publication.year and not any(str(publication.year) in p for p in parts):
        parts.append(str(publication.year))
    return (". " + escape(", ".join(parts))) if parts else ""


class KeyMarkers:
    """A scope for rendering a text to store: each citation stays a marker
    naming its keys (`expand_stored`), and the keys cited are noted in order."""

    def __init__(self):
        self._keys = {}

    def cite(self, keys):
        for key in keys:
            self._keys.setdefault(key, None)
        return f"LSKEYS{';'.join(keys).encode().hex()}E"

    @property
    def keys(self):
        return list(self._keys)


def expand_stored(html):
    """Stored HTML (see `KeyMarkers`) with its citations put back.

    Inside a page's scope each marker becomes one of the page's citations, as
    if the text had been rendered there; on its own the HTML is resolved with
    its own reference list. No Markdown runs.
    """
    scope = active_scope()
    own = scope is None
    if own:
        scope = CitationScope()

    def cite(match):
        return scope.cite(bytes.fromhex(match.group(1)).decode().split(";"))

    html = STORED_RE.sub(cite, html)
    return scope.finish(html) if own else html


def active_scope():
    """The citation scope of the page being rendered, if any."""
    return _active_scope.get()


class page_scope:  # noqa: N801 - used like a function: `with page_scope() as s`
    """Make one CitationScope active for everything rendered inside the block."""

    def __init__(self, scope=None):
        self.scope = scope or CitationScope()

    def __enter__(self):
        self._token = _active_scope.set(self.scope)
        return self.scope

    def __exit__(self, *exc):
        _active_scope.reset(self._token)


class CitationInlineProcessor(InlineProcessor):
    """Leaves a token per citation in the scope set on the Markdown instance."""

    def handleMatch(self, m, data):  # noqa: N802 - Markdown's API name
        keys = KEY_RE.findall("@" + m.group(1))
        return self.md.citation_scope.cite(keys), m.start(0), m.end(0)


class CitationExtension(Extension):
    """`[@key]` citations; set `md.citation_scope` before each conversion."""

    def __init__(self, scope=None, **kwargs):
        self.scope = scope
        super().__init__(**kwargs)

    def extendMarkdown(self, md):  # noqa: N802 - Markdown's API name
        md.citation_scope = self.scope
        # Below the backslash escapes (180), so `\[@key]` stays literal; above
        # links (160) so `[@key]` is not read as a reference link. Code spans
        # and blocks are never inline-processed, so citations there stay text.
        md.inlinePatterns.register(
            CitationInlineProcessor(CITATION_RE.pattern, md),
            "labsite_citation",
            175,
        )
