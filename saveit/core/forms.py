"""Form fields shared by every app: numbers typed the French way."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

# Spaces a French number may carry between thousands: plain, non-breaking, narrow no-break
# (what spreadsheets and Word paste), and the thin space.
_GROUP = "[ \u00a0\u202f\u2009]"
_NUMBER = re.compile(
    rf"^(?P<sign>[-+\u2212]?)\s*"
    rf"(?P<whole>\d{{1,3}}(?:{_GROUP}\d{{3}})+|\d*)"
    r"(?:[,.](?P<fraction>\d+))?"
    r"\s*(?:€|%|EUR)?$",
    re.IGNORECASE,
)


def parse_french_decimal(text: str) -> Decimal:
    """ "2 400,00", "2400,5", "2 400,00" with (narrow) no-break spaces, "2400.50" → Decimal.
    Anything else (two separators, letters, "1,234.5") raises ValueError: a number is never
    guessed."""
    match = _NUMBER.match(text.strip())
    if not match or not (match["whole"] or match["fraction"]):
        raise ValueError(text)
    whole = re.sub(_GROUP, "", match["whole"]) or "0"
    sign = "-" if match["sign"] in ("-", "\u2212") else ""
    try:
        fraction = match["fraction"]
        return Decimal(f"{sign}{whole}.{fraction}" if fraction else f"{sign}{whole}")
    except InvalidOperation:  # pragma: no cover - the pattern only lets digits through
        raise ValueError(text) from None


class FrenchDecimalInput(forms.TextInput):
    """A text box (a number box refuses the comma) that shows the value with a decimal comma."""

    input_type = "text"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            return str(value).replace(".", ",")
        return super().format_value(value)


class FrenchDecimalField(forms.DecimalField):
    """The decimal field of every form (amounts, prices, rates, quantities): accepts French and
    English writing, refuses the rest with a French message; limits as forms.DecimalField."""

    widget = FrenchDecimalInput
    default_error_messages = {
        "invalid": _("Enter a number, for example 2 400,50 (comma or point before the decimals)."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.pop("localize", None)  # the parsing below is the localisation
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        try:
            return parse_french_decimal(str(value))
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        # DecimalField adds step/min/max for a number box; a text box takes none of them.
        return {}


def french_formfield(db_field: models.Field, **kwargs: Any) -> forms.Field | None:
    """A ModelForm's `formfield_callback`: its decimal model fields get the French field."""
    if isinstance(db_field, models.DecimalField):
        kwargs.setdefault("form_class", FrenchDecimalField)
    return db_field.formfield(**kwargs)
