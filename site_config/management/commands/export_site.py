from argparse import ArgumentTypeError
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from site_config.export.build import (
    ExportError,
    base_url_for,
    export_site,
    mirror_site,
)
from site_config.export.check import check_mirror
from site_config.export.parallel import JOBS_LIMIT, default_jobs


class Command(BaseCommand):
    help = (
        "Write every public page, feed, download, static and media file into DIR "
        "as a static site for any web server or GitHub Pages; a second run "
        "rewrites only what changed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "directory", type=_folder, help="Folder to write, e.g. site/"
        )
        parser.add_argument(
            "--base-url",
            default=None,
            help=(
                "Address the copy is published at, e.g. "
                "https://example.github.io/lab/ (default: the one DIR's earlier "
                "export was made for, else the EXPORT_BASE_URL setting)."
            ),
        )
        parser.add_argument(
            "--full",
            action="store_true",
            help="Render and rewrite every file even when nothing changed.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help=(
                "Write into a non-empty folder that holds no earlier export "
                "(files of the same names are replaced)."
            ),
        )
        parser.add_argument(
            "--jobs",
            type=_positive,
            default=None,
            help=(
                "Processes rendering pages (default: the CPUs this process may "
                f"use, at most {JOBS_LIMIT}; here {default_jobs()}). 1 renders in "
                f"this process; more than {JOBS_LIMIT} is taken as {JOBS_LIMIT}."
            ),
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Then follow every link and asset; fail naming each broken one.",
        )

    def handle(self, *args, directory, base_url, full, force, jobs, check, **options):
        if base_url is not None and not base_url.strip():
            # Said, not taken for the option's absence: an unset variable in a
            # workflow's --base-url "$URL" would publish for another address.
            raise CommandError(
                "--base-url is empty; give the address the copy is published "
                "at, e.g. https://example.github.io/lab/, or leave the option out."
            )
        if jobs is not None and jobs > JOBS_LIMIT:
            self.stderr.write(
                self.style.WARNING(
                    f"--jobs {jobs} is above the limit of {JOBS_LIMIT}; "
                    f"rendering in {JOBS_LIMIT} processes."
                )
            )
            jobs = JOBS_LIMIT
        if base_url is None:
            base_url, earlier = base_url_for(directory)
            if earlier:
                self.stdout.write(f"Base URL of the earlier export: {base_url}")
        verbose = options["verbosity"] > 1
        try:
            report = export_site(
                directory,
                base_url=base_url,
                full=full,
                force=force,
                jobs=jobs or default_jobs(),
                log=self.stdout.write if verbose else None,
            )
        except ExportError as error:
            raise CommandError(str(error)) from None
        except KeyboardInterrupt:
            # One line instead of a traceback; 130 is a shell's status for a
            # command ended by Ctrl-C (SIGINT).
            raise CommandError(
                f"Export of {directory} interrupted; the next export completes it.",
                returncode=130,
            ) from None
        for warning in report.warnings:
            self.stderr.write(self.style.WARNING(warning))
        if report.up_to_date:
            self.stdout.write("Nothing changed since the last export.")
        else:
            self.stdout.write(
                f"{report.pages_rendered} pages rendered"
                + (f" in {report.jobs} processes" if report.jobs > 1 else "")
                + "; "
                f"{report.files_written} static and media files written, "
                f"{report.files_unchanged} unchanged, {report.files_removed} removed"
                + (
                    f", search index: {len(report.search_bundles)} bundles rewritten"
                    if report.search_indexed
                    else ""
                )
            )
        if check:
            try:
                broken = check_mirror(directory, mirror_site(base_url))
            except KeyboardInterrupt:
                raise CommandError(
                    f"Check of {directory} interrupted (the export itself "
                    "finished); run the command with --check again to check it.",
                    returncode=130,
                ) from None
            for link in broken:
                self.stderr.write(f"broken link: {link}")
            if broken:
                raise CommandError(
                    f"{len(broken)} broken links in {directory}; see above."
                )
            self.stdout.write("Every link and asset leads to a file.")
        self.stdout.write(self.style.SUCCESS(report.summary()))


def _folder(text):
    """DIR: a path, not an empty or blank word. Path("") is the current
    folder: an unset variable in ``export_site "$OUT"`` would otherwise
    export into wherever the command runs (with --force, over its files)."""
    if not text.strip():
        raise ArgumentTypeError(
            "is empty; name the folder to write, e.g. site/ (. for this folder)"
        )
    return Path(text)


def _positive(text):
    """--jobs: a whole number of 1 or more."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise ArgumentTypeError(f"expected a whole number of 1 or more, not {text!r}")
    return value
