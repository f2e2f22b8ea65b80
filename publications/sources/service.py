"""The import service for every source: files in any format and identifiers.

``import_publications`` reads or fetches everything first (so a missing file,
an unreadable format or no network stops the run before anything is written),
then hands the entries to the BibTeX importer (``publications.bibtex.importer``):
one service for matching, merging, protecting editors' changes and reporting.
"""

import contextlib
import dataclasses
from pathlib import Path

from django.db import transaction

from publications.bibtex.importer import (
    BibtexInputError,
    ImportReport,
    decode_bytes,
    import_bibtex,
    import_entries,
)
from publications.sources.arxiv import fetch_arxiv
from publications.sources.doi import fetch_doi
from publications.sources.entries import Failure, ParseResult
from publications.sources.formats import BIBTEX, UnknownFormatError, parse_text
from publications.sources.http import NotFoundError, default_client
from publications.sources.identifiers import normalise_arxiv, normalise_doi


class ImportInputError(ValueError):
    """What was asked for cannot be read: nothing was imported. A clear sentence."""


@dataclasses.dataclass
class Source:
    """One named source ready for the importer: BibTeX text or parsed entries."""

    name: str
    format: str
    text: str = ""
    parsed: ParseResult | None = None


def read_files(files, *, encoding="utf-8"):
    """A Source for each file, its format judged by its content.

    ``files``: paths, or ``(name, text)`` pairs already read (the admin's
    uploads). Raises ImportInputError for a missing, undecodable or unknown file.
    """
    sources = []
    for item in files:
        if isinstance(item, tuple):
            name, text = item
        else:
            path = Path(item)
            name = str(path)
            try:
                data = path.read_bytes()
            except OSError as error:
                raise ImportInputError(
                    f"Cannot read {path}: {error.strerror}."
                ) from error
            try:
                text = decode_bytes(data, name=name, encoding=encoding)
            except BibtexInputError as error:
                raise ImportInputError(str(error)) from error
        try:
            kind, parsed = parse_text(text, name=name)
        except UnknownFormatError as error:
            raise ImportInputError(str(error)) from error
        if kind == BIBTEX:
            # The BibTeX importer splits its own text (and finds media beside it).
            sources.append(Source(name=name, format=kind, text=text))
        else:
            sources.append(Source(name=name, format=kind, parsed=parsed))
    return sources


def fetch_identifiers(*, dois=(), arxiv_ids=(), client=None, progress=None):
    """One Source with an entry per DOI and arXiv id, fetched from their services.

    DOIs come from Crossref or their own agency (``doi.fetch_doi``), arXiv ids
    from the arXiv API; an arXiv record that names the DOI of its published
    version brings that version too, and the importer merges the two (the
    published venue wins, the arXiv id stays). An identifier no service knows is
    a failure of that identifier only. Raises ImportInputError for text that is
    no DOI or arXiv id, and lets ``http.NetworkError`` through (nothing is
    written then).
    """
    client = client or default_client()
    canonical_dois, canonical_arxiv = [], []
    for doi in dois:
        canonical = normalise_doi(doi)
        if not canonical:
            raise ImportInputError(f"{doi!r} is not a DOI (10.<prefix>/<suffix>).")
        canonical_dois.append(canonical)
    for arxiv_id in arxiv_ids:
        canonical = normalise_arxiv(arxiv_id)
        if not canonical:
            raise ImportInputError(
                f"{arxiv_id!r} is not an arXiv id (e.g. 2401.01234 or hep-th/9901001)."
            )
        canonical_arxiv.append(canonical)
    parsed = ParseResult(entries=[], failures=[], warnings=[])
    total = len(canonical_dois) + len(canonical_arxiv)
    done = 0
    if canonical_arxiv:
        found, missing = fetch_arxiv(canonical_arxiv, client=client)
        for arxiv_id in canonical_arxiv:
            done += 1
            if progress:
                progress("arXiv", done, total)
            if arxiv_id in missing:
                parsed.failures.append(
                    Failure(line=0, key=f"arXiv:{arxiv_id}", message=missing[arxiv_id])
                )
                continue
            entry = found[arxiv_id]
            parsed.entries.append(entry)
            published = entry.fields.get("doi", "")
            if published and published.lower() not in {
                d.lower() for d in canonical_dois
            }:
                try:
                    parsed.entries.append(fetch_doi(published, client=client))
                except NotFoundError:
                    parsed.warnings.append(
                        f"arXiv:{arxiv_id} names the DOI {published}, which no "
                        f"registration agency knows; imported as a preprint"
                    )
    for doi in canonical_dois:
        done += 1
        if progress:
            progress("DOI", done, total)
        try:
            parsed.entries.append(fetch_doi(doi, client=client))
        except NotFoundError:
            parsed.failures.append(
                Failure(
                    line=0,
                    key=f"doi:{doi}",
                    message="no registration agency (Crossref, DataCite...) knows it",
                )
            )
    name = ", ".join(
        [f"doi:{d}" for d in canonical_dois] + [f"arXiv:{a}" for a in canonical_arxiv]
    )
    if len(name) > 120:
        name = f"{len(canonical_dois)} DOIs and {len(canonical_arxiv)} arXiv ids"
    return Source(name=name or "identifiers", format="identifiers", parsed=parsed)


def combine_reports(reports, *, dry_run):
    """One ImportReport adding up several (one per source imported in a run)."""
    combined = ImportReport(dry_run=dry_run)
    for report in reports:
        for spec in dataclasses.fields(report):
            mine = getattr(combined, spec.name)
            theirs = getattr(report, spec.name)
            if isinstance(mine, bool):
                setattr(combined, spec.name, mine or theirs)
            elif isinstance(mine, dict):
                mine.update(theirs)
            elif isinstance(mine, list):
                mine.extend(theirs)
            elif isinstance(mine, int | float):
                setattr(combined, spec.name, mine + theirs)
    combined.dry_run = dry_run
    return combined


def import_sources(
    sources,
    *,
    themes=(),
    dry_run=False,
    atomic=False,
    overwrite=False,
    progress=None,
    options=None,
):
    """Import Sources through the importer service; returns one ImportReport.

    With ``atomic``, every source is written in one transaction that is rolled
    back if any entry of any source failed.
    """
    options = {
        "themes": themes,
        "dry_run": dry_run,
        "atomic": atomic,
        "overwrite": overwrite,
        "progress": progress,
        "options": options,
    }
    reports = []
    together = atomic and len(sources) > 1
    with transaction.atomic() if together else contextlib.nullcontext():
        for source in sources:
            if source.parsed is None:
                report = import_bibtex(sources=[(source.name, source.text)], **options)
            else:
                report = import_entries(
                    source.parsed.entries,
                    source=source.name,
                    failures=source.parsed.failures,
                    warnings=source.parsed.warnings,
                    **options,
                )
            reports.append(report)
        combined = combine_reports(reports, dry_run=dry_run)
        if together and combined.failed:
            transaction.set_rollback(True)
            combined.rolled_back = True
    return combined


def import_publications(
    *,
    files=(),
    dois=(),
    arxiv_ids=(),
    themes=(),
    dry_run=False,
    atomic=False,
    overwrite=False,
    encoding="utf-8",
    progress=None,
    client=None,
    options=None,
):
    """Import files (BibTeX, CSL-JSON, RIS) and identifiers (DOIs, arXiv ids).

    ``files``: paths or ``(name, text)`` pairs; ``dois``/``arxiv_ids``: as typed;
    ``themes``: ResearchTheme objects linked to every imported publication;
    ``progress(label, done, total)``: called as files and identifiers advance;
    ``client``: an ``http.HttpClient`` (a default one when None); ``options``:
    the importer's ``ImportOptions`` (containers, media folders, marks). Everything is
    read and fetched before anything is written: raises ImportInputError for a
    bad file or identifier and ``http.NetworkError`` when a service cannot be
    reached, with nothing written. Returns an ImportReport.
    """
    sources = read_files(files, encoding=encoding)
    if dois or arxiv_ids:
        sources.append(
            fetch_identifiers(
                dois=dois, arxiv_ids=arxiv_ids, client=client, progress=progress
            )
        )
    if not sources:
        raise ImportInputError("Nothing to import: give files, DOIs or arXiv ids.")
    return import_sources(
        sources,
        themes=themes,
        dry_run=dry_run,
        atomic=atomic,
        overwrite=overwrite,
        progress=progress,
        options=options,
    )
