from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from publications.management.commands.import_bibtex import (
    add_import_options,
    check_files,
    import_options,
)
from publications.management.output import ProgressBar, print_report
from publications.models import ImportRun
from publications.sources.history import IMPORT_ERRORS, execute, new_run
from research.models import ResearchTheme


def run_and_report(command, run, verbosity):
    """Execute an ImportRun for a command: a progress bar on a terminal, the
    report afterwards; CommandError for a bad request, no network or failures."""
    bar = ProgressBar(command.stdout) if command.stdout.isatty() else None
    try:
        report = execute(run, progress=bar)
    except IMPORT_ERRORS as error:
        raise CommandError(str(error)) from error
    finally:
        if bar:
            bar.close()
    print_report(command, report, verbosity)


class Command(BaseCommand):
    help = (
        "Import publications from BibTeX, CSL-JSON and RIS files (the format is "
        "recognised by content) and by DOI or arXiv id, through the same importer "
        "as import_bibtex: same report, duplicates merged, editors' changes kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", type=Path, metavar="FILE")
        parser.add_argument(
            "--doi",
            action="append",
            default=[],
            dest="dois",
            metavar="DOI",
            help="Add or update the work with this DOI (repeatable; Crossref, "
            "else the DOI's own agency such as DataCite).",
        )
        parser.add_argument(
            "--arxiv",
            action="append",
            default=[],
            dest="arxiv_ids",
            metavar="ID",
            help="Add or update the arXiv preprint with this id (repeatable).",
        )
        add_import_options(parser)

    def handle(self, *args, paths, dois, arxiv_ids, themes, **options):
        if not (paths or dois or arxiv_ids):
            raise CommandError("Give files to import, or --doi / --arxiv ids.")
        check_files(paths)
        theme_objects = list(ResearchTheme.objects.filter(slug__in=themes))
        unknown = sorted(set(themes) - {theme.slug for theme in theme_objects})
        if unknown:
            raise CommandError(f"No research theme with slug {unknown[0]!r}.")
        chosen = import_options(options)
        wanted = [str(p) for p in paths] + [f"doi:{d}" for d in dois]
        wanted += [f"arXiv:{a}" for a in arxiv_ids]
        source = ImportRun.Source.FILES if paths else ImportRun.Source.IDENTIFIERS
        run = new_run(
            source=source,
            description=", ".join(wanted),
            request={
                "paths": [str(p) for p in paths],
                "dois": dois,
                "arxiv": arxiv_ids,
                "themes": [t.pk for t in theme_objects],
                "encoding": options["encoding"],
                # The user's own folders: searched, never removed after the run
                # (unlike "media_dirs", the admin's unpacked uploads).
                "search_dirs": [str(d) for d in chosen.media_dirs],
                "marks": chosen.marks,
                "include_containers": chosen.include_containers,
            },
            origin=ImportRun.Origin.COMMAND,
            dry_run=options["dry_run"],
            atomic=options["atomic"],
            overwrite=options["overwrite"],
        )
        run_and_report(self, run, options.get("verbosity", 1))
