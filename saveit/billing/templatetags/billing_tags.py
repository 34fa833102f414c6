from __future__ import annotations

from decimal import Decimal

from django import template

from saveit.core import money

register = template.Library()


@register.filter
def euros(value: Decimal | str | None) -> str:
    """1234.5 → "1 234,50 €" (French style, whatever the language: invoices are in euros)."""
    if value in (None, ""):
        return ""
    return money.format_money(money.to_decimal(value))


@register.filter
def rate(value: Decimal | str | None) -> str:
    if value in (None, ""):
        return ""
    return money.format_rate(money.to_decimal(value))


@register.filter
def qty(value: Decimal | None) -> str:
    return "" if value is None else money.format_quantity(value)
