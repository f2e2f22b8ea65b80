"""Sitemap sections of the news app: posts, talks and events, courses."""

from django.contrib.sitemaps import Sitemap

from news.models import Course, NewsPost, Talk


class NewsPostSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.5

    def items(self):
        return NewsPost.objects.only("slug", "date", "updated_at").order_by("pk")

    def lastmod(self, item):
        return item.updated_at


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
    "talks": TalkSitemap,
    "teaching": CourseSitemap,
}
