"""Live URLs to mirror files and links, without a database."""

import pytest

from site_config.export.site import SiteMap, Target, canonical_query

SITE = SiteMap(
    "https://example.github.io/lab/",
    keep_query={"/search/"},
    filtered={"/publications/"},
    skip=("/admin/",),
)


def test_query_becomes_folders_in_name_order_with_page_last():
    target = SITE.target("/lab/people/?page=2&year=2024&type=article")
    assert target == Target(
        "/people/", (("type", "article"), ("year", "2024"), ("page", "2"))
    )
    assert target.mirror_path(is_html=True) == (
        "people/type=article/year=2024/page=2/index.html"
    )
    assert target.mirror_url() == "/people/type=article/year=2024/page=2/"


def test_a_list_filtered_in_the_browser_keeps_its_filters_in_the_query():
    # Its filters are applied by static/js/mirror.js on the list's own page,
    # in canonical order; only an unfiltered page number is a folder.
    assert SITE.target("/lab/publications/?year=2024&page=2") == Target(
        "/publications/"
    )
    assert SITE.link("/lab/publications/?year=2024&type=article&page=2") == (
        "/lab/publications/?type=article&year=2024"
    )
    assert SITE.target("/lab/publications/?page=2") == Target(
        "/publications/", (("page", "2"),)
    )
    assert SITE.link("/lab/publications/?page=2") == "/lab/publications/page=2/"
    # Its downloads are files of their own, one folder per filter.
    assert SITE.link("/lab/publications/export.bib?theme=optimization") == (
        "/lab/publications/theme=optimization/export.bib"
    )


def test_download_with_query_keeps_its_file_name():
    target = SITE.target("/lab/publications/cite.bib?type=book")
    assert target.mirror_path(is_html=False) == "publications/type=book/cite.bib"


def test_links_get_the_prefix_and_keep_fragments():
    assert SITE.link("/people/ada/#bio") == "/lab/people/ada/#bio"
    assert SITE.link("/lab/people/?theme=optimization") == (
        "/lab/people/theme=optimization/"
    )
    assert SITE.link("https://example.github.io/lab/research/") == (
        "https://example.github.io/lab/research/"
    )


def test_search_keeps_its_query_and_admin_and_other_sites_are_left_alone():
    assert SITE.link("/lab/search/?q=sgd") == "/lab/search/?q=sgd"
    assert SITE.target("/lab/admin/login/") is None
    assert SITE.link("https://doi.org/10.1/x?a=b") == "https://doi.org/10.1/x?a=b"
    assert SITE.link("mailto:lab@example.org") == "mailto:lab@example.org"


def test_empty_values_are_dropped_and_the_first_of_a_repeated_name_wins():
    assert canonical_query([("year", ""), ("type", "book"), ("type", "misc")]) == (
        ("type", "book"),
    )


def test_html_rewrite_finds_links_srcset_and_the_filter_index():
    html = (
        '<a href="/lab/people/?x=1&amp;y=2">p</a>'
        '<img srcset="/media/a.webp 1x, /media/b.webp 2x" src="/media/a.webp">'
        '<form method="get" action="/lab/publications/">'
        '<select name="year"><option value="">Any</option>'
        '<option value="2024">2024 (3)</option></select>'
        '<input type="checkbox" name="selected" id="s"></form>'
    )
    text, found = SITE.rewrite_html(html)
    assert 'href="/lab/people/x=1/y=2/"' in text
    assert 'srcset="/lab/media/a.webp 1x, /lab/media/b.webp 2x"' in text
    assert 'data-mirror-filters="/lab/publications/filters.json"' in text
    # No page per filter choice: the browser filters from the index.
    assert Target("/publications/filters.json") in found
    # And what its words filter searches, fetched only when words are typed.
    assert 'data-mirror-words="/lab/publications/words.json"' in text
    assert Target("/publications/words.json") in found
    assert not any(t.path == "/publications/" and t.query for t in found)
    assert Target("/media/b.webp") in found


@pytest.mark.parametrize("base", ["ftp://example.org/", "example.org", "/lab/"])
def test_base_url_must_be_an_http_address(base):
    with pytest.raises(ValueError, match="not an http"):
        SiteMap(base)


@pytest.mark.parametrize(
    ("base", "message"),
    [
        ("https://example.org/%7Eada/", "'%7Eada' in its path"),
        ("https://example.org/caf%C3%A9/", "may hold only ASCII letters"),
        ("https://example.org/café/", "'café' in its path"),
        ("https://example.org/my lab/", "'my lab' in its path"),
        ("https://example.org/a/../b/", "'..' segment"),
        ("https://example.org/./lab/", "'.' segment"),
        ("https://example.org/lab/index.html", "e.g. https://example.org/lab/"),
        ("http://[::1/", r"is not a valid address \(Invalid IPv6 URL\)"),
    ],
)
def test_a_base_url_path_must_be_a_plain_folder(base, message):
    with pytest.raises(ValueError, match=message):
        SiteMap(base)


@pytest.mark.parametrize(
    ("base", "prefix"),
    [
        ("https://example.org/~ada/lab/", "/~ada/lab/"),
        ("https://example.github.io/my-lab_2.0/", "/my-lab_2.0/"),
        ("https://example.org/lab", "/lab/"),
    ],
)
def test_folder_names_of_static_hosts_are_accepted(base, prefix):
    assert SiteMap(base).prefix == prefix


@pytest.mark.parametrize(
    "base",
    [
        "https://example.com./",
        "https://example..com/",
        "https://.example.com/",
        "https://example.com:0/",
        "https://example.com:99999/",
    ],
)
def test_a_host_django_would_refuse_for_every_page_is_refused(base):
    with pytest.raises(ValueError, match="does not name a valid host"):
        SiteMap(base)


@pytest.mark.parametrize(
    ("base", "host"),
    [
        ("https://example.com:8443/", "example.com:8443"),
        ("http://127.0.0.1:8000/", "127.0.0.1:8000"),
        ("http://[::1]:8000/", "[::1]:8000"),
    ],
)
def test_ports_and_addresses_are_accepted(base, host):
    assert SiteMap(base).host == host


def test_the_host_is_written_in_lower_case_and_the_path_as_given():
    site = SiteMap("HTTPS://Lab.EXAMPLE.org/Lab/")
    assert site.base_url == "https://lab.example.org/Lab/"
    # A link to the site spelled in another case is the site's own.
    assert site.target("https://LAB.example.org/Lab/people/") == Target("/people/")


def test_a_query_only_link_is_resolved_against_its_page_and_followed():
    # The list's pager writes {% querystring page=2 %}, i.e. href="?page=2".
    text, found = SITE.rewrite_html(
        '<a href="?page=2">2</a><a href="?page=1">1</a><a href="#top">top</a>'
        '<a href="cite.bib">bib</a>',
        page=Target("/publications/"),
    )
    assert 'href="/lab/publications/page=2/"' in text
    # Page 1 is the list itself, not a second copy of it.
    assert 'href="/lab/publications/"' in text
    assert 'href="#top"' in text
    assert 'href="/lab/publications/cite.bib"' in text
    assert Target("/publications/", (("page", "2"),)) in found
    assert Target("/publications/cite.bib") in found


def test_page_one_is_the_list_itself():
    assert canonical_query([("page", "1"), ("year", "2024")]) == (("year", "2024"),)


def test_a_link_met_again_gives_the_same_rewriting_and_target_on_every_page():
    site = SiteMap("https://example.github.io/lab/")
    pages = [Target("/people/"), Target("/research/optics/")]
    for page in pages:
        found = set()
        assert site.link("/lab/people/ada/", found, page=page) == "/lab/people/ada/"
        # Relative links still resolve against the page they are on.
        relative = site.link("?page=2", found, page=page)
        assert relative == f"/lab{page.path}page=2/"
        assert found == {Target("/people/ada/"), Target(page.path, (("page", "2"),))}
    assert site.link("https://elsewhere.org/x", set()) == "https://elsewhere.org/x"


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/people/ada/",
        "/publications/",
        "/publications/export.bib",
        "/search/",
        "/admin/",
        "/admin/login/",
        "/people/o'brien;v=1/",
        "/a:b/@c/",
        "/lab",
        "/elsewhere/",
        "//example.org/people/",
        "/people//double/",
    ],
)
@pytest.mark.parametrize("site", [SITE, SiteMap("http://127.0.0.1/")])
def test_plain_addresses_give_what_splitting_them_gives(site, path):
    # Plain addresses (no query, fragment or escape) skip urlsplit and
    # unquote; an empty query sends the same address the long way round.
    under_prefix = site.prefix.rstrip("/") + path
    for url in (path, under_prefix, site.origin + under_prefix):
        assert site.target(url) == site.target(url + "?"), url
        assert site.target(url) == site.target(url + "#"), url
