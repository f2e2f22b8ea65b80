from django.db import migrations


def create_unaccent(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")


def drop_unaccent(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP EXTENSION IF EXISTS unaccent")


class Migration(migrations.Migration):
    """PostgreSQL's unaccent, which search's folded lookup calls.

    site_config.core.lookups folds text with LOWER(UNACCENT(...)) there; the
    operation does nothing on other databases. unaccent is a trusted extension
    (PostgreSQL 13+): the database owner may create it.

    The SQL of django.contrib.postgres's UnaccentExtension, written out: importing
    that module loads the PostgreSQL driver (about 24 MB) into every process that
    migrates, SQLite ones included.
    """

    dependencies = [
        ("site_config", "0006_home_news_and_previews"),
    ]

    operations = [migrations.RunPython(create_unaccent, drop_unaccent)]
