"""Pages fetched from Django in-process, exactly as the live site would send them.

The mirror's pages go through the same URL conf, middleware, views and templates
as a visitor's request (Django's test client is the WSGI request handler without
a socket), under the host, scheme and path prefix of the base URL, so absolute
URLs in feeds, the sitemap, robots.txt and metadata point at the mirror.
"""

import contextlib
import logging
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.test.utils import override_settings
from django.urls import get_script_prefix, set_script_prefix


class RenderError(Exception):
    """A page the mirror needs could not be rendered; the message names it."""


@dataclass(frozen=True)
class Page:
    """One answer: status code, content type (without parameters), body bytes,
    and for a redirect the Location header."""

    status: int
    content_type: str
    body: bytes
    location: str = ""

    @property
    def is_html(self):
        return self.content_type == "text/html"


@contextlib.contextmanager
def live_site(site):
    """Settings and URL prefix under which pages render for the mirror at site
    (a ``site.SiteMap``): its host allowed, no HTTPS redirect, no page cache (the
    mirror is the cache), DEBUG off so errors render as visitors see them."""
    hostname = site.host.rsplit(":", 1)[0] if not site.host.endswith("]") else site.host
    previous = get_script_prefix()
    with override_settings(
        ALLOWED_HOSTS=[hostname.strip("[]"), hostname],
        SECURE_SSL_REDIRECT=False,
        PAGE_CACHE_ENABLED=False,
        DEBUG=False,
    ):
        set_script_prefix(site.prefix)
        try:
            yield
        finally:
            set_script_prefix(previous)


class Renderer:
    """Fetches site paths (``Target``s) as an anonymous visitor at site's address."""

    def __init__(self, site):
        self.site = site
        self.client = Client(
            raise_request_exception=True,
            HTTP_HOST=site.host,
            SCRIPT_NAME=site.script_name,
        )
        self.secure = site.scheme == "https"

    def fetch(self, target, *, expect_missing=False):
        """The Page for a Target; raises RenderError when the view fails.

        expect_missing: the page is meant to be missing (the 404 page), so
        Django's "Not Found" warning is kept out of the log.
        """
        logger = logging.getLogger("django.request")
        level = logger.level
        if expect_missing:
            logger.setLevel(logging.ERROR)
        try:
            response = self.client.get(target.url, secure=self.secure)
        except Exception as error:  # any view error names the page it broke
            raise RenderError(
                f"{target.url}: {type(error).__name__}: {error}"
            ) from error
        finally:
            logger.setLevel(level)
        if response.streaming:
            body = b"".join(response.streaming_content)
        else:
            body = response.content
        content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
        return Page(
            status=response.status_code,
            content_type=content_type,
            body=body,
            location=response.get("Location", ""),
        )

    def render_template(self, template_name, path, context=None):
        """A page that only the mirror has (its search page): template_name
        rendered with the site's context processors for a request of path."""
        request = RequestFactory().get(
            path,
            HTTP_HOST=self.site.host,
            SCRIPT_NAME=self.site.script_name,
            secure=self.secure,
        )
        return render_to_string(template_name, context or {}, request=request).encode()
