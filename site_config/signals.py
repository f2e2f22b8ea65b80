"""Keep media in step with the rows: a replaced or deleted upload leaves no file."""

from django.apps import apps
from django.db.models.signals import post_delete, post_save, pre_save

from site_config.uploads import (
    delete_owned_files,
    delete_replaced_files,
    remember_stored_files,
)

# Models whose file fields hold uploads that belong to one row only.
FILE_OWNING_MODELS = [
    "people.Person",
    "research.ResearchTheme",
    "site_config.SiteProfile",
    "publications.Publication",
]


def connect():
    for label in FILE_OWNING_MODELS:
        model = apps.get_model(label)
        uid = f"labsite-files-{label}"
        pre_save.connect(remember_stored_files, sender=model, dispatch_uid=uid)
        post_save.connect(delete_replaced_files, sender=model, dispatch_uid=uid)
        post_delete.connect(delete_owned_files, sender=model, dispatch_uid=uid)
