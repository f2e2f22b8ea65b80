"""Which link targets editors may put in the site's navigation.

Navigation links appear on every page, so a ``javascript:`` or ``data:`` target
would run or show in every visitor's browser. The Content Security Policy blocks
that today; this rule keeps the guarantee from resting on it (issue #13,
finding 7): http, https and mailto links, and paths on this site, nothing else.
"""

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})


def is_safe_link(url):
    """True for ``http(s)://host…``, ``mailto:…`` and site paths (``/people/``).

    url is the text an editor typed. Refused: any other scheme, protocol-relative
    ``//host`` and ``/\\host`` (browsers read both as another host), and any
    whitespace or control character (browsers drop tabs and newlines inside a
    URL, which would let ``java\\tscript:`` through a scheme check).
    """
    if not url or any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in url):
        return False
    if url.startswith("/"):
        return not url.startswith(("//", "/\\"))
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        return False
    if scheme == "mailto":
        return bool(parts.path)
    return bool(parts.hostname)


def validate_link(url):
    """Model and form validator: raise ValidationError unless is_safe_link(url)."""
    if not is_safe_link(url):
        raise ValidationError(
            _(
                "Use a path on this site (starting with /) or an http, https or "
                "mailto link; %(url)s is none of these."
            ),
            code="unsafe_link",
            params={"url": url[:80]},
        )
