"""Rendering a page in-process, as the benchmark's child processes do.

Used by ``run.py`` (every page type) and ``page_filters.py`` (the publications
page's filters) once Django is set up in the child.
"""

import statistics
import time
from urllib.parse import urlsplit


def request_for(url):
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    request = RequestFactory().get(url)
    request.user = AnonymousUser()
    return request


def full_render(url):
    """The view's response for url (query string included), rendered."""
    from django.urls import resolve

    match = resolve(urlsplit(url).path)
    response = match.func(request_for(url), *match.args, **match.kwargs)
    if hasattr(response, "render"):
        response.render()
    return response


def median_seconds(function, count):
    """Median time of function over count runs; at least three, and slow
    functions stop after about three seconds."""
    times = []
    while len(times) < count and (len(times) < 3 or sum(times) < 3):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)
