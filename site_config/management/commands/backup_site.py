from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from site_config.backup import BackupError, backup_site


class Command(BaseCommand):
    help = (
        "Write the whole site (database content, users, revision history and "
        "media files) into one .tar.gz archive."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path", type=Path, help="Archive to write, e.g. site.tar.gz"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be written."
        )

    def handle(self, *args, path, dry_run, **options):
        try:
            report = backup_site(path=path, dry_run=dry_run)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(report.summary()))
