"""The merge policy as pure functions: no database."""

import pytest

from publications.bibtex.fingerprint import Fingerprint
from publications.bibtex.merge import (
    merged_authors,
    merged_values,
    plan_authors,
    plan_update,
)
from publications.bibtex.names import parse_names
from publications.bibtex.normalise import MANAGED_FIELDS, Record


def record(line, *, status="published", authors="", **values):
    full = dict.fromkeys(MANAGED_FIELDS, "")
    full.update(year=None, month=None, is_selected=False, authors_et_al=False)
    full.update(status=status, **values)
    return Record(
        key=f"k{line}", line=line, values=full, authors=parse_names(authors).authors
    )


PUBLISHED = {
    "title": "Sharper Bounds",
    "venue": "ICML",
    "year": 2025,
    "pages": "1--9",
    "kind": "conference",
}
PREPRINT = {
    "title": "Sharper bounds (preprint)",
    "venue": "arXiv",
    "year": 2024,
    "arxiv_id": "2402.01234",
}


@pytest.mark.parametrize("published_first", [True, False])
def test_published_version_wins_whatever_the_order(published_first):
    published = record(1, authors="A, B and C, D and E, F and G, H", **PUBLISHED)
    preprint = record(2, status="preprint", authors="A, B and C, D", **PREPRINT)
    if not published_first:
        published.line, preprint.line = 2, 1
    records = [published, preprint] if published_first else [preprint, published]
    values = merged_values({}, records)
    assert values["title"] == "Sharper Bounds"
    assert (values["venue"], values["year"], values["pages"]) == ("ICML", 2025, "1--9")
    assert values["status"] == "published"
    assert values["arxiv_id"] == "2402.01234"
    assert len(merged_authors(records)) == 4


def test_a_preprint_imported_later_never_replaces_the_published_authors():
    base = Fingerprint.of(dict(record(1, **PUBLISHED).values), ["A B", "C D", "E F"])
    preprint = record(5, status="preprint", authors="A, B", **PREPRINT)
    assert merged_authors([preprint], base.values, base.authors) is None
    values = merged_values(base.values, [preprint])
    assert values["title"] == "Sharper Bounds"
    assert values["arxiv_id"] == "2402.01234"


def test_an_empty_value_never_clears_a_merged_field():
    values = merged_values({}, [record(1, doi="10.1/x", **PUBLISHED), record(2)])
    assert values["doi"] == "10.1/x"


def test_a_removed_field_is_cleared_when_the_editor_left_it_alone():
    imported = Fingerprint.of({"is_selected": True, "note": "Oral"}, [])
    plan = plan_update(
        current={"is_selected": True, "note": "Oral"},
        imported=imported,
        new={"is_selected": False, "note": ""},
        overwrite=False,
        names=["is_selected", "note"],
    )
    assert [(c.name, c.old, c.new) for c in plan.changes] == [
        ("is_selected", True, False),
        ("note", "Oral", ""),
    ]
    assert plan.kept == []


def test_an_editors_change_is_kept_and_listed_unless_overwrite():
    imported = Fingerprint.of({"title": "Old"}, [])
    args = {
        "current": {"title": "Edited"},
        "imported": imported,
        "new": {"title": "New"},
        "names": ["title"],
    }
    plan = plan_update(overwrite=False, **args)
    assert plan.changes == []
    assert [(c.name, c.old, c.new) for c in plan.kept] == [("title", "Edited", "New")]
    assert [c.new for c in plan_update(overwrite=True, **args).changes] == ["New"]


def test_a_hand_entered_publication_is_only_filled_where_empty():
    plan = plan_update(
        current={"title": "Mine", "doi": ""},
        imported=Fingerprint(),
        new={"title": "File", "doi": "10.1/x"},
        overwrite=False,
        names=["title", "doi"],
    )
    assert [(c.name, c.new) for c in plan.changes] == [("doi", "10.1/x")]


def test_author_list_plan():
    imported = Fingerprint.of({}, ["A", "B"])

    def plan(current, new):
        return plan_authors(
            current=current, imported=imported, new=new, overwrite=False
        )

    assert plan(["A", "B"], ["A"]) == "replace"
    assert plan(["A", "X"], ["A"]) == "kept"
    assert plan(["A", "X"], ["A", "B"]) == "same"


def test_fingerprint_round_trips_through_json():
    fingerprint = Fingerprint.of(
        {"title": "Über", "year": 2020}, ["Jörg"], sources=["h"], keys=["K", "a"]
    )
    again = Fingerprint.from_json(fingerprint.to_json())
    assert again == fingerprint
    assert again.keys == ["K", "a"]
    assert Fingerprint.from_json({}).hash == ""
    assert not Fingerprint.from_json(None)
