from django.http import JsonResponse
from django.views.generic import DetailView, TemplateView

from publications.filters import FILTER_NAMES
from publications.models import Publication
from publications.references import style_for
from publications.selectors import (
    publication_filter_index,
    publication_list_page,
    publication_word_index,
)
from site_config.context_processors import profile_for
from site_config.models import CitationStyle
from site_config.pagecache.public import public_page


@public_page(params=(*FILTER_NAMES, "page"))
class PublicationListView(TemplateView):
    """All publications, published and preprints apart, a few whole years a page.

    Everything the page shows comes from one selector call; the template reads
    `listing` (a `selectors.PublicationListPage`) and runs no query.
    """

    template_name = "publications/publication_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["listing"] = publication_list_page(self.request.GET)
        return context


@public_page()
def filter_index(request):
    """The items each filter choice keeps, as JSON
    (``selectors.publication_filter_index``): where no server runs, the list
    is filtered in the browser from it (static/js/mirror.js)."""
    return JsonResponse(publication_filter_index())


@public_page()
def word_index(request):
    """What the words filter searches, as JSON
    (``selectors.publication_word_index``), for the browser where no server
    runs (static/js/mirror.js)."""
    return JsonResponse(publication_word_index())


@public_page(params=("style",))
class PublicationDetailView(DetailView):
    """A publication's page; ``?style=`` picks the Cite block's citation style
    (a CitationStyle value; anything else gives the site profile's default)."""

    template_name = "publications/publication_detail.html"
    context_object_name = "publication"

    def get_queryset(self):
        return Publication.objects.for_detail()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        default = profile_for(self.request).citation_style
        context["citation_style"] = style_for(self.request.GET.get("style"), default)
        context["citation_styles"] = CitationStyle.choices
        return context
