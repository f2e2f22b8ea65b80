"""Admin sign-in throttling: after repeated failures, stop trying for a while.

Failures are counted per username and client address in the cache (a shared
cache in production, so every worker sees the same count). Five failures within
fifteen minutes lock that pair out until the window has passed; a successful
sign-in clears the count.
"""

import hashlib

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60


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


def _key(username, address):
    digest = hashlib.sha256(f"{username.casefold()}\0{address}".encode()).hexdigest()
    return f"labsite:login-failures:{digest}"


def failures(username, address):
    return cache.get(_key(username, address), 0)


def record_failure(username, address):
    key = _key(username, address)
    # add() starts the window; incr() keeps its expiry, so the lock-out ends
    # fifteen minutes after the first failure of the run.
    if not cache.add(key, 1, timeout=WINDOW_SECONDS):
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=WINDOW_SECONDS)


def clear_failures(username, address):
    cache.delete(_key(username, address))


class ThrottledAdminAuthenticationForm(AdminAuthenticationForm):
    """The admin's sign-in form, refusing to check passwords once locked out."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "throttled": _(
            "Too many failed sign-in attempts for this account from your "
            "address. Wait %(minutes)d minutes, then try again."
        ),
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        address = client_address(self.request) if self.request else ""
        if failures(username, address) >= MAX_FAILURES:
            raise ValidationError(
                self.error_messages["throttled"],
                code="throttled",
                params={"minutes": WINDOW_SECONDS // 60},
            )
        try:
            cleaned = super().clean()
        except ValidationError:
            record_failure(username, address)
            raise
        clear_failures(username, address)
        return cleaned
