"""Nothing lost in the admin: revisions, recovery, and no silent overwrites."""

import pytest
from django.urls import reverse
from reversion.models import Version

from people.models import Organization, Person
from publications.models import Authorship, Publication
from research.models import ResearchTheme
from site_config.core.admin import EDIT_TOKEN_FIELD
from site_config.models import NavigationLink, SiteProfile
from tests.support.admin import change_form_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "model", [Person, Organization, ResearchTheme, Publication, SiteProfile]
)
def test_every_content_model_is_versioned(model):
    import reversion

    assert reversion.is_registered(model)
    assert reversion.is_registered(NavigationLink)


def test_publication_revisions_follow_its_authorships():
    import reversion

    assert "authorships" in reversion.revisions._get_options(Publication).follow
    assert reversion.is_registered(Authorship)


def test_admin_edit_is_kept_and_history_lists_it(editor_client, make_person):
    person = make_person("Ada Lovelace", interests="engines")
    url = reverse("admin:people_person_change", args=[person.pk])
    data = change_form_data(editor_client, url)
    data["interests"] = "analytical engines"
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    versions = Version.objects.get_for_object(person)
    assert versions.count() == 1
    history = editor_client.get(
        reverse("admin:people_person_history", args=[person.pk])
    )
    assert history.status_code == 200
    assert reverse(
        "admin:people_person_revision", args=[person.pk, versions[0].pk]
    ) in (history.text)


def test_editor_restores_an_earlier_version(editor_client, make_publication):
    publication = make_publication("First title", authors=["Ada Lovelace", "Bob"])
    url = reverse("admin:publications_publication_change", args=[publication.pk])
    data = change_form_data(editor_client, url)
    assert editor_client.post(url, data).status_code == 302
    first = Version.objects.get_for_object(publication).get()

    data = change_form_data(editor_client, url)
    data["title"] = "Second title"
    # Drop the second author in the same edit.
    data["authorships-1-DELETE"] = "on"
    assert editor_client.post(url, data).status_code == 302
    publication.refresh_from_db()
    assert publication.title == "Second title"
    assert publication.authorships.count() == 1

    revision_url = reverse(
        "admin:publications_publication_revision", args=[publication.pk, first.pk]
    )
    data = change_form_data(editor_client, revision_url)
    assert data["title"] == "First title"
    response = editor_client.post(revision_url, data)
    assert response.status_code == 302
    publication.refresh_from_db()
    assert publication.title == "First title"
    names = [a.person.full_name for a in publication.ordered_authorships()]
    assert names == ["Ada Lovelace", "Bob"]


def test_editor_recovers_a_deleted_object(editor_client, make_theme):
    theme = make_theme("Sparse coding", summary="Dictionaries")
    url = reverse("admin:research_researchtheme_change", args=[theme.pk])
    assert (
        editor_client.post(url, change_form_data(editor_client, url)).status_code == 302
    )
    delete_url = reverse("admin:research_researchtheme_delete", args=[theme.pk])
    assert editor_client.post(delete_url, {"post": "yes"}).status_code == 302
    assert not ResearchTheme.objects.filter(pk=theme.pk).exists()

    recover_list = editor_client.get(
        reverse("admin:research_researchtheme_recoverlist")
    )
    assert "Sparse coding" in recover_list.text
    version = Version.objects.get_deleted(ResearchTheme).get()
    recover_url = reverse("admin:research_researchtheme_recover", args=[version.pk])
    response = editor_client.post(
        recover_url, change_form_data(editor_client, recover_url)
    )
    assert response.status_code == 302
    recovered = ResearchTheme.objects.get(pk=theme.pk)
    assert recovered.summary == "Dictionaries"


def test_second_editor_save_is_refused_not_silently_applied(editor_client, make_person):
    person = make_person("Grace Hopper", interests="compilers")
    url = reverse("admin:people_person_change", args=[person.pk])
    first = change_form_data(editor_client, url)
    second = change_form_data(editor_client, url)
    assert first[EDIT_TOKEN_FIELD]

    first["interests"] = "COBOL"
    assert editor_client.post(url, first).status_code == 302

    second["interests"] = "nanoseconds"
    response = editor_client.post(url, second)
    assert response.status_code == 200
    assert "Someone else saved this person after you opened it" in response.text
    person.refresh_from_db()
    assert person.interests == "COBOL"


def test_reopened_form_saves_after_a_conflict(editor_client, make_person):
    person = make_person("Grace Hopper", interests="compilers")
    url = reverse("admin:people_person_change", args=[person.pk])
    stale = change_form_data(editor_client, url)
    Person.objects.filter(pk=person.pk).update(interests="changed elsewhere")
    stale["interests"] = "mine"
    assert editor_client.post(url, stale).status_code == 200

    fresh = change_form_data(editor_client, url)
    fresh["interests"] = "mine"
    assert editor_client.post(url, fresh).status_code == 302
    person.refresh_from_db()
    assert person.interests == "mine"


def test_saving_unchanged_form_twice_is_not_a_conflict(editor_client):
    link = NavigationLink.objects.create(label="Blog", url="/blog/")
    url = reverse("admin:site_config_navigationlink_change", args=[link.pk])
    data = change_form_data(editor_client, url)
    assert editor_client.post(url, data).status_code == 302
    assert editor_client.post(url, data).status_code == 302


@pytest.mark.parametrize(
    ("model", "make"),
    [
        (SiteProfile, lambda: SiteProfile.load()),
        (NavigationLink, lambda: NavigationLink.objects.create(label="A", url="/a/")),
        (Person, lambda: Person.objects.create(full_name="Ada Lovelace")),
    ],
)
def test_the_change_form_holds_one_edit_token(editor_client, model, make):
    row = make()
    meta = model._meta
    html = editor_client.get(
        reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[row.pk])
    ).text
    assert html.count(f'name="{EDIT_TOKEN_FIELD}"') == 1
