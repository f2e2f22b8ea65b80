"""The news, talks and teaching pages show what editors entered, in order."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from news.models import Talk
from site_config.models import SiteProfile


def test_news_index_shows_the_newest_year_with_pinned_posts_on_top(client, make_post):
    make_post("Old pinned news", date="2023-05-01", is_pinned=True)
    make_post("Spring news", date="2025-04-01")
    make_post("Winter news", date="2025-01-10")
    make_post("Last year's news", date="2024-06-01")
    html = client.get(reverse("news:list")).text
    assert html.index("Old pinned news") < html.index("Spring news")
    assert html.index("Spring news") < html.index("Winter news")
    assert "Last year&#x27;s news" not in html
    # Every year with news is one click away.
    for year in (2023, 2024, 2025):
        assert reverse("news:year", kwargs={"year": year}) in html or (
            year == 2025 and 'aria-current="page">2025' in html
        )


def test_news_year_page_lists_only_that_year(client, make_post):
    make_post("In 2024", date="2024-02-01")
    make_post("In 2025", date="2025-02-01")
    html = client.get(reverse("news:year", kwargs={"year": 2024})).text
    assert "In 2024" in html
    assert "In 2025" not in html
    assert client.get(reverse("news:year", kwargs={"year": 1999})).status_code == 404


def test_news_post_page_renders_markdown_citations_and_links(
    client, make_post, make_person, make_publication, make_theme
):
    paper = make_publication("Cited Paper", bibtex_key="cited2024")
    ada = make_person("Ada Lovelace")
    theme = make_theme("Optimization")
    post = make_post(
        "Award",
        date="2025-06-02",
        body="We won, see [@cited2024] and *this*.",
        people=[ada],
    )
    post.themes.add(theme)
    post.publications.add(paper)
    url = post.get_absolute_url()
    assert url == "/news/2025/award/"
    html = client.get(url).text
    assert "<em>this</em>" in html
    assert 'class="cite"' in html
    assert "Cited Paper" in html
    assert ada.get_absolute_url() in html
    assert theme.get_absolute_url() in html
    assert 'property="og:title" content="Award"' in html
    # The year in the URL must be the post's.
    wrong = reverse("news:detail", kwargs={"year": 2024, "slug": post.slug})
    assert client.get(wrong).status_code == 404
    # A year no date has is a plain 404, not an error.
    for year in (0, 99999):
        bad = reverse("news:detail", kwargs={"year": year, "slug": post.slug})
        assert client.get(bad).status_code == 404


def test_unknown_citation_in_a_post_is_a_validation_error(make_post):
    post = make_post("Typo", body="See [@no-such-key].")
    with pytest.raises(ValidationError, match="no-such-key"):
        post.full_clean()


def test_home_page_shows_as_many_news_posts_as_the_profile_says(client, make_post):
    for day in range(1, 6):
        make_post(f"Post number {day}", date=f"2025-01-0{day}")
    profile = SiteProfile.load()
    profile.home_news_count = 2
    profile.save()
    html = client.get(reverse("home")).text
    assert "Post number 5" in html
    assert "Post number 4" in html
    assert "Post number 3" not in html
    profile.home_news_count = 0
    profile.save()
    assert 'id="news-heading"' not in client.get(reverse("home")).text


def test_talks_page_puts_upcoming_talks_first_soonest_first(
    client, make_talk, make_person
):
    ada = make_person("Ada Lovelace")
    make_talk("Past keynote", start="2023-03-01", kind=Talk.Kind.KEYNOTE)
    make_talk("Later talk", start=30, speakers=[ada])
    make_talk("Sooner talk", start=3)
    make_talk("Running workshop", start=-1, end=1, kind=Talk.Kind.EVENT)
    html = client.get(reverse("talks:list")).text
    upcoming = html[html.index('id="upcoming-heading"') : html.index("2023")]
    assert upcoming.index("Running workshop") < upcoming.index("Sooner talk")
    assert upcoming.index("Sooner talk") < upcoming.index("Later talk")
    assert "Past keynote" not in upcoming
    assert html.index("Past keynote") > html.index("Later talk")
    assert ada.get_absolute_url() in html


def test_home_page_shows_only_upcoming_talks(client, make_talk):
    make_talk("Next week's seminar", start=7, kind=Talk.Kind.SEMINAR)
    make_talk("Last year's poster", start=-365, kind=Talk.Kind.POSTER)
    html = client.get(reverse("home")).text
    assert "Next week&#x27;s seminar" in html
    assert "Last year&#x27;s poster" not in html


def test_talk_page_shows_event_dates_links_and_abstract(client, make_talk):
    talk = make_talk(
        "Flat minima",
        start="2024-10-02",
        end="2024-10-03",
        event="Halcyon Seminar",
        location="Online",
        abstract="Noise *helps*.",
        slides_url="https://example.org/slides.pdf",
    )
    html = client.get(talk.get_absolute_url()).text
    assert "Halcyon Seminar" in html
    assert "2 October 2024" in html
    assert "3 October 2024" in html
    assert "<em>helps</em>" in html
    assert 'href="https://example.org/slides.pdf"' in html


def test_a_talk_cannot_end_before_it_starts(make_talk):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_talk("Backwards", start="2024-05-02", end="2024-05-01")


def test_teaching_page_groups_courses_by_year(client, make_course, make_person):
    ada = make_person("Ada Lovelace")
    make_course("Old Course", year=2022, term="Spring 2022", code="M 101")
    make_course("New Course", year=2025, instructors=[ada])
    html = client.get(reverse("teaching:list")).text
    assert html.index("New Course") < html.index("Old Course")
    assert "M 101: Old Course" in html
    assert ada.get_absolute_url() in html


def test_person_page_lists_their_talks_and_courses(
    client, make_person, make_talk, make_course
):
    ada = make_person("Ada Lovelace")
    other = make_person("Bo Other")
    make_talk("Ada's invited talk", start="2024-01-05", speakers=[ada])
    make_talk("Someone else's talk", start="2024-01-06", speakers=[other])
    make_course("Ada's course", instructors=[ada])
    html = client.get(ada.get_absolute_url()).text
    assert "Ada&#x27;s invited talk" in html
    assert "Ada&#x27;s course" in html
    assert "Someone else" not in html
