"""`/software/`: the group's software packages and datasets.

They are publications of the kinds Software and Dataset, so they keep their
place in the publications list, its numbering and every export; this page only
gathers them with what matters for code and data (repository, version, licence).
"""

from django.views.generic import TemplateView

from publications.listing import list_items
from publications.models import Publication
from site_config.pagecache.public import public_page


@public_page()
class SoftwareListView(TemplateView):
    template_name = "publications/software_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = list_items(
            Publication.objects.filter(
                kind__in=[Publication.Kind.SOFTWARE, Publication.Kind.DATASET]
            ).newest_first()
        )
        context["software"] = [p for p in rows if p.kind == Publication.Kind.SOFTWARE]
        context["datasets"] = [p for p in rows if p.kind == Publication.Kind.DATASET]
        return context
