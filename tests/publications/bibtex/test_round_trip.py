"""Import → export → import into an empty database gives the same publications,
field by field (every field the importer manages, author marks, editors, links
and other fields); the CSL-JSON export is valid against the published schema."""

import json
from pathlib import Path

import jsonschema
import pytest

from people.models import Person
from publications.bibtex.export import export, exportable
from publications.bibtex.importer import import_bibtex
from publications.bibtex.normalise import MANAGED_FIELDS
from publications.models import Publication
from tests.publications.bibtex.conftest import CASES

# The CSL-JSON input schema, copied from citation-style-language/schema
# (schemas/input/csl-data.json, v1.0): see docs/bibtex.md.
CSL_SCHEMA = json.loads(
    (Path(__file__).resolve().parents[2] / "data" / "csl-data.schema.json").read_text()
)


def snapshot():
    """Every publication as comparable values, authors with their marks."""
    rows = {}
    for publication in exportable():
        authors = tuple(
            (a.display_name, a.equal_contribution, a.corresponding, a.other_marks)
            for a in publication.ordered_authorships()
        )
        values = tuple(
            (name, json.dumps(getattr(publication, name), sort_keys=True))
            for name in MANAGED_FIELDS
        )
        rows[publication.bibtex_key] = (values, authors)
    return rows


def round_trip(sources):
    import_bibtex(sources=sources)
    before = snapshot()
    text = export(exportable().order_by("pk"), "bibtex", full=True)
    Publication.objects.all().delete()
    Person.objects.all().delete()
    again = import_bibtex(sources=[("export.bib", text)])
    assert again.failed == 0
    assert again.created == len(before)
    return before, snapshot()


@pytest.mark.parametrize(
    "name", sorted(path.name for path in CASES.glob("*.bib")) or ["(no cases)"]
)
def test_every_case_round_trips(db, bib_cases, name):
    before, after = round_trip([bib_cases / name])
    assert after == before


@pytest.mark.parametrize(
    "name", sorted(path.name for path in CASES.glob("*.bib")) or ["(no cases)"]
)
def test_csl_json_of_every_case_is_valid_against_the_schema(db, bib_cases, name):
    import_bibtex(sources=[bib_cases / name])
    items = json.loads(export(exportable(), "csl-json"))
    jsonschema.validate(items, CSL_SCHEMA)


def test_csl_json_with_every_field_is_valid_against_the_schema(db):
    import_bibtex(
        sources=[
            (
                "all.bib",
                "@techreport{r, author = {Ada Lovelace* and {Lab} and others},"
                " editor = {Moreau, Claire}, title = {T}, institution = {Inst},"
                " number = {42}, year = {1982--1983}, isbn = {1}, issn = {2},"
                " address = {Paris}, edition = {2}, series = {S}, note = {N},"
                " language = {french}, doi = {10.1/x}, eprint = {2101.00001},"
                " archiveprefix = {arXiv}, keywords = {a, b}, abstract = {A}}\n"
                "@inproceedings{p, title = {P}, booktitle = {B}, date = "
                "{2017-09-03/2017-09-09}, chapter = {3}, pubstate = {submitted}}\n",
            )
        ]
    )
    items = {item["id"]: item for item in json.loads(export(exportable(), "csl-json"))}
    jsonschema.validate(list(items.values()), CSL_SCHEMA)
    report = items["r"]
    assert report["number"] == "42"
    assert "issue" not in report
    assert report["issued"] == {"date-parts": [[1982], [1983]], "raw": "1982--1983"}
    assert report["editor"] == [{"family": "Moreau", "given": "Claire"}]
    assert (report["ISBN"], report["ISSN"], report["publisher-place"]) == (
        "1",
        "2",
        "Paris",
    )
    assert items["p"]["issued"] == {"date-parts": [[2017, 9, 3], [2017, 9, 9]]}
