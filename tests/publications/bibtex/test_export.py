"""BibTeX, CSL-JSON and RIS exports: the command and the per-publication downloads."""

import io
import json
from pathlib import PurePosixPath

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from publications.bibtex.export import export, exportable
from publications.bibtex.importer import ImportOptions, import_bibtex
from publications.bibtex.parse import parse_bibtex
from publications.models import Publication


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "#336699").save(buffer, format="PNG")
    return buffer.getvalue()


ENTRIES = r"""
@article{lovelace1843,
  author = {Lovelace, Ada and van der Berg, Jr, Hans and {Barnes and Noble}},
  title = {Sketch of the {Analytical} Engine: 50\% \& $O(n^2)$ work},
  journal = {Scientific Memoirs},
  year = {1843}, month = sep, volume = {3}, number = {2}, pages = {666--731},
  publisher = {Taylor}, doi = {https://doi.org/10.1000/XYZ},
  abstract = {An abstract with T\"opfer.},
  keywords = {engines, notes},
}
@misc{turing2020,
  author = {Turing, Alan and others},
  title = {Computable Things},
  year = {2020},
  eprint = {2001.01234}, archivePrefix = {arXiv},
}
"""


@pytest.fixture
def imported(db):
    report = import_bibtex(sources=[("sample.bib", ENTRIES)])
    assert report.created == 2
    return {p.bibtex_key: p for p in exportable()}


def test_bibtex_export_is_valid_and_reimports_to_the_same_values(imported):
    text = export(exportable().order_by("bibtex_key"), "bibtex")
    parsed = parse_bibtex(text)
    assert parsed.failures == []
    fields = {entry.key: entry.fields for entry in parsed.entries}
    assert fields["lovelace1843"]["author"] == (
        "Lovelace, Ada and {van der Berg}, Jr, Hans and {Barnes and Noble}"
    )
    assert fields["lovelace1843"]["title"] == (
        r"{Sketch of the Analytical Engine: 50\% \& $O(n^2)$ work}"
    )
    assert fields["lovelace1843"]["month"] == "September"
    assert fields["turing2020"]["author"] == "Turing, Alan and others"
    assert fields["turing2020"]["eprint"] == "2001.01234"
    Publication.objects.all().delete()
    import_bibtex(sources=[("again.bib", text)])
    again = Publication.objects.get(bibtex_key="lovelace1843")
    assert again.title == "Sketch of the Analytical Engine: 50% & $O(n^2)$ work"
    assert (again.doi, again.pages, again.month) == ("10.1000/XYZ", "666--731", 9)
    assert [a.display_name for a in again.ordered_authorships()] == [
        "Ada Lovelace",
        "Hans van der Berg, Jr",
        "Barnes and Noble",
    ]


def test_csl_json_has_the_schema_keys_and_types(imported):
    items = json.loads(export(exportable().order_by("bibtex_key"), "csl-json"))
    article, preprint = items
    assert article["type"] == "article-journal"
    assert article["id"] == "lovelace1843"
    assert article["author"] == [
        {"family": "Lovelace", "given": "Ada"},
        {"family": "van der Berg", "given": "Hans", "suffix": "Jr"},
        {"literal": "Barnes and Noble"},
    ]
    assert article["issued"] == {"date-parts": [[1843, 9]]}
    assert article["container-title"] == "Scientific Memoirs"
    assert (article["DOI"], article["page"], article["volume"]) == (
        "10.1000/XYZ",
        "666-731",
        "3",
    )
    assert (article["issue"], article["publisher"]) == ("2", "Taylor")
    assert article["abstract"] == "An abstract with Töpfer."
    assert preprint["type"] == "article"
    assert preprint["URL"] == "https://arxiv.org/abs/2001.01234"
    for item in items:
        assert isinstance(item["title"], str)
        for name in item["author"]:
            assert set(name) <= {"family", "given", "literal", "suffix"}
        assert all(isinstance(part, int) for part in item["issued"]["date-parts"][0])


def test_ris_export(imported):
    text = export([imported["lovelace1843"]], "ris")
    assert text.endswith("ER  - \r\n")
    lines = text.split("\r\n")
    assert lines[0] == "TY  - JOUR"
    assert "AU  - Lovelace, Ada" in lines
    assert "AU  - van der Berg, Hans, Jr" in lines
    assert "TI  - Sketch of the Analytical Engine: 50% & $O(n^2)$ work" in lines
    assert lines.index("EP  - 731") == lines.index("SP  - 666") + 1
    assert "DO  - 10.1000/XYZ" in lines
    assert "KW  - notes" in lines


@pytest.mark.parametrize(
    ("name", "content_type", "needle"),
    [
        ("export_bibtex", "application/x-bibtex", "@article{lovelace1843,"),
        ("export_csljson", "application/vnd.citationstyles.csl+json", '"DOI"'),
        ("export_ris", "application/x-research-info-systems", "TY  - JOUR"),
    ],
)
def test_per_publication_downloads(client, imported, name, content_type, needle):
    publication = imported["lovelace1843"]
    url = reverse(f"publications:{name}", kwargs={"slug": publication.slug})
    assert url.startswith(publication.get_absolute_url())
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    assert publication.slug in response["Content-Disposition"]
    assert needle in response.text
    assert "turing2020" not in response.text


def test_download_of_unknown_publication_is_404(client, db):
    url = reverse("publications:export_bibtex", kwargs={"slug": "nope"})
    assert client.get(url).status_code == 404


def test_export_command_writes_each_format(imported, tmp_path, capsys):
    call_command("export_publications", "--format", "bibtex")
    assert "@article{lovelace1843," in capsys.readouterr().out
    output = tmp_path / "all.json"
    call_command("export_publications", "--format", "csl-json", "--output", output)
    assert {item["id"] for item in json.loads(output.read_text())} == {
        "lovelace1843",
        "turing2020",
    }
    call_command("export_publications", "--format", "ris", "--output", tmp_path / "r")
    assert (tmp_path / "r").read_text().count("ER  - ") == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    "entry",
    [
        "@preprint{p, title = {Draft}, author = {Doe, Jane}}",
        "@preprint{p, title = {Draft}, author = {Doe, Jane}, pubstate = {submitted}}",
        "@unpublished{p, title = {Draft}, author = {Doe, Jane}, type = {Preprint}}",
        "@misc{p, title = {Talk}, author = {Doe, Jane}, year = {2020}, type = {Talk}}",
    ],
)
def test_a_kind_that_misc_cannot_say_survives_import_export_import(entry):
    import_bibtex(sources=[("in.bib", entry)])
    kind = Publication.objects.get().kind
    assert kind in {Publication.Kind.PREPRINT, Publication.Kind.TALK}
    text = export(exportable(), "bibtex", full=True)
    report = import_bibtex(sources=[("again.bib", text)])
    assert report.changes == []
    Publication.objects.all().delete()
    import_bibtex(sources=[("again.bib", text)])
    assert Publication.objects.get().kind == kind


@pytest.mark.django_db
def test_an_image_uploaded_in_the_admin_is_the_full_exports_preview(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    import_bibtex(sources=[("in.bib", "@misc{p, title = {T}, year = {2020}}")])
    publication = Publication.objects.get()
    publication.image.save("figure.png", ContentFile(png_bytes()), save=True)
    name = PurePosixPath(publication.image.name).name
    full = export(exportable(), "bibtex", full=True)
    assert f"preview = {{{name}}}" in full
    assert "preview" not in export(exportable(), "bibtex")
    # Imported into an empty site with the media folder, the image comes back.
    Publication.objects.all().delete()
    folder = tmp_path / PurePosixPath(publication.image.name).parent
    import_bibtex(
        sources=[("site.bib", full)], options=ImportOptions(media_dirs=(folder,))
    )
    assert Publication.objects.get().image


@pytest.mark.parametrize(
    "title",
    [
        "Lone { opening and {{ two",
        "Closing } first, then {",
        "D0 3{}{{-Fe{}{}_{3}$ escaped",
        "Two apostrophes f'' and backticks `` stay, -- too",
        "Balanced {braces} and $a{b$ math",
    ],
)
def test_a_title_with_unpaired_braces_or_ligature_pairs_exports_and_reads_back(
    db, title
):
    # BibTeX counts \{ as a brace when it looks for a value's end: a title with
    # a lone brace once made an export that no longer parsed.
    Publication.objects.create(title=title, kind="article", year=2011)
    text = export(exportable(), "bibtex", full=True)
    assert not parse_bibtex(text).failures
    Publication.objects.all().delete()
    report = import_bibtex(sources=[("again.bib", text)])
    assert (report.created, report.failed) == (1, 0)
    assert Publication.objects.get().title == title
