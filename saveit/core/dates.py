"""Dates shown the French way, whatever the active language of the request."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

PARIS = ZoneInfo("Europe/Paris")
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def paris_date(moment: datetime | date) -> date:
    if isinstance(moment, datetime):
        return (
            timezone.localtime(moment, PARIS).date() if timezone.is_aware(moment) else moment.date()
        )
    return moment


def long_date(moment: datetime | date | None) -> str:
    """ "3 février 2026" (1er for the first of the month); empty for None."""
    if moment is None:
        return ""
    day = paris_date(moment)
    first = "1er" if day.day == 1 else str(day.day)
    return f"{first} {MONTHS[day.month - 1]} {day.year}"


def long_datetime(moment: datetime) -> str:
    local = timezone.localtime(moment, PARIS)
    return f"{long_date(local)} à {local:%H:%M} (heure de Paris)"
