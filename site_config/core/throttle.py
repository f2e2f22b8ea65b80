"""Admin sign-in throttling with django-axes, counted in the database.

Every worker process sees the same counts, because django-axes keeps each failed
attempt as a row (``axes.AccessAttempt``): with the old per-process cache, two
gunicorn workers let 9 real password checks through where 5 were meant (issue
#13, finding 8). Failures are limited by client address (one password tried
against many usernames) and by username (one account tried from many
addresses): five failures within fifteen minutes lock either out until the
window has passed; a successful sign-in clears the count. The settings are
``AXES_*`` in ``site_config/settings.py``.
"""

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib import admin
from django.shortcuts import render


def client_address(request):
    """The client's IP: REMOTE_ADDR, or the proxy header named in settings.

    Only a header the site's own reverse proxy sets may be trusted, so it is
    read only when DJANGO_CLIENT_IP_HEADER names it.
    """
    header = getattr(settings, "CLIENT_IP_HEADER", "")
    if header and request.META.get(header):
        # Proxies append; the last hop is the one our own proxy saw.
        return request.META[header].split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


class SignInThrottleBackend(AxesStandaloneBackend):
    """django-axes' lockout check, for sign-ins that come with a request.

    Every sign-in form passes the request. Code that authenticates without one
    (``manage.py`` commands, the test client's ``login()``) is not a visitor
    guessing passwords, so it is left to the next backend instead of failing.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(
            request, username=username, password=password, **kwargs
        )


def locked_out(request, original_response=None, credentials=None):
    """The page shown instead of checking a password while locked out (429)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "admin/locked_out.html",
        {
            **admin.site.each_context(request),
            "minutes": minutes,
            "title": "Too many failed sign-in attempts",
        },
        status=429,
    )
