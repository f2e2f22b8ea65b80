"""The site's URLs as DEBUG builds them, media serving included."""

from django.conf import settings
from django.conf.urls.static import static

from site_config.urls import urlpatterns as site_urlpatterns

urlpatterns = [
    *site_urlpatterns,
    *static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT),
]
