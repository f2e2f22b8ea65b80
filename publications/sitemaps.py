"""The publication pages of sitemap.xml (site_config.sitemaps lists them)."""

from django.contrib.sitemaps import Sitemap

from publications.models import Publication


class PublicationSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.6

    def items(self):
        return Publication.objects.only("slug", "updated_at").order_by("pk")

    def lastmod(self, item):
        return item.updated_at
