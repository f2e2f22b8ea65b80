"""The publications template library: `{% load publications %}`.

Author lines of list items, the publications-per-year chart, and what a
publication's page head carries (Highwire tags, JSON-LD, cite data).
"""

from django import template
from django.template.loader import render_to_string
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from publications import charts, downloads, entries, metadata, references
from site_config.markup.metadata import json_ld
from site_config.templatetags.labsite import publication_anchor

register = template.Library()


@register.simple_tag(takes_context=True)
def highwire_tags(context, publication):
    """`{% highwire_tags publication as tags %}`: [(name, content), ...]."""
    return metadata.highwire_tags(publication, context.get("request"))


@register.simple_tag(takes_context=True)
def publication_jsonld(context, publication):
    return json_ld(metadata.scholarly_article(publication, context.get("request")))


@register.simple_tag
def cite_data(publication, style):
    """`{% cite_data publication style as cite %}`: cite.reference (a
    publications.references.Reference in style, a CitationStyle value) and
    cite.bibtex. While an export's entry store is active they are made once
    per distinct input (``downloads.cite_texts``)."""

    def write():
        reference = references.format_reference(publication, style)
        return str(reference.html), metadata.bibtex_text(publication)

    markup, bibtex = downloads.cite_texts(publication, style, write)
    return {"reference": references.Reference.from_markup(markup), "bibtex": bibtex}


ENTRY_TEMPLATE = "includes/_publication_entry.html"


@register.simple_tag(takes_context=True)
def list_entry(context, publication):
    """`{% list_entry publication %}`: the inside of a publication's list item
    (includes/_publication_entry.html), reused while an export renders
    (publications.entries). Reads the page's site_profile for previews."""
    show_previews = bool(getattr(context.get("site_profile"), "show_previews", False))
    authors = getattr(publication, "listed_authors", None)
    if authors is None:
        authors = publication.ordered_authorships()

    def render():
        return render_to_string(
            ENTRY_TEMPLATE,
            {"publication": publication, "show_previews": show_previews},
        )

    html = entries.entry_html(
        publication, authors, show_previews=show_previews, render=render
    )
    return mark_safe(html)  # noqa: S308 - the template escaped it


@register.simple_tag(takes_context=True)
def list_item(context, publication):
    """`{% list_item publication %}`: a publication's list item, its anchor
    (``publication_anchor``) and entry (``list_entry``) in ``<li class="pub">``;
    what includes/_publication_item.html shows."""
    anchor = publication_anchor(publication)
    entry = list_entry(context, publication)
    return mark_safe(f'<li class="pub"{anchor}>{entry}</li>')  # noqa: S308 - both escaped


@register.simple_tag(takes_context=True)
def list_items(context, publications):
    """`{% list_items publications %}`: each of publications as
    includes/_publication_item.html shows it (a line of its own), in order.
    One tag for the list: an include a publication (a context pushed and the
    item's template rendered) cost more than the stored entry it shows on a
    CV of hundreds of papers."""
    items = "".join(
        f"\n{list_item(context, publication)}\n" for publication in publications
    )
    return mark_safe(items)  # noqa: S308 - each item escaped


# A list item names this many authors, then "and N more" linking to the paper.
LISTED_AUTHORS = 10
_EQUAL_MARK = '<abbr class="mark" title="equal contribution">*</abbr>'
_CORRESPONDING_MARK = '<abbr class="mark" title="corresponding author">†</abbr>'


@register.simple_tag
def author_list(publication, url=None):
    """`{% author_list publication url %}`: the author line of a list item.

    Members link to their pages; `*` and `†` mark equal contribution and the
    corresponding author, other marks follow as the source printed them. Built
    in Python because a list page shows this line hundreds of times and a
    template loop over every author was most of its cost. Reads
    `listed_authors` (publications.listing) when the list set them, else the
    prefetched authorships. url is the publication's address when the caller
    already has it.
    """
    authorships = getattr(publication, "listed_authors", None)
    if authorships is None:
        authorships = publication.ordered_authorships()
    et_al = " et al." if publication.authors_et_al else ""
    if not authorships:
        return conditional_escape((publication.authors_raw or "") + et_al)
    parts = []
    for authorship in authorships[:LISTED_AUTHORS]:
        person = authorship.person
        name = conditional_escape(authorship.display_name)
        if person.is_member:
            href = conditional_escape(_person_url(person))
            part = f'<a class="author author--member" href="{href}">{name}</a>'
        else:
            part = f'<span class="author">{name}</span>'
        parts.append(part + _marks(authorship, ' title="as printed in the paper"'))
    html = ", ".join(parts)
    hidden = len(authorships) - LISTED_AUTHORS
    if hidden > 0:
        href = conditional_escape(url or publication.get_absolute_url())
        html += f' <a class="authors-more" href="{href}">and {hidden} more</a>'
    else:
        html += et_al
    return mark_safe(html)  # noqa: S308 - every value above is escaped


@register.simple_tag
def page_author_links(authorships):
    """`{% page_author_links authorships %}`: the authors of a publication's
    page, comma-separated, from its ordered authorships.

    Every author links to their page (members with `author--member`); `*`,
    `†` and other marks follow the name as on the paper. Built in Python
    because the template loop, four conditions per author over a dozen or
    more authors, was a large part of the page's template time in an export.
    """
    parts = []
    for authorship in authorships:
        person = authorship.person
        member = " author--member" if person.is_member else ""
        href = conditional_escape(person.get_absolute_url())
        name = conditional_escape(authorship.display_name)
        parts.append(f'<a class="author{member}" href="{href}">{name}</a>')
        parts[-1] += _marks(authorship)
    return mark_safe(", ".join(parts))  # noqa: S308 - every value above is escaped


def _marks(authorship, other_attrs=""):
    """The marks after an author's name as HTML: `*`, `†`, then the others
    (in a span with other_attrs)."""
    marks = ""
    if authorship.equal_contribution:
        marks += _EQUAL_MARK
    if authorship.corresponding:
        marks += _CORRESPONDING_MARK
    if authorship.other_marks:
        # Marks the source printed that mean neither of the two above (a
        # student's "+", a "‡"): shown as printed, the legend says so.
        other = conditional_escape(authorship.other_marks)
        marks += f'<span class="mark"{other_attrs}>{other}</span>'
    return marks


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
    [(year, count), ...] as `PublicationQuerySet.counts_per_year()` gives
    them, saves the query when the view already has them.
    """
    if not title:
        name = getattr(subject, "full_name", None) or getattr(subject, "title", "")
        title = f"Publications per year{': ' + name if name else ''}"
    if counts is None:
        counts = charts.publications_for(subject).counts_per_year()
    subject_name = getattr(subject, "full_name", None) or getattr(subject, "title", "")
    chart_id = f"chart-{type(subject).__name__.lower()}-{getattr(subject, 'pk', 'all')}"
    return {
        "chart": charts.year_chart(counts, title=title, subject=subject_name),
        "chart_id": chart_id,
    }
