"""Views read, templates only show: rendering a page's template runs no query.

The view's context and the context processors are worked out first, as the
benchmark does (benchmarks/run.py), then the template renders from them alone.
Citations inside Markdown are resolved by the page's citation scope, so the
pages here cite nothing.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context
from django.test import RequestFactory
from django.urls import resolve, reverse


def _render_template_alone(url, django_assert_num_queries):
    request = RequestFactory().get(url)
    request.user = AnonymousUser()
    match = resolve(url.split("?")[0])
    response = match.func(request, *match.args, **match.kwargs)
    template = response.resolve_template(response.template_name).template
    values = dict(response.context_data)
    for processor in template.engine.template_context_processors:
        values.update(processor(request))
    context = Context(values)
    context.request = request
    with django_assert_num_queries(0):
        html = template.render(context)
    return html


@pytest.fixture
def group(make_person, make_theme, make_publication):
    ada = make_person("Ada Lovelace", is_member=True)
    bob = make_person("Bob Smith")
    theory = make_theme("Theory")
    make_theme("Optimization", parent=theory)
    for year in (2022, 2023, 2024):
        make_publication(
            f"Paper {year}", year=year, authors=[ada, bob], themes=[theory]
        )
    make_publication("Draft", year=2024, status="preprint", authors=[ada])
    return {"ada": ada, "theory": theory}


@pytest.mark.parametrize(
    "query", ["", "?year=2024", "?theme=theory&person=ada-lovelace", "?page=2"]
)
def test_publications_list_template_runs_no_query(
    group, query, django_assert_num_queries
):
    html = _render_template_alone(
        reverse("publications:list") + query, django_assert_num_queries
    )
    assert "pub-title" in html


def test_theme_and_home_templates_run_no_query(group, django_assert_num_queries):
    theme = _render_template_alone(
        group["theory"].get_absolute_url(), django_assert_num_queries
    )
    assert "Paper 2024" in theme
    home = _render_template_alone(reverse("home"), django_assert_num_queries)
    assert "Paper 2024" in home


def test_person_template_runs_no_query(group, django_assert_num_queries):
    html = _render_template_alone(
        group["ada"].get_absolute_url(), django_assert_num_queries
    )
    assert "Paper 2024" in html
