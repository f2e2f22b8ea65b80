from django.contrib import admin
from markdownx.admin import MarkdownxModelAdmin

from site_config.core.admin import ContentAdminMixin
from site_config.models import NavigationLink, OldSlug, SiteProfile


@admin.register(SiteProfile)
class SiteProfileAdmin(ContentAdminMixin, MarkdownxModelAdmin):
    list_display = ["group_name", "tagline", "updated_at"]
    list_filter = []
    search_fields = ["group_name"]

    def has_add_permission(self, request):
        # One profile per site: editors change it, they do not add a second.
        return not SiteProfile.objects.exists()


@admin.register(NavigationLink)
class NavigationLinkAdmin(ContentAdminMixin, admin.ModelAdmin):
    list_display = ["label", "url", "order", "is_visible"]
    list_editable = ["order", "is_visible"]
    list_filter = ["is_visible"]
    search_fields = ["label", "url"]


@admin.register(OldSlug)
class OldSlugAdmin(admin.ModelAdmin):
    """Addresses that redirect: delete a row to let its old address go (404)."""

    list_display = ["slug", "content_type", "object_id", "created_at"]
    list_filter = ["content_type"]
    search_fields = ["slug"]
    list_select_related = ["content_type"]
    readonly_fields = ["created_at"]
