import pytest
from django.contrib.admin import helpers
from django.urls import reverse

from people.models import NameVariant, Person
from people.services import merge_people
from publications.models import Authorship


@pytest.fixture
def twins(make_person, make_affiliation, make_publication, make_theme):
    keep = make_person("Shulan Wen", email="")
    remove = make_person(
        "Shu-Lan Wen", is_member=False, role="collaborator", email="s.wen@example.edu"
    )
    make_affiliation(keep, "Eastmoor University")
    make_affiliation(remove, "Northbridge University")
    make_affiliation(remove, "Eastmoor University")
    NameVariant.objects.create(person=remove, name="Wen, S.")
    make_theme("Implicit Bias").people.add(remove)
    make_publication("Only Remove", authors=["Ada Lovelace", remove])
    shared = make_publication("Both", authors=[keep, remove])
    Authorship.objects.filter(publication=shared, person=remove).update(
        corresponding=True
    )
    return keep, remove


def test_merge_moves_everything_to_the_kept_person(twins):
    keep, remove = twins
    report = merge_people(keep=keep, remove=remove)
    assert not Person.objects.filter(pk=remove.pk).exists()
    assert sorted(
        Authorship.objects.filter(person=keep).values_list(
            "publication__title", flat=True
        )
    ) == ["Both", "Only Remove"]
    only = Authorship.objects.get(publication__title="Only Remove", person=keep)
    assert only.position == 1
    both = Authorship.objects.get(publication__title="Both")
    assert both.person == keep
    assert both.corresponding
    assert [
        str(a)
        for a in Person.objects.with_affiliations().get(pk=keep.pk).affiliations.all()
    ] == ["Eastmoor University", "Northbridge University"]
    assert list(keep.research_themes.values_list("title", flat=True)) == [
        "Implicit Bias"
    ]
    assert set(keep.name_variants.values_list("name", flat=True)) == {
        "Wen, S.",
        "Shu-Lan Wen",
    }
    keep.refresh_from_db()
    assert keep.email == "s.wen@example.edu"
    assert report.authorships_moved == 1
    assert report.authorships_dropped == 1
    assert "Merged “Shu-Lan Wen” into “Shulan Wen”" in report.summary()


def test_merging_a_person_into_themselves_is_refused(make_person):
    person = make_person()
    with pytest.raises(ValueError, match="themselves"):
        merge_people(keep=person, remove=person)


def test_admin_action_asks_which_person_to_keep_then_merges(editor_client, twins):
    keep, remove = twins
    url = reverse("admin:people_person_changelist")
    data = {
        "action": "merge_selected_people",
        helpers.ACTION_CHECKBOX_NAME: [keep.pk, remove.pk],
    }
    confirm = editor_client.post(url, data)
    assert confirm.status_code == 200
    assert 'name="keep"' in confirm.text
    assert "Shu-Lan Wen" in confirm.text
    done = editor_client.post(url, {**data, "keep": keep.pk}, follow=True)
    assert "Merged “Shu-Lan Wen” into “Shulan Wen”" in done.text
    assert list(Person.objects.filter(full_name__contains="Wen")) == [keep]


def test_admin_action_needs_exactly_two_people(editor_client, make_person):
    people = [make_person(f"Person {n}") for n in range(3)]
    response = editor_client.post(
        reverse("admin:people_person_changelist"),
        {
            "action": "merge_selected_people",
            helpers.ACTION_CHECKBOX_NAME: [p.pk for p in people],
        },
        follow=True,
    )
    assert "Select exactly two people to merge (you selected 3)." in response.text
    assert Person.objects.count() == 3
