from django.db.models import F
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, TemplateView

from people.charts import MAX_COAUTHORS
from people.models import Person
from site_config.pagecache.public import public_page

# Publications and preprints a person's page lists; the rest are a link away.
LISTED_PUBLICATIONS = 60

ROLE_GROUPS = [
    (Person.Role.PI, _("Principal investigator")),
    (Person.Role.POSTDOC, _("Postdocs")),
    (Person.Role.PHD, _("PhD students")),
    (Person.Role.MASTER, _("Master's students")),
    (Person.Role.UNDERGRADUATE, _("Undergraduates")),
    (Person.Role.STAFF, _("Staff")),
]


def group_by_role(people):
    """[(heading, [person, ...]), ...] in page order; empty roles left out."""
    by_role = {}
    for person in people:
        by_role.setdefault(person.role, []).append(person)
    return [(label, by_role[role]) for role, label in ROLE_GROUPS if role in by_role]


@public_page()
class PersonListView(TemplateView):
    """Current members by role, alumni with where they went, listed collaborators."""

    template_name = "people/person_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        people = Person.objects.all()
        context["role_groups"] = group_by_role(people.current())
        context["alumni"] = list(
            people.alumni().order_by(
                F("end_date").desc(nulls_last=True), "family_name", "full_name"
            )
        )
        context["collaborators"] = list(
            people.listed_collaborators().with_affiliations()
        )
        return context


@public_page()
class PersonDetailView(DetailView):
    template_name = "people/person_detail.html"
    context_object_name = "person"

    def get_queryset(self):
        return Person.objects.for_profile()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person = self.object
        # Beyond the limit the page links to the full, year-paged list. The
        # publications come through the reverse relation: people imports no
        # publications module.
        authored = person.authorships.publications()
        publications, preprints, totals = authored.recent_numbered(
            limit=LISTED_PUBLICATIONS
        )
        context.update(publications=publications, preprints=preprints)
        context["publication_totals"] = totals
        # The chart's counts come from here, so the template runs no query.
        context["chart_counts"] = authored.counts_per_year()
        # Reverse relations declared by the news app; people imports nothing above.
        context["talks"] = list(person.talks.order_by("-start_date", "-pk"))
        context["courses"] = list(person.courses.all())
        # The chart shows the most frequent few; a prolific member has hundreds.
        context["coauthors"] = Person.objects.frequent_coauthors(person, MAX_COAUTHORS)
        return context
