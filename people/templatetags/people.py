"""The people template library: `{% load people %}`.

The co-author chart and the JSON-LD of a person's page and of the group.
"""

from django import template

from people import charts, metadata
from site_config.markup.metadata import json_ld

register = template.Library()


@register.simple_tag(takes_context=True)
def person_jsonld(context, person):
    return json_ld(metadata.person_data(person, context.get("request")))


@register.simple_tag(takes_context=True)
def organization_jsonld(context, members=()):
    profile = context.get("site_profile")
    if profile is None:
        return ""
    return json_ld(
        metadata.research_organization(
            profile, context.get("request"), members=members or ()
        )
    )


@register.inclusion_tag("includes/_chart_coauthors.html")
def coauthor_chart(person, rows=None):
    """`{% coauthor_chart person coauthors %}`: who the person publishes with and
    how often; rows are the view's `coauthors_of(person)` list when it has one."""
    return {"coauthor_rows": charts.coauthors(person, rows=rows)}
