"""How the import commands (``import_bibtex``, ``import_publications``,
``sync_orcid``) print an import: the one home of their report and progress bar.

Warnings name the file, line and key they are about; the first
``SHOWN_WARNINGS`` are listed at the default verbosity (so a problem in the file
is seen without asking), all of them with ``-v 2``.
"""

from pathlib import Path

from django.core.management.base import CommandError

SHOWN_WARNINGS = 20


def print_report(command, report, verbosity):
    """Write an ImportReport on ``command.stdout``: counts per file (with
    ``-v 2`` or several files), warnings, ignored fields and per-field changes
    (``-v 2``), failures, the summary. Raises CommandError when an entry failed.
    """
    out, style = command.stdout, command.style
    if verbosity >= 2 or len(report.files) > 1:
        for name, counts in report.files.items():
            out.write(
                f"{name}: {counts.created} created, {counts.updated} updated, "
                f"{counts.unchanged} unchanged, {counts.skipped} skipped, "
                f"{counts.failed} failed"
            )
    shown = report.warnings if verbosity >= 2 else report.warnings[:SHOWN_WARNINGS]
    for warning in shown:
        out.write(style.WARNING(f"warning: {warning}"))
    if len(shown) < len(report.warnings):
        out.write(
            f"… and {len(report.warnings) - len(shown)} more warnings "
            "(run with -v 2 to list them)."
        )
    if verbosity >= 2:
        for problem in report.ignored:
            out.write(f"ignored: {problem}")
        for entry in report.changes:
            out.write(f"{entry.file}:{entry.line}:{entry.key}:")
            for line in entry.lines():
                out.write(f"  {line}")
    for failure in report.failures:
        out.write(style.ERROR(f"failed: {failure}"))
    out.write((style.ERROR if report.failed else style.SUCCESS)(report.summary()))
    if report.failed:
        raise CommandError(f"{report.failed} entries failed; see above.")


class ProgressBar:
    """A one-line progress bar on a terminal: ``label [#####-----] done/total``.

    Called as ``bar(label, done, total)`` (the importer's ``progress``);
    ``close()`` ends the line.
    """

    def __init__(self, stdout):
        self.stdout = stdout
        self.shown = False

    def __call__(self, label, done, total):
        width = 30
        filled = width * done // max(total, 1)
        bar = "#" * filled + "-" * (width - filled)
        name = Path(str(label)).name if "/" in str(label) else label
        self.stdout.write(f"\r{name} [{bar}] {done}/{total}\033[K", ending="")
        self.stdout.flush()
        self.shown = True

    def close(self):
        if self.shown:
            self.stdout.write("")
