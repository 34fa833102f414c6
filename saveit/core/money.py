"""Money: Decimal amounts, VAT, rounding and French formatting, in one place (SPEC §13).

Amounts are cents-exact. Each line total is rounded to the cent; VAT is computed per rate on the
sum of the lines at that rate (one rounding per rate, as French invoices show it), so the printed
breakdown always adds up to the printed total.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
NBSP = "\u00a0"
NNBSP = "\u202f"


def to_decimal(value: object) -> Decimal:
    """A Decimal from a number or a French/English string ("1 234,5" or "1234.5")."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        value = repr(value)
    text = str(value).strip().replace(NBSP, "").replace(NNBSP, "").replace(" ", "")
    text = text.replace("€", "").replace("%", "").replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation as error:
        raise ValueError(f"not a number: {value!r}") from error
    if not number.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return number


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class PriceLine:
    label: str
    quantity: Decimal
    unit_price: Decimal
    vat_rate: Decimal  # percent, e.g. Decimal("20")

    @property
    def total_excl(self) -> Decimal:
        return cents(self.quantity * self.unit_price)


@dataclass(frozen=True)
class VatShare:
    rate: Decimal
    base: Decimal
    amount: Decimal


@dataclass(frozen=True)
class Totals:
    excl: Decimal
    vat: Decimal
    incl: Decimal
    breakdown: tuple[VatShare, ...]


def totals_of(lines: Iterable[PriceLine]) -> Totals:
    bases: dict[Decimal, Decimal] = {}
    for line in lines:
        bases[line.vat_rate] = bases.get(line.vat_rate, ZERO) + line.total_excl
    breakdown = tuple(
        VatShare(rate=rate, base=base, amount=cents(base * rate / 100))
        for rate, base in sorted(bases.items())
    )
    excl = sum((share.base for share in breakdown), ZERO)
    vat = sum((share.amount for share in breakdown), ZERO)
    return Totals(excl=excl, vat=vat, incl=excl + vat, breakdown=breakdown)


def deposit_for(total_incl: Decimal, *, rate: Decimal, threshold: Decimal) -> Decimal:
    """The deposit due at order: `rate` % of the total incl. VAT when it exceeds `threshold`."""
    if total_incl > threshold:
        return cents(total_incl * rate / 100)
    return ZERO


def _group(digits: str) -> str:
    groups: list[str] = []
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    groups.insert(0, digits)
    return NNBSP.join(groups)


def format_number(value: Decimal, places: int = 2) -> str:
    """French style: narrow no-break space between thousands, comma before decimals."""
    quantum = Decimal(1).scaleb(-places)
    rounded = value.quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if rounded < 0 else ""
    whole, _, fraction = f"{abs(rounded):f}".partition(".")
    return f"{sign}{_group(whole)}{',' + fraction if places else ''}"


def format_money(value: Decimal) -> str:
    return f"{format_number(value)}{NBSP}€"


def format_rate(value: Decimal) -> str:
    """20 → "20 %", 5.5 → "5,5 %"."""
    normalized = value.normalize()
    places = max(0, -int(normalized.as_tuple().exponent))
    return f"{format_number(value, places)}{NBSP}%"


def format_quantity(value: Decimal) -> str:
    normalized = value.normalize()
    places = max(0, -int(normalized.as_tuple().exponent))
    return format_number(value, places)
