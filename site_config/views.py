from django.views.generic import TemplateView

from people.models import Person
from publications.models import Publication
from research.models import ResearchTheme, build_tree


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["theme_tree"] = build_tree(list(ResearchTheme.objects.active()))
        listing = Publication.objects.for_listing()
        context["selected_publications"] = list(listing.selected()[:10])
        context["recent_publications"] = list(listing[:8])
        context["current_people"] = list(Person.objects.current())
        return context
