"""The base template library: `{% load labsite %}`.

Markdown, citations and their numbering, math in titles, plain-text summaries,
absolute URLs and thumbnails: what any app's page uses. Each app's own tags are
in its library (`{% load publications %}`, `{% load people %}`).
"""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

from site_config.markup.citations import (
    CitationScope,
    active_scope,
    number_publications,
    page_scope,
)
from site_config.markup.math import math_text_html, plain_math_text
from site_config.markup.metadata import plain_text
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
    """`{% citations %}…{% endcitations %}`: one citation numbering for the block.

    Markdown rendered inside leaves its `[@key]` citations as tokens; at the end
    all keys are looked up in one query, numbered in page order and linked, and a
    reference list follows the block's content.
    """
    nodelist = parser.parse(("endcitations",))
    parser.delete_first_token()
    return CitationsNode(nodelist)


@register.simple_tag
def publication_numbers(*lists, start=1):
    """`{% publication_numbers publications preprints as numbers %}`: {pk: number}.

    Numbers the page's lists one after the other; citations on the same page of
    these publications then show the same number and link to the list item.
    """
    return number_publications(*lists, start=start)


@register.filter
def number_of(numbers, publication):
    """`{{ numbers|number_of:publication }}`: the publication's number on the page."""
    if not numbers or publication is None:
        return ""
    return numbers.get(getattr(publication, "pk", publication), "")


@register.simple_tag
def register_number(publication):
    """`{% register_number publication %}` in a numbered list item: citations of
    the publication on this page show the item's number and link to the item."""
    number = getattr(publication, "list_number", None)
    scope = active_scope()
    if number is not None and scope is not None:
        scope.use_numbers({publication.pk: number})
    return ""


@register.filter
def math_title(text):
    """A title with `$…$` math typeset as MathML; the rest escaped."""
    return mark_safe(math_text_html(text))  # noqa: S308 - escaped and sanitized


@register.filter
def plain_title(text):
    """A title as plain text: math kept as its TeX source, without dollars."""
    return plain_math_text(text)


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
