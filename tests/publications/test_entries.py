"""List entries rendered once and reused while a store is active (the export)."""

import re

from django.urls import reverse

from publications.entries import EntryStore, reusing
from publications.models import Publication

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


def test_a_store_keeping_inputs_reads_each_papers_authors_once_and_notes_them(
    client, make_publication, make_person, django_assert_num_queries
):
    ada = make_person("Ada Lovelace")
    paper = make_publication("Shared", authors=[ada, "Bob Outside"])
    noted = []
    store = EntryStore(
        keep_inputs=True, note_rows=lambda *row: noted.append((row[0], row[1]))
    )
    plain = page(client, ada.get_absolute_url())
    with reusing(store):
        first = page(client, ada.get_absolute_url())
        first_authors = Publication.objects.filter(pk=paper.pk).listed()
        with django_assert_num_queries(1):  # the publication; its authors kept
            again = Publication.objects.filter(pk=paper.pk).listed()
    assert first == plain
    assert [a.display_name for a in again[0].listed_authors] == [
        a.display_name for a in first_authors[0].listed_authors
    ]
    # What was kept is noted as its reading would be: the authorship rows by
    # publication and the people by id.
    assert ("publications_authorship", "publication_id") in noted
    assert ("people_person", "id") in noted
