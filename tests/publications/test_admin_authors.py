"""Ordering a publication's authors in the admin by their position numbers."""

from django.urls import reverse

from tests.support.admin import change_form_data


def _post_positions(editor_client, paper, positions, *, delete=()):
    url = reverse("admin:publications_publication_change", args=[paper.pk])
    data = change_form_data(editor_client, url)
    for index, position in enumerate(positions):
        data[f"authorships-{index}-position"] = str(position)
    for index in delete:
        data[f"authorships-{index}-DELETE"] = "on"
    return editor_client.post(url, data)


def _order(paper):
    return list(
        paper.authorships.order_by("position").values_list(
            "person__full_name", "position"
        )
    )


def test_swapping_and_reversing_positions_saves_the_new_order(
    editor_client, make_publication, make_person
):
    # Each row once met the stored position of another: "Authorship with this
    # Publication and Position already exists" for every row of a swap.
    paper = make_publication("Four authors")
    for position, name in enumerate(["Ada", "Ben", "Cy", "Di"]):
        paper.authorships.create(person=make_person(name), position=position)
    response = _post_positions(editor_client, paper, [3, 2, 1, 0])
    assert response.status_code == 302
    assert _order(paper) == [("Di", 0), ("Cy", 1), ("Ben", 2), ("Ada", 3)]


def test_a_row_may_take_the_place_of_a_deleted_one(
    editor_client, make_publication, make_person
):
    paper = make_publication("Three authors")
    for position, name in enumerate(["Ada", "Ben", "Cy"]):
        paper.authorships.create(person=make_person(name), position=position)
    response = _post_positions(editor_client, paper, [0, 2, 1], delete=[2])
    assert response.status_code == 302
    assert _order(paper) == [("Ada", 0), ("Ben", 2)]
    response = _post_positions(editor_client, paper, [1, 1])
    assert response.status_code == 200  # two rows at one position: refused
    assert "Please correct the duplicate data for position" in response.text
    assert _order(paper) == [("Ada", 0), ("Ben", 2)]
