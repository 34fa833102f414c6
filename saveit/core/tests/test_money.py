from decimal import Decimal

from saveit.core import money


def test_vat_is_rounded_once_per_rate_and_adds_up():
    lines = [
        money.PriceLine("a", Decimal("3"), Decimal("33.33"), Decimal("20")),
        money.PriceLine("b", Decimal("1"), Decimal("10.05"), Decimal("5.5")),
    ]
    totals = money.totals_of(lines)
    assert totals.excl == Decimal("110.04")
    assert [s.amount for s in totals.breakdown] == [Decimal("0.55"), Decimal("20.00")]
    assert totals.incl == totals.excl + totals.vat == Decimal("130.59")


def test_deposit_only_above_the_threshold():
    assert money.deposit_for(Decimal("2000.00"), rate=Decimal(20), threshold=Decimal(2000)) == 0
    assert money.deposit_for(
        Decimal("2000.01"), rate=Decimal(20), threshold=Decimal(2000)
    ) == Decimal("400.00")


def test_french_formats():
    assert money.format_money(Decimal("1234567.891")) == "1\u202f234\u202f567,89\u00a0€"
    assert money.format_rate(Decimal("5.50")) == "5,5\u00a0%"
    assert money.format_rate(Decimal("20.00")) == "20\u00a0%"
    assert money.to_decimal("1 234,50 €") == Decimal("1234.50")
