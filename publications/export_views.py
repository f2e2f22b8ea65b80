"""Per-publication citation downloads: BibTeX, CSL-JSON and RIS."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404

from publications.bibtex.export import FORMATS, export
from publications.models import Publication
from site_config.pagecache.public import public_page


def _download(request, slug, fmt):
    publication = get_object_or_404(Publication.objects.with_authors(), slug=slug)
    _writer, content_type, extension = FORMATS[fmt]
    response = HttpResponse(
        export([publication], fmt), content_type=f"{content_type}; charset=utf-8"
    )
    # inline: browsers show the text; the filename is used when it is saved.
    filename = f"{publication.slug}.{extension}"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
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
