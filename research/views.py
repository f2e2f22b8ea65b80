from django.views.generic import DetailView, ListView

from research.models import ResearchTheme, build_tree


class ThemeListView(ListView):
    template_name = "research/theme_list.html"
    context_object_name = "themes"

    def get_queryset(self):
        return ResearchTheme.objects.active()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["theme_tree"] = build_tree(list(context["themes"]))
        return context


class ThemeDetailView(DetailView):
    template_name = "research/theme_detail.html"
    context_object_name = "theme"

    def get_queryset(self):
        return ResearchTheme.objects.active().select_related("parent")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        theme = self.object
        context["sub_themes"] = list(theme.children.filter(is_active=True))
        context["people"] = list(theme.people.all())
        context["publications"] = list(theme.publications.for_listing())
        return context
