"""A URL conf with people's pages elsewhere, for test_urls.py."""

from django.http import HttpResponse
from django.urls import include, path


def _page(request, slug):
    return HttpResponse(slug)


people = ([path("<slug:slug>/", _page, name="detail")], "people")
urlpatterns = [path("elsewhere/", include(people))]
