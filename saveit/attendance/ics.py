"""The calendar file (RFC 5545, built with the icalendar package) joined to a convocation."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from icalendar import Calendar, Event, vText

PRODID = "-//SAVE IT//Convocations//FR"


def session_calendar(
    *,
    uid_base: str,
    title: str,
    description: str,
    location: str,
    url: str,
    slots: Iterable[tuple[int, datetime, datetime]],
    stamp: datetime,
) -> str:
    """One VEVENT per half-day (id, start, end); times in UTC, which every calendar reads."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("calscale", "GREGORIAN")
    for slot_id, starts_at, ends_at in slots:
        event = Event()
        event.add("uid", f"{uid_base}-{slot_id}@saveit")
        event.add("dtstamp", stamp.astimezone(UTC))
        event.add("dtstart", starts_at.astimezone(UTC))
        event.add("dtend", ends_at.astimezone(UTC))
        event.add("summary", title)
        if description:
            event.add("description", description)
        if location:
            event["location"] = vText(location)
        if url:
            event.add("url", url)
        calendar.add_component(event)
    return calendar.to_ical().decode()
