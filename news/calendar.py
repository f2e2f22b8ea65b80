"""Upcoming talks and events as an iCalendar file (RFC 5545), via `icalendar`.

Talks carry dates, not times, so each becomes an all-day VEVENT: DTSTART is the
first day and DTEND the day after the last (RFC 5545 §3.6.1: DTEND is
exclusive). UIDs are stable across exports (the talk's primary key and the
site's host), so calendar clients update an event rather than duplicate it.
"""

import datetime

from icalendar import Calendar, Event, vText

from site_config.markup.metadata import plain_paragraphs
from site_config.models import SiteProfile

PRODUCT_ID = "-//labsite//talks and events//EN"


def upcoming_calendar(talks, *, request):
    """Bytes of a VCALENDAR holding one VEVENT per talk in talks.

    talks: Talk rows with their speakers prefetched; request builds absolute
    URLs and the UID domain.
    """
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"{SiteProfile.load().group_name}: talks and events")
    host = request.get_host().split(":")[0] or "labsite"
    for talk in talks:
        event = Event()
        event.add("uid", f"talk-{talk.pk}@{host}")
        # Without a METHOD, DTSTAMP is when the event's information was last
        # revised (RFC 5545, 3.8.7.2): the same file for the same talks, so a
        # static copy is not rewritten on every export.
        event.add("dtstamp", talk.updated_at)
        event.add("dtstart", talk.start_date)
        event.add("dtend", talk.last_day + datetime.timedelta(days=1))
        event.add("summary", _summary(talk))
        if talk.location:
            event.add("location", vText(talk.location))
        event.add("url", request.build_absolute_uri(talk.get_absolute_url()))
        event.add("description", _description(talk))
        event.add("categories", [talk.get_kind_display()])
        event.add("last-modified", talk.updated_at)
        calendar.add_component(event)
    return calendar.to_ical()


def _summary(talk):
    speakers = ", ".join(person.full_name for person in talk.speakers.all())
    title = talk.title
    if speakers and talk.kind != talk.Kind.EVENT:
        title = f"{speakers}: {title}"
    return f"{title} ({talk.event})" if talk.event else title


def _description(talk):
    """Plain text: the kind, the event and the abstract without markup."""
    lines = [talk.get_kind_display()]
    if talk.event:
        lines.append(talk.event)
    if talk.abstract:
        lines.append(plain_paragraphs(talk.abstract))
    return "\n\n".join(lines)
