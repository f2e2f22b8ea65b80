from django.core.management.base import BaseCommand
from django.db import transaction

from publications import numbering
from publications.models import Publication
from site_config.pagecache.cache import bump_content_version


class Command(BaseCommand):
    help = (
        "Give every publication without a number the next number of its series "
        "(papers [12], preprints [P3], software and data [S1]), oldest first. "
        "With --renumber, number everything again by date: numbers people may "
        "have quoted change, so it is never done on its own."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--renumber",
            action="store_true",
            help="Number every publication again by date, each series from 1.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print what would change and change nothing.",
        )

    def handle(self, *args, renumber, dry_run, **options):
        with transaction.atomic():
            if renumber:
                changes = numbering.renumber(Publication, dry_run=dry_run)
            else:
                changes = numbering.number_missing(
                    Publication.objects.all(), dry_run=dry_run
                )
            if changes and not dry_run:
                # bulk_update sends no signals: cached pages must be told.
                bump_content_version()
        if options["verbosity"] >= 2 or dry_run:
            for publication, before, after in changes:
                self.stdout.write(f"[{before or '-'}] -> [{after}] {publication.title}")
        verb = "would change" if dry_run else "changed"
        self.stdout.write(
            self.style.SUCCESS(f"{len(changes)} publication numbers {verb}.")
        )
