"""A preprint's venue is what the record says; "arXiv" only with an arXiv id."""

import json

import pytest

from publications.bibtex.export import export, exportable
from publications.models import Publication
from publications.sources.service import import_publications

pytestmark = pytest.mark.django_db

UNPB = "TY  - UNPB\nAU  - Doe, Jane\nTI  - A Draft\nPY  - 2024\nER  - \n"
CSL = json.dumps(
    [
        {
            "id": "d1",
            "type": "article",
            "title": "A Draft",
            "issued": {"date-parts": [[2024]]},
            "author": [{"family": "Doe", "given": "Jane"}],
        }
    ]
)


def test_an_unpublished_ris_record_without_an_arxiv_id_gets_no_venue():
    import_publications(files=[("d.ris", UNPB)])
    assert Publication.objects.get(title="A Draft").venue == ""


def test_an_unpublished_ris_record_with_an_arxiv_address_is_on_arxiv():
    text = UNPB.replace("ER  -", "UR  - https://arxiv.org/abs/2401.01234\nER  -")
    import_publications(files=[("d.ris", text)])
    publication = Publication.objects.get(title="A Draft")
    assert (publication.venue, publication.arxiv_id) == ("arXiv", "2401.01234")


def test_the_ris_export_of_a_csl_preprint_reimports_with_its_empty_venue():
    import_publications(files=[("d.json", CSL)])
    publication = Publication.objects.get(title="A Draft")
    before = (publication.venue, publication.status, publication.kind)
    text = export(exportable(), "ris")
    report = import_publications(files=[("d.ris", text)])
    assert (report.created, report.updated) == (0, 0)
    publication.refresh_from_db()
    assert (publication.venue, publication.status, publication.kind) == before
