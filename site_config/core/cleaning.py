"""Every stored text of the content apps is cleaned as it is saved.

A title holding ESC (U+001B) made every RSS and Atom feed answer 500 until
someone edited it, and admin forms let U+000C through (issue #13, finding 3);
``clean_text`` removes what XML 1.0 forbids and normalises to NFC.
"""

from django.db.models.signals import pre_save

from site_config.core.text import clean_text_fields
from site_config.registry import content_models


def clean_stored_text(sender, instance, **kwargs):
    """pre_save: the instance's text fields cleaned in place (``clean_text``)."""
    clean_text_fields(instance)


def connect():
    for model in content_models(include_auto_created=True):
        uid = f"labsite-clean-text-{model._meta.label_lower}"
        pre_save.connect(clean_stored_text, sender=model, dispatch_uid=uid)
