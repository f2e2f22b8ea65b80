import datetime
import time
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse, set_script_prefix

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def site(make_publication, make_person, make_theme):
    theme = make_theme("Expressivity", description="Builds on [@old2019].")
    child = make_theme("State-space models", parent=theme)
    ada = make_person("Ada Lovelace")
    old = make_publication("Old paper", bibtex_key="old2019", year=2019)
    new = make_publication(
        "New $\\mathcal{O}(n)$ bound",
        authors=[ada, "Zed"],
        themes=[child],
        abstract="Shows *it*.",
        year=2025,
    )
    other = make_publication("Unrelated", year=2023)
    return {"theme": theme, "ada": ada, "old": old, "new": new, "other": other}


def test_group_atom_feed_is_valid_and_lists_every_publication(client, site):
    response = client.get(reverse("feeds:publications_atom"))
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    assert root.find(f"{ATOM}id").text
    assert root.find(f"{ATOM}updated").text
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 3
    for entry in entries:
        assert entry.find(f"{ATOM}title").text
        # Atom 1.0 (RFC 4287, 4.2.6): an entry's id is an absolute IRI.
        assert entry.find(f"{ATOM}id").text.startswith("http://testserver/")
        assert entry.find(f"{ATOM}updated").text
        assert entry.find(f"{ATOM}link").get("href").startswith("http://testserver/")
    titles = [entry.find(f"{ATOM}title").text for entry in entries]
    # Newest additions first; math goes out as Unicode text.
    assert titles == ["Unrelated", "New O(n) bound", "Old paper"]
    new_entry = entries[1]
    assert new_entry.find(f"{ATOM}author/{ATOM}name").text == "Ada Lovelace, Zed"
    assert "<em>it</em>" in new_entry.find(f"{ATOM}summary").text


def test_group_rss_feed_is_valid(client, site):
    response = client.get(reverse("feeds:publications_rss"))
    root = ET.fromstring(response.content)
    assert root.tag == "rss"
    items = root.findall("channel/item")
    assert len(items) == 3
    for item in items:
        assert item.findtext("title")
        assert item.findtext("link").startswith("http://testserver/publications/")
        # A permalink guid (RSS 2.0's default) is the item's full URL.
        assert item.findtext("guid") == item.findtext("link")
        assert item.findtext("pubDate")


def test_theme_feed_has_subtheme_and_cited_publications(client, site):
    response = client.get(reverse("feeds:theme_atom", kwargs={"slug": "expressivity"}))
    titles = {
        entry.find(f"{ATOM}title").text
        for entry in ET.fromstring(response.content).findall(f"{ATOM}entry")
    }
    assert titles == {"New O(n) bound", "Old paper"}


def test_person_feed_has_only_their_publications(client, site):
    url = reverse("feeds:person_rss", kwargs={"slug": site["ada"].slug})
    items = ET.fromstring(client.get(url).content).findall("channel/item")
    assert [item.findtext("title") for item in items] == ["New O(n) bound"]
    assert (
        client.get(reverse("feeds:person_rss", kwargs={"slug": "nobody"})).status_code
        == 404
    )


def test_sitemap_lists_every_public_page_with_lastmod(client, site):
    response = client.get(reverse("sitemap"))
    root = ET.fromstring(response.content)
    urls = {
        url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod")
        for url in root.findall(f"{SITEMAP}url")
    }
    expected = [
        reverse("home"),
        reverse("research:list"),
        reverse("people:list"),
        reverse("publications:list"),
        site["theme"].get_absolute_url(),
        site["ada"].get_absolute_url(),
        *(site[key].get_absolute_url() for key in ("old", "new", "other")),
    ]
    for path in expected:
        assert urls[f"http://testserver{path}"], path
    assert all(lastmod for lastmod in urls.values())


def test_robots_txt_points_at_the_sitemap(client, db):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.text.splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_robots_txt_under_a_sub_path_names_that_paths_pages(client, db):
    # As the static export renders a copy published under /lab/.
    set_script_prefix("/lab/")
    try:
        lines = client.get("/robots.txt").text.splitlines()
    finally:
        set_script_prefix("/")
    assert "Disallow: /lab/admin/" in lines
    assert "Disallow: /lab/search/" in lines


def test_feed_authors_are_shown_as_printed_in_order_with_et_al(
    client, make_publication, make_person
):
    ada = make_person("Ada Lovelace")
    taro = make_person("田中 太郎", given_name="太郎", family_name="田中")
    paper = make_publication(
        "Shared work",
        authors=[ada, taro, "Zed"],
        authors_et_al=True,
        kind="conference",
    )
    paper.authorships.filter(person=ada).update(printed_name="A. Lovelace")
    # A CJK name printed in Western order shows family name first.
    paper.authorships.filter(person=taro).update(printed_name="太郎 田中")
    response = client.get(reverse("feeds:person_atom", kwargs={"slug": ada.slug}))
    entry = ET.fromstring(response.content).find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}author/{ATOM}name").text == (
        "A. Lovelace, 田中太郎, Zed et al."
    )
    assert "<p>A. Lovelace, 田中太郎, Zed et al.</p>" in (
        entry.find(f"{ATOM}summary").text
    )
    assert entry.find(f"{ATOM}category").get("term") == "Conference paper"


def test_a_feeds_queries_do_not_grow_with_its_authors(
    client, make_publication, make_person, django_assert_max_num_queries
):
    ada = make_person("Ada Lovelace")
    for n in range(3):
        co_authors = [f"Co {n}-{k}" for k in range(8)]
        make_publication(f"Paper {n}", authors=[ada, *co_authors])
    url = reverse("feeds:person_rss", kwargs={"slug": ada.slug})
    client.get(url)
    # The person, the site profile, the items, their authorships, their people.
    with django_assert_max_num_queries(6):
        response = client.get(url)
    assert response.text.count("Co 2-7") == 2  # description and author line


def test_feeds_reusing_their_items_fields_are_the_same_and_follow_an_edit(
    client, site, django_assert_max_num_queries
):
    from publications.entries import EntryStore, reusing

    urls = [
        reverse("feeds:publications_rss"),
        reverse("feeds:publications_atom"),
        reverse("feeds:person_atom", kwargs={"slug": site["ada"].slug}),
        reverse("feeds:theme_rss", kwargs={"slug": site["theme"].slug}),
    ]
    plain = [client.get(url).content for url in urls]
    # A store that reads the authors on each use (an export's keeps them, as
    # it keeps its rows, for its run).
    store = EntryStore()
    with reusing(store):
        assert [client.get(url).content for url in urls] == plain
        # One entry per paper, shared by every feed listing it.
        assert len(store.feed_items) == 3
        # The items load only the fields they show: no query per item.
        # The profile (title, subtitle, description), the items, their authors.
        with django_assert_max_num_queries(5):
            client.get(urls[0])
        site["new"].title = "Newer bound"
        site["new"].save()
        site["ada"].full_name = "Ada King"
        site["ada"].save()
        edited = client.get(urls[2]).text
    assert "Newer bound" in edited
    assert "Ada King" in edited
    assert "Ada Lovelace" not in edited


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_an_empty_feed_is_dated_by_its_subjects_last_change_not_the_clock(
    client, site, make_person, kind
):
    # The static export writes a feed again whenever its bytes differ.
    nobody = make_person("Noor Nowork")
    url = reverse(f"feeds:person_{kind}", kwargs={"slug": nobody.slug})
    first = client.get(url).content
    time.sleep(1.1)  # a date from the clock would have moved by a second
    assert client.get(url).content == first
    stamp = nobody.updated_at.astimezone(datetime.UTC)
    shown = "%a, %d %b %Y %H:%M:%S" if kind == "rss" else "%Y-%m-%dT%H:%M:%S"
    assert stamp.strftime(shown).encode() in first
