"""Exact invalidation: any change to content shows on the next anonymous view.

These tests commit for real (transactional database), because the content version
moves when a change commits, as it does under the admin and the importer.
"""

import pytest
import reversion
from django.urls import reverse

from people.models import Affiliation, NameVariant, Person
from publications.models import Authorship, Publication
from research.models import ResearchTheme
from site_config.models import NavigationLink, SiteProfile
from site_config.pagecache.cache import bump_content_version, read_db_version

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def warm(visitor):
    """Fetch urls so each is cached, and check that it really is."""

    def fetch(*urls):
        for url in urls:
            visitor.get(url)
            assert visitor.get(url)["X-Page-Cache"] == "hit", url

    SiteProfile.load()
    return fetch


@pytest.fixture
def paper(make_person, make_theme, make_publication):
    ada = make_person("Ada Lovelace")
    theme = make_theme("Analytical Engines")
    theme.people.add(ada)
    publication = make_publication(
        "Notes on the Engine", authors=[ada, "Charles Babbage"], themes=[theme]
    )
    return publication


def fresh(visitor, url):
    response = visitor.get(url)
    assert response.status_code == 200
    assert response["X-Page-Cache"] == "miss", f"{url} was served stale"
    return response.text


def test_publication_edit_shows_on_every_page_listing_it(visitor, warm, paper):
    ada = Person.objects.get(full_name="Ada Lovelace")
    theme = ResearchTheme.objects.get()
    urls = [
        reverse("home"),
        reverse("publications:list"),
        paper.get_absolute_url(),
        ada.get_absolute_url(),
        theme.get_absolute_url(),
    ]
    warm(*urls)
    paper.title = "Sketch of the Analytical Engine"
    paper.save()
    for url in urls:
        assert "Sketch of the Analytical Engine" in fresh(visitor, url), url


def test_person_rename_shows_on_every_publication_page_listing_them(
    visitor, warm, make_person, make_publication
):
    ada = make_person("Ada Lovelace")
    papers = [
        make_publication(f"Paper {n}", authors=["Charles Babbage", ada], year=2000 + n)
        for n in range(3)
    ]
    urls = [p.get_absolute_url() for p in papers] + [
        reverse("publications:list"),
        ada.get_absolute_url(),
    ]
    warm(*urls)
    ada.full_name = "Augusta Ada King"
    ada.save()
    for url in urls:
        text = fresh(visitor, url)
        assert "Augusta Ada King" in text, url
        assert "Ada Lovelace" not in text, url


def test_deleted_publication_disappears(visitor, warm, paper):
    url = reverse("publications:list")
    warm(url)
    paper.delete()
    assert "Notes on the Engine" not in fresh(visitor, url)


def test_new_publication_appears(visitor, warm, paper, make_publication):
    url = reverse("publications:list")
    warm(url)
    make_publication("A Second Paper", authors=["Ada Lovelace"])
    assert "A Second Paper" in fresh(visitor, url)


def test_authorship_changes_show(visitor, warm, paper, make_person):
    url = paper.get_absolute_url()
    warm(url)
    grace = make_person("Grace Hopper")
    Authorship.objects.create(publication=paper, person=grace, position=5)
    assert "Grace Hopper" in fresh(visitor, url)
    warm(url)
    first = paper.authorships.get(position=0)
    first.equal_contribution = True
    first.save()
    assert 'title="equal contribution"' in fresh(visitor, url)
    warm(url)
    Authorship.objects.get(person=grace).delete()
    assert "Grace Hopper" not in fresh(visitor, url)


def test_affiliation_and_organization_changes_show(
    visitor, warm, make_person, make_affiliation
):
    ada = make_person("Ada Lovelace")
    url = ada.get_absolute_url()
    warm(url)
    affiliation = make_affiliation(ada, "University of London")
    assert "University of London" in fresh(visitor, url)
    warm(url)
    organization = affiliation.organization
    organization.name = "King's College London"
    organization.save()
    assert "King&#x27;s College London" in fresh(visitor, url)
    warm(url)
    Affiliation.objects.filter(pk=affiliation.pk).get().delete()
    assert "College London" not in fresh(visitor, url)


def test_name_variant_change_moves_the_version(make_person):
    ada = make_person("Ada Lovelace")
    before = read_db_version()
    NameVariant.objects.create(person=ada, name="A. Lovelace")
    assert read_db_version() != before


def test_theme_edits_and_links_show(visitor, warm, paper, make_person):
    theme = ResearchTheme.objects.get()
    urls = [reverse("research:list"), theme.get_absolute_url(), reverse("home")]
    warm(*urls, paper.get_absolute_url())
    theme.title = "Difference Engines"
    theme.save()
    for url in [*urls, paper.get_absolute_url()]:
        assert "Difference Engines" in fresh(visitor, url), url
    warm(theme.get_absolute_url())
    theme.people.add(make_person("Grace Hopper"))
    assert "Grace Hopper" in fresh(visitor, theme.get_absolute_url())
    warm(theme.get_absolute_url())
    paper.themes.clear()
    assert "Notes on the Engine" not in fresh(visitor, theme.get_absolute_url())
    warm(theme.get_absolute_url())
    paper.themes.add(theme)
    assert "Notes on the Engine" in fresh(visitor, theme.get_absolute_url())


def test_sub_theme_shows_on_its_parent(visitor, warm, make_theme):
    parent = make_theme("Learning")
    warm(parent.get_absolute_url())
    make_theme("Generalisation", parent=parent)
    assert "Generalisation" in fresh(visitor, parent.get_absolute_url())


def test_site_profile_and_navigation_show_on_every_page(visitor, warm, paper):
    urls = [reverse("home"), reverse("publications:list"), paper.get_absolute_url()]
    warm(*urls)
    profile = SiteProfile.load()
    profile.group_name = "Engine Group"
    profile.save()
    for url in urls:
        assert "Engine Group" in fresh(visitor, url), url
    warm(*urls)
    NavigationLink.objects.create(label="Teaching", url="/teaching/")
    for url in urls:
        assert "Teaching" in fresh(visitor, url), url


def test_admin_edit_shows_on_the_next_anonymous_view(visitor, warm, editor, paper):
    from django.test import Client

    url = reverse("publications:list")
    warm(url)
    admin = Client()
    admin.force_login(editor)
    link = NavigationLink.objects.create(label="Old label", url="/publications/")
    warm(url)
    change_url = reverse("admin:site_config_navigationlink_change", args=[link.pk])
    # Post back the form as the admin rendered it (hidden fields included).
    form = admin.get(change_url).context["adminform"].form
    data = {
        name: form[name].value()
        for name in form.fields
        if form[name].value() not in (None, False)
    }
    data["label"] = "Papers"
    response = admin.post(change_url, data)
    assert response.status_code == 302, response.content[:2000]
    text = fresh(visitor, url)
    assert "Papers" in text
    assert "Old label" not in text


def test_bulk_import_shows_after_an_explicit_bump(visitor, warm, paper):
    url = reverse("publications:list")
    warm(url)
    Publication.objects.bulk_create(
        [Publication(title="Bulk Paper", slug="bulk-paper", year=2024)]
    )
    Publication.objects.filter(pk=paper.pk).update(title="Updated In Bulk")
    bump_content_version()
    text = fresh(visitor, url)
    assert "Bulk Paper" in text
    assert "Updated In Bulk" in text


def test_revision_restore_shows(visitor, warm, paper):
    registered_here = not reversion.is_registered(Publication)
    if registered_here:
        reversion.register(Publication)
    try:
        with reversion.create_revision():
            paper.save()
        paper.title = "A Later Title"
        paper.save()
        url = paper.get_absolute_url()
        warm(url)
        reversion.models.Version.objects.get_for_object(paper).first().revision.revert()
        text = fresh(visitor, url)
        assert "Notes on the Engine" in text
        assert "A Later Title" not in text
    finally:
        if registered_here:
            reversion.unregister(Publication)
