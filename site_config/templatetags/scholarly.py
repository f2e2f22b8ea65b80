"""Template tags for scholarly pages: citations, math, charts, thumbnails, metadata.

Registered as a template builtin (settings.TEMPLATES), so every template can use
them without `{% load %}`.
"""

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from site_config import charts, metadata, thumbnails
from site_config.citations import (
    CitationScope,
    active_scope,
    number_publications,
    page_scope,
)
from site_config.math import math_text_html, plain_math_text

register = template.Library()


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
    return metadata.plain_text(markdown_text, words=int(words))


@register.simple_tag(takes_context=True)
def highwire_tags(context, publication):
    """`{% highwire_tags publication as tags %}`: [(name, content), ...]."""
    return metadata.highwire_tags(publication, context.get("request"))


@register.simple_tag(takes_context=True)
def publication_jsonld(context, publication):
    return metadata.json_ld(
        metadata.scholarly_article(publication, context.get("request"))
    )


@register.simple_tag(takes_context=True)
def person_jsonld(context, person):
    return metadata.json_ld(metadata.person_data(person, context.get("request")))


@register.simple_tag(takes_context=True)
def organization_jsonld(context, members=()):
    profile = context.get("site_profile")
    if profile is None:
        return ""
    return metadata.json_ld(
        metadata.research_organization(
            profile, context.get("request"), members=members or ()
        )
    )


@register.simple_tag
def cite_data(publication):
    """`{% cite_data publication as cite %}`: cite.text and cite.bibtex."""
    return {
        "text": metadata.citation_text(publication),
        "bibtex": metadata.bibtex_text(publication),
    }


# A list item names this many authors, then "and N more" linking to the paper.
LISTED_AUTHORS = 10
_EQUAL_MARK = '<abbr class="mark" title="equal contribution">*</abbr>'
_CORRESPONDING_MARK = '<abbr class="mark" title="corresponding author">†</abbr>'


@register.simple_tag
def author_list(publication, url=None):
    """`{% author_list publication url %}`: the author line of a list item.

    Members link to their pages; `*` and `†` mark equal contribution and the
    corresponding author. Built in Python because a list page shows this line
    hundreds of times and a template loop over every author was most of its
    cost. Reads `listed_authors` (publications.listing) when the list set them,
    else the prefetched authorships. url is the publication's address when the
    caller already has it.
    """
    authorships = getattr(publication, "listed_authors", None)
    if authorships is None:
        authorships = publication.ordered_authorships()
    if not authorships:
        return conditional_escape(publication.authors_raw or "")
    parts = []
    for authorship in authorships[:LISTED_AUTHORS]:
        person = authorship.person
        name = conditional_escape(authorship.display_name)
        if person.is_member:
            href = conditional_escape(_person_url(person))
            part = f'<a class="author author--member" href="{href}">{name}</a>'
        else:
            part = f'<span class="author">{name}</span>'
        if authorship.equal_contribution:
            part += _EQUAL_MARK
        if authorship.corresponding:
            part += _CORRESPONDING_MARK
        parts.append(part)
    html = ", ".join(parts)
    hidden = len(authorships) - LISTED_AUTHORS
    if hidden > 0:
        href = conditional_escape(url or publication.get_absolute_url())
        html += f' <a class="authors-more" href="{href}">and {hidden} more</a>'
    return mark_safe(html)  # noqa: S308 - every value above is escaped


def _person_url(person):
    # Lists share one instance per person (publications.listing.attach_authors),
    # so a member on every item of their own page is reversed once.
    url = person.__dict__.get("_listed_url")
    if url is None:
        url = person.__dict__["_listed_url"] = person.get_absolute_url()
    return url


@register.inclusion_tag("includes/_chart_years.html")
def publications_chart(subject=None, title="", counts=None):
    """`{% publications_chart person %}`: publications per year as inline SVG.

    subject is None (the whole group), a Person or a ResearchTheme. counts,
    [(year, count), ...] as `charts.year_counts` gives them, saves the query
    when the view already has them.
    """
    if not title:
        name = getattr(subject, "full_name", None) or getattr(subject, "title", "")
        title = f"Publications per year{': ' + name if name else ''}"
    if counts is None:
        counts = charts.year_counts(charts.publications_for(subject))
    subject_name = getattr(subject, "full_name", None) or getattr(subject, "title", "")
    chart_id = f"chart-{type(subject).__name__.lower()}-{getattr(subject, 'pk', 'all')}"
    return {
        "chart": charts.year_chart(counts, title=title, subject=subject_name),
        "chart_id": chart_id,
    }


@register.inclusion_tag("includes/_chart_coauthors.html")
def coauthor_chart(person, rows=None):
    """`{% coauthor_chart person coauthors %}`: who the person publishes with and
    how often; rows are the view's `coauthors_of(person)` list when it has one."""
    return {"coauthor_rows": charts.coauthors(person, rows=rows)}


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


@register.simple_tag
def register_number(publication):
    """`{% register_number publication %}` in a numbered list item: citations of
    the publication on this page show the item's number and link to the item."""
    number = getattr(publication, "list_number", None)
    scope = active_scope()
    if number is not None and scope is not None:
        scope.use_numbers({publication.pk: number})
    return ""
