"""List entries rendered once and reused while a store is active (the export)."""

import re

from django.db.models.signals import post_init
from django.template import Context, Template
from django.urls import reverse

from people.models import Person
from publications import entries
from publications.downloads import read_all_inputs
from publications.entries import EntryStore, KeptInstances, reusing
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


def test_a_store_keeping_inputs_works_out_each_entrys_key_once(
    client, make_publication, make_person, monkeypatch
):
    ada = make_person("Ada Lovelace")
    make_publication("Shared", authors=[ada, "Bob Outside"])
    urls = [ada.get_absolute_url(), reverse("publications:list")]
    plain_store = EntryStore()
    with reusing(plain_store):
        plain = [page(client, url) for url in urls]
    store = EntryStore(keep_inputs=True)
    with reusing(store):
        read_all_inputs(store)
        first = [page(client, url) for url in urls]
        made = []
        monkeypatch.setattr(entries, "_key", lambda *a: made.append(a))
        again = [page(client, url) for url in urls]
    assert first == plain
    assert again == plain
    assert made == []
    # The same keys as worked out each time: a store kept on disk by one run
    # serves the next whichever way it keys.
    assert list(store.entries) == list(plain_store.entries)


def test_a_store_keeping_inputs_lists_each_paper_from_one_instance_noting_its_row(
    client, make_publication, make_person
):
    ada = make_person("Ada Lovelace", is_member=True)
    paper = make_publication("Shared", authors=[ada, "Bob Outside"])
    draft = make_publication("Draft", authors=[ada], status="preprint")
    bob = Person.objects.get(full_name="Bob Outside")
    urls = [ada.get_absolute_url(), bob.get_absolute_url(), reverse("home")]
    plain = [page(client, url) for url in urls]
    noted = []
    store = EntryStore(keep_inputs=True, note_rows=lambda *row: noted.append(row))
    built = []

    def count(sender, instance, **kwargs):
        built.append(instance.pk)

    post_init.connect(count, sender=Publication)
    try:
        with reusing(store):
            first = [page(client, url) for url in urls]
            noted.clear()
            again = [page(client, url) for url in urls]
    finally:
        post_init.disconnect(count, sender=Publication)
    assert first == plain
    assert again == plain
    # Each paper built once, on the first list that showed it.
    assert sorted(built) == sorted([paper.pk, draft.pk])
    assert ("publications_publication", "id", [paper.pk]) in noted
    assert {key[0] for key in store.listed_rows} == {paper.pk, draft.pk}


def test_list_items_shows_each_paper_as_the_item_template_does(make_publication):
    papers = [make_publication("One"), make_publication("Two", abstract="*Why*")]
    # The item's markup as the template wrote it before the tag.
    included = Template(
        "{% load labsite publications %}{% for publication in publications %}\n"
        '<li class="pub"{% publication_anchor publication %}>'
        "{% list_entry publication %}</li>\n{% endfor %}"
    ).render(Context({"publications": papers}))
    assert included == Template(
        "{% for publication in publications %}"
        '{% include "includes/_publication_item.html" %}{% endfor %}'
    ).render(Context({"publications": papers}))
    listed = Template("{% load publications %}{% list_items publications %}").render(
        Context({"publications": papers})
    )
    assert listed == included
    assert listed.count('<li class="pub" id="pub-') == 2


def test_an_entrys_key_is_the_same_before_and_after_its_files_are_read(
    make_publication, make_person
):
    ada = make_person("Ada Lovelace", is_member=True)
    for pdf in ("", "papers/bounds.pdf"):
        paper = make_publication(f"Bounds {pdf or 'none'}", authors=[ada])
        Publication.objects.filter(pk=paper.pk).update(pdf=pdf)
        fresh = Publication.objects.get(pk=paper.pk)
        authors = fresh.ordered_authorships()
        before = entries._key(fresh, authors, False)
        # A template reading the PDF link makes the attribute a FieldFile.
        assert fresh.pdf.name == pdf
        assert entries._key(fresh, authors, False) == before
        # The file name is still part of the key.
        other = Publication.objects.get(pk=paper.pk)
        other.pdf = "papers/other.pdf"
        assert entries._key(other, authors, False) != before


def test_kept_instances_load_only_what_they_lack_and_drop_the_least_recent():
    kept = KeptInstances()
    asked = []

    def load(keys):
        asked.append(keys)
        # Key 9 names a row that no longer exists.
        return {key: f"row {key}" for key in keys if key != 9}

    assert kept.take([1, 2, 3], load, limit=3) == {k: f"row {k}" for k in (1, 2, 3)}
    assert kept.take([3, 4, 9], load, limit=3) == {3: "row 3", 4: "row 4"}
    assert asked == [[1, 2, 3], [4, 9]]
    # Least recent first: a list's head is used last, so 1 outlived 2.
    assert list(kept) == [1, 4, 3]
    kept.take([2], load, limit=2)
    assert asked[-1] == [2]
    assert list(kept) == [3, 2]
