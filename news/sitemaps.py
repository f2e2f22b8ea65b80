"""Sitemap sections of the news app: posts, talks and events, courses."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.db.models.functions import ExtractYear
from django.urls import reverse

from news.models import Course, NewsPost, Talk


class NewsPostSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.5

    def items(self):
        return NewsPost.objects.only("slug", "date", "updated_at").order_by("pk")

    def lastmod(self, item):
        return item.updated_at


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


class TalkSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.4

    def items(self):
        return Talk.objects.only("slug", "updated_at").order_by("pk")

    def lastmod(self, item):
        return item.updated_at


class CourseSitemap(Sitemap):
    changefreq = "yearly"
    priority = 0.4

    def items(self):
        return Course.objects.only("slug", "updated_at").order_by("pk")

    def lastmod(self, item):
        return item.updated_at


SITEMAPS = {
    "news": NewsPostSitemap,
    "news-years": NewsYearSitemap,
    "talks": TalkSitemap,
    "teaching": CourseSitemap,
}
