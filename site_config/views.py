from django.db.models import Prefetch
from django.views.generic import DetailView, TemplateView

from news.models import NewsPost, Talk
from people.models import CVEntry, Person
from publications.listing import recent_numbered
from publications.models import Publication
from research.models import ResearchTheme
from site_config.context_processors import profile_for
from site_config.pagecache.public import public_page

UPCOMING_TALKS = 4
# A CV lists every publication up to this many of each status; beyond it links
# to the full list, so one page never grows without bound.
CV_PUBLICATIONS = 500


@public_page()
class HomeView(TemplateView):
    """The group at a glance, laid out like the seed page."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        profile = profile_for(self.request)
        # How many of each list: the site profile says (None lists all).
        selected_count, publication_count, preprint_count = profile.home_limits
        publications = Publication.objects.newest_first().with_authors()
        context["theme_tree"] = ResearchTheme.objects.active().tree()
        context["selected_publications"] = list(
            publications.selected()[:selected_count]
        )
        # Each item shows its stored number, the one it has on every page.
        recent, drafts, _ = recent_numbered(
            Publication.objects.all(),
            limit=publication_count,
            preprint_limit=preprint_count,
        )
        context["recent_publications"] = recent
        context["recent_preprints"] = drafts
        context["current_people"] = list(Person.objects.current().by_role())
        context["collaborators"] = list(
            Person.objects.listed_collaborators().with_affiliations()
        )
        news_count = profile.home_news_count
        context["latest_news"] = (
            list(NewsPost.objects.order_by("-date", "-pk")[:news_count])
            if news_count
            else []
        )
        context["upcoming_talks"] = list(
            Talk.objects.upcoming().for_listing()[:UPCOMING_TALKS]
        )
        return context


@public_page()
class PersonCVView(DetailView):
    """`/people/<slug>/cv/`: a member's printable CV.

    Positions (current affiliations, then past positions), education, awards,
    service, publications and preprints with the numbers of the person's list,
    talks, teaching and grants. It composes four apps, so it lives in the shell.
    """

    template_name = "people/person_cv.html"
    context_object_name = "person"

    def get_queryset(self):
        entries = CVEntry.objects.order_by("position", "-start_year", "pk")
        return (
            Person.objects.members()
            .with_affiliations()
            .prefetch_related(Prefetch("cv_entries", queryset=entries))
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person = self.object
        by_kind = {kind: [] for kind in CVEntry.Kind.values}
        for entry in person.cv_entries.all():
            by_kind[entry.kind].append(entry)
        publications, preprints, totals = recent_numbered(
            Publication.objects.with_person(person.pk), limit=CV_PUBLICATIONS
        )
        context.update(
            positions=by_kind[CVEntry.Kind.POSITION],
            education=by_kind[CVEntry.Kind.EDUCATION],
            awards=by_kind[CVEntry.Kind.AWARD],
            service=by_kind[CVEntry.Kind.SERVICE],
            publications=publications,
            preprints=preprints,
            publication_totals=totals,
            talks=list(person.talks.order_by("-start_date", "-pk")),
            courses=list(person.courses.all()),
            grants=list(person.grants.all()),
        )
        return context
