"""Feeds whose item HTML still works once it has left the site.

A feed reader shows an item's description on its own page, where a
site-relative link ("/publications/x/", "/media/y.webp") points at the reader's
host. RSS 2.0 and Atom leave resolving relative references to the reader
(RSS has no xml:base, and readers ignore Atom's), so the W3C feed validator
warns about them: descriptions are given absolute URLs here.
"""

import datetime
import re

from django.contrib.syndication.views import Feed

# href="/…" or src="/…", but not protocol-relative "//host/…"
_SITE_RELATIVE = re.compile(r'(\s(?:href|src)=")(/(?!/)[^"]*")')
_SRCSET = re.compile(r'(\ssrcset=")([^"]*)(")')


def absolute_links(html, origin):
    """html (str) with site-relative URLs made absolute.

    origin: scheme and host without a trailing slash, "https://lab.example".
    Every href, src and srcset URL that starts with a single "/" gets origin
    in front (the path already holds any script prefix, as reverse() gives
    it); absolute, protocol-relative, fragment-only and page-relative URLs
    are left as they are. Returns str.
    """
    html = _SITE_RELATIVE.sub(lambda m: f"{m[1]}{origin}{m[2]}", html)

    def srcset(match):
        items = []
        for item in match[2].split(","):
            url, _space, width = item.strip().partition(" ")
            if url.startswith("/") and not url.startswith("//"):
                url = origin + url
            items.append(f"{url} {width}".strip())
        return f"{match[1]}{', '.join(items)}{match[3]}"

    return _SRCSET.sub(srcset, html)


# The date of a feed without items whose subject has no change time.
EMPTY_FEED_DATE = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


class AbsoluteLinksFeed(Feed):
    """A Feed whose item descriptions carry absolute URLs (absolute_links),
    made for the host the feed was asked for.

    A feed without items is dated by its subject's last change (obj's
    ``updated_at``, else EMPTY_FEED_DATE), not the time it is asked for as
    Django dates it (RSS ``lastBuildDate``, Atom ``updated``): the same
    content then gives the same bytes, so the static export does not write
    an empty person's or theme's feed again on every full render."""

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        origin = f"{request.scheme}://{request.get_host()}"
        for item in feed.items:
            if item.get("description"):
                item["description"] = absolute_links(item["description"], origin)
        if not feed.items:
            changed = getattr(obj, "updated_at", None) or EMPTY_FEED_DATE
            feed.latest_post_date = lambda: changed
        return feed
