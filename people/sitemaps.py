"""The person pages of sitemap.xml (site_config.sitemaps lists them)."""

from django.contrib.sitemaps import Sitemap

from people.models import Person


class PersonSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.5

    def items(self):
        return Person.objects.only("slug", "updated_at").order_by("pk")

    def lastmod(self, item):
        return item.updated_at
