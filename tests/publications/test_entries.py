"""List entries rendered once and reused while a store is active (the export)."""

import re

from django.urls import reverse

from publications.entries import EntryStore, reusing

TOKEN = re.compile(r"LSCITE[0-9a-f]+N")


def page(client, url):
    # A page's citation tokens carry a random nonce; the links they become do not.
    return TOKEN.sub("", client.get(url).text)


def test_reused_entries_give_the_same_pages(client, make_publication, make_person):
    ada = make_person("Ada Lovelace")
    classic = make_publication("Classic", year=2019, bibtex_key="classic")
    make_publication(
        "Newer",
        authors=[ada, "Bob Outside"],
        abstract="Builds on [@classic] with $x^2$.",
    )
    urls = [reverse("publications:list"), ada.get_absolute_url(), reverse("home")]
    plain = [page(client, url) for url in urls]
    store = EntryStore()
    with reusing(store):
        first = [page(client, url) for url in urls]
        again = [page(client, url) for url in urls]
    assert first == plain
    assert again == plain
    assert store.hits >= 2 * store.misses
    # The abstract's citation is the page's own: a link to the listed item.
    assert f'href="#pub-{classic.pk}"' in again[0]


def test_an_edit_of_the_paper_or_its_author_renders_the_entry_again(
    client, make_publication, make_person
):
    ada = make_person("Ada Lovelace")
    paper = make_publication("First title", authors=[ada])
    url = reverse("publications:list")
    store = EntryStore()
    with reusing(store):
        client.get(url)
        paper.title = "Second title"
        paper.save()
        assert "Second title" in client.get(url).text
        ada.full_name = "Ada King"
        ada.save()
        assert "Ada King" in client.get(url).text
    assert store.misses == 3
