"""Admin pages that keep the list current: add by DOI or arXiv id, sync from
ORCID, and the import history with each run's progress and report.

Every import started here is an ``ImportRun`` queued as a background task
(``publications.tasks``); its page shows a progress bar while the worker runs it
and the report (counts, failures, warnings, per-field changes) afterwards.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from people.models import Person
from publications.models import ImportRun, Publication
from publications.sources.history import new_run
from publications.sources.identifiers import split_identifiers
from publications.tasks import enqueue
from research.models import ResearchTheme

MAX_IDENTIFIERS = 200


def can_import(request):
    """Staff who may add and change publications may start imports."""
    user = request.user
    return (
        user.is_active
        and user.is_staff
        and (
            user.has_perm("publications.add_publication")
            and user.has_perm("publications.change_publication")
        )
    )


class ImportChoicesForm(forms.Form):
    """What every import started in the admin may choose: themes, overwrite."""

    themes = forms.ModelMultipleChoiceField(
        label=_("Link to research themes"),
        queryset=ResearchTheme.objects.all(),
        required=False,
    )
    overwrite = forms.BooleanField(
        label=_("Overwrite fields changed in the admin since the last import"),
        required=False,
    )


class IdentifiersForm(ImportChoicesForm):
    field_order = ["identifiers", "themes", "overwrite"]
    identifiers = forms.CharField(
        label=_("DOIs and arXiv ids"),
        widget=forms.Textarea(attrs={"rows": 6, "cols": 60}),
        help_text=_(
            "One or more, separated by spaces, commas or new lines: "
            "10.1103/PhysRevB.99.125411, https://doi.org/…, arXiv:2401.01234, "
            "https://arxiv.org/abs/…"
        ),
    )

    def clean_identifiers(self):
        dois, arxiv_ids, unknown = split_identifiers(self.cleaned_data["identifiers"])
        if unknown:
            raise forms.ValidationError(
                _("Not a DOI or arXiv id: %(items)s")
                % {"items": ", ".join(unknown[:10])}
            )
        if not dois and not arxiv_ids:
            raise forms.ValidationError(_("Give at least one DOI or arXiv id."))
        if len(dois) + len(arxiv_ids) > MAX_IDENTIFIERS:
            raise forms.ValidationError(
                _("At most %(n)d identifiers at once.") % {"n": MAX_IDENTIFIERS}
            )
        return {"dois": dois, "arxiv": arxiv_ids}


class OrcidSyncForm(forms.Form):
    people = forms.ModelMultipleChoiceField(
        label=_("People"),
        queryset=Person.objects.exclude(orcid="").order_by("full_name"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Everyone with an ORCID iD is listed."),
    )
    dry_run = forms.BooleanField(
        label=_("Dry run: only report what would change"), required=False
    )


def _context(model_admin, request, title, **extra):
    return {
        **model_admin.admin_site.each_context(request),
        "opts": Publication._meta,
        "title": title,
        **extra,
    }


def add_by_identifier_view(model_admin, request):
    """The "Add by DOI or arXiv id" page: queues an import of the identifiers."""
    if not can_import(request):
        raise PermissionDenied
    form = IdentifiersForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        wanted = data["identifiers"]
        names = [f"doi:{d}" for d in wanted["dois"]]
        names += [f"arXiv:{a}" for a in wanted["arxiv"]]
        run = new_run(
            source=ImportRun.Source.IDENTIFIERS,
            description=", ".join(names),
            request={**wanted, "themes": [t.pk for t in data["themes"]]},
            user=request.user,
            origin=ImportRun.Origin.ADMIN,
            overwrite=data["overwrite"],
        )
        enqueue(run)
        return redirect("admin:publications_importrun_change", run.pk)
    context = _context(
        model_admin,
        request,
        _("Add by DOI or arXiv id"),
        form=form,
        submit_label=_("Add"),
    )
    return TemplateResponse(
        request, "admin/publications/publication/add_by_identifier.html", context
    )


def orcid_sync_view(model_admin, request):
    """The "Sync from ORCID" page: queues a sync of the chosen people."""
    if not can_import(request):
        raise PermissionDenied
    # A fresh query each time: the form class's queryset would keep its first
    # results (and so an old "last synced") for the life of the process.
    people = Person.objects.exclude(orcid="").order_by("full_name")
    form = OrcidSyncForm(request.POST or None, initial={"people": people})
    if request.method == "POST" and form.is_valid():
        people = list(form.cleaned_data["people"])
        run = new_run(
            source=ImportRun.Source.ORCID,
            description=", ".join(f"{p} ({p.orcid})" for p in people),
            request={"people": [p.pk for p in people]},
            user=request.user,
            origin=ImportRun.Origin.ADMIN,
            dry_run=form.cleaned_data["dry_run"],
        )
        enqueue(run)
        return redirect("admin:publications_importrun_change", run.pk)
    context = _context(
        model_admin,
        request,
        _("Sync from ORCID"),
        form=form,
        people=people,
        submit_label=_("Sync"),
    )
    return TemplateResponse(
        request, "admin/publications/publication/orcid_sync.html", context
    )


def publication_urls(model_admin):
    """The URLs these pages add to the publication admin."""
    wrap = model_admin.admin_site.admin_view
    return [
        path(
            "add-by-identifier/",
            wrap(lambda request: add_by_identifier_view(model_admin, request)),
            name="publications_publication_add_by_identifier",
        ),
        path(
            "sync-orcid/",
            wrap(lambda request: orcid_sync_view(model_admin, request)),
            name="publications_publication_sync_orcid",
        ),
    ]


def run_page(request, run, *, admin_site, **extra):
    """The page of one ImportRun: progress while it runs, its report after."""
    context = {
        **admin_site.each_context(request),
        "opts": ImportRun._meta,
        "title": str(run),
        "run": run,
        "status_url": reverse("admin:publications_importrun_status", args=[run.pk]),
        "run_url": reverse("admin:publications_importrun_change", args=[run.pk]),
        "publications_url": reverse("admin:publications_publication_changelist"),
        "shown_warnings": 300,
        **extra,
    }
    return TemplateResponse(request, "admin/publications/importrun/run.html", context)


def status_data(run):
    """What the progress bar polls: state, percent, step, and the summary."""
    return {
        "state": run.state,
        "finished": run.is_finished,
        "percent": run.percent,
        "done": run.progress_done,
        "total": run.progress_total,
        "step": run.progress_label,
        "summary": run.summary,
        "error": run.error,
    }


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    """The import history: every import, who started it, what it did."""

    list_display = [
        "created_at",
        "source",
        "description_short",
        "state",
        "dry_run",
        "requested_by",
        "origin",
        "created",
        "updated",
        "unchanged",
        "failed",
    ]
    list_filter = ["state", "source", "origin", "dry_run", "created_at"]
    search_fields = ["description", "summary", "requested_by__username"]
    list_select_related = ["requested_by"]
    date_hierarchy = "created_at"

    @admin.display(description=_("what"))
    def description_short(self, run):
        text = run.description
        return text if len(text) <= 80 else text[:79] + "…"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or can_import(request)

    def get_urls(self):
        status = self.admin_site.admin_view(self.status_view)
        return [
            path(
                "<int:pk>/status/",
                status,
                name="publications_importrun_status",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        run = get_object_or_404(ImportRun, pk=object_id)
        return run_page(request, run, admin_site=self.admin_site)

    def status_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return JsonResponse(status_data(get_object_or_404(ImportRun, pk=pk)))
