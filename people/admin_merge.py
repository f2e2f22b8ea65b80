"""The "merge the two selected people" admin action, with a confirmation step."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import Count
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from people.services import merge_people


@admin.action(
    description=gettext_lazy("Merge the two selected people"),
    permissions=["change", "delete"],
)
def merge_selected_people(modeladmin, request, queryset):
    people = list(
        queryset.annotate(
            publication_count=Count("authorships", distinct=True)
        ).order_by("pk")[:3]
    )
    if len(people) != 2:
        modeladmin.message_user(
            request,
            _("Select exactly two people to merge (you selected %(n)d).")
            % {"n": queryset.count()},
            messages.ERROR,
        )
        return None
    keep_pk = request.POST.get("keep")
    if keep_pk is not None:
        keep = next((p for p in people if str(p.pk) == keep_pk), None)
        if keep is None:
            modeladmin.message_user(
                request,
                _("Choose which of the two selected people to keep."),
                messages.ERROR,
            )
            return None
        remove = people[1] if keep is people[0] else people[0]
        report = merge_people(keep=keep, remove=remove)
        modeladmin.message_user(request, report.summary(), messages.SUCCESS)
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": _("Merge two people"),
        "people": people,
        "opts": modeladmin.model._meta,
        "action_name": "merge_selected_people",
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(
        request, "admin/people/person/merge_confirmation.html", context
    )
