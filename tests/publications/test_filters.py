import itertools

import pytest
from django.urls import reverse

from publications.filters import apply_filters, facet_counts, grouped_rows, years_of
from publications.models import Publication
from research.models import ResearchTheme
from site_config.core.text import fold, words_of


@pytest.fixture
def shelf(make_publication, make_person, make_theme):
    ada = make_person("Ada Lovelace")
    bob = make_person("Bob Babbage")
    theory = make_theme("Theory", description="Classic: [@classic].")
    bias = make_theme("Implicit bias", parent=theory)
    make_publication("A", year=2024, kind="article", authors=[ada], themes=[bias])
    make_publication(
        "B", year=2024, kind="conference", status="preprint", authors=[ada, bob]
    )
    make_publication("C", year=2023, kind="conference", authors=[bob], themes=[theory])
    make_publication("Classic", year=2019, bibtex_key="classic", is_selected=True)
    tree = ResearchTheme.objects.active().tree()
    return {"ada": ada, "bob": bob, "tree": tree}


def titles(queryset):
    return sorted(queryset.values_list("title", flat=True))


def test_filters_combine(shelf):
    values = {"year": 2024, "person": shelf["ada"].slug, "type": "conference"}
    result = apply_filters(Publication.objects.all(), values, theme_tree=shelf["tree"])
    assert titles(result) == ["B"]


def test_theme_filter_covers_subthemes_and_cited_publications(shelf):
    result = apply_filters(
        Publication.objects.all(), {"theme": "theory"}, theme_tree=shelf["tree"]
    )
    assert titles(result) == ["A", "C", "Classic"]


def test_facet_counts_keep_the_other_filters(shelf, django_assert_max_num_queries):
    values = {"year": 2024}
    # One grouped query, the person and theme facets, the cited keys.
    with django_assert_max_num_queries(4):
        facets = facet_counts(values, theme_tree=shelf["tree"])
    # Year counts ignore the year filter itself: picking 2023 would show one.
    assert facets.year == {2024: 2, 2023: 1, 2019: 1}
    assert facets.type == {"article": 1, "conference": 1}
    assert facets.status == {"published": 1, "preprint": 1}
    assert facets.person == {shelf["ada"].slug: 2, shelf["bob"].slug: 1}
    assert facets.theme == {"theory": 1, "implicit-bias": 1}
    assert facets.selected == 0
    assert facets.of("year", 2023) == 1
    assert facets.of("type", "thesis") == 0


def test_facet_counts_without_filters(shelf):
    facets = facet_counts({}, theme_tree=shelf["tree"])
    assert facets.theme == {"theory": 3, "implicit-bias": 1}
    assert facets.selected == 1
    assert sum(facets.year.values()) == 4


def test_person_facet_counts_only_the_people_offered(shelf, django_assert_num_queries):
    with django_assert_num_queries(4) as everyone:
        facet_counts({"year": 2024}, theme_tree=shelf["tree"])
    with django_assert_num_queries(len(everyone.captured_queries)):
        facets = facet_counts(
            {"year": 2024}, theme_tree=shelf["tree"], people=[shelf["bob"]]
        )
    assert facets.person == {shelf["bob"].slug: 1}
    # The other facets are untouched by the restriction.
    assert facets.year == {2024: 2, 2023: 1, 2019: 1}


def test_every_facet_count_is_what_picking_the_value_shows(shelf):
    """The counts derived from one grouped query agree with filtering for real,
    for every combination of the filters."""
    tree = shelf["tree"]
    options = {
        "year": [None, 2024],
        "type": [None, "conference"],
        "status": [None, "preprint"],
        "selected": [False, True],
        "theme": [None, "theory"],
        "person": [None, shelf["ada"].slug],
    }
    offered = {
        "year": [2024, 2023, 2019],
        "type": ["article", "conference"],
        "status": ["published", "preprint"],
        "theme": ["theory", "implicit-bias"],
        "person": [shelf["ada"].slug, shelf["bob"].slug],
    }
    everything = Publication.objects.all()
    for combination in itertools.product(*options.values()):
        values = dict(zip(options, combination, strict=True))
        facets = facet_counts(values, theme_tree=tree)
        for name, picks in offered.items():
            for pick in picks:
                shown = apply_filters(
                    everything, {**values, name: pick}, theme_tree=tree
                ).count()
                assert facets.of(name, pick) == shown, (values, name, pick)
        picked = apply_filters(
            everything, {**values, "selected": True}, theme_tree=tree
        )
        assert facets.selected == picked.count(), values
        matching = apply_filters(everything, values, theme_tree=tree)
        expected = [
            row for row in matching.year_counts() if row["published"] + row["preprints"]
        ]
        assert facets.year_counts(values) == expected, values


def test_grouped_rows_serve_every_year_and_the_chart(shelf):
    rows = grouped_rows(
        Publication.objects.all(),
        {"person": shelf["bob"].slug},
        theme_tree=shelf["tree"],
    )
    # The person flag narrows nothing by itself: every year is still offered.
    assert years_of(rows) == [2024, 2023, 2019]
    facets = facet_counts({}, theme_tree=shelf["tree"], rows=rows)
    assert facets.chart_counts() == [
        (2019, 1),
        (2020, 0),
        (2021, 0),
        (2022, 0),
        (2023, 1),
        (2024, 2),
    ]


def test_filter_index_lists_each_choice_items_and_the_unfiltered_pages(shelf, client):
    # What the static copy filters with in the browser (static/js/mirror.js).
    index = client.get(reverse("publications:filter_index")).json()
    pk = dict(Publication.objects.values_list("title", "pk"))
    assert sorted(pk for page in index["pages"] for pk in page) == sorted(pk.values())
    values = index["values"]
    assert sorted(values["year"]["2024"]) == sorted([pk["A"], pk["B"]])
    assert sorted(values["theme"]["theory"]) == sorted(
        [pk["A"], pk["C"], pk["Classic"]]
    )
    assert sorted(values["person"][shelf["ada"].slug]) == sorted([pk["A"], pk["B"]])
    assert values["selected"] == {"on": [pk["Classic"]]}
    assert values["status"]["preprint"] == [pk["B"]]


def test_filter_index_follows_old_slugs_as_the_live_form_does(shelf, client):
    ada, theory = shelf["ada"], ResearchTheme.objects.get(slug="theory")
    old_person, old_theme = ada.slug, theory.slug
    ada.slug, theory.slug = "ada-king", "computing-theory"
    ada.save()
    theory.save()
    index = client.get(reverse("publications:filter_index")).json()
    assert index["renamed"] == {
        "person": {old_person: "ada-king"},
        "theme": {old_theme: "computing-theory"},
    }
    # A slug taken back is no longer an old one; the one left is.
    ada.slug = old_person
    ada.save()
    again = client.get(reverse("publications:filter_index")).json()
    assert again["renamed"]["person"] == {"ada-king": old_person}


def test_word_index_finds_what_the_words_filter_finds(
    make_publication, make_person, client, django_assert_max_num_queries
):
    # The static copy filters by words in the browser from words.json: a
    # word folded (accents, case, punctuation) is looked for in each item's
    # text, so the items it keeps must be those the live filter keeps.
    lahner = make_person("Zorah Lähner")
    make_publication("Graph-based Shape Matching", venue="CVPR", authors=[lahner])
    make_publication(
        "Spectral methods", venue="SIGGRAPH Asia", keywords="geometry, shapes"
    )
    make_publication("Ångström-scale imaging", venue="Nature")
    with django_assert_max_num_queries(2):
        texts = Publication.objects.all().word_texts()
    served = client.get(reverse("publications:word_index")).json()["words"]
    assert served == {str(pk): text for pk, text in texts.items()}
    pk = dict(Publication.objects.values_list("title", "pk"))
    assert (
        texts[pk["Graph-based Shape Matching"]].split("\n")
        == [
            "graph based shape matching",
            "cvpr",
            "zorah lahner",
            "zorah lahner",
        ][: len(texts[pk["Graph-based Shape Matching"]].split("\n"))]
    )
    for query in ["lahner", "SHAPE", "graph-based", "angstrom", "asia geometry", "zz"]:
        words = [fold(word) for word in words_of(query)]
        in_browser = {p for p, text in texts.items() if all(w in text for w in words)}
        live = set(
            Publication.objects.matching_words(words_of(query)).values_list(
                "pk", flat=True
            )
        )
        assert in_browser == live, query
    assert {p for p, text in texts.items() if "lahner" in text} == {
        pk["Graph-based Shape Matching"]
    }
