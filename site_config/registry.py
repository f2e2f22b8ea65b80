"""The content apps: one registry, read by every part that must cover them all.

An app whose rows the public site shows says so on its AppConfig::

    class PeopleConfig(AppConfig):
        name = "people"
        content_app = True

Page-cache invalidation, stored-text cleaning, file cleanup and
``backup_site``/``restore_site`` all take their list from here, so a new
content app (or a model added to one) is covered by each of them at once.
"""

from django.apps import apps


def content_app_configs():
    """AppConfigs with ``content_app = True``, in INSTALLED_APPS order."""
    return [
        config
        for config in apps.get_app_configs()
        if getattr(config, "content_app", False)
    ]


def content_models(*, include_auto_created=False):
    """Every model of the content apps; with the many-to-many tables if asked."""
    return [
        model
        for config in content_app_configs()
        for model in config.get_models(include_auto_created=include_auto_created)
    ]
