"""Public pages of news posts, talks and events, and courses.

Each view reads its rows with a fixed number of queries (the list plus one
prefetch per relation), whatever the number of rows.
"""

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.generic import DetailView, TemplateView

from news.calendar import upcoming_calendar
from news.models import Course, NewsPost, Talk
from site_config.pagecache.public import public_page


@public_page()
class NewsYearView(TemplateView):
    """`/news/` (the newest year, pinned posts on top) and `/news/<year>/`.

    News is paged by year: each year is one page, and every page links to the
    others, so old posts stay one click away and a page never grows past a
    year of posts.
    """

    template_name = "news/news_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        years = NewsPost.objects.years()
        year = kwargs.get("year")
        if year is None:
            year = years[0] if years else timezone.localdate().year
            pinned = list(NewsPost.objects.filter(is_pinned=True).newest_first())
        elif year not in years:
            raise Http404("No news in that year.")
        else:
            pinned = []
        pinned_pks = {post.pk for post in pinned}
        posts = [
            post
            for post in NewsPost.objects.in_year(year).newest_first()
            if post.pk not in pinned_pks
        ]
        context.update(year=year, years=years, pinned=pinned, posts=posts)
        return context


@public_page()
class NewsDetailView(DetailView):
    template_name = "news/news_detail.html"
    context_object_name = "post"

    def get_queryset(self):
        return NewsPost.objects.in_year(self.kwargs["year"]).prefetch_related(
            "people", "themes", "publications"
        )


@public_page()
class TalkListView(TemplateView):
    """`/talks/`: upcoming talks and events first (soonest first), then the past
    ones by year, newest first."""

    template_name = "news/talk_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        talks = list(Talk.objects.for_listing())
        upcoming = sorted(
            (t for t in talks if t.last_day >= today),
            key=lambda t: (t.start_date, t.pk),
        )
        past_by_year = {}
        for talk in talks:
            if talk.last_day < today:
                past_by_year.setdefault(talk.start_date.year, []).append(talk)
        context["upcoming"] = upcoming
        context["past_years"] = sorted(past_by_year.items(), reverse=True)
        return context


@public_page()
class TalkDetailView(DetailView):
    template_name = "news/talk_detail.html"
    context_object_name = "talk"

    def get_queryset(self):
        return Talk.objects.prefetch_related("speakers", "themes", "publications")


@public_page()
def talk_calendar(request):
    """`/talks/upcoming.ics`: upcoming talks and events as iCalendar (RFC 5545)."""
    talks = Talk.objects.upcoming().prefetch_related("speakers")
    body = upcoming_calendar(talks, request=request)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="upcoming-talks.ics"'
    return response


@public_page()
class CourseListView(TemplateView):
    """`/teaching/`: every course, newest year first, grouped by year."""

    template_name = "news/course_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        by_year = {}
        for course in Course.objects.prefetch_related("instructors"):
            by_year.setdefault(course.year, []).append(course)
        context["years"] = sorted(by_year.items(), reverse=True)
        return context


@public_page()
class CourseDetailView(DetailView):
    template_name = "news/course_detail.html"
    context_object_name = "course"

    def get_queryset(self):
        return Course.objects.prefetch_related("instructors")
