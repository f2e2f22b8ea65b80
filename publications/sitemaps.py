"""The publication pages of sitemap.xml (site_config.sitemaps lists them)."""

from publications.models import Publication
from site_config.core.sitemaps import SlugSitemap


class PublicationSitemap(SlugSitemap):
    changefreq = "monthly"
    priority = 0.6
    url_name = "publications:detail"

    def items(self):
        return Publication.objects.order_by("pk").values_list("slug", "updated_at")
