from functools import partial

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.urls import path
from django.utils.translation import gettext_lazy as _
from markdownx.admin import MarkdownxModelAdmin

from publications.admin_import import import_view
from publications.admin_sources import publication_urls
from publications.models import Authorship, Publication
from site_config.core.admin import ContentAdminMixin
from site_config.markup.render import rows_citing

# Highest value of Authorship.position (a PositiveSmallIntegerField: PostgreSQL's
# smallint): rows that move are parked below it while the others take their
# places (PublicationAdmin.save_formset).
_PARKING = 32767


class AuthorshipForm(forms.ModelForm):
    """An author row of the publication form.

    Its position is not checked against the rows stored: an editor who swaps
    two positions (3 and 4 to 4 and 3) would be told each is taken by the other
    row's old value. The formset still refuses two submitted rows with one
    position, and the admin saves moved rows in two steps."""

    def validate_constraints(self):
        exclude = self._get_validation_exclusions() | {"position"}
        try:
            self.instance.validate_constraints(exclude=exclude)
        except ValidationError as error:
            self._update_errors(error)


class AuthorshipInline(admin.TabularInline):
    model = Authorship
    form = AuthorshipForm
    extra = 0
    autocomplete_fields = ["person"]
    ordering = ["position"]
    fields = [
        "position",
        "person",
        "printed_name",
        "equal_contribution",
        "corresponding",
    ]


@admin.register(Publication)
class PublicationAdmin(ContentAdminMixin, MarkdownxModelAdmin):
    list_display = ["title", "year", "kind", "status", "venue_short", "is_selected"]
    list_filter = ["status", "kind", "is_selected", "year", "themes"]
    search_fields = [
        "title",
        "bibtex_key",
        "doi",
        "arxiv_id",
        "venue",
        "authorships__person__full_name",
    ]
    slug_made_on_save = True
    autocomplete_fields = ["themes"]
    inlines = [AuthorshipInline]
    show_facets = admin.ShowFacets.NEVER
    change_list_template = "admin/publications/publication/change_list.html"
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "status", "year", "month"]}),
        (
            _("Venue"),
            {
                "fields": [
                    "venue",
                    "venue_short",
                    "volume",
                    "number",
                    "pages",
                    "publisher",
                    "note",
                ]
            },
        ),
        (
            _("Links"),
            {
                "fields": [
                    "doi",
                    "arxiv_id",
                    "url",
                    "pdf",
                    "pdf_url",
                    "code_url",
                    "slides_url",
                    "video_url",
                    "project_url",
                    "poster_url",
                    "repository_url",
                ]
            },
        ),
        (
            _("Content"),
            {
                "fields": [
                    "abstract",
                    "keywords",
                    "themes",
                    "is_selected",
                    "image",
                    "version",
                    "license",
                ]
            },
        ),
        (
            _("BibTeX"),
            {
                "classes": ["collapse"],
                "fields": [
                    "bibtex_key",
                    "authors_raw",
                    "authors_et_al",
                    "bibtex_source",
                ],
            },
        ),
    ]

    def save_formset(self, request, form, formset, change):
        """Save the author rows; rows that move or go are first parked on
        positions no row uses, so that a swap or a move into a deleted row's
        place never meets the (publication, position) constraint halfway."""
        if formset.model is Authorship:
            moving = [
                row.instance.pk
                for row in formset.initial_forms
                if row.instance.pk
                and ("position" in row.changed_data or row in formset.deleted_forms)
            ]
            for offset, pk in enumerate(moving):
                # update(): a parked position is never seen outside this
                # transaction (the admin's change view is atomic).
                Authorship.objects.filter(pk=pk).update(position=_PARKING - offset)
        super().save_formset(request, form, formset, change)

    def delete_view(self, request, object_id, extra_context=None):
        # Deleting a cited paper leaves "[@key]" in themes, news and bios,
        # shown as an unknown key: say where before the editor confirms.
        publication = self.get_object(request, unquote(object_id))
        if request.method == "GET" and publication and publication.bibtex_key:
            citing = rows_citing(publication.bibtex_key)
            if citing:
                messages.warning(
                    request,
                    _(
                        "[@%(key)s] is cited by %(rows)s. After the delete those "
                        "citations show as an unknown key until they are edited."
                    )
                    % {
                        "key": publication.bibtex_key,
                        "rows": "; ".join(
                            f"{row._meta.verbose_name} “{row}” ({field})"
                            for row, field in citing
                        ),
                    },
                )
        return super().delete_view(request, object_id, extra_context)

    def get_urls(self):
        view = self.admin_site.admin_view(partial(import_view, self))
        return [
            path(
                "import-bibtex/",
                view,
                name="publications_publication_import_bibtex",
            ),
            *publication_urls(self),
            *super().get_urls(),
        ]
