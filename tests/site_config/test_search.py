import pytest
from django.db import connection
from django.urls import reverse

from news.models import NewsPost
from site_config.search import search, terms_of


@pytest.fixture
def corpus(make_publication, make_person, make_theme):
    ada = make_person("Ada Transformer", interests="optimisation")
    make_person("Grace Hopper", bio="Works on transformer compilers.")
    theme = make_theme("Transformer theory", summary="Approximation.")
    abstract_only = make_publication(
        "Implicit bias of gradient descent",
        abstract="We study the transformer architecture in depth.",
        year=2024,
    )
    title_hit = make_publication(
        "Expressivity of the Transformer", year=2020, authors=["Zed Author"]
    )
    by_author = make_publication("Flat minima", authors=[ada], year=2023)
    make_publication("Unrelated study", abstract="Nothing here.")
    return {
        "ada": ada,
        "theme": theme,
        "abstract_only": abstract_only,
        "title_hit": title_hit,
        "by_author": by_author,
    }


def test_title_and_name_matches_come_before_other_fields(corpus):
    hits = search("transformer")
    titles = [hit.title for hit in hits]
    first_tier = {
        "Expressivity of the Transformer",
        "Ada Transformer",
        "Transformer theory",
    }
    assert set(titles[:3]) == first_tier
    assert titles.index("Implicit bias of gradient descent") > 2
    assert "Grace Hopper" in titles[3:]
    assert "Unrelated study" not in titles
    kinds = {hit.kind for hit in hits[:3]}
    assert kinds == {"publication", "person", "theme"}


def test_every_word_must_match_somewhere(corpus):
    titles = [hit.title for hit in search("transformer depth")]
    assert titles == ["Implicit bias of gradient descent"]


def test_author_names_find_their_publications(corpus):
    hits = [(hit.kind, hit.title) for hit in search("Zed")]
    assert hits == [
        ("person", "Zed Author"),
        ("publication", "Expressivity of the Transformer"),
    ]


def test_snippet_marks_the_matched_word(corpus):
    hit = next(h for h in search("architecture") if h.kind == "publication")
    assert "<mark>architecture</mark>" in hit.snippet


def test_search_is_case_insensitive_and_ignores_operators(corpus):
    assert terms_of('  "TRANSFORMER" & | ') == ["TRANSFORMER"]
    assert search("TRANSFORMER")[0].tier == 2


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="stemming needs PostgreSQL's search"
)
def test_postgres_full_text_search_stems_words(corpus):
    titles = [hit.title for hit in search("transformers")]
    assert "Expressivity of the Transformer" in titles[:3]
    assert "Implicit bias of gradient descent" in titles


def test_search_page_lists_ranked_hits(client, corpus, django_assert_max_num_queries):
    # 10 today: 7 sources (publications, people, themes, grants, news, talks,
    # courses), authors, 2 for base.
    with django_assert_max_num_queries(12):
        response = client.get(reverse("search"), {"q": "transformer"})
    assert response.status_code == 200
    text = response.text
    assert text.index("Expressivity of the Transformer") < text.index(
        "Implicit bias of gradient descent"
    )
    assert 'value="transformer"' in text


def test_empty_and_unmatched_queries_explain_themselves(client, corpus):
    assert "Search publications" in client.get(reverse("search")).text
    response = client.get(reverse("search"), {"q": "zzzqqq"})
    assert "Nothing matches “zzzqqq”" in response.text
    response = client.get(reverse("search"), {"q": "!!!"})
    assert "Type a word" in response.text


@pytest.mark.parametrize(
    ("typed", "name", "marked"),
    [
        ("Lahner", "Zorah Lähner", "Zorah <mark>Lähner</mark>"),
        ("rodola", "Emanuele Rodolà", "Emanuele <mark>Rodolà</mark>"),
        ("Penaloza", "Peñaloza", "<mark>Peñaloza</mark>"),
    ],
)
def test_search_ignores_accents_and_case(make_publication, typed, name, marked):
    make_publication("Spectral shape matching", authors=[name, "Ada Plain"])
    make_publication("Unrelated study")
    hits = search(typed)
    assert [(hit.kind, hit.title) for hit in hits] == [
        ("person", name),
        ("publication", "Spectral shape matching"),
    ]
    # The author list reads with commas, the matched name marked.
    assert hits[1].authors == f"{marked}, Ada Plain"


def test_search_page_lists_authors_with_commas(client, make_publication):
    make_publication("Shape matching", authors=["Zorah Lähner", "Ada Plain", "Bo Li"])
    html = client.get(reverse("search"), {"q": "shape"}).text
    assert '<p class="search-hit__authors">Zorah Lähner, Ada Plain, Bo Li</p>' in html


def test_the_summary_counts_each_kind_with_its_own_plural(
    client, make_publication, make_person
):
    make_person("Ada Spectral")
    make_person("Bo Spectral")
    make_publication("Spectral shape matching")
    NewsPost.objects.create(title="Spectral news", date="2026-01-01", body="x")
    NewsPost.objects.create(title="More spectral news", date="2026-01-02", body="x")
    html = client.get(reverse("search"), {"q": "spectral"}).text
    summary = html.split('class="result-summary"', 1)[1].split("</p>", 1)[0]
    assert "2 people" in summary
    assert "1 publication" in summary
    assert "2 news posts" in summary
    assert "legend--numbers" in html
    assert "newss" not in summary
    assert "persons" not in summary


def test_the_numbers_legend_shows_only_with_publication_hits(client, make_person):
    make_person("Ada Spectral")
    html = client.get(reverse("search"), {"q": "spectral"}).text
    assert "1 person" in html
    assert "legend--numbers" not in html
