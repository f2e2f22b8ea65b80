"""URLs reversed once: ``model_url("people:detail", slug=...)`` for a model's
``get_absolute_url`` and ``kept_reverse`` for the `{% kept_url %}` tag.

A publication's page links each of its authors, its themes, itself and the
site's sections, and a static export renders every page in one process, so
``reverse()`` ran about forty times a page for a few thousand distinct
answers. Each answer is kept under everything ``reverse()`` reads besides its
arguments: the script prefix (the export renders under a sub-path), the URL
conf (a request's own, else ``ROOT_URLCONF``, which tests override), the
current app and the active language.
"""

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

# Far more than a site's distinct URLs under one prefix; the table starts
# again when full rather than growing without end.
MAX_KEPT = 100_000
_kept = {}


def kept_reverse(viewname, args=(), kwargs=None, current_app=None):
    """``reverse(viewname, args=args, kwargs=kwargs, current_app=current_app)``,
    the answer kept per prefix, URL conf and language.

    Gives the same string as ``reverse``; raises ``NoReverseMatch`` as it
    does (a failure is not kept). A name or arguments other than strings and
    integers are passed to ``reverse`` each time.
    """
    kwargs = kwargs or {}
    values = (viewname, *args, *kwargs.values())
    if not all(map(_plain, values)):
        return reverse(viewname, args=args, kwargs=kwargs, current_app=current_app)
    key = (
        viewname,
        tuple(args),
        tuple(kwargs.items()),
        current_app,
        get_script_prefix(),
        get_urlconf() or settings.ROOT_URLCONF,
        get_language(),
    )
    url = _kept.get(key)
    if url is None:
        url = reverse(viewname, args=args, kwargs=kwargs, current_app=current_app)
        if len(_kept) >= MAX_KEPT:
            _kept.clear()
        _kept[key] = url
    return url


def model_url(viewname, **kwargs):
    """``reverse(viewname, kwargs=kwargs)`` kept (``kept_reverse``): what a
    model's ``get_absolute_url`` returns. viewname: a namespaced URL name;
    kwargs: its arguments (a slug, a pk)."""
    return kept_reverse(viewname, kwargs=kwargs)


def _plain(value):
    # Values equal as keys exactly when equal in a URL: text (a template's
    # names and arguments are SafeStrings) and integers, not booleans (True
    # == 1) nor anything else (a model instance, a lazy string).
    return isinstance(value, str | int) and not isinstance(value, bool)
