"""The importer service takes entries from any reader, not only BibTeX text."""

from publications.bibtex.importer import import_entries
from publications.bibtex.parse import Entry, Failure
from publications.models import Publication


def plain_entry(**fields):
    return Entry(
        type="article",
        key=fields.pop("key", "csl1"),
        fields=fields,
        line=1,
        source=repr(fields),
        plain=True,
    )


def test_plain_entries_are_imported_as_written_and_deduplicated(db):
    entry = plain_entry(
        title="Costs -- and {braces} at 50% of $5",
        author="Töpfer, Jörg and {Invented Lab}",
        journal="J. Inv.",
        year="2020",
        doi="10.1/ABC",
    )
    report = import_entries([entry], source="refs.json")
    assert (report.created, report.total) == (1, 1)
    publication = Publication.objects.get()
    assert publication.title == "Costs -- and {braces} at 50% of $5"
    names = [a.display_name for a in publication.ordered_authorships()]
    assert names == ["Jörg Töpfer", "Invented Lab"]
    again = import_entries(
        [plain_entry(key="other", title="Costs", doi="10.1/abc", year="2020")],
        source="refs.ris",
        failures=[Failure(line=7, key="x", message="no TY tag")],
    )
    assert (again.created, again.failed, Publication.objects.count()) == (0, 1, 1)
    assert str(again.failures[0]) == "refs.ris:7:x: no TY tag"
