from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from markdownx.admin import MarkdownxModelAdmin

from people.admin_merge import merge_selected_people
from people.models import Affiliation, CVEntry, NameVariant, Organization, Person
from site_config.core.admin import ContentAdminMixin


@admin.register(Organization)
class OrganizationAdmin(ContentAdminMixin, admin.ModelAdmin):
    list_display = ["name", "short_name", "url"]
    list_filter = []
    search_fields = ["name", "short_name"]


class AffiliationInline(admin.TabularInline):
    model = Affiliation
    extra = 0
    autocomplete_fields = ["organization"]
    ordering = ["position"]
    fields = ["position", "organization", "department", "title"]


class CVEntryInline(admin.TabularInline):
    model = CVEntry
    extra = 0
    ordering = ["kind", "position"]
    fields = [
        "kind",
        "title",
        "organization",
        "start_year",
        "end_year",
        "detail",
        "position",
    ]


class NameVariantInline(admin.TabularInline):
    model = NameVariant
    extra = 0
    fields = ["name"]


@admin.register(Person)
class PersonAdmin(ContentAdminMixin, MarkdownxModelAdmin):
    list_display = [
        "full_name",
        "photo_preview",
        "role",
        "is_member",
        "show_on_people_page",
        "display_order",
    ]
    list_display_links = ["full_name"]
    list_editable = ["display_order"]
    list_filter = ["is_member", "role", "show_on_people_page"]
    actions = [merge_selected_people]
    search_fields = [
        "full_name",
        "native_name",
        "family_name",
        "given_name",
        "name_variants__name",
        "email",
    ]
    slug_made_on_save = True
    inlines = [AffiliationInline, CVEntryInline, NameVariantInline]
    readonly_fields = ["photo_preview", "orcid_synced_at"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "full_name",
                    "given_name",
                    "family_name",
                    "native_name",
                    "slug",
                ]
            },
        ),
        (
            _("Place in the group"),
            {
                "fields": [
                    "role",
                    "is_member",
                    "show_on_people_page",
                    "start_date",
                    "end_date",
                    "current_position",
                    "display_order",
                ]
            },
        ),
        (_("Profile"), {"fields": ["photo", "photo_preview", "interests", "bio"]}),
        (
            _("Links"),
            {
                "fields": [
                    "email",
                    "homepage",
                    "orcid",
                    "orcid_synced_at",
                    "google_scholar_id",
                    "github_username",
                ]
            },
        ),
    ]

    @admin.display(description=_("photo"))
    def photo_preview(self, person):
        if not person.photo:
            return "—"
        return format_html(
            '<img src="{}" alt="" class="admin-thumb" width="48" height="48">',
            person.photo.url,
        )
