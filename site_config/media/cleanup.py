"""Keep media in step with the rows: a replaced or deleted upload leaves no file."""

from django.db import transaction
from django.db.models import FileField
from django.db.models.signals import post_delete, post_save, pre_save

from site_config.media.thumbnails import delete_thumbnails
from site_config.registry import content_models


def connect():
    # Every content model with a file field: each upload belongs to its one row.
    for model in content_models():
        if not file_field_names(model):
            continue
        uid = f"labsite-files-{model._meta.label}"
        pre_save.connect(remember_stored_files, sender=model, dispatch_uid=uid)
        post_save.connect(delete_replaced_files, sender=model, dispatch_uid=uid)
        post_delete.connect(delete_owned_files, sender=model, dispatch_uid=uid)


def file_field_names(model):
    """Names of the model's file fields (images and PDFs) whose files it owns."""
    return [f.name for f in model._meta.concrete_fields if isinstance(f, FileField)]


def _delete_files(storage_and_names):
    for storage, name in storage_and_names:
        if name and storage.exists(name):
            storage.delete(name)
        delete_thumbnails(storage, name)


def remember_stored_files(sender, instance, **kwargs):
    """pre_save: note which files the row pointed at before this save."""
    names = file_field_names(sender)
    if not names or instance._state.adding or instance.pk is None:
        instance._stored_files = {}
        return
    previous = sender._default_manager.filter(pk=instance.pk).values(*names).first()
    instance._stored_files = previous or {}


def delete_replaced_files(sender, instance, **kwargs):
    """post_save: once committed, delete files the row no longer points at."""
    previous = getattr(instance, "_stored_files", {})
    stale = []
    for name, old_name in previous.items():
        field_file = getattr(instance, name)
        if old_name and old_name != field_file.name:
            stale.append((field_file.storage, old_name))
    instance._stored_files = {}
    if stale:
        transaction.on_commit(lambda: _delete_files(stale))


def delete_owned_files(sender, instance, **kwargs):
    """post_delete: once committed, delete the deleted row's files."""
    owned = []
    for name in file_field_names(sender):
        field_file = getattr(instance, name)
        if field_file.name:
            owned.append((field_file.storage, field_file.name))
    if owned:
        transaction.on_commit(lambda: _delete_files(owned))
