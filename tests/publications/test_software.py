"""Software and datasets: biblatex import, the /software/ page, the exports."""

import json

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from people.models import Person
from publications.bibtex.export import to_bibtex, to_csl, to_ris
from publications.bibtex.importer import import_bibtex
from publications.models import Authorship, Publication
from site_config.models import SiteProfile

BIBLATEX = r"""
@software{flowbench,
  author = {Haddad, Omar and Wen, Shulan},
  title = {FlowBench},
  year = {2025},
  version = {2.0.1},
  license = {MIT},
  repository = {https://git.example.org/ldg/flowbench},
  url = {https://flowbench.example.org},
}
@dataset{saddles,
  author = {van Tongeren, Priya},
  title = {Saddle Points in the Wild},
  year = {2024},
  doi = {10.5555/saddles},
  version = {1},
  license = {CC-BY-4.0},
}
"""


def test_biblatex_software_and_dataset_import_as_their_own_kinds(db):
    report = import_bibtex(sources=[("sw.bib", BIBLATEX)])
    assert not report.failures
    software = Publication.objects.get(bibtex_key="flowbench")
    assert software.kind == Publication.Kind.SOFTWARE
    assert software.version == "2.0.1"
    assert software.license == "MIT"
    assert software.repository_url == "https://git.example.org/ldg/flowbench"
    dataset = Publication.objects.get(bibtex_key="saddles")
    assert dataset.kind == Publication.Kind.DATASET
    assert dataset.doi == "10.5555/saddles"
    assert dataset.license == "CC-BY-4.0"


def test_reimporting_software_changes_nothing(db):
    import_bibtex(sources=[("sw.bib", BIBLATEX)])
    report = import_bibtex(sources=[("sw.bib", BIBLATEX)])
    assert Publication.objects.count() == 2
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)


def test_software_exports_keep_type_version_and_licence(db):
    import_bibtex(sources=[("sw.bib", BIBLATEX)])
    software = Publication.objects.with_authors().get(bibtex_key="flowbench")
    bibtex = to_bibtex(software)
    assert bibtex.startswith("@software{flowbench,")
    assert "version = {2.0.1}" in bibtex
    assert "license = {MIT}" in bibtex
    assert "repository = {https://git.example.org/ldg/flowbench}" in bibtex
    csl = to_csl(software)
    assert csl["type"] == "software"
    assert csl["version"] == "2.0.1"
    json.dumps(csl)
    dataset = Publication.objects.with_authors().get(bibtex_key="saddles")
    assert to_csl(dataset)["type"] == "dataset"
    ris = to_ris(dataset)
    assert ris.startswith("TY  - DATA\r\n")
    assert "ET  - 1\r\n" in ris
    assert to_ris(software).startswith("TY  - COMP\r\n")
    # Round trip: the exported entry imports back to the same kind and fields.
    Publication.objects.all().delete()
    import_bibtex(sources=[("back.bib", bibtex)])
    again = Publication.objects.get(bibtex_key="flowbench")
    assert (again.kind, again.version, again.license, again.repository_url) == (
        software.kind,
        software.version,
        software.license,
        software.repository_url,
    )


def test_software_page_lists_software_and_datasets_apart(client, make_publication):
    make_publication(
        "FlowBench",
        kind=Publication.Kind.SOFTWARE,
        version="2.0",
        license="MIT",
        repository_url="https://git.example.org/flowbench",
    )
    make_publication("Saddle data", kind=Publication.Kind.DATASET)
    make_publication("A journal paper")
    html = client.get(reverse("software:list")).text
    software = html[
        html.index('id="software-heading"') : html.index("datasets-heading")
    ]
    assert "FlowBench" in software
    assert "version 2.0" in software
    assert "MIT licence" in software
    assert 'href="https://git.example.org/flowbench"' in software
    assert "Saddle data" in html[html.index('id="datasets-heading"') :]
    assert "A journal paper" not in html


def test_software_stays_in_the_publications_list(client, make_publication):
    make_publication("FlowBench", kind=Publication.Kind.SOFTWARE)
    html = client.get(reverse("publications:list")).text
    assert "FlowBench" in html


def test_software_page_query_count_is_flat(client, make_publication):
    def count():
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("software:list")).status_code == 200
        return len(queries)

    ada = Person.objects.create(full_name="Ada Dev", is_member=True)

    def add(n, start):
        rows = Publication.objects.bulk_create(
            Publication(
                title=f"Package {i}",
                slug=f"package-{i}",
                kind=Publication.Kind.SOFTWARE if i % 2 else Publication.Kind.DATASET,
            )
            for i in range(start, start + n)
        )
        Authorship.objects.bulk_create(
            Authorship(publication=row, person=ada, position=0) for row in rows
        )

    SiteProfile.load()  # created on first use; not part of what the page costs
    add(10, 0)
    small = count()
    add(190, 10)
    assert count() == small <= 6
