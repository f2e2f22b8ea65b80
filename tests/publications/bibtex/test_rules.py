"""One small case per import rule: each snippet exercises a single behaviour."""

import pytest

from people.models import NameVariant, Person
from people.names import split_name
from publications.bibtex.importer import import_bibtex
from publications.bibtex.latex import decode
from publications.bibtex.match import _keys
from publications.bibtex.names import folded, parse_names
from publications.bibtex.parse import parse_bibtex
from publications.models import Publication
from site_config.core.text import fold


def run(text, **options):
    return import_bibtex(sources=[("test.bib", text)], **options)


def messages(report):
    return [problem.message for problem in report.warnings]


def authors_of(publication):
    return [a.display_name for a in publication.ordered_authorships()]


# Parsing ------------------------------------------------------------------------


def test_field_names_in_any_case_are_the_same_field():
    parsed = parse_bibtex(
        "@ARTICLE{a, Author = {X Y}, TITLE = {T}, jOuRnAl = {J}, YEAR = 2001}"
    )
    assert parsed.entries[0].fields == {
        "author": "X Y",
        "title": "T",
        "journal": "J",
        "year": "2001",
    }


def test_string_macros_and_concatenation_are_resolved():
    parsed = parse_bibtex(
        '@string{acm = "ACM"}\n@String{TOCS = acm # " Transactions"}\n'
        '@article{a, title = "On " # {Things}, journal = tocs # { on X}, month = sep}'
    )
    fields = parsed.entries[0].fields
    assert fields["title"] == "On Things"
    assert fields["journal"] == "ACM Transactions on X"
    assert fields["month"] == "September"


def test_undefined_macro_is_kept_as_its_name_with_a_warning(db):
    report = run("@article{a, title = {T}, journal = AIJ, year = 1990}")
    assert Publication.objects.get().venue == "AIJ"
    assert "undefined macro 'AIJ' kept as its name" in messages(report)


def test_a_problem_in_a_string_definition_is_reported_at_its_line(db):
    report = run(
        "% a comment\n"
        '@string{foo = "bar" # undefinedmacro}\n'
        "@string{open = {never closed}\n"
        "@string{broken = {unbalanced\n"
        "@article{a, title = foo, year = 1990}\n"
    )
    lines = [str(problem) for problem in report.warnings]
    assert "test.bib:2: undefined macro 'undefinedmacro' kept as its name" in lines
    assert any(
        line.startswith("test.bib:4: @string not understood") for line in lines
    ), lines
    assert "test.bib:3: @string is not closed; read up to the next entry" in lines
    assert Publication.objects.get().title == "barundefinedmacro"


def test_comments_preamble_and_junk_between_entries_are_skipped():
    text = (
        'Some junk text\n@comment{jabref-meta: x}\n@preamble{ "\\newcommand" }\n'
        "% a comment line\n@misc{a, title={A}}\nmore junk @ here\n@misc(b, title={B})"
    )
    parsed = parse_bibtex(text)
    assert [e.key for e in parsed.entries] == ["a", "b"]
    assert parsed.failures == []


def test_comma_first_layout_and_space_before_key():
    parsed = parse_bibtex("@ARTICLE{ Baltazar2013\n, author = {A B}\n, title = {T}\n}")
    assert parsed.entries[0].key == "Baltazar2013"
    assert parsed.entries[0].fields["title"] == "T"


def test_crossref_fills_missing_fields_from_the_parent(db):
    run(
        "@inproceedings{child, title = {Child Paper}, crossref = {proc}, "
        "pages = {1--2}}\n@proceedings{proc, title = {Proceedings of X}, year = 1999, "
        "publisher = {Pub}}"
    )
    child = Publication.objects.get(bibtex_key="child")
    assert (child.venue, child.year, child.publisher) == (
        "Proceedings of X",
        1999,
        "Pub",
    )


def test_unbalanced_entry_is_reported_and_the_rest_imports(db):
    text = (
        "@article{ok1, title = {One}, year = 2001}\n"
        "@article{bad, title = {Thi\\{'ebaux, year = 2002}\n"
        "@article{ok2, title = {Two}, year = 2003}\n"
    )
    report = run(text)
    assert (report.created, report.failed) == (2, 1)
    failure = report.failures[0]
    assert (failure.line, failure.key) == (2, "bad")
    assert "unbalanced braces" in failure.message


def test_deep_nesting_and_huge_fields_do_not_crash(db):
    deep = "{" * 3000 + "deep" + "}" * 3000
    huge = "word " * 200_000
    report = run(
        f"@misc{{a, title = {{{deep}}}}}\n"
        f"@misc{{b, title = {{Big}}, abstract = {{{huge}}}}}"
    )
    # The 1,000,000-character abstract is over the per-field bound (issue #13,
    # finding 1): reported as that entry's failure, never a crash.
    assert (report.created, report.failed) == (1, 1)
    assert "300,000 characters" in report.failures[0].message
    assert Publication.objects.get(bibtex_key="a").title == "deep"


# LaTeX --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r"T{\"o}pfer", "Töpfer"),
        (r"T\"opfer, J\"org", "Töpfer, Jörg"),
        (r"Caf\'{e}", "Café"),
        (r"Stra{\ss}e", "Straße"),
        (r"Ko\v{s}ice", "Košice"),
        (r"{\aa}ngstr{\"o}m", "ångström"),
        (r"\l{}\'od\'z", "łódź"),
        (r"Fran{\c c}ois", "François"),
        (r"Garc{\'{\i}}a", "García"),
        (r"{{ZnO}} Thin Films", "ZnO Thin Films"),
        (r"pages 12--19 and 1990---2000", "pages 12–19 and 1990—2000"),
        (
            r"\emph{Very} {\sl slanted} \TeX{} 50\% \& more",
            "Very slanted TeX 50% & more",
        ),
    ],
)
def test_latex_becomes_unicode(latex, text):
    assert decode(latex) == text


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        # TUGboat's classes: logos, its spaced dash, \bs; pybtex's tugboat.bib.
        (
            r"{{\AmSTeX\Dash``A very friendly product}''}",
            "AmSTeX — “A very friendly product”",
        ),
        (
            r"{\TeX\ and Macintosh\dash new directions}",
            "TeX and Macintosh — new directions",
        ),
        (r"The status of {\VAX}/{\TeX} in {\TUB}", "The status of VAX/TeX in TUGboat"),
        (r"{\Xy-pic} and {\PS} from \CTAN", "Xy-pic and PostScript from CTAN"),
        (r"How to build a {\tt\bs strut}", r"How to build a \strut"),
        (r"The riddle from \tubissue 11(4)", "The riddle from TUGboat 11(4)"),
        # Character codes, as the TeXbook reads \char.
        (r"Don't just {\tt\char`\\let} it", r"Don't just \let it"),
        (
            "\\char92{} and \\char'134{} and \\char\"5C{} and \\char`a",
            "\\ and \\ and \\ and a",
        ),
        # Spacing prints nothing; one space after a unit is the unit's.
        (r"{DVIto\kern-.15em VDU: a previewer}", "DVItoVDU: a previewer"),
        (r"{\slBibTeX\raise .25ex \hbox{\slc ++}}", "BibTeX++"),
        (r"R\thinspace\&\thinspace D and A\vphantom{g}B", "R & D and AB"),
        # Verbatim addresses and quotation ligatures and commands.
        (
            r"e-mail: \path|bnb@math.ams.org|, \verb+a_b%c+",
            "e-mail: bnb@math.ams.org, a_b%c",
        ),
        ("``Quoted'' words, $f''(x)$", "“Quoted” words, $f''(x)$"),
        (r"\enquote{Quoted} and \mkbibquote{also}", "“Quoted” and “also”"),
        (r"{\smc mf medley} in {\ssf BM2FONT}", "mf medley in BM2FONT"),
        # A reviewer's finds: a line break after a control word is skipped as a
        # space is; TeX's spacing commands are spaces; one space after a \char
        # number is the number's; \verb* and control characters.
        ("TeX's \\bs\n write streams", r"TeX's \write streams"),
        (r"TUG\,2005, a\!b, c\;d, e\:f", "TUG 2005, ab, c d, e f"),
        (r"G\hspace{1cm}H and x\enspace y", "G H and x y"),
        (r"\char65 \char66 \char67", "ABC"),
        (r"\verb*|a b| and \char127\char`\A", "a b and A"),
    ],
)
def test_latex_of_journal_macros_and_tex_primitives_keeps_its_text(latex, text):
    assert decode(latex, tags=True) == text


def test_a_title_with_tugboat_logos_imports_whole_without_warnings(db):
    report = run(
        "@article{a, title = {{\\TeX} for {\\VAX}/VMS\\Dash ``the {\\PiCTeX} way''},"
        " year = 1986}\n"
    )
    assert Publication.objects.get().title == "TeX for VAX/VMS — “the PiCTeX way”"
    assert not report.warnings


def test_math_is_kept_renderable():
    assert decode(r"Rate $O(1/\sqrt{T})$ for {SGD}") == r"Rate $O(1/\sqrt{T})$ for SGD"


def test_plain_values_are_not_touched_by_the_decoder():
    assert (
        decode("Plain title: with (punctuation)") == "Plain title: with (punctuation)"
    )


# Names --------------------------------------------------------------------------


def test_name_forms_follow_bibtex_rules():
    names = parse_names(
        r"Lovelace, Ada and Charles Babbage and van der Berg, Jr, Hans and "
        r"{Barnes and Noble} and Ludwig van Beethoven"
    )
    parts = [
        (a.parts.given, a.parts.von, a.parts.family, a.parts.suffix)
        for a in names.authors
    ]
    assert parts == [
        ("Ada", "", "Lovelace", ""),
        ("Charles", "", "Babbage", ""),
        ("Hans", "van der", "Berg", "Jr"),
        ("", "", "Barnes and Noble", ""),
        ("Ludwig", "van", "Beethoven", ""),
    ]
    assert names.authors[3].literal


def test_one_letter_family_names_are_the_same_person(db):
    run(
        "@misc{a, title = {A}, author = {E, Weinan}}\n"
        "@misc{b, title = {B}, author = {Weinan E and Ada Lovelace}}"
    )
    weinan = Person.objects.get(family_name="E")
    assert weinan.given_name == "Weinan"
    assert weinan.authorships.count() == 2


def test_and_others_is_kept_as_et_al(db):
    run("@misc{a, title = {A}, author = {Ada Lovelace and others}}")
    publication = Publication.objects.get()
    assert authors_of(publication) == ["Ada Lovelace"]
    assert publication.authors_et_al


def test_unparsable_author_list_is_kept_raw_with_a_warning(db):
    report = run(
        "@misc{a, title = {A}, author = {M. Halle, J. Bresnan, and G. Miller}}"
    )
    publication = Publication.objects.get()
    assert publication.authors_raw == "M. Halle, J. Bresnan, and G. Miller"
    assert publication.authorships.count() == 0
    assert report.failed == 0
    assert any("does not follow BibTeX's rules" in m for m in messages(report))


# Values -------------------------------------------------------------------------


@pytest.mark.parametrize("month", ["sep", "{September}", "9", "{Sept.}"])
def test_month_forms(db, month):
    run(f"@misc{{a, title = {{A}}, year = 2020, month = {month}}}")
    assert Publication.objects.get().month == 9


def test_page_ranges_are_normalised_and_shown_with_an_en_dash(db):
    run("@misc{a, title = {A}, pages = {12-19}}\n@misc{b, title = {B}, pages = {3--4}}")
    assert Publication.objects.get(bibtex_key="a").pages_display == "12–19"
    assert Publication.objects.get(bibtex_key="b").pages == "3--4"


def test_year_from_biblatex_date_and_journaltitle(db):
    run("@article{a, title = {A}, date = {2016-05-03}, journaltitle = {JT}}")
    publication = Publication.objects.get()
    assert (publication.year, publication.month, publication.venue) == (2016, 5, "JT")


def test_missing_or_non_numeric_year_is_a_warning_not_a_failure(db):
    report = run("@misc{a, title = {A}, year = {forthcoming}}\n@misc{b, title = {B}}")
    assert report.created == 2
    assert Publication.objects.filter(year__isnull=True).count() == 2
    assert (
        "line 1, field year: 'forthcoming' is not a number; kept as written, "
        "shown and exported, without a year"
    ) in messages(report)
    assert "no year; kept without one" in messages(report)


@pytest.mark.parametrize(
    ("fields", "arxiv_id"),
    [
        ("eprint = {2101.00001}, archivePrefix = {arXiv}", "2101.00001"),
        ("eprint = {2101.00001v2}, eprinttype = {arxiv}", "2101.00001"),
        ("url = {https://arxiv.org/abs/1706.03762}", "1706.03762"),
        ("journal = {arXiv preprint arXiv:1412.6980}", "1412.6980"),
        ("eprint = {hep-th/9901001}, archiveprefix = {arXiv}", "hep-th/9901001"),
    ],
)
def test_arxiv_ids_and_preprint_status(db, fields, arxiv_id):
    run(f"@article{{a, title = {{A}}, year = 2020, {fields}}}")
    publication = Publication.objects.get()
    assert publication.arxiv_id == arxiv_id
    assert publication.status == Publication.Status.PREPRINT
    assert publication.kind == Publication.Kind.PREPRINT


def test_doi_prefix_is_stripped_and_matched_without_case(db):
    run("@article{a, title = {A}, journal = {J}, doi = {https://doi.org/10.1000/ABC}}")
    report = run("@article{other-key, title = {A longer title}, doi = {10.1000/abc}}")
    publication = Publication.objects.get()
    assert publication.doi == "10.1000/ABC"
    assert publication.status == Publication.Status.PUBLISHED
    assert (report.created, report.updated) == (0, 1)
    assert publication.title == "A longer title"


def test_al_folio_fields_are_kept(db):
    run(
        "@article{a, title = {A}, journal = {J}, abbr = {NeurIPS}, selected = {true},"
        " pdf = {https://x.org/a.pdf}, code = {https://github.com/x/a},"
        " html = {https://x.org/a}, slides = {https://x.org/s.pdf},"
        " poster = {https://x.org/p.pdf}, award = {Oral}, video = {https://v.org/1}}"
    )
    p = Publication.objects.get()
    # abbr is al-folio's badge (not the venue's short name), html a web page link
    # (not a project page): issue #11, case 28-abbr-award-note-series-org.bib.
    assert (p.abbr, p.is_selected, p.note) == ("NeurIPS", True, "Oral")
    assert (p.badge, p.venue_short) == ("NeurIPS", "")
    assert (p.pdf_url, p.code_url, p.html_url) == (
        "https://x.org/a.pdf",
        "https://github.com/x/a",
        "https://x.org/a",
    )
    assert (p.slides_url, p.poster_url, p.video_url) == (
        "https://x.org/s.pdf",
        "https://x.org/p.pdf",
        "https://v.org/1",
    )


@pytest.mark.parametrize(
    ("entry_type", "kind"),
    [
        ("online", "other"),
        ("report", "report"),
        ("mvbook", "book"),
        ("web_page", "other"),
        ("book_section", "chapter"),
        ("generic", "other"),
        ("thesis", "thesis"),
        ("inproceedings", "conference"),
        ("somethingnew", "other"),
    ],
)
def test_entry_types_map_to_our_kinds(db, entry_type, kind):
    report = run(f"@{entry_type}{{a, title = {{A}}, year = 2020}}")
    assert report.failed == 0
    assert Publication.objects.get().kind == kind


# Duplicates ---------------------------------------------------------------------


def test_same_key_same_work_is_merged_once(db):
    report = run(
        "@article{k, title = {Same Work}, year = 2020, journal = {J}}\n"
        "@article{k, title = {Same Work}, year = 2020, volume = {3}}"
    )
    assert (report.created, report.skipped) == (1, 1)
    assert Publication.objects.get().volume == "3"


def test_same_key_different_work_gets_a_made_unique_key(db):
    report = run(
        "@article{chen_2017, title = {First Work}, year = 2017}\n"
        "@article{Chen_2017, title = {Second Work}, year = 2017}"
    )
    assert report.created == 2
    keys = set(Publication.objects.values_list("bibtex_key", flat=True))
    assert keys == {"chen_2017", "Chen_2017-2"}
    assert any("already used by a different work" in m for m in messages(report))


def test_empty_key_gets_a_generated_key(db):
    report = run(
        "@article{,\n title = {Learning Things}, author = {Ada Lovelace}, year = 2019}"
    )
    assert Publication.objects.get().bibtex_key == "lovelace2019learning"
    assert "entry has no key; imported as 'lovelace2019learning'" in messages(report)


def test_preprint_and_published_version_become_one_record(db):
    report = run(
        "@article{pre, title = {Deep Things}, year = 2019, author = {Ada Lovelace},"
        " eprint = {1901.00001}, archivePrefix = {arXiv}}\n"
        "@inproceedings{pub, title = {Deep Things}, year = 2020,"
        " author = {Ada Lovelace}, booktitle = {NeurIPS}, pages = {1--9}}"
    )
    publication = Publication.objects.get()
    assert (report.created, report.skipped) == (1, 1)
    assert publication.venue == "NeurIPS"
    assert publication.year == 2020
    assert publication.status == Publication.Status.PUBLISHED
    assert publication.arxiv_id == "1901.00001"


def test_same_title_in_different_issues_stays_two_works(db):
    report = run(
        "@article{e1, title = {Editorial}, year = 1990, volume = {11}, author = {A}}\n"
        "@article{e2, title = {Editorial}, year = 1990, volume = {12}, author = {A}}"
    )
    assert report.created == 2


# People -------------------------------------------------------------------------


def test_unmatched_authors_become_hidden_outside_coauthors_created_once(db):
    report = run(
        "@misc{a, title = {A}, author = {Grace Hopper and Alan Turing}}\n"
        "@misc{b, title = {B}, author = {Hopper, Grace}}"
    )
    assert report.people_created == 2
    grace = Person.objects.get(full_name="Grace Hopper")
    assert (grace.is_member, grace.role, grace.show_on_people_page) == (
        False,
        Person.Role.COLLABORATOR,
        False,
    )
    assert grace.authorships.count() == 2


def test_authors_link_to_members_by_name_and_name_variant(db, make_person):
    ada = make_person("Ada Lovelace")
    wang = make_person("Mingze Wang")
    NameVariant.objects.create(person=wang, name="Wang Mingze")
    run("@misc{a, title = {A}, author = {Lovelace, Ada and Wang Mingze}}")
    publication = Publication.objects.get()
    assert [a.person for a in publication.ordered_authorships()] == [ada, wang]


def test_initials_link_only_when_exactly_one_person_fits(db, make_person):
    ada = make_person("Ada Lovelace")
    make_person("Ming Wang")
    make_person("Mei Wang")
    report = run("@misc{a, title = {A}, author = {A. Lovelace and M. Wang}}")
    first, second = Publication.objects.get().ordered_authorships()
    assert first.person == ada
    assert first.display_name == "A. Lovelace"
    assert second.person.full_name == "M. Wang"
    assert not second.person.is_member
    assert any("'M. Wang' fits 2 people" in m for m in messages(report))


def test_themes_are_linked(db, make_theme):
    theme = make_theme("Optimisation")
    run("@misc{a, title = {A}}", themes=[theme])
    assert list(Publication.objects.get().themes.all()) == [theme]


@pytest.mark.parametrize(
    "name", ["Weinan E", "M. Wang", "van der Berg, Jr, Hans", "Jörg Töpfer", "Plato"]
)
def test_memoised_name_keys_equal_the_people_app_keys(name):
    parts = split_name(name)
    assert _keys(parts) == (parts.key, parts.initials_key, parts.is_initials_only)


@pytest.mark.parametrize(
    "text", ["O'Neil-Smith, Jr.", "  Weinan   E ", "Töpfer", "ŁÓDŹ", "x_y", "Straße"]
)
def test_memoised_fold_equals_the_site_fold(text):
    assert folded(text) == fold(text)


def test_a_string_macro_doubling_chain_is_capped_and_reported_with_its_line(db):
    # Forty doublings of 8 characters would be 8 TB if expanded.
    text = (
        '@string{s0 = "xxxxxxxx"}\n'
        + "".join(f"@string{{s{n} = s{n - 1} # s{n - 1}}}\n" for n in range(1, 41))
        + "@article{bomb, title = s40, year = 2020}\n"
        + "@article{fine, title = {Still Here} # { and Read}, author = {A B},"
        " year = 2021}\n"
    )
    report = run(text)
    bomb_line = 42
    [failure] = report.failures
    assert (failure.line, failure.key) == (bomb_line, "bomb")
    assert "s40" in failure.message
    assert "4 times the file's size" in failure.message
    assert any(
        "@string not understood" in w.message and "4 times the file's size" in w.message
        for w in report.warnings
    )
    assert (report.created, report.failed) == (1, 1)
    assert Publication.objects.get().title == "Still Here and Read"


def test_a_long_but_sane_macro_chain_still_expands():
    parsed = parse_bibtex(
        '@string{a = "ab"}\n@string{b = a # a # a}\n@article{k, title = b # "!"}\n'
    )
    assert parsed.entries[0].fields["title"] == "ababab!"


@pytest.mark.parametrize("year", ["-50", "50", "−50"])
def test_a_year_before_1000_says_what_is_wrong_and_where(db, year):
    report = run(
        "@misc{ancient,\n  title = {Old},\n  author = {Doe, Jane},\n"
        f"  year = {{{year}}},\n}}\n"
    )
    (problem,) = [p for p in report.warnings if "field year" in p.message]
    assert (problem.key, problem.line) == ("ancient", 1)
    assert problem.message.startswith(f"line 4, field year: '{year}' is not a year")
    assert "from 1000 to 9999" in problem.message
    publication = Publication.objects.get()
    assert (publication.year, publication.year_text) == (None, year)


@pytest.mark.parametrize(
    ("title", "stored", "named"),
    [
        (r"The {\MTeX} system", "The system", r"\MTeX"),
        (r"{\Qux}-\LaTeX\ and \Foo{kept}", "-LaTeX and kept", r"\Qux"),
        (r"\MTeX, \Qux and \MTeX", ", and", r"\MTeX, \Qux"),
    ],
)
def test_an_unknown_latex_command_left_out_of_a_title_is_named(
    db, title, stored, named
):
    report = run(f"@article{{a, title = {{{title}}}, year = 1990}}\n")
    assert Publication.objects.get().title == stored
    assert f"test.bib:1:a: title: unknown LaTeX {named} left out" in [
        str(problem) for problem in report.warnings
    ]


@pytest.mark.parametrize(
    "title", [r"The $\alpha \mathcal{O}$ bound", r"\relax A \protect\TeX\ book"]
)
def test_known_commands_and_math_are_not_named_as_left_out(db, title):
    report = run(f"@article{{a, title = {{{title}}}, year = 1990}}\n")
    assert not [p for p in report.warnings if "unknown LaTeX" in str(p)]


def test_a_title_of_unknown_latex_alone_fails_naming_it(db):
    report = run("@article{a, title = {{\\MTeX}}, year = 1990}\n")
    assert [str(problem) for problem in report.failures] == [
        "test.bib:1:a: no title: it holds only unknown LaTeX (\\MTeX)"
    ]
