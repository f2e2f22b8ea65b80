from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    """PostgreSQL's unaccent, which search's folded lookup calls.

    site_config.core.lookups folds text with LOWER(UNACCENT(...)) there; the
    operation does nothing on other databases. unaccent is a trusted extension
    (PostgreSQL 13+): the database owner may create it.
    """

    dependencies = [
        ("site_config", "0006_home_news_and_previews"),
    ]

    operations = [UnaccentExtension()]
