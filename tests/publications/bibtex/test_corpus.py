"""Every file of the shared real-world corpus: counts, real entries, re-import and
round trip. Entry counts are those of ``bib-corpus/SOURCES.md``."""

import pytest

from people.models import Person
from publications.bibtex.export import export, exportable
from publications.bibtex.importer import import_bibtex
from publications.models import Publication
from tests.support.corpus import ENTRIES, empty_database, snapshot

pytestmark = pytest.mark.corpus


def import_file(path):
    return import_bibtex(sources=[path])


def test_corpus_files_are_all_listed(bib_corpus):
    assert {path.name for path in bib_corpus.glob("*.bib")} == set(ENTRIES)


@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_every_entry_is_accounted_for_reimport_and_round_trip(db, bib_corpus, name):
    path = bib_corpus / name
    report = import_file(path)
    counts = report.files[str(path)]
    assert counts.total == ENTRIES[name]
    assert (
        report.created
        + report.updated
        + report.unchanged
        + report.skipped
        + report.failed
    ) == ENTRIES[name]
    assert Publication.objects.count() == report.created
    for failure in report.failures:
        assert failure.line > 0
        assert failure.message

    # Only biblatex's @set groups (no work of their own) are skipped every time.
    # Crossref containers (a proceedings volume) complete their children and are
    # not listed on their own, every time (issue #11).
    not_works = sum(
        "is not a work" in p.message or "crossref container" in p.message
        for p in report.warnings
    )
    again = import_file(path)
    assert (again.created, again.updated, again.skipped) == (0, 0, not_works)
    assert again.unchanged == ENTRIES[name] - report.failed - not_works
    assert again.failed == report.failed

    before = snapshot()
    exported = export(exportable().order_by("pk"), "bibtex", full=True)
    empty_database()
    round_trip = import_bibtex(sources=[("export.bib", exported)])
    assert round_trip.failed == 0
    assert round_trip.created == len(before)
    assert snapshot() == before


def test_jabref_accents_and_capitalised_fields(db, bib_corpus):
    import_file(bib_corpus / "zbb__jabref-groups-issue97.bib")
    publication = Publication.objects.get(bibtex_key="Aggarwal_1997")
    assert [a.display_name for a in publication.ordered_authorships()] == [
        "Sanjeev Aggarwal",
        "Jörg Töpfer",
        "Tse-Lun Tsai",
        "Rüdiger Dieckmann",
    ]
    assert publication.doi == "10.1016/S0167-2738(97)84048-9"
    assert (publication.year, publication.volume) == (1997, "101–103")
    assert publication.venue == "Solid State Ionics"
    # Written "T\"opfer, Joerg" elsewhere: a different spelling, but one Töpfer
    # person for the accented form however often it appears.
    assert Person.objects.filter(full_name="Jörg Töpfer").count() == 1


def test_mendeley_duplicates_and_empty_keys(db, bib_corpus):
    report = import_file(bib_corpus / "zbb__mendeley-export.bib")
    messages = [problem.message for problem in report.warnings]
    assert sum("entry has no key" in m for m in messages) == 37
    matias = Publication.objects.filter(bibtex_key__startswith="Matias2016")
    assert sorted(matias.values_list("bibtex_key", flat=True)) == [
        "Matias2016",
        "Matias2016-2",
        "Matias2016-3",
    ]
    assert len(set(matias.values_list("title", flat=True))) == 3
    assert report.skipped == sum("merged into it" in m for m in messages) > 0
    assert Publication.objects.count() == 512 - report.skipped


def test_zotero_keys_differing_only_in_case_are_kept_apart(db, bib_corpus):
    import_file(bib_corpus / "zbb__zotero-bbt-library-issue1436.bib")
    first = Publication.objects.get(bibtex_key="chen_2017")
    second = Publication.objects.get(doi="10.7567/APEX.10.012101")
    assert first.title.startswith("Optical Gain Analysis of GaAs-Based InGaAs")
    assert second.bibtex_key == "Chen_2017-2"
    assert second.month == 1
    assert Publication.objects.count() + 8 == 7166


def test_alfolio_fields_macros_and_accents(db, bib_corpus):
    import_file(bib_corpus / "alfolio__papers.bib")
    paper = Publication.objects.get(bibtex_key="PhysRev.47.777")
    assert paper.publisher == "American Physical Society,"
    # al-folio's html is a web page link, not a project page (issue #11).
    assert paper.html_url.startswith("https://journals.aps.org/pr/abstract/")
    brownian = Publication.objects.get(bibtex_key="einstein1905molekularkinetischen")
    assert brownian.title.startswith("Über die von der molekularkinetischen Theorie")
    assert "Wärme" in brownian.title
    letters = Publication.objects.get(bibtex_key="przibram1967letters")
    names = [a.display_name for a in letters.ordered_authorships()]
    assert "Erwin Schrödinger" in names


def test_cyrillic_names(db, bib_corpus):
    import_file(bib_corpus / "pybtex__cyrillic.bib")
    person = Person.objects.get(full_name="Михаил Маркович Викторов")
    assert (person.family_name, person.given_name) == ("Викторов", "Михаил Маркович")
    assert Person.objects.filter(full_name="Péter Kovács").exists() or (
        Person.objects.filter(given_name="Péter").exists()
    )


def test_broken_brace_in_old_bibliography_costs_one_entry(db, bib_corpus):
    report = import_file(bib_corpus / "zbb__issue873-entries-discarded.bib")
    assert [(p.key, p.line) for p in report.failures if "brace" in p.message] == [
        ("Thiebaux:93", 6524)
    ]
    assert report.created > 970
    undefined = [p for p in report.warnings if "undefined macro" in p.message]
    assert undefined


def test_biblatex_examples_dates_types_and_sets(db, bib_corpus):
    report = import_file(bib_corpus / "biblatex__biblatex-examples.bib")
    assert report.skipped >= 2  # the two @set entries group others
    kinds = set(Publication.objects.values_list("kind", flat=True))
    assert {"book", "article", "report", "other"} <= kinds
    assert not Publication.objects.filter(year__isnull=True, title="").exists()
    assert Publication.objects.exclude(year__isnull=True).count() > 80
