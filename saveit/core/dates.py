"""Dates shown the French way, whatever the active language of the request."""

from __future__ import annotations

import calendar
import functools
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays
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


def add_months(day: date, months: int) -> date:
    """Same day n months later, or the month's last day (31 January + 1 month = 28/29 February)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@functools.lru_cache(maxsize=64)
def _public_holidays(year: int) -> frozenset[date]:
    # Metropolitan France: no Alsace-Moselle extra days (Good Friday, 26 December).
    return frozenset(holidays.France(years=year).keys())


def is_working_day(day: date) -> bool:
    """Monday to Friday, French public holidays excepted: the one French business calendar
    (SLA clocks, complaint deadlines, maintenance notices)."""
    return day.weekday() < 5 and day not in _public_holidays(day.year)


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start` (Friday + 2 working days = Tuesday)."""
    current, remaining = start, days
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current
