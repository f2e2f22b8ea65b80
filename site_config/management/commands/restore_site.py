from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from site_config.backup import BackupError, restore_site


class Command(BaseCommand):
    help = (
        "Restore a backup_site archive into an empty installation (a new, "
        "migrated database): database content and media files."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="Archive written by backup_site")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=(
                "Check the archive and the target and load the rows in a "
                "transaction that is rolled back; change nothing."
            ),
        )

    def handle(self, *args, path, dry_run, **options):
        try:
            report = restore_site(path=path, dry_run=dry_run)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(report.summary()))
