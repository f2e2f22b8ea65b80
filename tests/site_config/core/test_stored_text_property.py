"""Property: any stored text renders every page, feed and sitemap (issue #13).

Hypothesis draws text from all of Unicode, controls, NUL, lone surrogates and
non-characters included, and stores it in the fields pages, feeds and sitemaps
show (through save(), as the admin, the importer's entities and restore do). Every
public page must answer 200 and every feed and sitemap must parse as XML.
"""

import xml.etree.ElementTree as ET

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from people.models import Person
from publications.models import Publication
from research.models import ResearchTheme
from site_config.models import NavigationLink, SiteProfile

# Every code point, surrogates included (exclude_categories=() keeps Cs).
ANY_TEXT = st.text(st.characters(exclude_categories=()), min_size=1, max_size=40)


def render_everything(client, person, theme, paper):
    pages = [
        reverse("home"),
        reverse("people:list"),
        person.get_absolute_url(),
        reverse("research:list"),
        theme.get_absolute_url(),
        reverse("publications:list"),
        paper.get_absolute_url(),
        reverse("search") + "?q=a",
        reverse("publications:export_bibtex", args=[paper.slug]),
        reverse("publications:export_ris", args=[paper.slug]),
        reverse("publications:export_csljson", args=[paper.slug]),
    ]
    xml = [
        reverse("feeds:publications_rss"),
        reverse("feeds:publications_atom"),
        reverse("feeds:theme_rss", args=[theme.slug]),
        reverse("feeds:theme_atom", args=[theme.slug]),
        reverse("feeds:person_rss", args=[person.slug]),
        reverse("feeds:person_atom", args=[person.slug]),
        reverse("sitemap"),
    ]
    for url in pages + xml:
        response = client.get(url)
        assert response.status_code == 200, url
        if url in xml:
            ET.fromstring(response.content)


@pytest.mark.django_db
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(a=ANY_TEXT, b=ANY_TEXT, c=ANY_TEXT)
def test_any_stored_text_renders_every_page_feed_and_sitemap(a, b, c):
    client = Client(raise_request_exception=False)
    profile = SiteProfile.load()
    profile.group_name = f"Lab {a}"
    profile.tagline = b
    profile.introduction = c
    profile.footer_text = a
    profile.save()
    NavigationLink.objects.update_or_create(
        order=1, defaults={"label": f"L{b}"[:60], "url": "/people/"}
    )
    theme, _ = ResearchTheme.objects.get_or_create(
        slug="theme", defaults={"title": "Theme"}
    )
    theme.title, theme.summary, theme.description = f"T {a}", b, c
    theme.save()
    person, _ = Person.objects.get_or_create(
        slug="person", defaults={"full_name": "Person", "is_member": True}
    )
    person.full_name, person.bio = f"P {b}"[:200], f"{a} {c}"
    person.save()
    paper, _ = Publication.objects.get_or_create(
        slug="paper", defaults={"title": "Paper", "year": 2024}
    )
    paper.title, paper.abstract, paper.venue = f"Title {c}", f"{a}\n\n{b}", a[:200]
    paper.save()
    paper.themes.set([theme])
    paper.authorships.all().delete()
    paper.authorships.create(person=person, position=0)
    render_everything(client, person, theme, paper)
