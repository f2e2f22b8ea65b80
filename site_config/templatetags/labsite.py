"""The base template library: `{% load labsite %}`.

Markdown, citations and list anchors, math in titles, plain-text summaries,
absolute URLs and thumbnails: what any app's page uses. Each app's own tags are
in its library (`{% load publications %}`, `{% load people %}`).
"""

from django import template
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as url_tag
from django.urls import NoReverseMatch
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

from site_config.core.urls import kept_reverse
from site_config.markup.citations import (
    CitationScope,
    active_scope,
    page_scope,
)
from site_config.markup.math import math_text_html
from site_config.markup.metadata import plain_text
from site_config.markup.plaintext import to_plain
from site_config.markup.render import render_markdown
from site_config.media import thumbnails

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    """Render Markdown through the one sanitizing renderer."""
    return mark_safe(render_markdown(text))  # noqa: S308 - sanitized by nh3


@register.simple_tag
def count_phrase(published, preprints):
    """Counts as words, "3 publications and 1 preprint"; a zero is left out.

    With both counts zero it says "no publications", so callers can use it in a
    sentence unconditionally.
    """
    parts = []
    if published:
        parts.append(
            ngettext("%(n)d publication", "%(n)d publications", published)
            % {"n": published}
        )
    if preprints:
        parts.append(
            ngettext("%(n)d preprint", "%(n)d preprints", preprints) % {"n": preprints}
        )
    if not parts:
        return gettext("no publications")
    return gettext(" and ").join(parts)


class CitationsNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        with page_scope(CitationScope()) as scope:
            html = self.nodelist.render(context)
        return mark_safe(scope.finish(html))  # noqa: S308 - tokens become our own HTML


@register.tag(name="citations")
def citations_tag(parser, token):
    """`{% citations %}…{% endcitations %}`: one citation scope for the block.

    Markdown rendered inside leaves its `[@key]` citations as tokens; at the end
    all keys are looked up in one query and linked with each publication's own
    number, and a reference list of the cited publications the block does not
    list follows the block's content.
    """
    nodelist = parser.parse(("endcitations",))
    parser.delete_first_token()
    return CitationsNode(nodelist)


class KeptURLNode(URLNode):
    """Django's URLNode with the answer kept (``kept_reverse``)."""

    def render(self, context):
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {k: v.resolve(context) for k, v in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        # The current app as Django's own tag picks it.
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        url = ""
        try:
            url = kept_reverse(view_name, args, kwargs, current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag(name="kept_url")
def kept_url_tag(parser, token):
    """`{% kept_url 'people:list' %}`, `{% kept_url 'x:detail' slug=s as v %}`:
    Django's `{% url %}` (same arguments, same output), each answer kept per
    script prefix, URL conf, current app and language, since every page of
    an export links the same sections and the page's own downloads."""
    node = url_tag(parser, token)
    return KeptURLNode(node.view_name, node.args, node.kwargs, node.asvar)


@register.simple_tag
def publication_anchor(publication):
    """` id="pub-<pk>"` for the first list item of publication on the page.

    In a list item: `<li{% publication_anchor publication %}>`. Citations of
    the publication on this page then link to the item instead of listing it
    in the reference block; a second item of it on the page (selected and
    recent lists) gets no id, so ids stay unique.
    """
    scope = active_scope()
    if scope is not None and not scope.list_item(publication.pk):
        return ""
    return format_html(' id="pub-{}"', publication.pk)


@register.filter
def math_title(text):
    """A title with `$…$` math typeset as MathML; the rest escaped."""
    return mark_safe(math_text_html(text))  # noqa: S308 - escaped and sanitized


@register.filter
def plain_title(text):
    """A title as plain text (site_config.markup.plaintext): math as Unicode."""
    return to_plain(text)


@register.simple_tag(takes_context=True)
def absolute_url(context, url):
    """`{% absolute_url obj.get_absolute_url %}`: the URL with scheme and host."""
    request = context.get("request")
    if not url:
        return ""
    return request.build_absolute_uri(url) if request is not None else url


@register.filter
def plain_summary(markdown_text, words=45):
    """Markdown as one line of plain text for meta descriptions."""
    return plain_text(markdown_text, words=int(words))


@register.simple_tag
def thumbnail_attrs(image, width, height=None):
    """`<img {% thumbnail_attrs person.photo 112 112 %} …>`: src and srcset.

    The resized copies are made on first use; without a readable image the
    original file's URL is used so the page still shows something.
    """
    thumb, srcset = thumbnails.responsive(image, int(width), height and int(height))
    if thumb is None:
        return format_html('src="{}"', image.url) if image else ""
    return format_html('src="{}" srcset="{}"', thumb.url, srcset)


@register.simple_tag
def thumbnail_img(image, width, height=None, alt="", css_class="", sizes=""):
    """A whole <img> with src, srcset, width and height; empty without an image."""
    thumb, srcset = thumbnails.responsive(image, int(width), height and int(height))
    if thumb is None:
        return ""
    return format_html(
        '<img src="{}" srcset="{}"{} width="{}" height="{}" alt="{}"{} '
        'loading="lazy" decoding="async">',
        thumb.url,
        srcset,
        format_html(' sizes="{}"', sizes) if sizes else "",
        thumb.width,
        thumb.height,
        alt,
        format_html(' class="{}"', css_class) if css_class else "",
    )
