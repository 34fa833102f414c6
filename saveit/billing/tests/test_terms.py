"""The contract's arithmetic: proration for every start month, SYNTEC revision, cancellation
notice, late penalties."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from saveit.billing import terms


@pytest.mark.parametrize("month", range(1, 13))
def test_proration_for_every_start_month(month):
    activated = date(2027, month, 10)
    assert terms.months_remaining(activated) == 13 - month
    expected = (Decimal("1200") * (13 - month) / 12).quantize(Decimal("0.01"))
    assert terms.prorated_fee(Decimal("1200"), activated) == expected
    end = terms.first_term_end(activated)
    assert end == (date(2028, 12, 31) if month >= 10 else date(2027, 12, 31))


def test_proration_rounds_to_the_cent():
    assert terms.prorated_fee(Decimal("1000"), date(2027, 2, 1)) == Decimal("916.67")


def test_syntec_index_up_one_percent_gives_two_percent():
    revision = terms.revise(Decimal("1000"), index_now=Decimal("303.0"), index_ref=Decimal("300.0"))
    assert revision.floor_applied and revision.revised == Decimal("1020.00")
    assert "2 %" in revision.explanation() and "1\u202f020,00" in revision.explanation()


def test_syntec_index_up_five_percent_follows_the_index():
    revision = terms.revise(Decimal("1000"), index_now=Decimal("315.0"), index_ref=Decimal("300.0"))
    assert not revision.floor_applied and revision.revised == Decimal("1050.00")
    assert "315,0 / 300,0" in revision.explanation()


def test_syntec_index_down_still_gives_two_percent_upward_only():
    revision = terms.revise(Decimal("1000"), index_now=Decimal("294.0"), index_ref=Decimal("300.0"))
    assert revision.floor_applied and revision.revised == Decimal("1020.00")


@pytest.mark.parametrize(
    ("days_before", "refunded", "indemnity"),
    [(16, True, Decimal("0.00")), (15, True, Decimal("0.00")), (14, False, Decimal("750.00"))],
)
def test_cancellation_at_16_15_and_14_days(days_before, refunded, indemnity):
    start = date(2027, 3, 20)
    outcome = terms.cancellation(
        total_incl=Decimal("3000"),
        start=start,
        received_on=date.fromordinal(start.toordinal() - days_before),
    )
    assert outcome.refund_deposit is refunded
    assert outcome.indemnity == indemnity


def test_late_penalty_is_three_times_the_legal_rate_per_day():
    # 1 000 € × 8,16 % × 3 × 30 / 365 = 20,12 €
    assert terms.late_penalty(
        amount=Decimal("1000"), days_late=30, legal_rate=Decimal("8.16"), multiplier=Decimal("3")
    ) == Decimal("20.12")
    assert terms.late_penalty(
        amount=Decimal("1000"), days_late=0, legal_rate=Decimal("8.16"), multiplier=Decimal("3")
    ) == Decimal("0.00")


def test_termination_notice_deadline():
    assert terms.notice_deadline(2027) == date(2027, 11, 30)
