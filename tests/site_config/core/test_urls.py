import pytest
from django.template import Context, Template
from django.test import override_settings
from django.urls import NoReverseMatch, get_script_prefix, reverse, set_script_prefix

from site_config.core import urls as urls_module
from site_config.core.urls import kept_reverse, model_url


@pytest.fixture
def script_prefix():
    previous = get_script_prefix()
    yield set_script_prefix
    set_script_prefix(previous)


def test_model_url_is_what_reverse_gives():
    assert model_url("people:detail", slug="ada") == reverse(
        "people:detail", kwargs={"slug": "ada"}
    )


def test_model_url_follows_the_script_prefix(script_prefix):
    assert model_url("people:detail", slug="ada") == "/people/ada/"
    script_prefix("/mirror/site/")
    assert model_url("people:detail", slug="ada") == "/mirror/site/people/ada/"
    script_prefix("/")
    assert model_url("people:detail", slug="ada") == "/people/ada/"


def test_model_url_follows_the_url_conf():
    before = model_url("people:detail", slug="ada")
    with override_settings(ROOT_URLCONF="tests.site_config.core.urls_elsewhere"):
        assert model_url("people:detail", slug="ada") == "/elsewhere/ada/"
    assert model_url("people:detail", slug="ada") == before


def test_model_url_raises_as_reverse_does():
    with pytest.raises(NoReverseMatch):
        model_url("people:detail", slug="not a slug")


def test_a_renamed_slug_gives_the_new_address(make_person):
    person = make_person("Ada Lovelace")
    old = person.get_absolute_url()
    person.slug = "ada-king"
    person.save()
    assert person.get_absolute_url() == reverse(
        "people:detail", kwargs={"slug": "ada-king"}
    )
    assert person.get_absolute_url() != old


def test_model_urls_of_themes_and_publications_follow_the_prefix(
    script_prefix, make_theme, make_publication
):
    theme = make_theme("Optics")
    publication = make_publication("Light")
    plain = (theme.get_absolute_url(), publication.get_absolute_url())
    script_prefix("/sub/")
    assert theme.get_absolute_url() == "/sub" + plain[0]
    assert publication.get_absolute_url() == "/sub" + plain[1]


def test_kept_reverse_keeps_positional_and_current_app_apart():
    assert kept_reverse("people:detail", ["ada"]) == reverse(
        "people:detail", args=["ada"]
    )
    assert kept_reverse("people:list", current_app="people") == reverse("people:list")


def _render(source, **context):
    return Template("{% load labsite %}" + source).render(Context(context))


def test_kept_url_tag_renders_what_the_url_tag_does(script_prefix):
    for source in (
        "{% url 'people:detail' slug=s %}",
        "{% url 'people:detail' s %}|{% url 'publications:list' %}",
        "{% url 'people:detail' slug=s as v %}[{{ v }}]",
        "{% url 'no:such' as v %}[{{ v }}]",
    ):
        kept = source.replace("{% url ", "{% kept_url ")
        assert _render(kept, s="ada") == _render(source, s="ada")
        script_prefix("/sub/")
        assert _render(kept, s="ada") == _render(source, s="ada")
        script_prefix("/")


def test_kept_url_tag_raises_on_an_unknown_name_without_as():
    with pytest.raises(NoReverseMatch):
        _render("{% kept_url 'no:such' %}")


def test_kept_url_tag_keeps_a_templates_names(monkeypatch):
    calls = []
    original = urls_module.reverse

    def counted(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(urls_module, "reverse", counted)
    first = _render("{% kept_url 'people:detail' slug=s %}", s="kept-once")
    assert _render("{% kept_url 'people:detail' slug=s %}", s="kept-once") == first
    assert len(calls) == 1


def test_kept_reverse_tells_true_from_one():
    assert kept_reverse("people:detail", kwargs={"slug": 1}) == reverse(
        "people:detail", kwargs={"slug": 1}
    )
    assert kept_reverse("people:detail", kwargs={"slug": True}) == reverse(
        "people:detail", kwargs={"slug": True}
    )
