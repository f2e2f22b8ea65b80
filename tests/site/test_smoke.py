from django.urls import reverse


def test_every_public_list_page_answers(client, make_publication, make_theme):
    theme = make_theme()
    make_publication(authors=["Ada Lovelace"], themes=[theme])
    for name in ["home", "research:list", "people:list", "publications:list"]:
        assert client.get(reverse(name)).status_code == 200
