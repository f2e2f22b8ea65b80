"""Which views are pages of the public site, and which query parameters they read.

A view is marked where it is defined, as ``csrf_exempt`` marks one::

    @public_page(params=("year", "type", "page"))
    class PublicationListView(TemplateView): ...

and the page cache reads the mark from the view the path resolves to. Only
marked pages are cached, and only their declared parameters are part of the
cache key, in one order: ``?utm_source=1`` to ``?utm_source=150`` are the same
page, not 150 copies of it (issue #13, finding 2).
"""

import functools
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.urls import Resolver404, resolve

# Paths remembered with what they resolve to; paths come from visitors, so the
# memo is bounded.
RESOLVED_PATHS = 4096


@dataclass(frozen=True, slots=True)
class PublicPage:
    """The mark on a public view: the query parameters its page depends on."""

    params: frozenset = frozenset()


def public_page(*, params=()):
    """Decorator for a view function or class: its page is public and cacheable.

    params names the GET parameters that change what the page shows (filters,
    page numbers); any other parameter is ignored for caching, and a request
    carrying one is never stored. Returns the view unchanged but for the mark.
    """
    mark = PublicPage(frozenset(params))

    def decorate(view):
        view.public_page = mark
        return view

    return decorate


def public_page_of(view):
    """The PublicPage mark of a resolved view function (or of its class), or None."""
    mark = getattr(view, "public_page", None)
    if mark is None:
        mark = getattr(getattr(view, "view_class", None), "public_page", None)
    return mark


def public_page_for(path_info):
    """The PublicPage mark of the view that path_info (a str) resolves to, or None."""
    return _resolved(settings.ROOT_URLCONF, path_info)


@functools.lru_cache(maxsize=RESOLVED_PATHS)
def _resolved(urlconf, path_info):
    try:
        match = resolve(path_info, urlconf)
    except Resolver404:
        return None
    return public_page_of(match.func)


def cache_query(query, mark):
    """(the cache key's query text, whether query holds unknown parameters).

    query is a QueryDict. The key keeps the page's own parameters, sorted by
    name, each with its values in the order given; everything else is left out.
    """
    known = sorted(name for name in query if name in mark.params)
    # Encoded again, so that no value can pose as another parameter.
    text = urlencode([(name, value) for name in known for value in query.getlist(name)])
    return text, len(known) != len(query)
