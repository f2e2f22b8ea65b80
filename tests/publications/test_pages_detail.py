from django.urls import reverse

from publications.models import Authorship


def test_detail_page_shows_every_author_linked_with_marks(
    client, make_person, make_publication
):
    ada = make_person("Ada Lovelace")
    names = [ada] + [f"Coauthor Number{n}" for n in range(12)]
    publication = make_publication("Big Paper", authors=names, equal=(0, 1))
    Authorship.objects.filter(publication=publication, position=12).update(
        corresponding=True
    )
    html = client.get(publication.get_absolute_url()).text
    assert f'href="{ada.get_absolute_url()}">Ada Lovelace</a>' in html
    assert "Coauthor Number11" in html
    assert "more</a>" not in html
    assert html.count('title="equal contribution">*</abbr>') == 2
    assert (
        'Coauthor Number11</a><abbr class="mark" title="corresponding author">†' in html
    )


def test_detail_page_shows_venue_details_abstract_links_and_themes(
    client, make_publication, make_theme
):
    theme = make_theme("Optimization")
    publication = make_publication(
        "Escaping Saddles",
        venue="SIAM Journal on Mathematics of Data Science",
        venue_short="SIMODS",
        volume="6",
        number="3",
        pages="401--432",
        doi="10.5555/demo.1",
        arxiv_id="2401.99999",
        code_url="https://example.org/code",
        poster_url="https://example.org/poster",
        abstract="Saddles are *escaped*.",
        themes=[theme],
    )
    html = client.get(publication.get_absolute_url()).text
    assert "<em>SIAM Journal on Mathematics of Data Science</em> (SIMODS)" in html
    assert "vol. 6, no. 3, pp. 401–432" in html
    assert "<em>escaped</em>" in html
    assert 'href="https://doi.org/10.5555/demo.1"' in html
    assert 'href="https://arxiv.org/abs/2401.99999"' in html
    assert '<a class="btn" href="https://example.org/poster">Poster</a>' in html
    assert f'href="{theme.get_absolute_url()}">Optimization</a>' in html


def test_unknown_publication_is_a_404(client, db):
    url = reverse("publications:detail", kwargs={"slug": "no-such-paper"})
    assert client.get(url).status_code == 404


def test_detail_author_line_is_exact_with_marks_members_and_escaping(
    client, make_person, make_publication
):
    ada = make_person("Ada Lovelace")
    guest = make_person("Bo <Chen>", is_member=False)
    publication = make_publication("Marked", authors=[ada, guest], equal=(0,))
    Authorship.objects.filter(publication=publication, position=1).update(
        corresponding=True, other_marks="‡&"
    )
    html = client.get(publication.get_absolute_url()).text
    assert (
        '<p class="publication__authors">'
        f'<a class="author author--member" href="{ada.get_absolute_url()}">'
        'Ada Lovelace</a><abbr class="mark" title="equal contribution">*</abbr>, '
        f'<a class="author" href="{guest.get_absolute_url()}">Bo &lt;Chen&gt;</a>'
        '<abbr class="mark" title="corresponding author">†</abbr>'
        '<span class="mark">‡&amp;</span></p>'
    ) in html
