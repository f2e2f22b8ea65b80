from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

from site_config.markdown import render_markdown

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
