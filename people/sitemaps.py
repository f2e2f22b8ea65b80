"""The person pages of sitemap.xml (site_config.sitemaps lists them)."""

from people.models import Person
from site_config.core.sitemaps import SlugSitemap


class PersonSitemap(SlugSitemap):
    changefreq = "monthly"
    priority = 0.5
    url_name = "people:detail"

    def items(self):
        return Person.objects.order_by("pk").values_list("slug", "updated_at")
