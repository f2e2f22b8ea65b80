"""Clean text stored before saves and imports cleaned it (issue #13, finding 3).

A title holding ESC made every feed answer 500 until someone edited it; from now
on saves, imports and restores clean text, and this cleans what is already
stored, with the same rule (``site_config.core.text.clean_text``).
"""

from django.db import migrations, models

from site_config.core.text import clean_text

# The content apps as they were when this migration was written; a migration
# must not depend on the app registry of a later code base.
CONTENT_APPS = ("people", "research", "publications", "site_config")


def clean_existing_text(apps, schema_editor):
    using = schema_editor.connection.alias
    for label in CONTENT_APPS:
        for model in apps.get_app_config(label).get_models():
            fields = [
                field.attname
                for field in model._meta.concrete_fields
                if isinstance(field, models.CharField | models.TextField)
            ]
            if not fields:
                continue
            rows = model._base_manager.using(using).values_list("pk", *fields)
            for pk, *values in rows.iterator(chunk_size=2000):
                cleaned = {
                    name: clean_text(value)
                    for name, value in zip(fields, values, strict=True)
                    if isinstance(value, str) and clean_text(value) != value
                }
                if cleaned:
                    model._base_manager.using(using).filter(pk=pk).update(**cleaned)


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0002_speed_indexes"),
        ("research", "0002_speed_indexes"),
        ("publications", "0005_fidelity_fields"),
        ("site_config", "0004_navigation_link_targets"),
    ]

    operations = [
        migrations.RunPython(clean_existing_text, migrations.RunPython.noop),
    ]
