from django.views.generic import DetailView, ListView

from people.models import Person
from publications.models import Publication


class PersonListView(ListView):
    template_name = "people/person_list.html"
    context_object_name = "people"

    def get_queryset(self):
        return Person.objects.with_affiliations()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        people = Person.objects.with_affiliations()
        context["current_people"] = list(people.current())
        context["alumni"] = list(people.alumni())
        context["collaborators"] = list(people.listed_collaborators())
        return context


class PersonDetailView(DetailView):
    template_name = "people/person_detail.html"
    context_object_name = "person"

    def get_queryset(self):
        return Person.objects.with_affiliations().prefetch_related("research_themes")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["publications"] = list(
            Publication.objects.by_person(self.object).for_listing()
        )
        return context
