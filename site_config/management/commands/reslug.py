from django.core.management.base import BaseCommand
from django.db import transaction

from site_config.redirects import reslug


class Command(BaseCommand):
    help = (
        "Make slugs anew from titles and names in any script (anyascii). By "
        "default only the meaningless ones older versions gave non-Latin text "
        "(item, item-2, ...). Old slugs keep answering with a permanent redirect."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List the slugs that would change and change nothing.",
        )
        parser.add_argument(
            "--all",
            action="store_true",
            dest="everything",
            help="Also remake every slug its title or name no longer gives.",
        )

    def handle(self, *args, dry_run, everything, **options):
        with transaction.atomic():
            changes = reslug(dry_run=dry_run, everything=everything)
        for model, old, new in changes:
            self.stdout.write(f"{model._meta.verbose_name}: {old} -> {new}")
        verb = "Would change" if dry_run else "Changed"
        self.stdout.write(self.style.SUCCESS(f"{verb} {len(changes)} slugs."))
