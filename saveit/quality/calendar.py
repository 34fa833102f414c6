"""French working days, the one calendar window of complaint deadlines (SPEC §11)."""

from __future__ import annotations

import functools
from datetime import date, timedelta

import holidays


@functools.lru_cache(maxsize=32)
def _public_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("FR", years=year, language="fr").keys())


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _public_holidays(day.year)


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start` (a complaint received on a Friday evening is
    acknowledged by Tuesday with 2 working days)."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def add_months(day: date, months: int) -> date:
    """Same day `months` later, clamped to the month's end (31 January + 1 month = 28/29 Feb)."""
    import calendar

    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
