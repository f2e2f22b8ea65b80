"""What every content admin shares: revisions, safe uploads, no silent overwrites."""

import hashlib
import json

from django import forms
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from reversion.admin import VersionAdmin

from site_config.media.uploads import reencode_image, renamed_pdf, validate_pdf

EDIT_TOKEN_FIELD = "edit_token"


class SafeImageFormField(forms.ImageField):
    """An image upload stored as Pillow re-encoded it, under a generated name."""

    def clean(self, data, initial=None):
        value = super().clean(data, initial)
        if value and value is not initial and hasattr(value, "content_type"):
            return reencode_image(value)
        return value


class SafePdfFormField(forms.FileField):
    """A PDF upload checked by its header and stored under a generated name."""

    def clean(self, data, initial=None):
        value = super().clean(data, initial)
        if value and value is not initial and hasattr(value, "content_type"):
            return renamed_pdf(value)
        return value


def edit_token(instance):
    """A fingerprint of the row as stored now; any saved change alters it.

    Timestamps that every save rewrites are left out, so reverting to an old
    version or saving unchanged values does not count as someone else's edit.
    """
    model = type(instance)
    names = [
        f.attname
        for f in model._meta.concrete_fields
        if not getattr(f, "auto_now", False) and not getattr(f, "auto_now_add", False)
    ]
    rows = model._default_manager.filter(pk=instance.pk)
    if transaction.get_connection(rows.db).in_atomic_block:
        # The admin saves inside a transaction: locking the row until it ends
        # keeps a second editor's save from slipping between check and write.
        rows = rows.select_for_update()
    row = rows.values(*names).first()
    if row is None:
        return ""
    encoded = json.dumps(row, sort_keys=True, default=str).encode()
    return hashlib.sha256(encoded).hexdigest()


def _with_edit_token(form_class):
    def __init__(self, *args, **kwargs):
        form_class.__init__(self, *args, **kwargs)
        if self.instance.pk is not None:
            self.fields[EDIT_TOKEN_FIELD].initial = edit_token(self.instance)

    def clean(self):
        cleaned = form_class.clean(self)
        if self.instance.pk is not None:
            sent = self.cleaned_data.get(EDIT_TOKEN_FIELD) or ""
            if sent != edit_token(self.instance):
                raise ValidationError(
                    _(
                        "Someone else saved this %(name)s after you opened it, so "
                        "your changes were not saved, to keep theirs. Open the page "
                        "again in a new tab to see their version (its History shows "
                        "what changed), then make your edits there."
                    ),
                    code="edit_conflict",
                    params={"name": self.instance._meta.verbose_name},
                )
        return cleaned

    return type(
        form_class.__name__,
        (form_class,),
        {
            EDIT_TOKEN_FIELD: forms.CharField(widget=forms.HiddenInput, required=False),
            "__init__": __init__,
            "clean": clean,
        },
    )


class ContentAdminMixin(VersionAdmin):
    """Base for the admins of content: use as the first base class.

    - Every change is kept as a django-reversion revision (history, revert,
      recover deleted), following the inlines' rows.
    - Image uploads are re-encoded by Pillow (EXIF and GPS gone) and PDFs checked
      by content; both are stored under generated names.
    - A hidden edit token refuses a save when the row changed since the editor
      opened the form, instead of silently overwriting the other editor's work.
    - ``slug_made_on_save = True`` (for models whose ``save()`` fills an empty
      slug with ``unique_slug``): the slug may be left blank. Django's
      prepopulated_fields JavaScript is not used with it: it leaves a Chinese,
      Japanese or Korean title's slug empty (the form then refused the save)
      and transliterates Cyrillic unlike the server's anyascii, so the one
      slug rule runs on the server only.
    """

    slug_made_on_save = False

    class Media:
        # Thumbnail classes: the CSP forbids inline style attributes.
        css = {"all": ["css/admin.css"]}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if self.slug_made_on_save and db_field.name == "slug":
            kwargs["required"] = False
            kwargs["help_text"] = _(
                "Leave blank to make it from the title or name when saving."
            )
        if isinstance(db_field, models.ImageField):
            kwargs["form_class"] = SafeImageFormField
        elif isinstance(db_field, models.FileField) and (
            validate_pdf in db_field.validators
        ):
            kwargs["form_class"] = SafePdfFormField
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        if EDIT_TOKEN_FIELD in flatten_fieldsets(fieldsets):
            # Without declared fieldsets Django lists the wrapped form's
            # fields, the token among them.
            return fieldsets
        name, options = fieldsets[0]
        fields = [*options["fields"], EDIT_TOKEN_FIELD]
        return [(name, {**options, "fields": fields}), *fieldsets[1:]]

    def get_form(self, request, obj=None, change=False, **kwargs):
        # The token is a form field, not a model field: keep it out of the
        # model form's field list (the wrapped form declares it).
        if "fields" not in kwargs:
            kwargs["fields"] = flatten_fieldsets(self.get_fieldsets(request, obj))
        if kwargs["fields"] is not None:
            kwargs["fields"] = [f for f in kwargs["fields"] if f != EDIT_TOKEN_FIELD]
        form = super().get_form(request, obj, change=change, **kwargs)
        return _with_edit_token(form) if obj is not None else form
