"""The theme pages of sitemap.xml (site_config.sitemaps lists them)."""

from research.models import ResearchTheme
from site_config.core.sitemaps import SlugSitemap


class ThemeSitemap(SlugSitemap):
    changefreq = "monthly"
    priority = 0.7
    url_name = "research:detail"

    def items(self):
        return (
            ResearchTheme.objects.active()
            .order_by("pk")
            .values_list("slug", "updated_at")
        )
