from django.db import models
from django.http import Http404
from django.utils import timezone
from django.views.generic import TemplateView

from research.models import Grant, ResearchTheme
from site_config.pagecache.public import public_page

# Publications and preprints a theme's page lists; the rest are a link away.
LISTED_PUBLICATIONS = 60


@public_page()
class ThemeListView(TemplateView):
    """The research-interests outline: every active theme, nested."""

    template_name = "research/theme_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["theme_tree"] = ResearchTheme.objects.active().tree()
        return context


@public_page()
class ThemeDetailView(TemplateView):
    """One theme with its place in the tree, people and publications.

    The active themes are read once and the tree is walked in memory, so the
    breadcrumb and sub-themes cost no query per level.
    """

    template_name = "research/theme_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        tree = ResearchTheme.objects.active().tree()
        theme = tree.find(kwargs["slug"])
        if theme is None:
            raise Http404("No research theme here.")
        subtree = tree.children_of(theme)
        # Publications the descriptions cite count as linked to their themes.
        themes_here = tree.with_descendants(theme)
        # Through the reverse relation's model: research imports no
        # publications module, and the subtree's links are wider than the
        # theme's own `theme.publications`.
        linked = theme.publications.model.objects.linked_to_themes(themes_here)
        publications, preprints, totals = linked.recent_numbered(
            limit=LISTED_PUBLICATIONS
        )
        context.update(
            theme=theme,
            ancestors=tree.ancestors(theme),
            sub_tree=subtree,
            people=list(theme.people.all()),
            grants=list(theme.grants.all()),
        )
        context.update(
            publications=publications,
            preprints=preprints,
            publication_totals=totals,
            # The chart's tag would read the theme tree again to find the same set.
            chart_counts=linked.counts_per_year(),
        )
        return context


@public_page()
class FundingView(TemplateView):
    """`/funding/`: current grants first, then finished ones, each with its
    funder, programme, number, period, themes, people and acknowledgement."""

    template_name = "research/funding.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        grants = list(
            Grant.objects.prefetch_related(
                "people",
                models.Prefetch("themes", queryset=ResearchTheme.objects.active()),
            )
        )
        today = timezone.localdate()
        context["current_grants"] = [
            g for g in grants if not g.end_date or g.end_date >= today
        ]
        context["past_grants"] = [
            g for g in grants if g.end_date and g.end_date < today
        ]
        return context
