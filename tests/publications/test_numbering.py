"""One stored number per publication (publications.numbering, issue 12)."""

import io

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from publications import numbering
from publications.bibtex.importer import import_bibtex
from publications.models import Publication


def _labels():
    return {p.title: p.number_label for p in Publication.objects.order_by("title")}


def test_papers_preprints_and_software_are_numbered_in_their_own_series(
    make_publication,
):
    make_publication("Paper A", year=2020)
    make_publication("Draft A", year=2021, status="preprint")
    make_publication("Paper B", year=2022, status="accepted")
    make_publication("Draft B", year=2022, status="under_review")
    make_publication("Tool", year=2023, kind="software")
    assert _labels() == {
        "Draft A": "P1",
        "Draft B": "P2",
        "Paper A": "1",
        "Paper B": "2",
        "Tool": "S1",
    }


def test_a_new_paper_is_appended_and_nobody_is_renumbered(make_publication):
    make_publication("Newer", year=2024)
    make_publication("Newest", year=2025)
    # Older than both, added later: it takes the next number, the others keep theirs.
    make_publication("Old find", year=1999)
    assert _labels() == {"Newer": "1", "Newest": "2", "Old find": "3"}


def test_editing_a_publication_keeps_its_number(make_publication):
    paper = make_publication("Paper", year=2020)
    make_publication("Other", year=2021)
    paper.title = "Paper, retitled"
    paper.year = 2025
    paper.save()
    paper.refresh_from_db()
    assert paper.number_label == "1"


def test_a_published_preprint_gets_the_next_paper_number_and_keeps_its_p_number(
    make_publication,
):
    make_publication("Paper", year=2020)
    draft = make_publication("Draft", year=2021, status="preprint")
    make_publication("Other draft", year=2022, status="preprint")
    draft.status = "published"
    draft.save()
    draft.refresh_from_db()
    assert (draft.number_label, draft.former_number_label) == ("2", "P1")
    # P1 stays taken: the next preprint does not reuse it.
    assert make_publication("New draft", status="preprint").number_label == "P3"


def _edit(publication, **fields):
    """Saves publication with fields, as the admin does; its labels as stored."""
    for name, value in fields.items():
        setattr(publication, name, value)
    publication.save()
    publication.refresh_from_db()
    return publication.number_label, publication.former_number_label


def test_a_paper_set_back_to_preprint_gets_its_own_former_p_number(
    make_publication,
):
    make_publication("Paper", year=2020)
    draft = make_publication("Draft", year=2021, status="preprint")
    for n in range(2, 5):
        make_publication(f"Draft {n}", year=2022, status="preprint")
    assert _edit(draft, status="published") == ("2", "P1")
    # P1 was kept for it: it is P1 again, with no former P-number as a preprint.
    assert _edit(draft, status="preprint") == ("P1", "")
    assert draft.preprint_number is None
    assert _edit(draft, status="published") == ("2", "P1")
    assert make_publication("New draft", status="preprint").number_label == "P5"


def test_a_preprint_published_then_made_software_gets_its_p_number_back(
    client, make_publication
):
    draft = make_publication("Draft", year=2021, status="preprint")
    make_publication("Paper", year=2020)
    make_publication("Tool", year=2020, kind="software")
    assert _edit(draft, status="published") == ("2", "P1")
    assert _edit(draft, kind="software") == ("S2", "P1")
    assert _edit(draft, kind="article", status="preprint") == ("P1", "")
    html = client.get(draft.get_absolute_url()).text
    assert "[P1]" in html
    assert "as a preprint" not in html


def test_a_preprint_never_labels_a_former_p_number_of_its_own(make_publication):
    # A row numbered before former P-numbers were given back may hold one.
    draft = make_publication("Draft", status="preprint")
    Publication.objects.filter(pk=draft.pk).update(preprint_number=7)
    draft.refresh_from_db()
    assert (draft.number_label, draft.former_number_label) == ("P1", "")


def test_one_number_per_series_is_a_database_rule(make_publication):
    first = make_publication("First")
    second = make_publication("Second")
    with pytest.raises(IntegrityError), transaction.atomic():
        Publication.objects.filter(pk=second.pk).update(serial=first.serial)


def test_command_numbers_missing_ones_by_date_after_the_highest(make_publication):
    make_publication("Numbered", year=2010)
    # Rows written around save() (bulk SQL) have no number yet.
    Publication.objects.bulk_create(
        [
            Publication(title="Late", slug="late", year=2024),
            Publication(title="Early", slug="early", year=2001, month=3),
            Publication(title="Early undated month", slug="early-2", year=2001),
            Publication(title="Draft", slug="draft", year=2020, status="preprint"),
        ]
    )
    out = io.StringIO()
    call_command("number_publications", "--dry-run", stdout=out)
    assert "4 publication numbers would change" in out.getvalue()
    assert "[-] -> [2] Early undated month" in out.getvalue()
    assert Publication.objects.filter(serial__isnull=True).count() == 4

    call_command("number_publications", stdout=io.StringIO())
    assert _labels() == {
        "Draft": "P1",
        "Early": "3",
        "Early undated month": "2",
        "Late": "4",
        "Numbered": "1",
    }
    out = io.StringIO()
    call_command("number_publications", stdout=out)
    assert "0 publication numbers changed" in out.getvalue()


def test_renumber_numbers_everything_by_date_oldest_first(make_publication):
    make_publication("C 2024", year=2024)
    make_publication("A 2001", year=2001)
    make_publication("B 2010", year=2010)
    make_publication("Undated", year=None)
    draft = make_publication("Draft 2023", year=2023, status="preprint")
    make_publication("Draft 2022", year=2022, status="preprint")
    draft.status = "published"
    draft.save()
    out = io.StringIO()
    call_command("number_publications", "--renumber", "--dry-run", stdout=out)
    assert _labels()["C 2024"] == "1"  # a dry run changes nothing
    call_command("number_publications", "--renumber", stdout=io.StringIO())
    assert _labels() == {
        "A 2001": "1",
        "B 2010": "2",
        "C 2024": "4",
        "Draft 2022": "P1",
        "Draft 2023": "3",
        "Undated": "5",
    }
    assert not Publication.objects.filter(preprint_number__isnull=False).exists()


def test_an_import_numbers_new_works_by_date(make_publication):
    make_publication("Already here", year=2000)
    bibtex = """
    @article{new2020, title={Newer}, author={Ada Lovelace}, journal={J}, year={2020}}
    @article{old2010, title={Older}, author={Ada Lovelace}, journal={J}, year={2010}}
    @misc{draft2021, title={A Draft}, author={Ada Lovelace}, year={2021},
          eprint={2101.00001}, archivePrefix={arXiv}}
    """
    import_bibtex(sources=[("works.bib", bibtex)])
    assert _labels() == {
        "A Draft": "P1",
        "Already here": "1",
        "Newer": "3",
        "Older": "2",
    }


def test_a_reimport_that_publishes_a_preprint_moves_it_to_the_papers(
    make_publication,
):
    make_publication("Paper", year=2019)
    draft = """@misc{work, title={The Work}, author={Ada Lovelace}, year={2021},
        eprint={2101.00002}, archivePrefix={arXiv}}"""
    import_bibtex(sources=[("a.bib", draft)])
    assert _labels()["The Work"] == "P1"
    published = """@article{work, title={The Work}, author={Ada Lovelace},
        journal={Journal of Work}, year={2022}, eprint={2101.00002},
        archivePrefix={arXiv}}"""
    import_bibtex(sources=[("a.bib", published)])
    work = Publication.objects.get(title="The Work")
    assert (work.number_label, work.former_number_label) == ("2", "P1")


def test_series_rule_in_python_and_in_sql_agree(make_publication):
    for kind, status in [
        ("article", "published"),
        ("article", "under_review"),
        ("preprint", "preprint"),
        ("dataset", "preprint"),
        ("software", "published"),
        ("thesis", "accepted"),
    ]:
        make_publication(f"{kind} {status}", kind=kind, status=status)
    rows = Publication.objects.annotate(expected=numbering.series_expression())
    for row in rows:
        assert row.expected == numbering.series_for(row.kind, row.status)
        assert row.number_series == row.expected


def test_a_number_taken_between_reading_and_writing_is_read_again(
    make_publication, monkeypatch
):
    # Another editor's save takes [1] after this save read "next is 1": the
    # insert clashes and the save reads the next free number again.
    make_publication("Taken first", year=2020)
    stale = iter([{"paper": 1, "preprint": 1, "software": 1}])
    real = numbering.next_numbers
    monkeypatch.setattr(
        numbering, "next_numbers", lambda model: next(stale, None) or real(model)
    )
    with transaction.atomic():
        late = Publication.objects.create(title="Saved second", year=2021)
        # The caller's transaction is still usable after the clash.
        assert Publication.objects.count() == 2
    assert late.number_label == "2"


def test_another_unique_clash_is_not_retried_as_a_number(make_publication):
    make_publication("First", year=2020, doi="10.1/x")
    with pytest.raises(IntegrityError), transaction.atomic():
        Publication.objects.create(title="Second", year=2021, doi="10.1/X")
