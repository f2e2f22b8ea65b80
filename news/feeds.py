"""RSS 2.0 and Atom feeds of the group's news posts, newest first."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

from news.models import NewsPost
from site_config.markup.feeds import AbsoluteLinksFeed
from site_config.markup.render import render_markdown
from site_config.models import SiteProfile

FEED_ITEMS = 30


class NewsFeed(AbsoluteLinksFeed):
    """The group's news (RSS 2.0); descriptions are the rendered, sanitised body."""

    feed_type = Rss201rev2Feed
    kind = "rss"

    def title(self):
        return f"{SiteProfile.load().group_name}: news"

    def description(self):
        return self.title()

    subtitle = description

    def link(self):
        return reverse("news:list")

    def feed_url(self):
        return reverse(f"news:{self.kind}")

    def items(self):
        return NewsPost.objects.order_by("-date", "-pk").prefetch_related("people")[
            :FEED_ITEMS
        ]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return render_markdown(item.body) if item.body else item.summary

    def item_link(self, item):
        return item.get_absolute_url()

    def item_author_name(self, item):
        return ", ".join(person.full_name for person in item.people.all()) or None

    def item_pubdate(self, item):
        # A post has a date, not a time: noon in the site's zone keeps the day
        # the same for readers on either side of UTC.
        noon = datetime.datetime.combine(item.date, datetime.time(12))
        return timezone.make_aware(noon)

    def item_updateddate(self, item):
        return item.updated_at


class NewsAtomFeed(NewsFeed):
    """The group's news (Atom)."""

    feed_type = Atom1Feed
    kind = "atom"
