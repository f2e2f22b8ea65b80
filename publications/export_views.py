"""Citation downloads: one publication's, and any list's as the visitor
filtered it (BibTeX, CSL-JSON, RIS, and a formatted list in a citation style).

The writers are publications.bibtex.export (data formats) and
publications.references (formatted text), entry by entry through
publications.downloads (which reuses entries while the static export runs);
the list's publications come from publications.selectors.publication_download,
with the list page's filters.
"""

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _

from publications.bibtex.export import FORMATS
from publications.downloads import (
    TEXT,
    download_body,
    download_entries,
    item_entries,
)
from publications.filters import FILTER_NAMES
from publications.references import style_for
from publications.selectors import publication_download
from site_config.context_processors import profile_for
from site_config.pagecache.public import public_page

# A list download holds at most this many publications; a formatted list
# fewer, since each reference citeproc-py has not formatted before costs it
# milliseconds (docs/benchmark.md, "Formatted references"), and a request's
# work stays bounded.
LIST_LIMIT = 10_000
TEXT_LIMIT = 1_000
TEXT_TYPE = ("text/plain", "txt")


def _download(request, slug, fmt):
    """One publication's file of fmt; 404 when no publication has slug."""
    entries = item_entries(slug, fmt)
    if not entries:
        raise Http404("No publication matches the given query.")
    _writer, content_type, extension = FORMATS[fmt]
    # inline: browsers show the text; the filename is used when it is saved.
    return _response(
        download_body(entries, fmt),
        content_type,
        f'inline; filename="{slug}.{extension}"',
    )


def _response(body, content_type, disposition):
    response = HttpResponse(body, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = disposition
    return response


@public_page()
def export_bibtex(request, slug):
    return _download(request, slug, "bibtex")


@public_page()
def export_csljson(request, slug):
    return _download(request, slug, "csl-json")


@public_page()
def export_ris(request, slug):
    return _download(request, slug, "ris")


@public_page(params=(*FILTER_NAMES, "style"))
def export_list(request, fmt):
    """The publications list as filtered by the query (the list page's filters;
    ``?person=slug`` and ``?theme=slug`` give a person's or a theme's list) in
    fmt: a key of FORMATS, or "text" for a reference list in ``?style=``
    (the site's default style when absent or unknown). Saved as a file."""
    limit = TEXT_LIMIT if fmt == TEXT else LIST_LIMIT
    style = None
    if fmt == TEXT:
        default = profile_for(request).citation_style
        style = style_for(request.GET.get("style"), default)

    def read(publications, limit):
        return download_entries(publications, fmt, limit=limit, style=style)

    download = publication_download(request.GET, limit=limit, read=read)
    body = download_body(download.entries, fmt)
    note = ""
    if download.truncated:
        note = _(
            "The first %(shown)d of %(total)d publications; choose a year, type, "
            "theme or person on the list page to download the others."
        ) % {"shown": len(download.entries), "total": download.total}
    if fmt == TEXT:
        body = f"{note}\n\n{body}" if note else body
        content_type, extension = TEXT_TYPE
    else:
        _writer, content_type, extension = FORMATS[fmt]
        if note and fmt == "bibtex":
            body = f"@comment{{{note}}}\n\n{body}"
    response = _response(
        body,
        content_type,
        f'attachment; filename="{download.filename}.{extension}"',
    )
    if note:
        response["X-Labsite-Truncated"] = f"{len(download.entries)} of {download.total}"
    return response
