from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from publications.bibtex.importer import (
    BibtexInputError,
    ImportOptions,
    import_bibtex,
)
from publications.bibtex.names import parse_mark_convention
from publications.management.output import ProgressBar, print_report
from research.models import ResearchTheme


def add_import_options(parser):
    """The options every import command shares (import_bibtex, import_publications):
    --dry-run, --theme, --encoding, --atomic, --overwrite, --include-containers,
    --media-dir, --marks (read back by ``import_options``)."""
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="Report what would change and write nothing.",
    )
    parser.add_argument(
        "--theme",
        action="append",
        default=[],
        dest="themes",
        metavar="SLUG",
        help="Link every imported publication to this research theme (repeatable).",
    )
    parser.add_argument(
        "--encoding", default="utf-8", help="Encoding of the files (UTF-8)."
    )
    parser.add_argument(
        "--atomic",
        action="store_true",
        help="All or nothing: write nothing if any entry fails.",
    )
    parser.add_argument(
        "--overwrite",
        action="store_true",
        help="Let the file win over fields changed in the admin since the last import.",
    )
    parser.add_argument(
        "--include-containers",
        action="store_true",
        help="Also list an entry used as a crossref container (a proceedings "
        "volume) as a publication of its own.",
    )
    parser.add_argument(
        "--media-dir",
        action="append",
        default=[],
        type=Path,
        dest="media_dirs",
        metavar="DIR",
        help="A folder holding the images named by 'preview' (repeatable; the "
        ".bib's folder and al-folio's assets/img/publication_preview/ are "
        "searched too).",
    )
    parser.add_argument(
        "--marks",
        default="",
        metavar="CONVENTION",
        help="What marks after author names mean, e.g. '*=equal,†=corresponding,"
        "+=other' (default: al-folio's, '*=equal,†=corresponding').",
    )


def check_files(paths):
    """Raise CommandError naming the first path that is not a file to read: a
    folder (the files in it are to be named) or nothing at all."""
    for path in paths:
        if path.is_dir():
            raise CommandError(
                f"{path} is a directory, not a file: name the files in it to "
                f"import (e.g. {path / '*.bib'})."
            )
        if not path.is_file():
            raise CommandError(f"No such file: {path}")


def import_options(options):
    """The ``ImportOptions`` for a command's parsed options (``add_import_options``).

    Raises CommandError for a --media-dir that is not a folder or a --marks
    convention that cannot be read (``names.parse_mark_convention`` says why).
    """
    missing = [path for path in options["media_dirs"] if not path.is_dir()]
    if missing:
        raise CommandError(f"No such folder: {missing[0]}")
    try:
        marks = parse_mark_convention(options["marks"]) if options["marks"] else None
    except ValueError as error:
        raise CommandError(str(error)) from error
    return ImportOptions(
        include_containers=options["include_containers"],
        media_dirs=tuple(options["media_dirs"]),
        marks=marks,
    )


class Command(BaseCommand):
    help = (
        "Import publications from BibTeX files: creates or updates publications and "
        "their authors, never overwriting what an editor changed (see docs/bibtex.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, metavar="FILE")
        add_import_options(parser)

    def handle(self, *args, paths, dry_run, themes, encoding, atomic, overwrite, **o):
        check_files(paths)
        theme_objects = list(ResearchTheme.objects.filter(slug__in=themes))
        unknown = sorted(set(themes) - {theme.slug for theme in theme_objects})
        if unknown:
            raise CommandError(f"No research theme with slug {unknown[0]!r}.")
        options = import_options(o)
        progress = ProgressBar(self.stdout) if self.stdout.isatty() else None
        try:
            report = import_bibtex(
                sources=paths,
                themes=theme_objects,
                dry_run=dry_run,
                atomic=atomic,
                overwrite=overwrite,
                encoding=encoding,
                progress=progress,
                options=options,
            )
        except BibtexInputError as error:
            raise CommandError(str(error)) from error
        finally:
            if progress:
                progress.close()
        print_report(self, report, o.get("verbosity", 1))
