"""Every file of ``cases/bibtex/`` imports to the right value of its README, and
a variant of our own for each kind of fault (issue #11)."""

import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from publications.bibtex.export import export, to_bibtex, to_csl, to_ris
from publications.bibtex.importer import ImportOptions, import_bibtex
from publications.models import Publication


def run(text, name="test.bib", **options):
    return import_bibtex(
        sources=[(name, text)], options=ImportOptions(**options) if options else None
    )


def authors(publication):
    return [
        (a.display_name, a.equal_contribution, a.corresponding, a.other_marks)
        for a in publication.ordered_authorships()
    ]


def messages(report):
    return [problem.message for problem in report.warnings]


# 01: page ranges ----------------------------------------------------------------------


def test_01_page_range_is_exported_as_two_hyphens(db, bib_cases):
    import_bibtex(sources=[bib_cases / "01-page-range-export.bib"])
    bibtex = export(Publication.objects.with_authors(), "bibtex")
    assert "pages = {1--34}" in bibtex
    assert "-{}-" not in bibtex


def test_page_ranges_and_dashes_in_text_keep_their_meaning(db):
    run(
        "@article{a, title = {Before -- after --- aside}, journal = {J},"
        " year = 2020, pages = {R978--R981}}"
    )
    publication = Publication.objects.with_authors().get()
    assert publication.title == "Before – after — aside"
    entry = to_bibtex(publication)
    assert "pages = {R978--R981}" in entry
    Publication.objects.all().delete()
    run(entry)
    assert Publication.objects.get().title == "Before – after — aside"


# 04: TeX conditionals -----------------------------------------------------------------


def test_04_tex_conditional_keeps_the_text_branch(db, bib_cases):
    import_bibtex(sources=[bib_cases / "04-aps-math-ifmmode.bib"])
    names = [name for name, *_ in authors(Publication.objects.get())]
    assert names[-1] == "S. Župan"


@pytest.mark.parametrize(
    ("value", "title"),
    [
        (r"\ifmmode \acute{e}\else \'{e}\fi{}t\'e", "été"),
        (r"Caf\ifmmode\grave{e}\else\`{e}\fi", "Cafè"),
        (r"A \ifmmode x \fi B", "A B"),
    ],
)
def test_tex_conditionals_in_any_field(db, value, title):
    run(f"@misc{{a, title = {{{value}}}, year = 2020}}")
    assert Publication.objects.get().title == title


# 08: commented-out fields -------------------------------------------------------------


def test_08_commented_out_fields_are_skipped_and_listed(db, bib_cases):
    report = import_bibtex(sources=[bib_cases / "08-commented-out-field.bib"])
    assert (report.created, report.failed) == (2, 0)
    assert Publication.objects.get(bibtex_key="bla").title == "New Title"
    assert Publication.objects.get(bibtex_key="some_publication").url == ""
    ignored = [problem.message for problem in report.ignored]
    assert any("% url = {http://example.com/not-yet/}" in m for m in ignored)
    assert any("%title={Old Title}" in m for m in ignored)


def test_commented_field_after_a_value_on_the_same_line_and_in_parentheses(db):
    report = run(
        "@article(a, title = {T}, % doi = {10.1/x}\n"
        "    %  journal = {Old},\n  journal = {New}, year = 2001)\n"
    )
    assert report.failed == 0
    assert (Publication.objects.get().venue, Publication.objects.get().doi) == (
        "New",
        "",
    )


def test_commented_fields_are_listed_by_the_command_with_v2(db, tmp_path, capsys):
    path = tmp_path / "c.bib"
    path.write_text("@misc{a,\n  title = {T},\n  % note = {later},\n  year = 2001\n}\n")
    call_command("import_bibtex", str(path), verbosity=2)
    assert "ignored: " in capsys.readouterr().out


# 10: newline conventions --------------------------------------------------------------


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r", "mixed"])
def test_every_newline_convention_reads_the_same(db, newline):
    lines = [
        "% header",
        "@article{x1,",
        "  author = {Sigurd, Emma and Rydell, Ulf},",
        "  title = {First},",
        "  journal = {J},",
        "  year = 1998",
        "}",
        "@article{x2, title = {Second}, year = 1999}",
    ]
    if newline == "mixed":
        text = "".join(
            line + ("\r", "\n", "\r\n")[n % 3] for n, line in enumerate(lines)
        )
    else:
        text = newline.join(lines) + newline
    report = run(text)
    assert (report.created, report.failed) == (2, 0)
    first = Publication.objects.get(bibtex_key="x1")
    assert [name for name, *_ in authors(first)] == ["Emma Sigurd", "Ulf Rydell"]


def test_10_cr_only_file_imports(db, bib_cases):
    report = import_bibtex(sources=[bib_cases / "10-cr-only-line-endings.bib"])
    assert (report.created, report.failed) == (2, 0)


def test_a_non_empty_file_with_no_entry_is_an_error(db, tmp_path):
    path = tmp_path / "notes.bib"
    path.write_text("title = {A}\r\nauthor = {B}\r\n")
    with pytest.raises(CommandError, match="1 entries failed"):
        call_command("import_bibtex", str(path))
    report = run("just some text")
    assert report.failed == 1
    assert "no BibTeX entry found" in report.failures[0].message
    assert run("   \n% only a comment\n").failed == 1
    assert run("").failed == 0


# 12: dates ----------------------------------------------------------------------------


def test_12_date_forms(db, bib_cases):
    import_bibtex(sources=[bib_cases / "12-date-forms.bib"])
    volume = Publication.objects.get(bibtex_key="yearrange1982")
    assert (volume.year, volume.year_display) == (1982, "1982–1983")
    assert Publication.objects.filter(year=1982).count() == 1
    assert "year = {1982--1983}" in to_bibtex(volume)
    span = Publication.objects.get(bibtex_key="range2017")
    assert (span.year, span.month, span.year_text) == (2017, 9, "2017-09-03/2017-09-09")
    assert to_csl(span)["issued"] == {"date-parts": [[2017, 9, 3], [2017, 9, 9]]}
    assert Publication.objects.get(bibtex_key="aclmonth2019").month == 5
    assert Publication.objects.get(bibtex_key="august2015").date_display == (
        "August 2015"
    )


@pytest.mark.parametrize(
    ("year", "first", "shown"),
    [
        ("2001/02", 2001, "2001 – 02"),
        ("{c. 1900}", 1900, "c. 1900"),
        ("1999-2000", 1999, "1999-2000"),
    ],
)
def test_non_numeric_years_keep_their_first_year(db, year, first, shown):
    run(f"@misc{{a, title = {{T}}, year = {{{year}}}}}")
    publication = Publication.objects.get()
    assert (publication.year, publication.year_display) == (first, shown)
    assert to_csl(publication)["issued"]


# 15: and others -----------------------------------------------------------------------


def test_15_and_others_shows_et_al_everywhere(db, client, bib_cases):
    import_bibtex(sources=[bib_cases / "15-and-others.bib"])
    publication = Publication.objects.with_authors().get()
    page = client.get(publication.get_absolute_url()).text
    assert "Hilde Achterberg</a> et al." in page
    cite = re.sub(r"\s+", " ", page.split("cite-block__text")[1])
    assert "Achterberg, H., et al. (2011)" in cite
    assert "Hilde Achterberg et al." in client.get("/publications/").text.replace(
        "</span>", ""
    )
    assert "author = {Achterberg, Hilde and others}" in to_bibtex(publication)


# 16: \url and \href -------------------------------------------------------------------


def test_16_howpublished_url_becomes_the_link(db, bib_cases):
    report = import_bibtex(sources=[bib_cases / "16-howpublished-url.bib"])
    assert report.failed == 0
    assert Publication.objects.get(bibtex_key="test").url == (
        "http://test.example.org/howpublished_page?id=7"
    )
    manual = Publication.objects.get(bibtex_key="mathworkslike")
    assert manual.url.endswith("solving_a_mixed-integer_problem.html")
    assert manual.bib_note == "Accessed: 2022-06-09"


def test_href_in_a_note_gives_the_link_and_keeps_the_text(db):
    run(
        "@misc{a, title = {T}, year = 2020,"
        r" note = {See \href{https://ex.org/page}{the project page}}}"
    )
    assert Publication.objects.get().url == "https://ex.org/page"


# 20: crossref containers and editors --------------------------------------------------


def test_20_crossref_container_completes_its_child_and_is_no_failure(db, bib_cases):
    path = bib_cases / "20-crossref-proceedings.bib"
    report = import_bibtex(sources=[path])
    assert (report.created, report.skipped, report.failed) == (1, 1, 0)
    child = Publication.objects.get()
    assert (child.venue, child.year, child.publisher) == (
        "The 2017 AAAI Spring Symposium Series",
        2017,
        "AAAI Press",
    )
    atomic = import_bibtex(sources=[path], atomic=True)
    assert (atomic.failed, atomic.rolled_back) == (0, False)


def test_20b_editors_are_never_authors_and_the_volume_is_not_listed(db, bib_cases):
    path = bib_cases / "20b-dblp-crossref-with-title.bib"
    import_bibtex(sources=[path])
    paper = Publication.objects.get()
    assert [name for name, *_ in authors(paper)] == ["Pernille Okafor", "Rhoda Lindahl"]
    assert paper.editors == ["Alma V. Ahrens", "Stellan N. Zell", "Berit K. Ross"]
    assert "editor = {Ahrens, Alma V. and Zell, Stellan N. and Ross, Berit K.}" in (
        to_bibtex(paper)
    )
    assert [e["family"] for e in to_csl(paper)["editor"]] == ["Ahrens", "Zell", "Ross"]
    assert "ED  - Ahrens, Alma V." in to_ris(paper)
    Publication.objects.all().delete()
    import_bibtex(sources=[path], options=ImportOptions(include_containers=True))
    volume = Publication.objects.get(kind="book")
    assert authors(volume) == []
    assert len(volume.editors) == 3


def test_an_edited_book_shows_in_editors_on_its_chapter(db, client):
    run(
        "@incollection{c, author = {Ada Lovelace}, title = {Notes}, crossref = {b},"
        " pages = {1--9}}\n"
        "@collection{b, editor = {Moreau, Claire}, title = {Engines}, year = 1843,"
        " publisher = {P}}\n"
    )
    chapter = Publication.objects.get()
    assert chapter.kind == "chapter"
    page = client.get(chapter.get_absolute_url()).text
    assert "In: Claire Moreau (ed.), <em>Engines</em>" in page


# 21: biblatex extended names ----------------------------------------------------------


def test_21_extended_name_format(db, bib_cases):
    import_bibtex(sources=[bib_cases / "21-biblatex-extended-names.bib"])
    names = [name for name, *_ in authors(Publication.objects.get())]
    assert names == ["Gert-Jan Lindhout", "Jasper van der Hoeven"]


def test_extended_names_in_editor_lists_with_suffix_and_quotes(db):
    run(
        "@book{a, title = {T}, year = 2000, author = {given=Ana, family={De la Cruz}},"
        ' editor = {family=King, given="Martin Luther", suffix=Jr. and Ose, Ada}}'
    )
    publication = Publication.objects.get()
    assert [name for name, *_ in authors(publication)] == ["Ana De la Cruz"]
    assert publication.editors == ["Martin Luther King, Jr.", "Ada Ose"]


# 22: preprint and published version ---------------------------------------------------


@pytest.mark.parametrize("reverse", [False, True])
def test_22_published_version_wins_whatever_the_order(db, bib_cases, reverse):
    text = (bib_cases / "22-published-before-preprint.bib").read_text()
    head, first, second = re.split(r"\n(?=@)", text)
    report = run("\n".join([head, second, first] if reverse else [head, first, second]))
    publication = Publication.objects.get()
    assert len(authors(publication)) == 4
    assert publication.venue.startswith("Proceedings of the Invented International")
    assert (publication.year, publication.pages) == (2025, "1201--1219")
    assert publication.arxiv_id == "2402.01234"
    assert publication.bibtex_key == "ortiz2025icml"
    assert any("merged into it" in m for m in messages(report))


def test_preprint_imported_after_its_published_version_in_another_file(db):
    run(
        "@article{pub, author = {A, B and C, D and E, F}, title = {Deep Things},"
        " journal = {J. Deep}, year = 2021, pages = {1--10}}",
        name="published.bib",
    )
    run(
        "@article{pre, author = {A, B}, title = {Deep things}, year = 2020,"
        " journal = {arXiv preprint arXiv:2001.00001}}",
        name="preprints.bib",
    )
    publication = Publication.objects.get()
    assert (publication.title, publication.venue) == ("Deep Things", "J. Deep")
    assert len(authors(publication)) == 3
    assert publication.arxiv_id == "2001.00001"


def test_a_work_in_two_files_of_one_run_keeps_what_the_first_file_gave(db):
    # The first file's work is written, and its values as imported let go,
    # before the second file is read: they are read back to merge with it.
    published = (
        "@article{pub, author = {A, B and C, D and E, F}, title = {Deep Things},"
        " journal = {J. Deep}, year = 2021, pages = {1--10}, abstract = {Long.}}"
    )
    preprint = (
        "@article{pre, author = {A, B}, title = {Deep things}, year = 2020,"
        " journal = {arXiv preprint arXiv:2001.00001}}"
    )
    report = import_bibtex(
        sources=[("published.bib", published), ("preprints.bib", preprint)]
    )
    publication = Publication.objects.get()
    assert (publication.title, publication.venue) == ("Deep Things", "J. Deep")
    assert (publication.abstract, publication.pages) == ("Long.", "1--10")
    assert len(authors(publication)) == 3
    assert publication.arxiv_id == "2001.00001"
    assert report.failed == 0


# 23, 27, 29: marks --------------------------------------------------------------------


def test_23_alfolio_marks_and_fields(db, bib_cases, client):
    import_bibtex(sources=[bib_cases / "23-alfolio-marks-and-fields.bib"])
    publication = Publication.objects.with_authors().get()
    assert authors(publication) == [
        ("Tobias Renwick", True, False, ""),
        ("Omar Haddad", True, False, ""),
        ("Shulan Wen", False, True, ""),
    ]
    assert publication.editors == ["Claire Moreau", "Hiro Tanaka"]
    assert (publication.isbn, publication.address) == (
        "978-0-00-000000-0",
        "Vienna, Austria",
    )
    assert publication.html_url == "https://example.org/sam/"
    assert publication.project_url == ""
    page = client.get(publication.get_absolute_url()).text
    assert ">Web page</a>" in page
    assert "May 2024" in page
    assert "978-0-00-000000-0" in page
    assert "Vienna, Austria" in page
    full = to_bibtex(publication, site_fields=True)
    for line in (
        "author+an = {1=equal; 2=equal; 3=corresponding}",
        "editor = {Moreau, Claire and Tanaka, Hiro}",
        "isbn = {978-0-00-000000-0}",
        "address = {Vienna, Austria}",
        "month = may",
        "preview = {sam-teaser.png}",
        "abbr = {ICIR}",
        "selected = {true}",
    ):
        assert line in full
    visitor = to_bibtex(publication)
    for name in ("abbr", "selected", "preview", "bibtex_show"):
        assert f"  {name} = " not in visitor
    assert "abbr = " not in client.get(publication.get_absolute_url()).text
    csl = to_csl(publication)
    assert (csl["ISBN"], csl["publisher-place"]) == (
        "978-0-00-000000-0",
        "Vienna, Austria",
    )
    ris = to_ris(publication)
    assert "SN  - 978-0-00-000000-0" in ris
    assert "CY  - Vienna, Austria" in ris


def test_23_preview_becomes_the_image_or_a_warning(db, bib_cases, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    report = import_bibtex(sources=[bib_cases / "23-alfolio-marks-and-fields.bib"])
    assert any(
        "preview image 'sam-teaser.png' not found" in m for m in messages(report)
    )
    assert not Publication.objects.get().image
    Publication.objects.all().delete()
    site = tmp_path / "site"
    (site / "_bibliography").mkdir(parents=True)
    previews = site / "assets" / "img" / "publication_preview"
    previews.mkdir(parents=True)
    from PIL import Image

    Image.new("RGB", (60, 40), (200, 20, 20)).save(previews / "sam-teaser.png")
    bib = site / "_bibliography" / "papers.bib"
    bib.write_bytes((bib_cases / "23-alfolio-marks-and-fields.bib").read_bytes())
    report = import_bibtex(sources=[bib])
    image = Publication.objects.get().image
    assert image.name.startswith("publications/")
    assert image.name.endswith(".png")
    assert "sam-teaser" not in image.name  # re-encoded under a generated name
    Publication.objects.all().delete()
    media = tmp_path / "elsewhere"
    media.mkdir()
    Image.new("RGB", (60, 40)).save(media / "sam-teaser.png")
    import_bibtex(
        sources=[bib_cases / "23-alfolio-marks-and-fields.bib"],
        options=ImportOptions(media_dirs=(media,)),
    )
    assert Publication.objects.get().image


def test_a_preview_that_is_no_image_is_a_warning(db, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "fake.png").write_text("<html>not an image</html>")
    report = run(
        "@misc{a, title = {T}, year = 2020, preview = {fake.png}}",
        media_dirs=(tmp_path,),
    )
    assert any("preview image 'fake.png' not used" in m for m in messages(report))
    assert not Publication.objects.get().image


def test_27_role_fields_and_pubstate(db, bib_cases):
    import_bibtex(sources=[bib_cases / "27-role-fields-and-pubstate.bib"])
    kim = Publication.objects.get(bibtex_key="kim2026")
    assert authors(kim) == [
        ("Dana Kim", True, False, ""),
        ("Joon Lee", True, False, ""),
        ("Min Park", False, True, ""),
    ]
    assert kim.status == "accepted"
    assert Publication.objects.get(bibtex_key="cho2026").status == "accepted"


def test_biblatex_annotations_set_the_marks(db):
    run(
        "@article{a, title = {T}, year = 2020, author = {A, B and C, D and E, F},"
        " author+an = {1=equal; 2=equal,corresponding; 3:family=corresponding}}"
    )
    assert [marks[1:3] for marks in authors(Publication.objects.get())] == [
        (True, False),
        (True, True),
        (False, True),
    ]


def test_29_marks_follow_the_convention_the_import_is_told(db, bib_cases):
    path = bib_cases / "29-other-mark-conventions.bib"
    report = import_bibtex(sources=[path])
    assert any("mark '+'" in m for m in messages(report))
    Publication.objects.all().delete()
    import_bibtex(
        sources=[path],
        options=ImportOptions(marks={"†": "equal", "*": "corresponding", "+": "other"}),
    )
    assert authors(Publication.objects.get()) == [
        ("Alma Rook", True, False, ""),
        ("Cyd Quill", True, False, ""),
        ("Bo Teller", False, False, "+"),
        ("Pia Sand", False, True, ""),
    ]


def test_mark_convention_option_of_the_command(db, bib_cases):
    path = bib_cases / "29-other-mark-conventions.bib"
    call_command("import_bibtex", str(path), marks="†=equal,*=corresponding,+=other")
    assert authors(Publication.objects.get())[0] == ("Alma Rook", True, False, "")
    with pytest.raises(CommandError, match="Role 'first'"):
        call_command("import_bibtex", str(path), marks="*=first")


def test_marks_never_stay_in_names_whatever_the_form(db):
    run(
        "@article{a, title = {T}, year = 2020,"
        " author = {Ada Lovelace* and Turing†, Alan and {Grace Hopper}‡}}"
    )
    result = authors(Publication.objects.get())
    assert [name for name, *_ in result] == [
        "Ada Lovelace",
        "Alan Turing",
        "Grace Hopper",
    ]
    assert result[2][3] == "‡"


# 24, 28: al-folio's link fields, award, note, series, organization --------------------


def test_24_alfolio_link_fields(db, bib_cases, client):
    report = import_bibtex(sources=[bib_cases / "24-alfolio-link-fields.bib"])
    publication = Publication.objects.get()
    assert publication.arxiv_id == "2401.01234"
    assert publication.bibtex_show is False
    assert publication.pmid == "31234567"
    labels = dict(publication.extra_links)
    assert labels["Preprint"] == "https://example.org/preprints/rook2024"
    assert labels["Press release"] == "https://example.org/news/widgets"
    assert labels["PubMed"] == "https://pubmed.ncbi.nlm.nih.gov/31234567/"
    assert labels["Altmetric"] == "https://www.altmetric.com/details/248277"
    assert any("pdf 'rook2024.pdf'" in m for m in messages(report))
    page = client.get(publication.get_absolute_url()).text
    assert '<meta name="citation_pmid" content="31234567">' in page
    assert "altmetric.com/embed" not in page
    listing = client.get("/publications/").text
    assert "#cite-heading" not in listing  # bibtex_show = {false}
    full = to_bibtex(publication, site_fields=True)
    for line in (
        "pdf = {rook2024.pdf}",
        "press_release = {https://example.org/news/",
        "pmid = {31234567}",
        "bibtex_show = {false}",
        "numpages = {9}",
    ):
        assert line in full


def test_28_abbr_award_note_series_organization(db, bib_cases, client):
    import_bibtex(sources=[bib_cases / "28-abbr-award-note-series-org.bib"])
    publication = Publication.objects.get()
    assert (publication.abbr, publication.badge, publication.venue_short) == (
        "MI",
        "MI",
        "",
    )
    assert (publication.note, publication.award) == (
        "Oral",
        "Selected for an oral presentation (top 3% of submissions)",
    )
    assert publication.bib_note == "Accepted; pages pending"
    assert publication.series == "Lecture Notes in Invented Science"
    assert (publication.organization, publication.publisher) == (
        "Invented Imaging Society",
        "",
    )
    page = client.get(publication.get_absolute_url()).text
    assert "(MI)" not in page
    for text in ("top 3% of submissions", "Accepted; pages pending", "Lecture Notes"):
        assert text in page
    csl = to_csl(publication)
    assert "container-title-short" not in csl
    assert csl["collection-title"] == "Lecture Notes in Invented Science"
    entry = to_bibtex(publication)
    assert "organization = {Invented Imaging Society}" in entry
    assert "publisher" not in entry
    assert "award_name = {Oral}" in entry
    assert (
        r"award = {Selected for an oral presentation (top 3\% of submissions)}" in entry
    )


# 26: preprint servers -----------------------------------------------------------------


def test_26_preprint_servers(db, bib_cases):
    import_bibtex(sources=[bib_cases / "26-preprint-servers.bib"])
    for key, server in (("genome2022", "bioRxiv"), ("survey2021", "SSRN")):
        publication = Publication.objects.get(bibtex_key=key)
        assert publication.status == "preprint"
        assert server in publication.venue


@pytest.mark.parametrize(
    ("fields", "venue"),
    [
        ("doi = {10.26434/chemrxiv-2021-abc}", "ChemRxiv"),
        ("journal = {medRxiv}, doi = {10.1101/2020.1.1}", "medRxiv"),
        ("doi = {10.21203/rs.3.rs-1/v1}", "Research Square"),
        ("journal = {TechRxiv}", "TechRxiv"),
    ],
)
def test_preprint_servers_by_name_or_doi_prefix(db, fields, venue):
    run(f"@article{{a, title = {{T}}, year = 2021, {fields}}}")
    publication = Publication.objects.get()
    assert (publication.status, publication.venue) == ("preprint", venue)


def test_a_journal_on_a_preprint_servers_doi_prefix_stays_published(db):
    run("@article{a, title = {T}, year = 2021, journal = {Genome Research},"
        " doi = {10.1101/gr.1}}")  # fmt: skip
    assert Publication.objects.get().status == "published"


@pytest.mark.corpus
def test_25_html_in_titles_shows_as_formatting_on_pages_and_not_in_the_slug(
    db, client, bib_cases
):
    import_bibtex(sources=[bib_cases / "25-html-in-titles.bib"])
    paper = Publication.objects.get()
    assert paper.slug == "growth-of-quercus-imaginaria-seedlings-under-co2-enrichment"
    shown = "Growth of <i>Quercus imaginaria</i> seedlings under CO<sub>2</sub>"
    detail = client.get(paper.get_absolute_url()).text
    assert f"<h1>{shown} enrichment</h1>" in detail
    assert f">{shown} enrichment</a>" in client.get("/publications/").text
    # BibTeX gets LaTeX, never HTML, and reads it back as the same stored title.
    assert (
        r"title = {{Growth of \textit{Quercus imaginaria} seedlings under "
        r"CO\textsubscript{2} enrichment}}"
    ) in to_bibtex(paper)
    stored = paper.title
    text = export(Publication.objects.all(), "bibtex", full=True)
    Publication.objects.all().delete()
    run(text)
    assert Publication.objects.get().title == stored


MATH = r"$\textit{x}$"  # math is kept as written, commands and all


@pytest.mark.parametrize(
    ("latex", "stored"),
    [
        (r"\textit{Quercus} robur", "<i>Quercus</i> robur"),
        (r"\emph{In situ} growth", "<i>In situ</i> growth"),
        (r"\textbf{Bold} claims", "<b>Bold</b> claims"),
        (r"{{TiO}}{\textsubscript{2}} films", "TiO<sub>2</sub> films"),
        (r"The 2\textsuperscript{nd} law", "The 2<sup>nd</sup> law"),
        (rf"\textbf{{\textit{{E. coli}}}} {MATH}", f"<b><i>E. coli</i></b> {MATH}"),
        ("<I>A</I> <em>b</em> <strong>c</strong>", "<i>A</i> <i>b</i> <b>c</b>"),
    ],
)  # fmt: skip
def test_title_markup_commands_are_stored_as_the_tags_pages_show(db, latex, stored):
    run(f"@misc{{a, year = 2020, title = {{{latex}}}}}")
    assert Publication.objects.get().title == stored
    # Round trip: the export writes commands, which come back as the same tags.
    text = export(Publication.objects.all(), "bibtex", full=True)
    title = re.search(r"title = \{(.*)\},", text).group(1)
    assert not re.search(r"</?(i|em|b|strong|sub|sup)>", title, re.IGNORECASE)
    Publication.objects.all().delete()
    run(text)
    assert Publication.objects.get().title == stored


def test_a_title_with_and_without_markup_is_one_work(db):
    report = run(
        "@article{a, year = 2020, journal = {J}, author = {Moss, Iris},"
        r" title = {Growth of \textit{Quercus} under CO\textsubscript{2}}}"
        "\n@article{b, year = 2020, journal = {J}, author = {Moss, Iris},"
        " title = {Growth of Quercus under CO2}}"
        "\n@article{c, year = 2020, journal = {J}, author = {Moss, Iris},"
        " title = {Growth of <i>Quercus</i> under CO<sub>2</sub>}}"
    )
    assert Publication.objects.count() == 1
    assert report.files["test.bib"].created == 1


def test_title_tags_other_than_formatting_stay_text(db, client):
    run(
        "@misc{a, year = 2020, title = "
        '{<script>alert(1)</script> <i onclick="x()">A</i> <b>open <em>B</em>}}'
    )
    html = client.get(Publication.objects.get().get_absolute_url()).text
    h1 = re.search(r"<h1>(.*?)</h1>", html, re.S).group(1)
    assert "<script" not in h1
    assert not re.search(r"<[^>]*onclick", h1)
    assert "&lt;script&gt;" in h1
    assert "<b>open <i>B</i></b>" in h1  # closed by the sanitiser
