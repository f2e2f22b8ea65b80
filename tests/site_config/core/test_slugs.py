"""Slugs in any script (site_config.core.text.slug_base, unique_slug)."""

import pytest

from people.models import Person
from publications.models import Publication
from site_config.core.text import slug_base

TITLES = {
    "深度学习综述": "shen-du-xue-xi-zong-shu",
    "日本語の形態素解析": "ri-ben-yu-no-xing-tai-su-jie-xi",
    "Обзор методов оптимизации": "obzor-metodov-optimizatsii",
    "Erdős–Rényi graphs": "erdos-renyi-graphs",
    "Straße": "strasse",
}


@pytest.mark.parametrize(("title", "slug"), TITLES.items())
def test_titles_in_any_script_give_slugs_of_their_own_words(title, slug):
    assert slug_base(title) == slug


@pytest.mark.parametrize("order", [list(TITLES), list(reversed(TITLES))])
def test_slugs_do_not_depend_on_the_order_rows_are_made(db, order):
    for title in order:
        Publication.objects.create(title=title, year=2024)
    assert dict(Publication.objects.values_list("title", "slug")) == TITLES


def test_names_in_any_script_give_meaningful_slugs(db):
    assert Person.objects.create(full_name="박지민").slug == "bag-ji-min"
    assert Person.objects.create(full_name="王明泽").slug == "wang-ming-ze"
    assert Person.objects.create(full_name="Иван Петров").slug == "ivan-petrov"


def test_symbols_only_still_get_a_slug():
    assert slug_base("*** !!! ***") == "item"
