import datetime

import pytest
from django.db import IntegrityError, transaction

from people.models import Affiliation, NameVariant, Person


def test_slug_comes_from_the_name_and_stays_unique(make_person):
    assert make_person("Jörg Töpfer").slug == "jorg-topfer"
    assert make_person("Jörg Töpfer").slug == "jorg-topfer-2"


def test_duplicate_slug_is_refused_by_the_database(make_person):
    make_person("Ada Lovelace", slug="ada")
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(full_name="Ada King", slug="ada")


def test_name_parts_are_split_on_save(make_person):
    person = make_person("Ludwig van Beethoven")
    assert (person.given_name, person.family_name) == ("Ludwig", "van Beethoven")
    assert person.initials == "LV"


def test_end_date_before_start_date_is_refused(make_person):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_person(
            "Backwards",
            start_date=datetime.date(2024, 1, 1),
            end_date=datetime.date(2023, 1, 1),
        )


def test_affiliation_position_is_unique_per_person(make_person, make_affiliation):
    person = make_person()
    make_affiliation(person, "Eastmoor University", position=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_affiliation(person, "Northbridge University", position=0)


def test_affiliations_keep_their_order(make_person, make_affiliation):
    person = make_person()
    make_affiliation(person, "Zeta University", position=2)
    make_affiliation(person, "Alpha Institute", position=0)
    make_affiliation(person, "Mid College", position=1)
    fetched = Person.objects.with_affiliations().get(pk=person.pk)
    assert [str(a) for a in fetched.affiliations.all()] == [
        "Alpha Institute",
        "Mid College",
        "Zeta University",
    ]


def test_name_variant_match_key_is_unique_per_person(make_person):
    person = make_person("Weinan Example")
    NameVariant.objects.create(person=person, name="Example, Weinan")
    with pytest.raises(IntegrityError), transaction.atomic():
        NameVariant.objects.create(person=person, name="Weinan Example")


def test_people_are_ordered_by_display_order_then_family_name(make_person):
    make_person("Zoe Adams", display_order=5)
    make_person("Ben Young", display_order=1)
    make_person("Al Brown", display_order=5)
    assert [p.full_name for p in Person.objects.all()] == [
        "Ben Young",
        "Zoe Adams",
        "Al Brown",
    ]


def test_current_alumni_and_collaborators_are_told_apart(make_person):
    past = datetime.date(2020, 1, 1)
    current = make_person("Now Here", role=Person.Role.PHD)
    ended = make_person("Gone Away", role=Person.Role.PHD, end_date=past)
    alumnus = make_person("Old Friend", role=Person.Role.ALUMNI)
    listed = make_person(
        "Out Side", is_member=False, role="collaborator", show_on_people_page=True
    )
    make_person("Un Listed", is_member=False, role="collaborator")
    assert list(Person.objects.current()) == [current]
    assert set(Person.objects.alumni()) == {ended, alumnus}
    assert list(Person.objects.listed_collaborators()) == [listed]


def test_coauthors_are_counted_by_shared_publications(make_person, make_publication):
    ada, alan, grace = (make_person(n) for n in ("Ada A", "Alan B", "Grace C"))
    make_publication("One", authors=[ada, alan, grace])
    make_publication("Two", authors=[alan, ada])
    make_publication("Three", authors=[grace])
    coauthors = list(Person.objects.coauthors_of(ada))
    assert [(p.full_name, p.shared) for p in coauthors] == [
        ("Alan B", 2),
        ("Grace C", 1),
    ]


def test_organization_is_protected_while_people_use_it(make_person, make_affiliation):
    affiliation = make_affiliation(make_person(), "Eastmoor University")
    with pytest.raises(IntegrityError), transaction.atomic():
        affiliation.organization.delete()
    assert Affiliation.objects.count() == 1


def test_frequent_coauthors_ranks_as_coauthors_of_with_whole_rows(
    make_publication, make_person, django_assert_num_queries
):
    ada, bob, cy, dee = (make_person(n) for n in ("Ada A", "Bob B", "Cy C", "Dee D"))
    make_publication("1", authors=[ada, bob, dee])
    make_publication("2", authors=[bob, ada, cy])
    make_publication("3", authors=[cy, ada])
    make_publication("4", authors=[bob, dee])
    ranked = [(p.pk, p.shared) for p in Person.objects.coauthors_of(ada)[:2]]
    with django_assert_num_queries(2):  # the ranking, then the rows
        frequent = Person.objects.frequent_coauthors(ada, 2)
    assert [(p.pk, p.shared) for p in frequent] == ranked
    assert [p.full_name for p in frequent] == ["Bob B", "Cy C"]
    assert frequent[0].bio == bob.bio  # a whole row, as coauthors_of gives
    assert Person.objects.frequent_coauthors(make_person("Eve E"), 2) == []
