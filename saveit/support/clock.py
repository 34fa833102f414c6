"""Business-hour clocks: the one function every SLA clock goes through.

A *window* is the set of local (Europe/Paris) time ranges during which a clock runs:

- ``acknowledgement``: 09:00–12:30 and 14:00–18:00 on French working days;
- ``business``: 09:00–18:00 on French working days;
- ``round_the_clock``: every minute of every day.

Working days are Monday to Friday minus the metropolitan public holidays (``holidays.France()``
without subdivision, so no Alsace-Moselle extra days). Instants are floored to the minute, then
the clock counts whole minutes; window edges are whole local minutes and Paris offsets are whole
hours, so the count is exact across nights, weekends, holidays and both DST changes (the
changes happen at 02:00/03:00, outside business windows, and the round-the-clock window counts
real elapsed time, 23 h or 25 h on those days).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from typing import Literal
from zoneinfo import ZoneInfo

from saveit.core.dates import is_working_day

PARIS = ZoneInfo("Europe/Paris")
UTC = dt.UTC

Window = Literal["acknowledgement", "business", "round_the_clock"]
WINDOWS: tuple[Window, ...] = ("acknowledgement", "business", "round_the_clock")

# Local time ranges per window, on the days the window runs.
_RANGES: dict[str, tuple[tuple[dt.time, dt.time | None], ...]] = {
    "acknowledgement": ((dt.time(9), dt.time(12, 30)), (dt.time(14), dt.time(18))),
    "business": ((dt.time(9), dt.time(18)),),
    # None: up to the next local midnight.
    "round_the_clock": ((dt.time(0), None),),
}

Interval = tuple[dt.datetime, dt.datetime]

# A deadline search never looks further than this (a clock of a few hours never needs it).
_MAX_DAYS = 3 * 366


def _check_window(window: str) -> None:
    if window not in _RANGES:
        raise ValueError(f"unknown window {window!r}; expected one of {', '.join(WINDOWS)}")


def _floor(instant: dt.datetime) -> dt.datetime:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("clock instants must be timezone-aware")
    return instant.astimezone(UTC).replace(second=0, microsecond=0)


def _day_segments(window: str, day: dt.date) -> Iterator[Interval]:
    """The window's ranges on one local day, as UTC intervals."""
    if window != "round_the_clock" and not is_working_day(day):
        return
    for start, end in _RANGES[window]:
        a = dt.datetime.combine(day, start, tzinfo=PARIS)
        if end is None:
            b = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=PARIS)
        else:
            b = dt.datetime.combine(day, end, tzinfo=PARIS)
        yield a.astimezone(UTC), b.astimezone(UTC)


def _segments(window: str, start: dt.datetime, end: dt.datetime | None) -> Iterator[Interval]:
    """The window's running intervals clipped to [start, end) (end None: open-ended)."""
    day = start.astimezone(PARIS).date()
    last = end.astimezone(PARIS).date() if end is not None else day + dt.timedelta(_MAX_DAYS)
    while day <= last:
        for a, b in _day_segments(window, day):
            a, b = max(a, start), b if end is None else min(b, end)
            if a < b:
                yield a, b
        day += dt.timedelta(days=1)


def _merged(pauses: Iterable[tuple[dt.datetime, dt.datetime | None]]) -> list[Interval]:
    """Pauses floored to the minute, sorted and merged; an open pause has end None → far future."""
    spans = sorted(
        (_floor(a), _floor(b) if b is not None else dt.datetime.max.replace(tzinfo=UTC))
        for a, b in pauses
    )
    merged: list[Interval] = []
    for a, b in spans:
        if b <= a:
            continue
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def _minus(segments: Iterable[Interval], pauses: Sequence[Interval]) -> Iterator[Interval]:
    """Segments (in order) with the merged pauses cut out."""
    for a, b in segments:
        for pa, pb in pauses:
            if pb <= a or pa >= b:
                continue
            if pa > a:
                yield a, pa
            a = max(a, pb)
            if a >= b:
                break
        if a < b:
            yield a, b


def _minutes(delta: dt.timedelta) -> int:
    return int(delta.total_seconds()) // 60


def counted_minutes(
    start: dt.datetime,
    end: dt.datetime,
    window: Window | str,
    pauses: Iterable[tuple[dt.datetime, dt.datetime | None]] = (),
) -> int:
    """Whole minutes of ``window`` between two instants, minus the pauses (0 if end ≤ start)."""
    _check_window(window)
    a, b = _floor(start), _floor(end)
    if b <= a:
        return 0
    merged = _merged(pauses)
    if window == "round_the_clock" and not merged:
        return _minutes(b - a)
    return sum(_minutes(y - x) for x, y in _minus(_segments(window, a, b), merged))


def deadline(
    start: dt.datetime,
    minutes: int,
    window: Window | str,
    pauses: Iterable[tuple[dt.datetime, dt.datetime | None]] = (),
) -> dt.datetime:
    """The instant at which ``counted_minutes(start, ·, window, pauses)`` reaches ``minutes``.

    The earliest such instant: a clock that reaches its target exactly at the end of a window
    range is due then, not at the next opening. An open pause (end None) never ends, so its
    deadline raises ValueError, like a target beyond the search horizon.
    """
    _check_window(window)
    if minutes < 0:
        raise ValueError("minutes must be ≥ 0")
    a = _floor(start)
    merged = _merged(pauses)
    left = dt.timedelta(minutes=minutes)
    if not left:
        return a
    for x, y in _minus(_segments(window, a, None), merged):
        if y - x >= left:
            return x + left
        left -= y - x
    raise ValueError("deadline beyond the clock's horizon")
