import datetime

from django.urls import reverse

from people.models import Person
from publications.models import Authorship


def test_people_page_groups_current_members_by_role_in_order(client, make_person):
    make_person("Pat Student", role=Person.Role.PHD)
    make_person("Pia Lead", role=Person.Role.PI, native_name="文书岚")
    make_person("Poe Doc", role=Person.Role.POSTDOC)
    make_person("Sam Staff", role=Person.Role.STAFF)
    make_person("Una Grad", role=Person.Role.UNDERGRADUATE)
    make_person("Max Master", role=Person.Role.MASTER)
    html = client.get(reverse("people:list")).text
    headings = [
        "Principal investigator",
        "Postdocs",
        "PhD students",
        "Master&#x27;s students",
        "Undergraduates",
        "Staff",
    ]
    positions = [html.index(h) for h in headings]
    assert positions == sorted(positions)
    assert html.index("Pia Lead") < html.index("Poe Doc") < html.index("Pat Student")
    assert "文书岚" in html


def test_people_page_shows_alumni_with_years_and_where_they_went(client, make_person):
    make_person(
        "Old Friend",
        role=Person.Role.ALUMNI,
        start_date=datetime.date(2018, 9, 1),
        end_date=datetime.date(2023, 7, 1),
        current_position="Research scientist, Northwind Labs",
    )
    html = client.get(reverse("people:list")).text
    alumni = html[html.index('id="alumni-heading"') :]
    assert "Old Friend" in alumni
    assert "2018–2023" in alumni
    assert "Now: Research scientist, Northwind Labs" in alumni


def test_people_page_lists_only_chosen_collaborators_with_ordered_affiliations(
    client, make_person, make_affiliation
):
    listed = make_person(
        "Bertrand Okafor",
        is_member=False,
        role="collaborator",
        show_on_people_page=True,
    )
    for name in ["Eastmoor University", "Northbridge University", "Halcyon Inst"]:
        make_affiliation(listed, name)
    make_person("Hidden Coauthor", is_member=False, role="collaborator")
    html = client.get(reverse("people:list")).text
    assert "Eastmoor University; Northbridge University; Halcyon Inst." in html
    assert "Hidden Coauthor" not in html


def test_person_card_links_to_the_person_and_shows_initials_without_photo(
    client, make_person
):
    person = make_person("Ada Lovelace", interests="Analytical engines")
    html = client.get(reverse("people:list")).text
    assert f'href="{person.get_absolute_url()}"' in html
    assert "avatar--initials" in html
    assert ">AL<" in html
    assert "Analytical engines" in html


def test_person_page_shows_profile_links_and_affiliations(
    client, make_person, make_affiliation, make_theme
):
    person = make_person(
        "Shulan Wen",
        role=Person.Role.PI,
        native_name="文书岚",
        bio="Studies *flat* minima.",
        email="wen@example.edu",
        homepage="https://example.edu/~wen",
        orcid="0000-0002-1825-0097",
        google_scholar_id="ABC123",
        github_username="swen",
    )
    make_affiliation(person, "Eastmoor University", title="Associate Professor")
    make_theme("Implicit Bias").people.add(person)
    html = client.get(person.get_absolute_url()).text
    assert "文书岚" in html
    assert "Principal investigator" in html
    assert "<em>flat</em>" in html
    assert 'href="mailto:wen@example.edu"' in html
    assert 'href="https://orcid.org/0000-0002-1825-0097"' in html
    assert "https://scholar.google.com/citations?user=ABC123" in html
    assert 'href="https://github.com/swen"' in html
    assert "Associate Professor, Eastmoor University" in html
    assert "Implicit Bias" in html


def test_person_page_splits_publications_from_preprints_and_counts_coauthors(
    client, make_person, make_publication
):
    ada = make_person("Ada Lovelace")
    make_publication("Published Paper", authors=[ada, "Alan Turing"])
    make_publication("Second Paper", authors=["Alan Turing", ada], year=2023)
    make_publication("Draft Paper", authors=[ada], status="preprint")
    html = client.get(ada.get_absolute_url()).text
    publications = html.index('id="publications-heading"')
    preprints = html.index('id="preprints-heading"')
    assert publications < html.index("Published Paper") < preprints
    assert preprints < html.index("Draft Paper")
    coauthors = html[html.index('id="coauthors-heading"') :]
    assert "Alan Turing" in coauthors
    assert "2 papers" in coauthors


def test_person_page_marks_equal_contribution_and_corresponding(
    client, make_person, make_publication
):
    ada = make_person("Ada Lovelace")
    publication = make_publication("Paper", authors=[ada, "Alan Turing"], equal=(0,))
    Authorship.objects.filter(publication=publication, position=1).update(
        corresponding=True
    )
    html = client.get(ada.get_absolute_url()).text
    assert 'Ada Lovelace</a><abbr class="mark" title="equal contribution">*' in html
    assert 'Alan Turing</span><abbr class="mark" title="corresponding author">†' in html


def test_unknown_person_is_a_404(client, db):
    response = client.get(reverse("people:detail", kwargs={"slug": "nobody"}))
    assert response.status_code == 404


def test_person_page_lists_the_newest_and_links_to_the_rest(
    client, make_person, make_publication, monkeypatch
):
    from people import views

    monkeypatch.setattr(views, "LISTED_PUBLICATIONS", 2)
    ada = make_person("Ada Lovelace")
    for year in (2021, 2022, 2023):
        make_publication(f"Paper {year}", authors=[ada], year=year)
    html = client.get(ada.get_absolute_url()).text
    assert "Paper 2023" in html
    assert "Paper 2022" in html
    assert "Paper 2021" not in html
    assert "[3]" in html
    assert "All 3 publications</a>" in html
    assert f'href="{reverse("publications:list")}?person={ada.slug}"' in html
