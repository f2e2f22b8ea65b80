"""al-folio's ``pdf = {paper.pdf}``: the PDF it names becomes the paper's PDF.

al-folio's templates link a relative ``pdf`` to ``assets/pdf/`` of the site;
labsite looks there (beside the .bib or one level up), in ``--media-dir`` and in
the .bib's folder, like it does for ``preview`` images.
"""

import io

import pytest
from pypdf import PdfWriter

from publications.bibtex.export import to_bibtex
from publications.bibtex.importer import ImportOptions, import_bibtex
from publications.models import Publication

pytestmark = pytest.mark.django_db

ENTRY = (
    "@inproceedings{lee2024,\n"
    "  title = {Sharp Bounds},\n  author = {Lee, Ann},\n  year = {2024},\n"
    "  booktitle = {NeurIPS},\n  pdf = {sharp-bounds.pdf},\n}\n"
)


def pdf_bytes():
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def messages(report):
    return [problem.message for problem in report.warnings]


@pytest.fixture
def alfolio_site(tmp_path, settings):
    """An al-folio checkout: _bibliography/papers.bib and assets/pdf/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    site = tmp_path / "site"
    (site / "_bibliography").mkdir(parents=True)
    (site / "assets" / "pdf").mkdir(parents=True)
    bib = site / "_bibliography" / "papers.bib"
    bib.write_text(ENTRY)
    return site


def test_relative_pdf_in_assets_pdf_becomes_the_papers_pdf(alfolio_site):
    (alfolio_site / "assets" / "pdf" / "sharp-bounds.pdf").write_bytes(pdf_bytes())
    report = import_bibtex(sources=[alfolio_site / "_bibliography" / "papers.bib"])
    paper = Publication.objects.get()
    assert paper.pdf.name.startswith("papers/")
    assert paper.pdf.name.endswith(".pdf")
    assert "sharp-bounds" not in paper.pdf.name  # stored under a generated name
    assert paper.pdf_link == paper.pdf.url
    assert not any("sharp-bounds.pdf" in m for m in messages(report))
    # The export writes the field back as the .bib had it.
    assert "pdf = {sharp-bounds.pdf}" in to_bibtex(paper, site_fields=True)


def test_relative_pdf_from_media_dir(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    files = tmp_path / "files"
    files.mkdir()
    (files / "sharp-bounds.pdf").write_bytes(pdf_bytes())
    bib = tmp_path / "refs.bib"
    bib.write_text(ENTRY)
    import_bibtex(sources=[bib], options=ImportOptions(media_dirs=(files,)))
    assert Publication.objects.get().pdf


def test_relative_pdf_from_the_bibs_folder_gives_no_warning(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "sharp-bounds.pdf").write_bytes(pdf_bytes())
    bib = tmp_path / "refs.bib"
    bib.write_text(ENTRY)
    report = import_bibtex(sources=[bib])
    assert Publication.objects.get().pdf
    assert messages(report) == []


def test_missing_pdf_is_a_warning_that_names_it(alfolio_site):
    report = import_bibtex(sources=[alfolio_site / "_bibliography" / "papers.bib"])
    found = [m for m in messages(report) if "sharp-bounds.pdf" in m]
    assert len(found) == 1
    assert "pdf 'sharp-bounds.pdf' not found" in found[0]
    paper = Publication.objects.get()
    assert not paper.pdf
    assert paper.other_fields["pdf"] == "sharp-bounds.pdf"


def test_a_file_that_is_no_pdf_is_a_warning_and_not_stored(alfolio_site):
    fake = alfolio_site / "assets" / "pdf" / "sharp-bounds.pdf"
    fake.write_text("<html>%PDF-1.4 not really</html>")
    report = import_bibtex(sources=[alfolio_site / "_bibliography" / "papers.bib"])
    assert any("pdf 'sharp-bounds.pdf' not used" in m for m in messages(report))
    assert not Publication.objects.get().pdf


def test_dry_run_stores_no_pdf(alfolio_site, settings):
    (alfolio_site / "assets" / "pdf" / "sharp-bounds.pdf").write_bytes(pdf_bytes())
    import_bibtex(sources=[alfolio_site / "_bibliography" / "papers.bib"], dry_run=True)
    assert not Publication.objects.exists()
    assert not (settings.MEDIA_ROOT / "papers").exists()


def test_an_uploaded_pdf_is_not_replaced_by_a_reimport(alfolio_site):
    bib = alfolio_site / "_bibliography" / "papers.bib"
    (alfolio_site / "assets" / "pdf" / "sharp-bounds.pdf").write_bytes(pdf_bytes())
    import_bibtex(sources=[bib])
    first = Publication.objects.get().pdf.name
    bib.write_text(ENTRY.replace("Sharp Bounds", "Sharper Bounds"))
    import_bibtex(sources=[bib])
    assert Publication.objects.get().pdf.name == first
