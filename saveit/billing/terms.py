"""The contract's arithmetic, as pure functions (seed 004 art. 2, 17, 24, 29): subscription
periods and proration, SYNTEC revision, cancellation, late penalties. Money rounding goes through
saveit.core.money, the one place for it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from saveit.core import money

REVISION_FLOOR = Decimal("1.02")  # +2 % when the index rose less
CANCELLATION_NOTICE_DAYS = 15
CANCELLATION_INDEMNITY_RATE = Decimal("25")
SUBSCRIPTION_FIRST_INVOICE_DAYS = 20
LATE_START_MONTH = 10  # contracts from 1 October run to 31 December of the next year


def year_end(day: date) -> date:
    return date(day.year, 12, 31)


def first_term_end(activated_on: date) -> date:
    """The end of the first term: 31 December, of the next year when activated from October."""
    if activated_on.month >= LATE_START_MONTH:
        return date(activated_on.year + 1, 12, 31)
    return year_end(activated_on)


def months_remaining(activated_on: date) -> int:
    """Months left in the calendar year, the month of activation counted."""
    return 13 - activated_on.month


def prorated_fee(annual: Decimal, activated_on: date) -> Decimal:
    return money.cents(annual * months_remaining(activated_on) / 12)


def notice_deadline(year: int) -> date:
    """The last day a termination may be received to take effect on 31 December."""
    return date(year, 11, 30)


def first_invoice_deadline(activated_on: date) -> date:
    return activated_on + timedelta(days=SUBSCRIPTION_FIRST_INVOICE_DAYS)


@dataclass(frozen=True)
class Revision:
    previous: Decimal
    revised: Decimal
    index_now: Decimal
    index_ref: Decimal
    floor_applied: bool

    @property
    def ratio(self) -> Decimal:
        return self.index_now / self.index_ref

    def explanation(self) -> str:
        """The calculation as printed on the invoice (French, a contractual document)."""
        prev, new = money.format_money(self.previous), money.format_money(self.revised)
        now = money.format_number(self.index_now, 1)
        ref = money.format_number(self.index_ref, 1)
        change = money.format_number((self.ratio - 1) * 100, 2)
        if self.floor_applied:
            return (
                f"Révision annuelle : l'indice SYNTEC a évolué de {change} % ({ref} → {now}), "
                f"moins que 2 % : majoration de 2 % appliquée, P(t) = {prev} × 1,02 = {new}."
            )
        return (
            f"Révision annuelle SYNTEC : P(t) = P(t−1) × S(t) / S(t−1) = {prev} × {now} / {ref} "
            f"= {new}."
        )


def revise(previous: Decimal, *, index_now: Decimal, index_ref: Decimal) -> Revision:
    """P(t) = P(t−1) × S(t)/S(t−1), or P(t−1) × 1.02 when the index rose less than 2 % (a fall
    included: the revision only goes up)."""
    ratio = index_now / index_ref
    if ratio < REVISION_FLOOR:
        return Revision(
            previous, money.cents(previous * REVISION_FLOOR), index_now, index_ref, True
        )
    return Revision(previous, money.cents(previous * ratio), index_now, index_ref, False)


@dataclass(frozen=True)
class CancellationOutcome:
    refund_deposit: bool
    indemnity: Decimal


def cancellation(*, total_incl: Decimal, start: date, received_on: date) -> CancellationOutcome:
    """Written cancellation or postponement: received at least 15 days before the start, the
    deposit is refunded; later, 25 % of the total incl. VAT is due whatever the deposit."""
    if (start - received_on).days >= CANCELLATION_NOTICE_DAYS:
        return CancellationOutcome(True, money.ZERO)
    return CancellationOutcome(False, money.cents(total_incl * CANCELLATION_INDEMNITY_RATE / 100))


def late_penalty(
    *, amount: Decimal, days_late: int, legal_rate: Decimal, multiplier: Decimal
) -> Decimal:
    """Penalties at `multiplier` × the yearly legal interest rate, per day late (no notice
    needed); the 40 € indemnity is added per invoice by the caller."""
    if days_late <= 0 or amount <= 0:
        return money.ZERO
    return money.cents(amount * legal_rate * multiplier / 100 * days_late / 365)
