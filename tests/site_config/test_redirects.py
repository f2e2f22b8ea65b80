"""A changed slug keeps answering with a permanent redirect (site_config.redirects)."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from people.models import Person
from publications.models import Publication
from research.models import ResearchTheme
from site_config.models import OldSlug


def _rename(obj, slug):
    obj.slug = slug
    obj.save()
    return obj


@pytest.mark.parametrize(
    ("make", "name"),
    [
        (
            lambda: Publication.objects.create(title="Old title", year=2024),
            "publication",
        ),
        (lambda: Person.objects.create(full_name="Old Name"), "person"),
        (lambda: ResearchTheme.objects.create(title="Old theme"), "theme"),
    ],
)
def test_old_url_redirects_permanently_to_the_new_one(client, db, make, name):
    obj = make()
    old_url = obj.get_absolute_url()
    _rename(obj, "new-slug")
    response = client.get(old_url + "?from=mail")
    assert response.status_code == 301, name
    assert response["Location"] == obj.get_absolute_url() + "?from=mail"
    assert client.get(response["Location"]).status_code == 200


def test_pages_under_the_old_address_follow_it(client, make_publication):
    paper = make_publication("Old title")
    _rename(paper, "new-title")
    response = client.get("/publications/old-title/cite.bib")
    assert response.status_code == 301
    assert response["Location"] == reverse(
        "publications:export_bibtex", kwargs={"slug": "new-title"}
    )


def test_every_earlier_slug_redirects_and_taking_one_back_frees_it(client, db):
    theme = ResearchTheme.objects.create(title="First")
    _rename(theme, "second")
    _rename(theme, "third")
    for old in ("first", "second"):
        response = client.get(f"/research/{old}/")
        assert response["Location"] == "/research/third/"
    _rename(theme, "first")
    assert client.get("/research/first/").status_code == 200
    assert set(OldSlug.objects.values_list("slug", flat=True)) == {"second", "third"}


def test_a_new_object_with_an_old_slug_wins_and_deletion_forgets(client, db):
    old = Person.objects.create(full_name="Ada One", slug="ada")
    _rename(old, "ada-one")
    newcomer = Person.objects.create(full_name="Ada Two", slug="ada")
    assert client.get("/people/ada/").context["person"] == newcomer
    assert not OldSlug.objects.filter(slug="ada").exists()
    _rename(old, "ada-1")
    old.delete()
    assert not OldSlug.objects.exists()
    assert client.get("/people/ada-one/").status_code == 404


def test_unknown_addresses_stay_404(client, db):
    assert client.get("/publications/never-was/").status_code == 404


def test_reslug_gives_item_slugs_meaning_and_keeps_them_answering(client, db):
    titles = ["深度学习综述", "日本語の形態素解析", "Обзор методов оптимизации"]
    for n, title in enumerate(titles):
        paper = Publication.objects.create(title=title, year=2024)
        Publication.objects.filter(pk=paper.pk).update(
            slug="item" if n == 0 else f"item-{n + 1}"
        )
    report = io.StringIO()
    call_command("reslug", "--dry-run", stdout=report)
    assert "Would change 3 slugs." in report.getvalue()
    assert set(Publication.objects.values_list("slug", flat=True)) == {
        "item",
        "item-2",
        "item-3",
    }
    call_command("reslug", stdout=io.StringIO())
    assert dict(Publication.objects.values_list("title", "slug")) == {
        "深度学习综述": "shen-du-xue-xi-zong-shu",
        "日本語の形態素解析": "ri-ben-yu-no-xing-tai-su-jie-xi",
        "Обзор методов оптимизации": "obzor-metodov-optimizatsii",
    }
    response = client.get("/publications/item-3/")
    assert response.status_code == 301
    assert response["Location"] == "/publications/obzor-metodov-optimizatsii/"


def test_filters_and_downloads_with_an_old_theme_or_person_slug_still_filter(
    client, make_publication, make_person, make_theme
):
    ada = make_person("Ada Lovelace")
    theory = make_theme("Theory")
    make_publication("Ada's Theory Paper", authors=[ada], themes=[theory])
    make_publication("Someone Else's Paper", authors=["Alan Turing"])
    old_theme, old_person = theory.slug, ada.slug
    _rename(theory, "theory-of-learning")
    _rename(ada, "ada-king")
    for params in ({"theme": old_theme}, {"person": old_person}):
        html = client.get(reverse("publications:list"), params).text
        assert "Ada&#x27;s Theory Paper" in html or "Ada's Theory Paper" in html
        assert "Someone Else" not in html, params
        bib = client.get(reverse("publications:list_bibtex"), params).text
        assert "Theory Paper" in bib
        assert "Someone Else" not in bib, params
    # An unknown slug is still reported and filters nothing.
    html = client.get(reverse("publications:list"), {"theme": "nowhere"}).text
    assert "There is no research theme" in html
