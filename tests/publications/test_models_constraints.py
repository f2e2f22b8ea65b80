import pytest
from django.db import IntegrityError, transaction

from publications.listing import (
    group_by_year,
    recent_numbered,
    year_pages,
)
from publications.models import Authorship, Publication


def test_slug_is_generated_and_unique_per_title(make_publication):
    first = make_publication("Deep Nets")
    second = make_publication("Deep Nets")
    assert first.slug == "deep-nets"
    assert second.slug == "deep-nets-2"


def test_duplicate_slug_is_refused_by_the_database(make_publication):
    make_publication("One", slug="same")
    with pytest.raises(IntegrityError), transaction.atomic():
        Publication.objects.create(title="Two", slug="same", year=2024)


def test_doi_is_unique_ignoring_case(make_publication):
    make_publication("One", doi="10.5555/ABC.1")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_publication("Two", doi="10.5555/abc.1")


def test_many_publications_may_have_no_doi_or_key(make_publication):
    make_publication("One")
    make_publication("Two")
    assert Publication.objects.filter(doi="", bibtex_key="").count() == 2


def test_bibtex_key_is_unique_when_set(make_publication):
    make_publication("One", bibtex_key="smith2024")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_publication("Two", bibtex_key="smith2024")


def test_author_position_is_unique_per_publication(make_publication, make_person):
    publication = make_publication("Paper", authors=["Ada Lovelace"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Authorship.objects.create(
            publication=publication, person=make_person("Alan Turing"), position=0
        )


def test_same_position_on_two_publications_is_fine(make_publication):
    make_publication("One", authors=["Ada Lovelace"])
    make_publication("Two", authors=["Ada Lovelace"])
    assert Authorship.objects.filter(position=0).count() == 2


def test_default_ordering_is_newest_year_then_month_then_title(make_publication):
    make_publication("B old", year=2020)
    make_publication("Z new", year=2024, month=3)
    make_publication("A new", year=2024, month=3)
    make_publication("Later in year", year=2024, month=11)
    titles = list(Publication.objects.values_list("title", flat=True))
    assert titles == ["Later in year", "A new", "Z new", "B old"]


def test_newest_first_puts_undated_last_on_every_backend(make_publication):
    make_publication("Undated", year=None)
    make_publication("Old", year=2001)
    make_publication("New", year=2024)
    titles = [p.title for p in Publication.objects.newest_first()]
    assert titles == ["New", "Old", "Undated"]


def test_authorships_come_in_position_order(make_publication):
    publication = make_publication("Paper", authors=["Zed Last", "Ada First", "Mo Mid"])
    names = [a.display_name for a in publication.ordered_authorships()]
    assert names == ["Zed Last", "Ada First", "Mo Mid"]


def test_printed_name_overrides_the_person_name(make_publication):
    publication = make_publication("Paper", authors=["Ada Lovelace"])
    Authorship.objects.filter(publication=publication).update(printed_name="A. King")
    assert publication.authorships.get().display_name == "A. King"


def test_published_and_preprints_partition_the_statuses(make_publication):
    for status in Publication.Status.values:
        make_publication(f"Paper {status}", status=status)
    published = set(Publication.objects.published().values_list("status", flat=True))
    preprints = set(Publication.objects.preprints().values_list("status", flat=True))
    assert published == {"published", "accepted"}
    assert preprints == {"preprint", "under_review"}


def test_with_person_and_in_themes_return_each_row_once(
    make_publication, make_person, make_theme
):
    ada = make_person("Ada Lovelace")
    theory, optimization = make_theme("Theory"), make_theme("Optimization")
    make_publication("Twice", authors=[ada], themes=[theory, optimization], equal=(0,))
    make_publication("Other", authors=["Alan Turing"])
    assert [p.title for p in Publication.objects.with_person(ada.pk)] == ["Twice"]
    in_both = Publication.objects.in_themes([theory.pk, optimization.pk])
    assert [p.title for p in in_both] == ["Twice"]


def test_year_counts_split_published_and_preprints(make_publication):
    make_publication("A", year=2024)
    make_publication("B", year=2024, status="preprint")
    make_publication("C", year=2023, status="accepted")
    make_publication("D", year=None)
    rows = list(Publication.objects.year_counts())
    assert rows == [
        {"year": 2024, "published": 1, "preprints": 1},
        {"year": 2023, "published": 1, "preprints": 0},
        {"year": None, "published": 1, "preprints": 0},
    ]


def test_badge_prefers_the_short_venue_name(make_publication):
    assert make_publication("A", venue_short="NeurIPS 2024").badge == "NeurIPS 2024"
    assert make_publication("B", kind="article").badge == "Journal article"


def test_pages_display_uses_an_en_dash(make_publication):
    assert make_publication("A", pages="12--34").pages_display == "12–34"


def test_pdf_link_falls_back_to_arxiv(make_publication):
    publication = make_publication("A", arxiv_id="2401.00001")
    assert publication.pdf_link == "https://arxiv.org/pdf/2401.00001"
    publication.pdf_url = "https://example.org/a.pdf"
    assert publication.pdf_link == "https://example.org/a.pdf"


class _Row:
    def __init__(self, year, status="published"):
        self.year = year
        self.status = status

    @property
    def is_preprint(self):
        return self.status in {"preprint", "under_review"}


def test_group_by_year_keeps_order():
    rows = [_Row(2024), _Row(2024), _Row(2021)]
    assert [(year, len(items)) for year, items in group_by_year(rows)] == [
        (2024, 2),
        (2021, 1),
    ]


def test_year_pages_never_split_a_year():
    rows = [
        {"year": 2024, "published": 50, "preprints": 10},
        {"year": 2023, "published": 5, "preprints": 0},
        {"year": 2022, "published": 90, "preprints": 0},
        {"year": 2021, "published": 1, "preprints": 0},
    ]
    pages = year_pages(rows, target=60)
    assert [[r["year"] for r in page] for page in pages] == [
        [2024],
        [2023, 2022],
        [2021],
    ]


def test_status_totals_count_published_and_preprints(make_publication):
    make_publication("A")
    make_publication("B", status="accepted")
    make_publication("C", status="under_review")
    assert Publication.objects.status_totals() == {"published": 2, "preprints": 1}


def test_recent_numbered_limits_each_list_and_shows_stored_numbers(make_publication):
    for year in (2020, 2021, 2022):
        make_publication(f"Paper {year}", year=year)
        make_publication(f"Draft {year}", year=year, status="preprint")
    published, preprints, totals = recent_numbered(
        Publication.objects.all(), limit=2, preprint_limit=1
    )
    assert [(p.title, p.number_label) for p in published] == [
        ("Paper 2022", "3"),
        ("Paper 2021", "2"),
    ]
    assert [(p.title, p.number_label) for p in preprints] == [("Draft 2022", "P3")]
    assert totals == {"published": 3, "preprints": 3}


def test_detail_queryset_leaves_out_inactive_themes(make_publication, make_theme):
    publication = make_publication(
        "A", themes=[make_theme("Shown"), make_theme("Gone", is_active=False)]
    )
    fetched = Publication.objects.for_detail().get(pk=publication.pk)
    assert [t.title for t in fetched.themes.all()] == ["Shown"]
