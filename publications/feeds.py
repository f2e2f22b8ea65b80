"""Atom and RSS feeds of new publications: the group's, a theme's, a person's.

Newest additions first (by when they were added to the site), so a reader sees
a paper when the group adds it, whatever year it carries. Titles are plain text
with math as Unicode text (site_config.markup.plaintext); descriptions are the
rendered, sanitized abstract.
"""

from typing import NamedTuple

from django.shortcuts import get_object_or_404
from django.urls import get_script_prefix, path, reverse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape

from people.models import Person
from publications.entries import active_store
from publications.listing import attach_authors
from publications.models import Publication
from research.models import ResearchTheme
from site_config.markup.feeds import AbsoluteLinksFeed
from site_config.markup.plaintext import to_plain
from site_config.markup.render import render_markdown
from site_config.models import SiteProfile

FEED_ITEMS = 30
# What an item reads of its publication (besides its authors): a feed loads
# no more of the row.
FEED_FIELDS = (
    "title",
    "slug",
    "kind",
    "year",
    "venue",
    "venue_short",
    "abstract",
    "authors_et_al",
    "created_at",
    "updated_at",
)
# What a theme's feed reads of the themes: the tree and the keys their
# descriptions cite (PublicationQuerySet.linked_to_themes).
TREE_FIELDS = ("parent", "cited_keys")
# Django's get_kind_display() builds the choices afresh on each call; the
# labels are lazy, so str() still gives each request's language.
_KIND_LABELS = dict(Publication._meta.get_field("kind").flatchoices)


class PublicationFeed(AbsoluteLinksFeed):
    """The group's new publications (RSS 2.0)."""

    feed_type = Rss201rev2Feed
    kind = "rss"

    def title(self, obj=None):
        return f"{SiteProfile.load().group_name}: new publications"

    def description(self, obj=None):
        return self.title(obj)

    subtitle = description

    def link(self, obj=None):
        return reverse("publications:list")

    def feed_url(self, obj=None):
        return reverse(f"feeds:publications_{self.kind}")

    def publications(self, obj):
        return Publication.objects.all()

    def items(self, obj=None):
        # Authors as list pages read them (publications.listing): one query of
        # plain values and one small Person per person, not an Authorship and
        # a full Person per author. A person's feed lists their co-authors
        # again and again, and building those rows was most of what a feed
        # cost in a full static export, which renders the group's, every
        # theme's and every person's feeds, RSS and Atom.
        newest = self.publications(obj).only(*FEED_FIELDS)
        return attach_authors(list(newest.order_by("-created_at", "-pk")[:FEED_ITEMS]))

    def item_title(self, item):
        return _fields(item).title

    def item_description(self, item):
        # The abstract is rendered on each use: its citations read the cited
        # papers, which the page must record as read.
        return _fields(item).byline + render_markdown(item.abstract)

    def item_link(self, item):
        return _fields(item).link

    def item_author_name(self, item):
        return _fields(item).author_name

    def item_pubdate(self, item):
        return item.created_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [_fields(item).category]


class ItemFields(NamedTuple):
    """What a feed shows of a publication but its abstract and dates."""

    title: str
    # The description's authors and venue paragraphs (HTML).
    byline: str
    link: str
    author_name: str | None
    category: str


def _fields(item):
    """item's ItemFields, worked out once per item, and while an entry store
    is active (the static export) once per distinct input for all the feeds
    that list it (the group's, its authors' and themes', RSS and Atom): the
    key holds every value they are made from, so an edit makes a new one."""
    fields = item.__dict__.get("_feed_fields")
    if fields is not None:
        return fields
    names = tuple(author.display_name for author in item.listed_authors)
    store = active_store()
    key = (
        get_script_prefix(),
        translation.get_language(),
        item.pk,
        item.title,
        item.slug,
        item.kind,
        item.year,
        item.venue,
        item.venue_short,
        item.authors_et_al,
        names,
    )
    kept = store.feed_items if store is not None else {}
    fields = kept.get(key)
    if fields is None:
        fields = kept[key] = _made_fields(item, names)
    item._feed_fields = fields
    return fields


def _made_fields(item, names):
    """item's ItemFields, made from its row and its authors' shown names."""
    names = [to_plain(name) for name in names]
    if names and item.authors_et_al:
        names[-1] += " et al."
    parts = []
    authors = ", ".join(names)
    if authors:
        parts.append(f"<p>{escape(authors)}</p>")
    venue = item.venue or item.venue_short
    if venue or item.year:
        line = ", ".join(str(x) for x in (to_plain(venue), item.year) if x)
        parts.append(f"<p><em>{escape(line)}</em></p>")
    return ItemFields(
        title=to_plain(item.title),
        byline="".join(parts),
        link=item.get_absolute_url(),
        author_name=authors or None,
        category=str(_KIND_LABELS.get(item.kind, item.kind)),
    )


class PublicationAtomFeed(PublicationFeed):
    """The group's new publications (Atom)."""

    feed_type = Atom1Feed
    kind = "atom"


class ThemeFeed(PublicationFeed):
    """New publications of one research theme and its sub-themes (RSS 2.0)."""

    def get_object(self, request, slug):
        return get_object_or_404(ResearchTheme.objects.active(), slug=slug)

    def title(self, obj=None):
        return f"{SiteProfile.load().group_name}: {obj.title}"

    def link(self, obj=None):
        return obj.get_absolute_url()

    def feed_url(self, obj=None):
        return reverse(f"feeds:theme_{self.kind}", kwargs={"slug": obj.slug})

    def publications(self, obj):
        return Publication.objects.linked_to_themes(
            ResearchTheme.objects.active()
            .only(*TREE_FIELDS)
            .tree()
            .with_descendants(obj)
        )


class ThemeAtomFeed(ThemeFeed):
    feed_type = Atom1Feed
    kind = "atom"


class PersonFeed(PublicationFeed):
    """New publications of one person (RSS 2.0)."""

    def get_object(self, request, slug):
        return get_object_or_404(Person, slug=slug)

    def title(self, obj=None):
        return f"{obj.full_name}: new publications"

    def link(self, obj=None):
        return obj.get_absolute_url()

    def feed_url(self, obj=None):
        return reverse(f"feeds:person_{self.kind}", kwargs={"slug": obj.slug})

    def publications(self, obj):
        return Publication.objects.with_person(obj.pk)


class PersonAtomFeed(PersonFeed):
    feed_type = Atom1Feed
    kind = "atom"


app_name = "feeds"
urlpatterns = [
    path("publications.rss", PublicationFeed(), name="publications_rss"),
    path("publications.atom", PublicationAtomFeed(), name="publications_atom"),
    path("research/<slug:slug>.rss", ThemeFeed(), name="theme_rss"),
    path("research/<slug:slug>.atom", ThemeAtomFeed(), name="theme_atom"),
    path("people/<slug:slug>.rss", PersonFeed(), name="person_rss"),
    path("people/<slug:slug>.atom", PersonAtomFeed(), name="person_atom"),
]
