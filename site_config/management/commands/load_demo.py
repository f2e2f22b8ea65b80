from django.core.management.base import BaseCommand

from site_config.demo import load_demo


class Command(BaseCommand):
    help = (
        "Load the demo research group (people, themes, publications, site text). "
        "Only missing rows are created, so it is safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Report what would be created and change nothing.",
        )
        parser.add_argument(
            "--no-photos",
            action="store_true",
            help="Do not draw portrait images for the demo members.",
        )

    def handle(self, *args, dry_run, no_photos, **options):
        report = load_demo(dry_run=dry_run, with_photos=not no_photos)
        if options["verbosity"] >= 1:
            self.stdout.write(report.summary())
        verb = "Would load" if dry_run else "Loaded"
        created = sum(report.created.values())
        self.stdout.write(
            self.style.SUCCESS(f"{verb} the demo group: {created} new rows.")
        )
