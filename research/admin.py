from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from markdownx.admin import MarkdownxModelAdmin

from research.models import Grant, ResearchTheme
from site_config.core.admin import ContentAdminMixin


@admin.register(ResearchTheme)
class ResearchThemeAdmin(ContentAdminMixin, MarkdownxModelAdmin):
    list_display = ["title", "parent", "order", "is_active", "image_preview"]
    list_editable = ["order", "is_active"]
    list_filter = ["is_active", ("parent", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["parent"]
    search_fields = ["title", "summary", "description"]
    slug_made_on_save = True
    autocomplete_fields = ["parent", "people"]
    readonly_fields = ["image_preview"]
    fields = [
        "title",
        "slug",
        "parent",
        "summary",
        "description",
        "image",
        "image_preview",
        "image_alt",
        "people",
        "order",
        "is_active",
    ]

    @admin.display(description=_("image"))
    def image_preview(self, theme):
        if not theme.image:
            return "—"
        return format_html(
            '<img src="{}" alt="" class="admin-thumb-wide">', theme.image.url
        )


@admin.register(Grant)
class GrantAdmin(ContentAdminMixin, admin.ModelAdmin):
    list_display = ["title", "funder", "programme", "number", "start_date", "end_date"]
    list_filter = ["funder", "themes"]
    search_fields = ["title", "funder", "programme", "number"]
    autocomplete_fields = ["themes", "people"]
    fields = [
        "title",
        "funder",
        "programme",
        "number",
        "start_date",
        "end_date",
        "url",
        "acknowledgement",
        "themes",
        "people",
    ]
