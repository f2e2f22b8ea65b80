from django.urls import reverse

from research.models import ResearchTheme


def test_research_page_shows_the_theme_tree_nested(client, make_theme):
    theory = make_theme("Deep Learning Theory", summary="theory and algorithms")
    make_theme("Optimization", parent=theory, description="Why **global** minima?")
    make_theme("Hidden", is_active=False)
    html = client.get(reverse("research:list")).text
    outer = html.index("Deep Learning Theory")
    nested = html.index('theme-tree--nested"')
    assert outer < nested < html.index("Optimization")
    assert "theory and algorithms" in html
    assert "<strong>global</strong>" in html
    assert "Hidden" not in html


def test_theme_page_shows_breadcrumb_sub_themes_and_people(
    client, make_theme, make_person
):
    theory = make_theme("Deep Learning Theory")
    optimization = make_theme("Optimization", parent=theory, summary="Convergence")
    make_theme("Landscapes", parent=optimization)
    optimization.people.add(make_person("Ada Lovelace"))
    html = client.get(optimization.get_absolute_url()).text
    crumbs = html[
        html.index('class="breadcrumb"') : html.index(
            "</nav>", html.index('class="breadcrumb"')
        )
    ]
    assert crumbs.index("Research") < crumbs.index("Deep Learning Theory")
    assert crumbs.index("Deep Learning Theory") < crumbs.index("Optimization")
    assert "Landscapes" in html[html.index('id="subthemes-heading"') :]
    assert "Ada Lovelace" in html[html.index('id="theme-people-heading"') :]


def test_theme_page_lists_its_and_its_sub_themes_publications_apart(
    client, make_theme, make_publication
):
    theory = make_theme("Theory")
    optimization = make_theme("Optimization", parent=theory)
    make_publication("Root Paper", themes=[theory], authors=["Ada Lovelace"])
    make_publication("Child Paper", themes=[optimization], year=2023)
    make_publication("Child Preprint", themes=[optimization], status="preprint")
    make_publication("Unrelated Paper", themes=[make_theme("Other")])
    html = client.get(theory.get_absolute_url()).text
    preprints = html.index('id="preprints-heading"')
    assert html.index("Root Paper") < html.index("Child Paper") < preprints
    assert html.index("Child Preprint") > preprints
    assert "Unrelated Paper" not in html
    assert "[2]" in html
    assert "indicates equal contribution" in html


def test_inactive_or_unknown_theme_is_a_404(client, make_theme):
    hidden = make_theme("Hidden", is_active=False)
    assert client.get(hidden.get_absolute_url()).status_code == 404
    unknown = reverse("research:detail", kwargs={"slug": "no-such-theme"})
    assert client.get(unknown).status_code == 404
    assert ResearchTheme.objects.count() == 1


def test_theme_page_includes_publications_its_description_cites(
    client, make_theme, make_publication
):
    make_publication("Cited Only", bibtex_key="cited2024")
    make_publication("Not Cited", bibtex_key="other2024")
    theme = make_theme("Theory", description="As shown in [@cited2024].")
    html = client.get(theme.get_absolute_url()).text
    assert "Cited Only" in html[html.index('id="publications-heading"') :]
    assert "Not Cited" not in html


def test_theme_page_lists_the_newest_and_links_to_the_rest(
    client, make_theme, make_publication, monkeypatch
):
    from research import views

    monkeypatch.setattr(views, "LISTED_PUBLICATIONS", 1)
    theme = make_theme("Theory")
    make_publication("Older", themes=[theme], year=2020)
    make_publication("Newer", themes=[theme], year=2024)
    html = client.get(theme.get_absolute_url()).text
    assert "Newer" in html
    assert "Older" not in html
    assert f"?theme={theme.slug}" in html
    assert "All 2 publications</a>" in html
