"""Sitemap sections of the news app: posts, talks and events, courses."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.db.models.functions import ExtractYear
from django.urls import reverse

from news.models import Course, NewsPost, Talk
from site_config.core.sitemaps import SlugSitemap


class NewsPostSitemap(Sitemap):
    """Items are (date, slug, updated_at) rows; a post's URL holds its year."""

    changefreq = "monthly"
    priority = 0.5

    def items(self):
        return NewsPost.objects.order_by("pk").values_list("date", "slug", "updated_at")

    def location(self, item):
        return reverse("news:detail", kwargs={"year": item[0].year, "slug": item[1]})

    def lastmod(self, item):
        return item[2]


class NewsYearSitemap(Sitemap):
    """The page of each year of news (/news/<year>/), newest first."""

    changefreq = "yearly"
    priority = 0.3

    def items(self):
        return list(
            NewsPost.objects.annotate(year=ExtractYear("date"))
            .values("year")
            .annotate(latest=Max("updated_at"))
            .order_by("-year")
        )

    def location(self, item):
        return reverse("news:year", args=[item["year"]])

    def lastmod(self, item):
        return item["latest"]


class TalkSitemap(SlugSitemap):
    changefreq = "monthly"
    priority = 0.4
    url_name = "talks:detail"

    def items(self):
        return Talk.objects.order_by("pk").values_list("slug", "updated_at")


class CourseSitemap(SlugSitemap):
    changefreq = "yearly"
    priority = 0.4
    url_name = "teaching:detail"

    def items(self):
        return Course.objects.order_by("pk").values_list("slug", "updated_at")


SITEMAPS = {
    "news": NewsPostSitemap,
    "news-years": NewsYearSitemap,
    "talks": TalkSitemap,
    "teaching": CourseSitemap,
}
