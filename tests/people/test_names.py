"""Chinese, Japanese and Korean names: family name first, no space (issue 12)."""

from importlib import import_module

import pytest
from django.apps import apps
from django.urls import reverse

from people.models import Person
from people.names import is_cjk, printed_name, split_name
from publications.bibtex.importer import import_bibtex
from publications.models import Authorship


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("田中, 太郎", "田中太郎"),
        ("王, 明泽", "王明泽"),
        ("박, 지민", "박지민"),
        ("田中 太郎", "田中太郎"),
        ("王明泽", "王明泽"),
        ("Lovelace, Ada", "Ada Lovelace"),
        ("King, Jr, Martin Luther", "Martin Luther King, Jr"),
    ],
)
def test_cjk_names_are_printed_family_name_first_without_a_space(written, shown):
    assert split_name(written).display == shown


def test_a_cjk_name_without_a_comma_reads_family_name_first():
    parts = split_name("田中 太郎")
    assert (parts.family, parts.given) == ("田中", "太郎")
    assert parts.key == split_name("田中, 太郎").key


def test_is_cjk_needs_every_letter_in_those_scripts():
    assert [is_cjk(t) for t in ("田中", "박지민", "たなか・タロウ")] == [True] * 3
    assert [is_cjk(t) for t in ("Tanaka 太郎", "", "·")] == [False] * 3


def test_printed_name_reorders_only_the_same_name():
    assert printed_name("太郎 田中", given="太郎", family="田中") == "田中太郎"
    assert printed_name("T. Tanaka", given="太郎", family="田中") == "T. Tanaka"
    assert printed_name("Ada Lovelace", given="Ada", family="Lovelace") == (
        "Ada Lovelace"
    )


def test_a_person_saved_in_western_order_is_stored_as_shown(db):
    person = Person.objects.create(
        full_name="太郎 田中", given_name="太郎", family_name="田中"
    )
    assert person.full_name == person.display_name == "田中太郎"


@pytest.fixture
def tanaka_paper(make_publication, make_person):
    person = make_person("太郎 田中", given_name="太郎", family_name="田中")
    paper = make_publication("形態素解析", authors=[person, "Ada Plain"])
    # As an import before this rule printed it: Western order.
    Authorship.objects.filter(person=person).update(printed_name="太郎 田中")
    return paper


def test_every_page_prints_the_name_family_first(client, tanaka_paper):
    person = Person.objects.get(family_name="田中")
    pages = [
        reverse("publications:list"),
        tanaka_paper.get_absolute_url(),
        reverse("search") + "?q=形態素解析",
        person.get_absolute_url(),
        reverse("people:list"),
    ]
    for url in pages:
        html = client.get(url).text
        assert "田中太郎" in html, url
        assert "太郎 田中" not in html, url


def test_an_import_prints_cjk_authors_family_first(db):
    entry = (
        "@article{t1, title={形態素解析}, author={田中, 太郎 and 박, 지민},"
        " journal={J}, year={2024}}"
    )
    import_bibtex(sources=[("cjk.bib", entry)])
    names = list(
        Authorship.objects.order_by("position").values_list(
            "printed_name", "person__full_name"
        )
    )
    assert names == [("田中太郎", "田中太郎"), ("박지민", "박지민")]


def test_migration_stores_old_cjk_names_family_first(tanaka_paper, make_person):
    migration = import_module("publications.migrations.0009_cjk_names_family_first")
    plain = make_person("Ada Lovelace")
    person = Person.objects.get(family_name="田中")
    Person.objects.filter(pk=person.pk).update(full_name="太郎 田中")
    migration.family_first(apps, None)
    person.refresh_from_db()
    plain.refresh_from_db()
    assert person.full_name == "田中太郎"
    assert plain.full_name == "Ada Lovelace"
    assert set(
        Authorship.objects.filter(person=person).values_list("printed_name", flat=True)
    ) == {"田中太郎"}
