from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from site_config import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("research/", include("research.urls")),
    path("people/", include("people.urls")),
    path("publications/", include("publications.urls")),
    path("markdownx/", include("markdownx.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
