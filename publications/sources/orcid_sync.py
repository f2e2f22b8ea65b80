"""Keep people's publications in step with their ORCID records.

For each person with an ORCID iD: read the works list from ORCID's public API
(v3.0), fetch each work's metadata where it is best (by DOI from Crossref or its
agency; by arXiv id from arXiv; otherwise ORCID's own record of the work), import
everything through the one importer service (so re-syncing changes nothing,
editors' changes are kept and works already on the site are updated, not
duplicated), link the person to each work, and note when they were synced.
People is a lower layer than publications, so this service lives here and
``people`` only holds the timestamp.
"""

import json

from django.db import transaction
from django.utils import timezone

from people.models import Person
from publications.models import Authorship, Publication
from publications.sources.arxiv import fetch_arxiv
from publications.sources.doi import fetch_doi
from publications.sources.entries import Failure, ParseResult
from publications.sources.http import NotFoundError, default_client
from publications.sources.identifiers import normalise_orcid
from publications.sources.orcid import fetch_work_details, fetch_works, work_entry
from publications.sources.service import ImportInputError, Source, import_sources
from site_config.core.text import fold
from site_config.pagecache.cache import bump_content_version


def people_to_sync(slug=None):
    """People with an ORCID iD (the one whose slug is given, when it is)."""
    people = Person.objects.exclude(orcid="").order_by("full_name")
    if slug:
        people = Person.objects.filter(slug=slug)
        person = people.first()
        if person is None:
            raise ImportInputError(f"No person with slug {slug!r}.")
        if not person.orcid:
            raise ImportInputError(f"{person} has no ORCID iD; add it in the admin.")
    return list(people)


def gather_person(person, *, client, progress=None):
    """A Source with an entry for each work on a person's ORCID record.

    Raises ImportInputError for an ORCID iD that is malformed or unknown to
    ORCID, and lets ``http.NetworkError`` through.
    """
    orcid = normalise_orcid(person.orcid)
    if not orcid:
        raise ImportInputError(
            f"{person}'s ORCID iD {person.orcid!r} is not valid "
            f"(0000-0000-0000-000X, with a correct check digit)."
        )
    try:
        works = fetch_works(orcid, client=client)
    except NotFoundError as error:
        raise ImportInputError(f"ORCID has no record {orcid} ({person}).") from error
    parsed = ParseResult(entries=[], failures=[], warnings=[])
    by_arxiv, own = {}, []
    for done, work in enumerate(works, start=1):
        if progress:
            progress(f"ORCID {person}", done, len(works))
        if work.doi:
            try:
                parsed.entries.append(fetch_doi(work.doi, client=client))
                continue
            except NotFoundError:
                parsed.warnings.append(
                    f"no agency knows the DOI {work.doi} of {work.title!r}; "
                    f"used ORCID's record of it"
                )
        if work.arxiv_id:
            by_arxiv[work.arxiv_id] = work
        else:
            own.append(work)
    if by_arxiv:
        found, missing = fetch_arxiv(list(by_arxiv), client=client)
        parsed.entries.extend(found.values())
        own.extend(by_arxiv[arxiv_id] for arxiv_id in missing)
    if own:
        details = fetch_work_details(orcid, [w.put_code for w in own], client=client)
        for work in own:
            detail = details.get(work.put_code)
            if detail is None:
                parsed.warnings.append(
                    f"ORCID did not return work {work.put_code} ({work.title!r})"
                )
                continue
            source = json.dumps(detail, ensure_ascii=False, sort_keys=True)
            try:
                parsed.entries.append(work_entry(detail, orcid=orcid, source=source))
            except ValueError as error:
                parsed.warnings.append(f"ORCID work {work.put_code}: {error}")
    return Source(name=f"ORCID {orcid} ({person})", format="ORCID", parsed=parsed)


def _find(entry):
    fields = entry.fields
    found = Publication.objects.none()
    if fields.get("doi"):
        found = Publication.objects.filter(doi__iexact=fields["doi"])
    if not found.exists() and fields.get("eprint"):
        found = Publication.objects.filter(arxiv_id=fields["eprint"])
    if not found.exists():
        found = Publication.objects.filter(bibtex_key=entry.key)
    return found.first()


def link_person(person, entries):
    """Make ``person`` an author of each imported work that does not list them.

    The authorship whose family name (folded) matches the person's, and whose
    given name starts with the same letter, is pointed at the person. Returns
    ``(linked, not_found)``: counts of authorships re-pointed and of works on
    which no author matched (left alone, and reported).
    """
    linked, missing = 0, []
    family = fold(person.family_name or person.full_name.split()[-1])
    initial = fold(person.given_name)[:1]
    for entry in entries:
        publication = _find(entry)
        if publication is None:
            continue
        authorships = list(publication.authorships.select_related("person"))
        if any(a.person_id == person.pk for a in authorships):
            continue
        for authorship in authorships:
            other = authorship.person
            if fold(other.family_name) != family:
                continue
            if initial and fold(other.given_name)[:1] not in {"", initial}:
                continue
            Authorship.objects.filter(pk=authorship.pk).update(person=person)
            linked += 1
            break
        else:
            missing.append(publication.title)
    if linked:
        # update() sends no signals: cached pages and the static export's
        # "nothing changed" check read the content stamp, which must move.
        bump_content_version()
    return linked, missing


def sync_orcid(*, people, dry_run=False, client=None, progress=None, themes=()):
    """Import the works of each person's ORCID record; returns an ImportReport.

    ``people``: Person objects with an ORCID iD; when there are several, one whose
    iD is malformed or unknown to ORCID counts as a failure and the others are
    synced. Everything is fetched before
    anything is written (``http.NetworkError`` stops the run with nothing
    written). Unless ``dry_run``, each person is linked to their works and their
    ``orcid_synced_at`` is set.
    """
    client = client or default_client()
    gathered = []
    for person in people:
        try:
            source = gather_person(person, client=client, progress=progress)
        except ImportInputError as error:
            if len(people) == 1:
                raise
            # One person's bad iD does not hold back everyone else's sync.
            failure = Failure(line=0, key=person.orcid, message=str(error))
            parsed = ParseResult(entries=[], failures=[failure], warnings=[])
            source = Source(name=f"ORCID ({person})", format="ORCID", parsed=parsed)
        gathered.append((person, source))
    report = import_sources(
        [source for _person, source in gathered],
        themes=themes,
        dry_run=dry_run,
        progress=progress,
    )
    if dry_run:
        return report
    now = timezone.now()
    for person, source in gathered:
        with transaction.atomic():
            linked, missing = link_person(person, source.parsed.entries)
            Person.objects.filter(pk=person.pk).update(orcid_synced_at=now)
        for title in missing:
            report.warnings.append(
                f"{source.name}: {person} is not among the authors of {title!r}; "
                f"not linked"
            )
    return report
