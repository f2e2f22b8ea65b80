"""CSL-JSON's {"literal": "others"} is "and others" (et al.), as in BibTeX; the
flag survives the site's CSL-JSON and RIS exports."""

import json

import pytest

from publications.bibtex.export import export, exportable
from publications.bibtex.importer import import_bibtex
from publications.models import Publication
from publications.sources.csljson import parse_csl_json
from publications.sources.service import import_publications

pytestmark = pytest.mark.django_db


def item(*authors):
    return json.dumps(
        [{"id": "e1", "type": "article-journal", "title": "Many Hands",
          "issued": {"date-parts": [[2020]]}, "author": list(authors)}]
    )  # fmt: skip


@pytest.mark.parametrize("others", ["others", "Others", "et al.", "et al"])
def test_a_literal_others_is_et_al_not_an_author(others):
    text = item({"family": "Doe", "given": "Jane"}, {"literal": others})
    entry = parse_csl_json(text).entries[0]
    assert entry.fields["author"] == "Doe, Jane and others"
    import_publications(files=[("e.json", text)])
    publication = Publication.objects.get(title="Many Hands")
    assert publication.authors_et_al
    assert [a.display_name for a in publication.ordered_authorships()] == ["Jane Doe"]


@pytest.mark.parametrize("fmt", ["csl-json", "ris"])
def test_the_et_al_flag_survives_a_reimport_of_the_sites_export(fmt):
    import_bibtex(
        sources=[
            (
                "e.bib",
                "@article{e1, title={Many Hands}, year={2020}, journal={J},"
                " author={Doe, Jane and others}}",
            )
        ]
    )
    text = export(exportable(), fmt)
    # RIS has no way to say it: the flag is not written. CSL-JSON ends the list
    # with the literal name "others", as Pandoc writes BibTeX's "and others".
    assert ('"literal": "others"' in text) == (fmt == "csl-json")
    assert "others" not in text.replace('"literal": "others"', "")
    report = import_publications(files=[(f"e.{fmt}", text)])
    assert (report.created, report.updated) == (0, 0)
    publication = Publication.objects.get(bibtex_key="e1")
    assert publication.authors_et_al
    assert [a.display_name for a in publication.ordered_authorships()] == ["Jane Doe"]


def test_the_et_al_flag_of_a_csl_json_export_reaches_an_empty_site():
    import_bibtex(
        sources=[("e.bib", "@article{e1, title={Many Hands}, year={2020},"
                  " author={Doe, Jane and others}}")]
    )  # fmt: skip
    text = export(exportable(), "csl-json")
    Publication.objects.all().delete()
    import_publications(files=[("e.json", text)])
    publication = Publication.objects.get(bibtex_key="e1")
    assert publication.authors_et_al
    assert [a.display_name for a in publication.ordered_authorships()] == ["Jane Doe"]
