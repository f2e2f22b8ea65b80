"""News feeds and the iCalendar file parse back and hold the right entries."""

import datetime
import html
import xml.etree.ElementTree as ET

import icalendar
from django.urls import reverse
from django.utils import timezone

from news.models import Talk

ATOM = "{http://www.w3.org/2005/Atom}"


def test_news_atom_feed_is_valid_and_newest_first(client, make_post, make_person):
    ada = make_person("Ada Lovelace")
    make_post("Older", date="2024-01-01", body="First *post*.")
    make_post("Newer", date="2025-01-01", people=[ada])
    response = client.get(reverse("news:atom"))
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    entries = root.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == ["Newer", "Older"]
    assert entries[0].find(f"{ATOM}author/{ATOM}name").text == "Ada Lovelace"
    link = entries[1].find(f"{ATOM}link").get("href")
    assert link == "http://testserver/news/2024/older/"
    assert "<em>post</em>" in entries[1].find(f"{ATOM}summary").text


def test_feed_items_link_with_absolute_urls(client, make_post, make_publication):
    paper = make_publication("Cited paper", bibtex_key="cited2024")
    make_post(
        "With links",
        body="See [@cited2024], [the list](/publications/) and [a site](https://example.org/x).",
    )
    for name in ("news:atom", "news:rss"):
        text = client.get(reverse(name)).text
        assert f'href="http://testserver{paper.get_absolute_url()}' in html.unescape(
            text
        )
        assert 'href="http://testserver/publications/"' in html.unescape(text)
        assert 'href="https://example.org/x"' in html.unescape(text)
        assert 'href="/' not in html.unescape(text)


def test_news_rss_feed_is_valid(client, make_post):
    make_post("Only post", date="2025-02-03", summary="Short.")
    root = ET.fromstring(client.get(reverse("news:rss")).content)
    items = root.findall("channel/item")
    assert [i.find("title").text for i in items] == ["Only post"]
    assert items[0].find("pubDate").text.startswith("Mon, 03 Feb 2025")


def test_calendar_holds_upcoming_talks_as_all_day_events(
    client, make_talk, make_person
):
    ada = make_person("Ada Lovelace")
    soon = make_talk(
        "Soon, with a comma; and semicolon",
        start=10,
        speakers=[ada],
        event="Big Conference",
        location="Hall 1, Eastmoor",
        abstract="About *this*.",
    )
    workshop = make_talk("Workshop", start=20, end=22, kind=Talk.Kind.EVENT)
    make_talk("Long past", start=-30)
    response = client.get(reverse("talks:calendar"))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    assert str(calendar["version"]) == "2.0"
    events = calendar.walk("VEVENT")
    assert len(events) == 2
    first, second = events
    assert first["summary"] == (
        "Ada Lovelace: Soon, with a comma; and semicolon (Big Conference)"
    )
    assert first["location"] == "Hall 1, Eastmoor"
    assert first.decoded("dtstart") == soon.start_date
    # DTEND is exclusive (RFC 5545): a one-day talk ends the next day.
    assert first.decoded("dtend") == soon.start_date + datetime.timedelta(days=1)
    assert first["url"] == f"http://testserver{soon.get_absolute_url()}"
    assert "About this." in first["description"]
    assert second.decoded("dtend") == workshop.end_date + datetime.timedelta(days=1)
    assert second["summary"] == "Workshop"
    assert first["uid"] != second["uid"]
    assert first.decoded("dtstamp") <= timezone.now()
    # DTSTAMP is the talk's last revision, so the same talks give the same file.
    assert first.decoded("dtstamp") == soon.updated_at.replace(microsecond=0)
    assert client.get(reverse("talks:calendar")).content == response.content


def test_calendar_description_keeps_paragraphs_lists_and_readable_math(
    client, make_talk
):
    make_talk(
        "Bounds",
        start=5,
        abstract=(
            "We bound $O(1/\\sqrt{T})$ rates &amp; more [@nobody2020].\n"
            "Same paragraph.\n\nSecond paragraph.\n\n- one\n- *two*"
        ),
    )
    calendar = icalendar.Calendar.from_ical(
        client.get(reverse("talks:calendar")).content
    )
    (event,) = calendar.walk("VEVENT")
    assert str(event["description"]) == (
        "Invited talk\n\n"
        "We bound O(1/√T) rates & more. Same paragraph.\n\n"
        "Second paragraph.\n\n"
        "- one\n- two"
    )
