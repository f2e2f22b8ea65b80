"""One-letter conjunctions and initials inside family names (Catalan "i",
"L. Efros, Alexander") are part of the name, not signs of a prose list."""

import pytest

from publications.bibtex.importer import import_bibtex
from publications.bibtex.names import parse_names
from publications.models import Publication


@pytest.mark.parametrize(
    ("value", "displays"),
    [
        (
            "Fontcuberta I Morral, Anna and Chen, Weimin M",
            ["Anna Fontcuberta I Morral", "Weimin M Chen"],
        ),
        ("Ramon Y Cajal, Santiago", ["Santiago Ramon Y Cajal"]),
        ("Fontcuberta i Morral, Anna", ["Anna Fontcuberta i Morral"]),
    ],
)
def test_a_conjunction_inside_a_family_name_is_not_an_initial(value, displays):
    names = parse_names(value)
    assert names.warnings == []
    assert names.raw == ""
    assert [author.display for author in names.authors] == displays


def test_a_prose_list_with_initials_is_still_kept_whole():
    names = parse_names("M. Halle, J. Bresnan, and G. Miller")
    assert names.authors == []
    assert names.raw == "M. Halle, J. Bresnan, and G. Miller"
    names = parse_names("Halle M, Bresnan J")
    assert names.authors == []


@pytest.mark.parametrize(
    ("value", "displays"),
    [
        (
            "Vaxenburg, Roman and Lifshitz, Efrat and L. Efros, Alexander",
            ["Roman Vaxenburg", "Efrat Lifshitz", "Alexander L. Efros"],
        ),
        ("V. Naik, Vikrant and Isa, Lucio", ["Vikrant V. Naik", "Lucio Isa"]),
        ("Leontis, I. and G. Nassiopoulou, A.", ["I. Leontis", "A. G. Nassiopoulou"]),
        ("Pavan R., Arvind", ["Arvind Pavan R."]),
        ("K Mohseni, Parsian", ["Parsian K Mohseni"]),
        ("V D Hart, Andr{\\'e}", ["André V D Hart"]),
        ("Karpov S Yun, W S", ["W S Karpov S Yun"]),
        ("L. Efros, Alexander L.", ["Alexander L. L. Efros"]),
    ],
)
def test_an_initial_in_the_family_part_of_last_first_is_one_name(value, displays):
    names = parse_names(value)
    assert (names.raw, names.warnings) == ("", [])
    assert [author.display for author in names.authors] == displays


@pytest.mark.parametrize(
    "value",
    [
        "A. Smith, B. Jones, C. Brown",
        "A. Smith, B. Jones",
        "A. B. Smith, C. Jones and D. Brown",
        "Halle M, Bresnan J",
        "Doe, Jane and Halle M. A., Bresnan J.",
        "Henry E. Kyburg, Jr.",
        "G. Edward Barton, Jr. and Robert C. Berwick",
    ],
)
def test_names_separated_by_commas_without_and_are_still_kept_whole(value):
    names = parse_names(value)
    assert names.authors == []
    assert names.raw == value
    assert "does not follow BibTeX's rules" in names.warnings[0]


@pytest.mark.django_db
def test_the_catalan_author_list_imports_as_two_authorships():
    report = import_bibtex(
        sources=[
            (
                "n.bib",
                "@article{n1, title={Nanowires}, year={2010}, "
                "author={Fontcuberta I Morral, Anna and Chen, Weimin M}}",
            )
        ]
    )
    assert report.failed == 0
    publication = Publication.objects.get(bibtex_key="n1")
    assert [a.display_name for a in publication.ordered_authorships()] == [
        "Anna Fontcuberta I Morral",
        "Weimin M Chen",
    ]
    assert publication.authors_raw == ""


@pytest.mark.parametrize(
    ("value", "display"),
    [
        ("al- Ibn Sina, Abu", "Abu al-Ibn Sina"),
        ("Abu al- Ibn Sina", "Abu al-Ibn Sina"),
        ("el- Baradei, Mohamed", "Mohamed el-Baradei"),
        ("van der Berg, Anna", "Anna van der Berg"),
    ],
)
def test_a_particle_ending_in_a_hyphen_joins_the_family_name(value, display):
    assert [author.display for author in parse_names(value).authors] == [display]


@pytest.mark.django_db
def test_a_hyphenated_particle_is_printed_and_exported_joined():
    import_bibtex(
        sources=[
            (
                "a.bib",
                "@book{s, title={Canon}, year={1025}, author={al- Ibn Sina, Abu}}",
            )
        ]
    )
    publication = Publication.objects.get()
    authorship = publication.ordered_authorships()[0]
    assert authorship.display_name == "Abu al-Ibn Sina"
    assert authorship.person.family_name == "al-Ibn Sina"
