import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saveit.support.clock import PARIS, UTC, counted_minutes, deadline, is_working_day


def paris(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=PARIS)


RANGES = {
    "acknowledgement": [(dt.time(9), dt.time(12, 30)), (dt.time(14), dt.time(18))],
    "business": [(dt.time(9), dt.time(18))],
}


def brute_force(start, end, window, pauses=()):
    """Minute by minute: is each UTC minute inside the window and outside every pause?"""
    minute = start.astimezone(UTC).replace(second=0, microsecond=0)
    stop = end.astimezone(UTC).replace(second=0, microsecond=0)
    floored = [
        (
            a.astimezone(UTC).replace(second=0, microsecond=0),
            b.astimezone(UTC).replace(second=0, microsecond=0),
        )
        for a, b in pauses
    ]
    count = 0
    while minute < stop:
        local = minute.astimezone(PARIS)
        inside = window == "round_the_clock" or (
            is_working_day(local.date()) and any(a <= local.time() < b for a, b in RANGES[window])
        )
        if inside and not any(a <= minute < b for a, b in floored):
            count += 1
        minute += dt.timedelta(minutes=1)
    return count


YEAR_START = paris(2026, 1, 1)
instants = st.integers(min_value=0, max_value=365 * 24 * 60).map(
    lambda m: YEAR_START.astimezone(UTC) + dt.timedelta(minutes=m, seconds=m % 60)
)
windows = st.sampled_from(["acknowledgement", "business", "round_the_clock"])


@settings(max_examples=120, deadline=None)
@given(start=instants, span=st.integers(min_value=0, max_value=6 * 24 * 60), window=windows)
def test_clock_matches_a_minute_by_minute_count(start, span, window):
    end = start + dt.timedelta(minutes=span, seconds=17)
    assert counted_minutes(start, end, window) == brute_force(start, end, window)


@settings(max_examples=60, deadline=None)
@given(
    start=instants,
    span=st.integers(min_value=0, max_value=4 * 24 * 60),
    window=windows,
    cuts=st.lists(st.tuples(st.integers(0, 4 * 24 * 60), st.integers(0, 24 * 60)), max_size=3),
)
def test_clock_with_pauses_matches_a_minute_by_minute_count(start, span, window, cuts):
    end = start + dt.timedelta(minutes=span)
    pauses = [
        (start + dt.timedelta(minutes=o), start + dt.timedelta(minutes=o + n)) for o, n in cuts
    ]
    assert counted_minutes(start, end, window, pauses) == brute_force(start, end, window, pauses)


@settings(max_examples=100, deadline=None)
@given(start=instants, minutes=st.integers(min_value=1, max_value=3000), window=windows)
def test_deadline_is_the_first_instant_reaching_the_target(start, minutes, window):
    due = deadline(start, minutes, window)
    assert counted_minutes(start, due, window) == minutes
    assert counted_minutes(start, due - dt.timedelta(minutes=1), window) == minutes - 1


def test_friday_evening_before_a_holiday_monday():
    # Easter Monday 6 April 2026: opened Friday 3 April at 17:30.
    opened = paris(2026, 4, 3, 17, 30)
    assert counted_minutes(opened, paris(2026, 4, 7, 9, 0), "business") == 30
    assert counted_minutes(opened, paris(2026, 4, 7, 11, 0), "acknowledgement") == 150
    # 2.5 h acknowledgement: 30 min on Friday, then Tuesday 09:00 → 11:00.
    assert deadline(opened, 150, "acknowledgement") == paris(2026, 4, 7, 11, 0)
    # P2 restoration, 4 h business: Tuesday 12:30.
    assert deadline(opened, 240, "business") == paris(2026, 4, 7, 12, 30)
    # P1 restoration runs through the holiday weekend.
    assert deadline(opened, 120, "round_the_clock") == paris(2026, 4, 3, 19, 30)


def test_acknowledgement_skips_the_lunch_break():
    assert (
        counted_minutes(paris(2026, 3, 10, 12, 0), paris(2026, 3, 10, 14, 30), "acknowledgement")
        == 60
    )
    assert deadline(paris(2026, 3, 10, 12, 0), 31, "acknowledgement") == paris(2026, 3, 10, 14, 1)


def test_round_the_clock_across_both_dst_changes():
    # 29 March 2026: 02:00 → 03:00, the local day lasts 23 h.
    assert (
        counted_minutes(paris(2026, 3, 28, 23, 0), paris(2026, 3, 29, 4, 0), "round_the_clock")
        == 240
    )
    assert deadline(paris(2026, 3, 29, 1, 30), 60, "round_the_clock") == paris(2026, 3, 29, 3, 30)
    # 25 October 2026: 03:00 → 02:00, the local day lasts 25 h.
    assert (
        counted_minutes(paris(2026, 10, 25, 0, 0), paris(2026, 10, 26, 0, 0), "round_the_clock")
        == 25 * 60
    )
    assert deadline(paris(2026, 10, 25, 1, 0), 120, "round_the_clock").astimezone(PARIS).hour == 2


def test_business_clock_across_both_dst_changes():
    # Friday 27 March 17:00 → Monday 30 March 10:00 (after the spring change): 2 h.
    assert counted_minutes(paris(2026, 3, 27, 17), paris(2026, 3, 30, 10), "business") == 120
    # Friday 23 October 17:00 → Monday 26 October 10:00 (after the autumn change): 2 h.
    assert counted_minutes(paris(2026, 10, 23, 17), paris(2026, 10, 26, 10), "business") == 120
    assert deadline(paris(2026, 10, 23, 17), 240, "business") == paris(2026, 10, 26, 12)


def test_pauses_stop_the_clock():
    start = paris(2026, 6, 2, 9, 0)  # Tuesday
    pauses = [(paris(2026, 6, 2, 10, 0), paris(2026, 6, 2, 11, 30))]
    assert counted_minutes(start, paris(2026, 6, 2, 12, 0), "business", pauses) == 90
    assert deadline(start, 240, "business", pauses) == paris(2026, 6, 2, 14, 30)
    # An open pause stops the clock for good.
    assert (
        counted_minutes(start, paris(2026, 6, 3, 12), "business", [(paris(2026, 6, 2, 10), None)])
        == 60
    )
    with pytest.raises(ValueError):
        deadline(start, 240, "business", [(paris(2026, 6, 2, 10), None)])


def test_naive_instants_and_unknown_windows_are_refused():
    with pytest.raises(ValueError):
        counted_minutes(dt.datetime(2026, 1, 5, 9), paris(2026, 1, 5, 10), "business")
    with pytest.raises(ValueError):
        counted_minutes(paris(2026, 1, 5, 9), paris(2026, 1, 5, 10), "weekends")
    assert counted_minutes(paris(2026, 1, 5, 10), paris(2026, 1, 5, 9), "business") == 0
