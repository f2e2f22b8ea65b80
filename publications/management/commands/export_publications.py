from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from publications.bibtex.export import FORMATS, export, exportable


class Command(BaseCommand):
    help = "Export every publication as BibTeX, CSL-JSON or RIS."

    def add_arguments(self, parser):
        parser.add_argument(
            "--format", choices=sorted(FORMATS), default="bibtex", dest="fmt"
        )
        parser.add_argument(
            "--output",
            type=Path,
            metavar="FILE",
            help="Write to FILE instead of standard output.",
        )

    def handle(self, *args, fmt, output, **options):
        text = export(exportable().newest_first(), fmt, full=True)
        if output is None:
            self.stdout.write(text, ending="")
            return
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror}.") from error
        self.stderr.write(f"Wrote {output}.")
