"""sitemap.xml (every public page, with lastmod) and robots.txt.

The list pages are here; each app's sitemaps.py has its own pages.
"""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from people.models import Person
from people.sitemaps import PersonSitemap
from publications.models import Publication
from publications.sitemaps import PublicationSitemap
from research.models import ResearchTheme
from research.sitemaps import ThemeSitemap
from site_config.models import SiteProfile


class ListPagesSitemap(Sitemap):
    """The home page and the three list pages; lastmod is their newest content."""

    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return ["home", "research:list", "people:list", "publications:list"]

    def location(self, item):
        return reverse(item)

    def lastmod(self, item):
        if not hasattr(self, "_latest"):
            latest = {
                "research:list": _latest(ResearchTheme.objects.active()),
                "people:list": _latest(Person.objects.all()),
                "publications:list": _latest(Publication.objects.all()),
            }
            profile = SiteProfile.objects.aggregate(latest=Max("updated_at"))["latest"]
            latest["home"] = max(
                (value for value in [*latest.values(), profile] if value),
                default=None,
            )
            self._latest = latest
        return self._latest[item]


SITEMAPS = {
    "pages": ListPagesSitemap,
    "themes": ThemeSitemap,
    "people": PersonSitemap,
    "publications": PublicationSitemap,
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
        "Disallow: /admin/",
        f"Disallow: {reverse('search')}",
        f"Sitemap: {sitemap_url}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
