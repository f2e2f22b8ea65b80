import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from people.models import Person
from site_config.models import NavigationLink, SiteProfile


def test_home_shows_the_group_text_from_the_profile(client, db):
    profile = SiteProfile.load()
    profile.group_name = "Learning Dynamics Group"
    profile.introduction = "We study **learning**."
    profile.save()
    html = client.get(reverse("home")).text
    assert '<h1 id="group-heading">Learning Dynamics Group</h1>' in html
    assert "<strong>learning</strong>" in html
    assert "<title>Learning Dynamics Group</title>" in html


def test_home_outlines_themes_and_lists_publications_and_people(
    client, make_theme, make_publication, make_person
):
    theory = make_theme("Deep Learning Theory", summary="theory first")
    make_theme("Optimization", parent=theory)
    pi = make_person("Pia Lead", role=Person.Role.PI)
    make_person("Gone Away", role=Person.Role.ALUMNI)
    make_publication("Chosen Paper", authors=[pi], is_selected=True, year=2020)
    make_publication("Recent Paper", authors=[pi], year=2024)
    make_publication("Recent Draft", authors=[pi], status="preprint")
    html = client.get(reverse("home")).text
    research = html.index('id="research-heading"')
    assert research < html.index("Deep Learning Theory") < html.index("Optimization")
    assert "theory first" in html
    selected = html.index('id="selected-heading"')
    recent = html.index('id="recent-publications-heading"')
    preprints = html.index('id="recent-preprints-heading"')
    assert selected < html.index("Chosen Paper") < recent
    assert recent < html.index("Recent Paper") < preprints < html.index("Recent Draft")
    people = html[html.index('id="people-heading"') :]
    assert "Pia Lead" in people
    assert "Gone Away" not in people


def test_home_lists_chosen_coauthors_with_affiliations(
    client, make_person, make_affiliation
):
    outside = make_person(
        "Celia Marchetti",
        is_member=False,
        role="collaborator",
        show_on_people_page=True,
    )
    make_affiliation(outside, "Northbridge University", department="Mathematics")
    html = client.get(reverse("home")).text
    assert "Mathematics, Northbridge University." in html


def test_navigation_comes_from_the_editable_links(client, db):
    NavigationLink.objects.create(label="Teaching", url="/teaching/", order=1)
    NavigationLink.objects.create(label="Secret", url="/s/", is_visible=False)
    html = client.get(reverse("home")).text
    nav = html[html.index('aria-label="Main"') : html.index("</nav>")]
    assert '<a href="/teaching/">Teaching</a>' in nav
    assert "Secret" not in nav


def test_layout_has_landmarks_and_a_skip_link(client, db):
    html = client.get(reverse("people:list")).text
    assert '<a class="skip-link" href="#main">' in html
    for landmark in ["<header", "<nav", '<main id="main"', "<footer"]:
        assert landmark in html
    assert '<html lang="en">' in html


def test_missing_page_gets_the_friendly_404(client, db):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert f'href="{reverse("publications:list")}"' in response.text


def test_500_page_renders_without_request_or_database():
    # No db fixture: any query here would fail the test.
    html = render_to_string("500.html")
    assert "Something went wrong" in html
    assert "/static/css/site.css" in html


@pytest.mark.parametrize(
    "name", ["home", "research:list", "people:list", "publications:list"]
)
def test_every_page_loads_the_one_stylesheet_and_no_outside_asset(client, db, name):
    html = client.get(reverse(name)).text
    assert '<link rel="stylesheet" href="/static/css/site.css">' in html
    assert "cdn" not in html.lower()
    assert "style=" not in html


def test_stylesheet_has_dark_mode_focus_and_a_print_cv_layout():
    css = (settings.BASE_DIR / "static" / "css" / "site.css").read_text()
    assert "@media (prefers-color-scheme: dark)" in css
    assert ":focus-visible" in css
    print_rules = css[css.index("@media print") :]
    for hidden in [".site-nav", ".filter-bar", ".pub-actions", ".pager"]:
        assert hidden in print_rules


def test_journal_issue_number_is_not_taken_for_a_list_number(client, make_publication):
    """An issue number ("7") is a field of the paper; the home page's unnumbered
    "Selected" list must not show it as "[7]", and citations beside it must
    still number from the page's own lists."""
    cited = make_publication(
        "Cited Paper", bibtex_key="cited2024", number="7", is_selected=True
    )
    profile = SiteProfile.load()
    profile.introduction = "We showed it [@cited2024]."
    profile.save()

    response = client.get(reverse("home"))

    assert response.status_code == 200
    html = response.text
    selected = html[html.index("Selected publications") :]
    selected = selected[: selected.index("</ol>")]
    assert "[7]" not in selected
    assert cited.get_absolute_url() in selected


def test_home_lists_people_by_role_then_display_order(client, make_person):
    make_person("Sam Staff", role=Person.Role.STAFF, display_order=1)
    make_person("Pat Postdoc", role=Person.Role.POSTDOC, display_order=50)
    make_person("Phil Student", role=Person.Role.PHD, display_order=2)
    make_person("Ann Advisor", role=Person.Role.PI, display_order=90)
    make_person("Paula Postdoc", role=Person.Role.POSTDOC, display_order=10)
    html = client.get(reverse("home")).text
    people = html[html.index('id="people-heading"') :]
    names = ["Ann Advisor", "Paula Postdoc", "Pat Postdoc", "Phil Student", "Sam Staff"]
    positions = [people.index(name) for name in names]
    assert positions == sorted(positions)


def test_home_list_lengths_come_from_the_profile_and_zero_shows_all(
    client, make_publication
):
    for n in range(10):
        make_publication(f"Paper {n}", year=2010 + n, is_selected=True)
        make_publication(f"Draft {n}", year=2010 + n, status="preprint")

    def counts():
        html = client.get(reverse("home")).text
        selected = html[html.index('id="selected-heading"') :]
        selected = selected[: selected.index("</ol>")]
        recent = html[html.index('id="recent-publications-heading"') :]
        recent = recent[: recent.index("</ol>")]
        drafts = html[html.index('id="recent-preprints-heading"') :]
        drafts = drafts[: drafts.index("</ol>")]
        return tuple(
            part.count('class="pub-title"') for part in (selected, recent, drafts)
        )

    assert counts() == (6, 8, 4)  # the defaults
    profile = SiteProfile.load()
    profile.home_selected_count = 2
    profile.home_publication_count = 0
    profile.home_preprint_count = 0
    profile.save()
    assert counts() == (2, 10, 10)


def test_contact_text_is_shown_in_the_footer_and_on_home(client, db):
    profile = SiteProfile.load()
    profile.contact = "Write to **lab@example.org**."
    profile.save()
    home = client.get(reverse("home")).text
    assert 'id="contact-heading">Contact</h2>' in home
    footer = home[home.index('class="site-footer"') :]
    assert "<strong>lab@example.org</strong>" in footer
    people = client.get(reverse("people:list")).text
    assert "<strong>lab@example.org</strong>" in people
