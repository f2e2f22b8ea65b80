"""Re-importing the site's own exports, or any file, keeps what its format
cannot say: each format declares the model fields it carries (``RIS_FIELDS``,
``CSL_JSON_FIELDS``...) and an import never clears a field outside them; the
site's own BibTeX export imports back as a fixed point."""

import io
import json

import pytest
from django.core.management import call_command

from publications.bibtex.export import export, exportable
from publications.bibtex.importer import import_bibtex
from publications.bibtex.normalise import MANAGED_FIELDS
from publications.models import Authorship, Publication
from publications.sources.csljson import CSL_JSON_FIELDS
from publications.sources.ris import RIS_FIELDS
from publications.sources.service import import_publications
from site_config.demo import load_demo

FORMATS = ["csl-json", "ris"]
# One work with every field only BibTeX (and the site) carries set, beside
# what every format carries: the reviewer's case.
RICH_BIB = r"""
@inproceedings{rich2024,
  author = {van der Berg, Anna and Okafor, Chidi and Li, Wei},
  author+an = {1=equal; 2=equal,corresponding; 3=mark:+},
  title = {Everything a Site Keeps},
  booktitle = {Proceedings of Everything},
  year = {2024}, month = jun, pages = {10--20}, volume = {7},
  publisher = {ACM}, address = {Lisbon}, doi = {10.1145/1234.5678},
  eprint = {2401.01234}, archiveprefix = {arXiv},
  abbr = {EVT}, selected = {true}, bibtex_show = {false},
  html = {https://example.org/html}, project = {https://example.org/project},
  code = {https://example.org/code}, slides = {https://example.org/slides.pdf},
  pdf = {https://example.org/paper.pdf}, website = {https://example.org/site},
  award = {Best paper}, pubstate = {accepted},
  keywords = {dynamics, learning}, abstract = {An abstract.},
  shortbooktitle = {EVT 2024}, series = {LNCS}, note = {A note},
  howpublished = {Poster}, organization = {Org},
  mycustom = {kept as written}, funding = {Grant 42},
}
@software{tool2025,
  author = {Haddad, Sami},
  title = {Flow Tool},
  year = {2025},
  version = {2.0.1},
  license = {MIT},
  repository = {https://code.example.org/flow},
  publisher = {Zenodo},
  doi = {10.5281/zenodo.42},
}
"""


def snapshot():
    """Every publication: every managed field and its authors with marks."""
    rows = {}
    for publication in exportable().order_by("pk"):
        values = {
            name: json.dumps(getattr(publication, name), sort_keys=True)
            for name in MANAGED_FIELDS
        }
        values["authors"] = [
            (a.display_name, a.equal_contribution, a.corresponding, a.other_marks)
            for a in publication.ordered_authorships()
        ]
        rows[publication.pk] = values
    return rows


def site(kind):
    """The demo group's publications plus the rich work: entered by hand
    ("hand") or as imported from the site's BibTeX ("imported")."""
    load_demo(with_photos=False)
    if kind == "imported":
        text = export(exportable().order_by("pk"), "bibtex", full=True)
        Publication.objects.all().delete()
        import_bibtex(sources=[("site.bib", text)])
    import_bibtex(sources=[("rich.bib", RICH_BIB)])


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["hand", "imported"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_reimporting_the_sites_own_export_changes_nothing(fmt, kind):
    site(kind)
    before = snapshot()
    rich = Publication.objects.get(bibtex_key="rich2024")
    assert rich.is_selected
    assert rich.abbr == "EVT"
    assert rich.html_url
    assert rich.other_fields["mycustom"] == "kept as written"
    text = export(exportable().order_by("pk"), fmt)
    report = import_publications(files=[(f"export.{fmt}", text)])
    assert (report.created, report.updated, report.failed) == (0, 0, 0)
    assert report.changes == []
    assert snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", FORMATS)
def test_the_command_reimports_an_export_file_with_zero_changes(tmp_path, fmt):
    site("imported")
    before = snapshot()
    path = tmp_path / f"site.{fmt}"
    call_command(
        "export_publications",
        "--format",
        fmt,
        "--output",
        str(path),
        stdout=io.StringIO(),
    )
    out = io.StringIO()
    call_command("import_publications", str(path), stdout=out)
    total = Publication.objects.count()
    assert f"{total} entries: 0 created, 0 updated, {total} unchanged" in out.getvalue()
    assert snapshot() == before


CSL_ITEM = {
    "id": "rich2024",
    "type": "paper-conference",
    "title": "Everything a Site Keeps, Revised",
    "container-title": "Proceedings of Everything",
    "DOI": "10.1145/1234.5678",
    "issued": {"date-parts": [[2024, 6]]},
    "author": [
        {"family": "Berg", "given": "Anna", "non-dropping-particle": "van der"},
        {"family": "Okafor", "given": "Chidi"},
        {"family": "Li", "given": "Wei"},
    ],
}
RIS_RECORD = (
    "TY  - CPAPER\nTI  - Everything a Site Keeps, Revised\n"
    "AU  - van der Berg, Anna\nAU  - Okafor, Chidi\nAU  - Li, Wei\n"
    "T2  - Proceedings of Everything\nPY  - 2024\nDO  - 10.1145/1234.5678\n"
    "ID  - rich2024\nER  - \n"
)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "text", "carried"),
    [
        ("lib.json", json.dumps([CSL_ITEM]), CSL_JSON_FIELDS),
        ("lib.ris", RIS_RECORD, RIS_FIELDS),
    ],
    ids=FORMATS,
)
def test_a_sparse_file_changes_what_it_says_and_clears_only_fields_it_can_say(
    name, text, carried
):
    import_bibtex(sources=[("rich.bib", RICH_BIB)])
    before = Publication.objects.get(bibtex_key="rich2024")
    report = import_publications(files=[(name, text)])
    assert report.updated == 1
    after = Publication.objects.get(pk=before.pk)
    assert after.title == "Everything a Site Keeps, Revised"
    # What the format cannot say is kept whatever the file leaves out ...
    for field in set(MANAGED_FIELDS) - carried:
        assert getattr(after, field) == getattr(before, field), field
    assert (after.is_selected, after.abbr, after.html_url, after.code_url) == (
        True,
        "EVT",
        "https://example.org/html",
        "https://example.org/code",
    )
    assert after.other_fields == before.other_fields
    # ... and the author marks stay: the file names the same authors.
    marks = list(
        Authorship.objects.filter(publication=after)
        .order_by("position")
        .values_list("equal_contribution", "corresponding", "other_marks")
    )
    assert marks == [(True, False, ""), (True, True, ""), (False, False, "+")]
    # What the format can say and the file no longer does is cleared, as usual.
    assert after.keywords == ""
    assert after.volume == ""


@pytest.mark.django_db
def test_bibtex_reimport_still_clears_a_field_removed_from_the_file():
    import_bibtex(sources=[("rich.bib", RICH_BIB)])
    less = RICH_BIB.replace("abbr = {EVT}, selected = {true},", "").replace(
        "html = {https://example.org/html},", ""
    )
    report = import_bibtex(sources=[("rich.bib", less)])
    publication = Publication.objects.get(bibtex_key="rich2024")
    assert report.updated == 1
    assert (publication.abbr, publication.is_selected, publication.html_url) == (
        "",
        False,
        "",
    )


@pytest.mark.django_db
def test_csl_json_then_bibtex_removal_still_clears():
    """A CSL-JSON import in between does not make the next BibTeX import
    forget what it imported: a field removed from the .bib is still cleared."""
    import_bibtex(sources=[("rich.bib", RICH_BIB)])
    import_publications(files=[("lib.json", json.dumps([CSL_ITEM]))])
    import_bibtex(sources=[("rich.bib", RICH_BIB.replace("abbr = {EVT},", ""))])
    publication = Publication.objects.get(bibtex_key="rich2024")
    assert publication.abbr == ""
    assert publication.is_selected


def bibtex_fixed_point():
    before = snapshot()
    text = export(exportable().order_by("pk"), "bibtex", full=True)
    report = import_bibtex(sources=[("export.bib", text)])
    assert (report.created, report.updated, report.failed) == (0, 0, 0)
    assert report.changes == []
    assert snapshot() == before
    return text


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["hand", "imported"])
def test_bibtex_export_reimports_as_a_fixed_point_on_the_demo_data(kind):
    site(kind)
    # A project page and no html link: written once, as "project", not as "html".
    Publication.objects.filter(bibtex_key="rich2024").update(html_url="")
    text = bibtex_fixed_point()
    assert "html = {https://example.org/project}" not in text
    assert Publication.objects.get(bibtex_key="rich2024").html_url == ""


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ["alfolio__papers.bib", "biblatex__biblatex-examples.bib"]
)
def test_bibtex_export_reimports_as_a_fixed_point_on_a_corpus_file(bib_corpus, name):
    import_bibtex(sources=[bib_corpus / name])
    assert Publication.objects.exists()
    bibtex_fixed_point()


@pytest.mark.django_db
def test_a_new_author_list_from_csl_json_keeps_the_marks_of_the_names_it_shares():
    import_bibtex(sources=[("rich.bib", RICH_BIB)])
    item = dict(CSL_ITEM)
    item["author"] = [
        *CSL_ITEM["author"][:2],
        {"family": "Zed", "given": "Zoe"},
        CSL_ITEM["author"][2],
    ]
    report = import_publications(files=[("lib.json", json.dumps([item]))])
    assert report.updated == 1
    rows = list(
        Authorship.objects.filter(publication__bibtex_key="rich2024")
        .order_by("position")
        .values_list("printed_name", "equal_contribution", "corresponding")
    )
    assert [row[1:] for row in rows] == [
        (True, False),
        (True, True),
        (False, False),
        (False, False),
    ]
    other = Authorship.objects.filter(publication__bibtex_key="rich2024")
    assert list(other.order_by("position").values_list("other_marks", flat=True)) == [
        "",
        "",
        "",
        "+",
    ]
