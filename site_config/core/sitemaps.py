"""sitemap.xml written without a template, from rows rather than model instances.

Django's sitemap view renders ``sitemap.xml`` through the template engine, a
loop that costs milliseconds per hundred URLs, and its sections reverse() each
object's URL. With ten thousand publications that made the sitemap a large
part of every static export after an edit (issue #15). ``sitemap`` here writes
the same bytes as Django's view and template (the same paging, 404s and
headers), and ``SlugSitemap`` lists a model's pages from ``(slug, updated_at)``
rows with the URL's fixed part reversed once.

The sections used here set no ``i18n`` or ``alternates``: the view refuses a
section that does, rather than leave its alternate links out.
"""

import datetime
import re
from functools import cached_property

from django.contrib.sitemaps import Sitemap
from django.contrib.sites.shortcuts import get_current_site
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.http import http_date
from django.utils.timezone import template_localtime

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
    'xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
)
TAIL = "\n</urlset>\n"
ROBOTS = "noindex, noodp, noarchive"

# What Django's <slug:...> converter accepts: such a slug reverses to itself,
# so the URL is the fixed part around it. Any other value is reversed (and
# fails) as before.
_SLUG = re.compile(r"[-a-zA-Z0-9_]+\Z")
_MARK = "slug-mark"


class SlugSitemap(Sitemap):
    """A section listing one model's pages at ``url_name`` (a pattern whose
    only argument is ``slug``). A subclass's ``items()`` gives a queryset of
    ``(slug, updated_at)`` tuples (``values_list``) in a fixed order; an
    item's lastmod is its updated_at."""

    url_name = None

    def location(self, item):
        slug = item[0]
        if not _SLUG.match(slug):
            return reverse(self.url_name, kwargs={"slug": slug})
        head, tail = self._around_slug
        return f"{head}{slug}{tail}"

    def lastmod(self, item):
        return item[1]

    @cached_property
    def _around_slug(self):
        # Reversed in the request (a view makes its sections anew), so under
        # its script prefix.
        head, _mark, tail = reverse(self.url_name, kwargs={"slug": _MARK}).rpartition(
            _MARK
        )
        return head, tail


def sitemap(request, sitemaps):
    """sitemap.xml of sitemaps ({name: Sitemap class or instance}), page ``p``
    of each section: the bytes and headers of
    ``django.contrib.sitemaps.views.sitemap`` with its default template.
    Raises Http404 for a page that is not a number or that a section lacks
    (each section has at most its ``limit`` URLs a page, 50,000)."""
    protocol = request.scheme
    domain = get_current_site(request).domain
    page = request.GET.get("p", 1)
    parts = []
    latest = None
    all_dated = True
    for section in sitemaps.values():
        if callable(section):
            section = section()
        if section.i18n or section.alternates:
            raise ValueError(f"{type(section).__name__}: alternates are not written.")
        try:
            items = section.paginator.page(page).object_list
        except EmptyPage as error:
            raise Http404(f"Page {page} empty") from error
        except PageNotAnInteger as error:
            raise Http404(f"No page '{page}'") from error
        newest, dated = _write_urls(parts, section, items, f"{protocol}://{domain}")
        if all_dated:
            if dated and newest:
                latest = _later(latest, newest)
            else:
                all_dated = False
    headers = {}
    if all_dated and latest:
        headers["Last-Modified"] = http_date(latest.timestamp())
    response = HttpResponse(
        HEAD + "".join(parts) + TAIL, content_type="application/xml", headers=headers
    )
    response.headers["X-Robots-Tag"] = ROBOTS
    return response


def _write_urls(parts, section, items, origin):
    """Append each item's <url> element to parts, as Django's template writes
    it; returns (the newest lastmod, whether every item has one)."""
    location = _attribute(section, "location")
    lastmod = _attribute(section, "lastmod")
    changefreq = _attribute(section, "changefreq")
    priority = _attribute(section, "priority")
    newest = None
    dated = True
    for item in items:
        modified = lastmod(item)
        if dated:
            dated = modified is not None
            if dated and (newest is None or modified > newest):
                newest = modified
        element = f"<url><loc>{escape(origin + location(item))}</loc>"
        if modified:
            element += f"<lastmod>{_day(modified)}</lastmod>"
        frequency = changefreq(item)
        if frequency:
            element += f"<changefreq>{escape(frequency)}</changefreq>"
        rank = priority(item)
        if rank is not None and str(rank):
            element += f"<priority>{escape(str(rank))}</priority>"
        parts.append(element + "</url>")
    return newest, dated


def _attribute(section, name):
    """section's name as a function of the item (Sitemap._get's rule: a
    method is called, a value is used as is, a missing one is None)."""
    value = getattr(section, name, None)
    if callable(value):
        return value
    return lambda item: value


def _day(value):
    # As the template's |date:"Y-m-d": an aware datetime in the current time
    # zone.
    value = template_localtime(value)
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


def _later(current, new):
    """The later of current and new (dates taken as midnight UTC), as
    Django's sitemap view compares sections' lastmods."""
    if not isinstance(new, datetime.datetime):
        new = datetime.datetime.combine(new, datetime.time.min)
    if timezone.is_naive(new):
        new = timezone.make_aware(new, datetime.UTC)
    return new if current is None else max(current, new)
