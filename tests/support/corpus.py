"""The shared real-world corpus (``bib-corpus/``) as the tests read it: each
file's entry count (``bib-corpus/SOURCES.md``), a field-by-field snapshot of the
publications, and a fast way to empty the database between files."""

from django.db import connection

from people.models import Affiliation, NameVariant, Person
from publications.bibtex.normalise import MANAGED_FIELDS
from publications.models import Authorship, Publication
from research.models import ResearchTheme

ENTRIES = {
    "alfolio__papers.bib": 7,
    "biblatex__biblatex-examples.bib": 92,
    "bibtexparser-v1tests__article_comma_first.bib": 2,
    "bibtexparser-v1tests__comments_spaces_and_declarations.bib": 1,
    "bibtexparser-v1tests__features2.bib": 1,
    "bibtexparser-v1tests__traps.bib": 1,
    "pybtex__cyrillic.bib": 5,
    "pybtex__tugboat.bib": 2720,
    "pybtex__xampl.bib": 36,
    "zbb__biblatex-plus-fieldname-issue2660.bib": 283,
    "zbb__issue873-entries-discarded.bib": 988,
    "zbb__jabref-groups-issue97.bib": 911,
    "zbb__mendeley-export.bib": 512,
    "zbb__zotero-bbt-library-issue1436.bib": 7166,
}
# Every field the importer manages, editors, marks and other fields included.
SNAPSHOT_FIELDS = ["bibtex_key", *MANAGED_FIELDS]


def snapshot():
    """Every publication as comparable values, authors in order with their marks
    (three queries)."""
    authors = {}
    names = Authorship.objects.order_by("publication_id", "position").values_list(
        "publication_id",
        "printed_name",
        "person__full_name",
        "equal_contribution",
        "corresponding",
        "other_marks",
    )
    for pk, printed, full_name, *marks in names:
        authors.setdefault(pk, []).append((printed or full_name, *marks))
    rows = Publication.objects.values_list("pk", *SNAPSHOT_FIELDS)
    return {
        row[1]: (row[1:], tuple(authors.get(row[0], ()))) for row in rows.iterator()
    }


def empty_database():
    """Delete every publication and person in bulk, as a fresh database has none.

    Raw deletes: the ORM's cascade collection would load 70,000 rows to delete
    the Zotero library's authorships one by one.
    """
    tables = [
        Authorship,
        Publication.themes.through,
        Publication,
        NameVariant,
        Affiliation,
        ResearchTheme.people.through,
        Person,
    ]
    with connection.cursor() as cursor:
        for model in tables:
            cursor.execute(
                f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}"
            )
