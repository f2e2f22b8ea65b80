"""The one text fold, in Python and in SQL (site_config.core.text, .lookups)."""

import pytest

from people.models import Person
from site_config.core.lookups import Fold
from site_config.core.text import fold, fold_spans, words_of


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Lahner", "Zorah Lähner"),
        ("rodola", "Emanuele Rodolà"),
        ("Penaloza", "Peñaloza"),
    ],
)
def test_folded_lookup_ignores_accents_and_case(db, typed, stored):
    Person.objects.create(full_name=stored)
    Person.objects.create(full_name="Someone Else")
    assert list(
        Person.objects.filter(full_name__folded=typed).values_list(
            "full_name", flat=True
        )
    ) == [stored]
    # And the other way round: a query typed with accents finds plain text.
    Person.objects.create(full_name=fold(stored).title())
    assert Person.objects.filter(full_name__folded=stored.split()[-1]).count() == 2


def test_folded_lookup_treats_wildcards_as_text(db):
    Person.objects.create(full_name="Ada Lovelace")
    Person.objects.create(full_name="snake_case Person")
    assert Person.objects.filter(full_name__folded="a_a").count() == 0
    assert Person.objects.filter(full_name__folded="e_c").count() == 1


def test_fold_function_folds_in_sql_as_in_python(db):
    Person.objects.create(full_name="Émile Žižek")
    folded = Person.objects.annotate(f=Fold("full_name")).values_list("f", flat=True)
    assert fold(folded.get()) == fold("Émile Žižek")


def test_fold_spans_index_the_original_text():
    text = "Emanuele Rodolà and Zorah Lähner, Straße"
    spans = fold_spans(text, ["rodola", "LAHNER", "strasse"])
    assert [text[a:b] for a, b in spans] == ["Rodolà", "Lähner", "Straße"]


def test_words_of_keeps_each_word_once_whatever_its_accents():
    assert words_of('  "Lähner" lahner & | Rodolà ') == ["Lähner", "Rodolà"]
