from django.core.management.base import BaseCommand, CommandError

from publications.management.commands.import_publications import run_and_report
from publications.models import ImportRun
from publications.sources.history import new_run
from publications.sources.orcid_sync import people_to_sync
from publications.sources.service import ImportInputError


class Command(BaseCommand):
    help = (
        "Import the works on people's ORCID records (public API v3.0): metadata by "
        "DOI where there is one, ORCID's own record otherwise; links each person "
        "to their works and notes when they were synced. Safe to run on a schedule."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--person",
            metavar="SLUG",
            help="Sync only this person (by default everyone with an ORCID iD).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Report what would change and write nothing.",
        )

    def handle(self, *args, person, dry_run, **options):
        try:
            people = people_to_sync(person)
        except ImportInputError as error:
            raise CommandError(str(error)) from error
        if not people:
            self.stdout.write("Nobody has an ORCID iD; nothing to sync.")
            return
        run = new_run(
            source=ImportRun.Source.ORCID,
            description=", ".join(f"{p} ({p.orcid})" for p in people),
            request={"people": [p.pk for p in people]},
            origin=ImportRun.Origin.COMMAND,
            dry_run=dry_run,
        )
        run_and_report(self, run, options.get("verbosity", 1))
