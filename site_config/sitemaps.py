"""sitemap.xml (every public page, with lastmod) and robots.txt.

The list pages are here; each app's sitemaps.py has its own pages.
"""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from news.models import Course, NewsPost, Talk
from news.sitemaps import SITEMAPS as NEWS_SITEMAPS
from people.models import Person
from people.sitemaps import PersonSitemap
from publications.models import Publication
from publications.sitemaps import PublicationSitemap
from research.models import Grant, ResearchTheme
from research.sitemaps import ThemeSitemap
from site_config.models import SiteProfile


class ListPagesSitemap(Sitemap):
    """The home page and the three list pages; lastmod is their newest content."""

    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return [
            "home",
            "research:list",
            "people:list",
            "publications:list",
            "software:list",
            "funding:list",
            "news:list",
            "talks:list",
            "teaching:list",
        ]

    def location(self, item):
        return reverse(item)

    def lastmod(self, item):
        if not hasattr(self, "_latest"):
            latest = {
                "research:list": _latest(ResearchTheme.objects.active()),
                "people:list": _latest(Person.objects.all()),
                "publications:list": _latest(Publication.objects.all()),
                "software:list": _latest(
                    Publication.objects.filter(
                        kind__in=[Publication.Kind.SOFTWARE, Publication.Kind.DATASET]
                    )
                ),
                "funding:list": _latest(Grant.objects.all()),
                "news:list": _latest(NewsPost.objects.all()),
                "talks:list": _latest(Talk.objects.all()),
                "teaching:list": _latest(Course.objects.all()),
            }
            profile = SiteProfile.objects.aggregate(latest=Max("updated_at"))["latest"]
            latest["home"] = max(
                (value for value in [*latest.values(), profile] if value),
                default=None,
            )
            self._latest = latest
        # A section with no rows yet still has a page: date it with the site.
        return self._latest[item] or self._latest["home"]


SITEMAPS = {
    "pages": ListPagesSitemap,
    "themes": ThemeSitemap,
    "people": PersonSitemap,
    "publications": PublicationSitemap,
    **NEWS_SITEMAPS,
}


def _latest(queryset):
    return queryset.aggregate(latest=Max("updated_at"))["latest"]


@require_GET
@cache_control(max_age=86400, public=True)
def robots_txt(request):
    """Crawlers: everything public, not the admin or search results; the sitemap."""
    sitemap_url = request.build_absolute_uri(reverse("sitemap"))
    lines = [
        "User-agent: *",
        f"Disallow: {reverse('admin:index')}",
        f"Disallow: {reverse('search')}",
        f"Sitemap: {sitemap_url}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
