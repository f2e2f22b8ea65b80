from django.views.generic import TemplateView

from people.models import Person
from publications.listing import recent_numbered
from publications.models import Publication
from research.models import ResearchTheme
from site_config.pagecache.public import public_page

RECENT_PUBLICATIONS = 8
RECENT_PREPRINTS = 4
SELECTED_PUBLICATIONS = 6


@public_page()
class HomeView(TemplateView):
    """The group at a glance, laid out like the seed page."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        publications = Publication.objects.newest_first().with_authors()
        context["theme_tree"] = ResearchTheme.objects.active().tree()
        context["selected_publications"] = list(
            publications.selected()[:SELECTED_PUBLICATIONS]
        )
        # Numbers match the publications page: each list counts down from its size.
        recent, drafts, _ = recent_numbered(
            Publication.objects.all(),
            limit=RECENT_PUBLICATIONS,
            preprint_limit=RECENT_PREPRINTS,
        )
        context["recent_publications"] = recent
        context["recent_preprints"] = drafts
        context["current_people"] = list(Person.objects.current())
        context["collaborators"] = list(
            Person.objects.listed_collaborators().with_affiliations()
        )
        return context
