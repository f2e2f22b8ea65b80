"""The theme pages of sitemap.xml (site_config.sitemaps lists them)."""

from django.contrib.sitemaps import Sitemap

from research.models import ResearchTheme


class ThemeSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.7

    def items(self):
        return ResearchTheme.objects.active().only("slug", "updated_at").order_by("pk")

    def lastmod(self, item):
        return item.updated_at
