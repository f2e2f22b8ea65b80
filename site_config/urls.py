from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from site_config import search, sitemaps, views
from site_config.core.sitemaps import sitemap
from site_config.markup import views as markdownx_views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("research/", include("research.urls")),
    path("people/<slug:slug>/cv/", views.PersonCVView.as_view(), name="person_cv"),
    path("people/", include("people.urls")),
    path("publications/", include("publications.urls")),
    path("software/", include("publications.urls_software")),
    path("funding/", include("research.urls_funding")),
    path("news/", include("news.urls")),
    path("talks/", include("news.urls_talks")),
    path("teaching/", include("news.urls_teaching")),
    # markdownx's own views are open to anyone; these keep its URL names for its
    # widget script but answer staff only and sanitize or re-encode.
    path(
        "markdownx/markdownify/",
        markdownx_views.markdownify,
        name="markdownx_markdownify",
    ),
    path("markdownx/upload/", markdownx_views.upload, name="markdownx_upload"),
    path("admin/", admin.site.urls),
    path("search/", search.search_view, name="search"),
    path("feeds/", include("publications.feeds")),
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": sitemaps.SITEMAPS},
        name="sitemap",
    ),
    path("robots.txt", sitemaps.robots_txt, name="robots_txt"),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
