"""French company identifiers: SIREN (9 digits, Luhn key) and intra-EU VAT number."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        n = int(char)
        if index % 2 == 1:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0


def validate_siren(value: str) -> None:
    if not re.fullmatch(r"\d{9}", value or "") or not luhn_ok(value):
        raise ValidationError(
            _("A SIREN number has 9 digits with a valid check key."), code="siren"
        )


_EU_VAT = re.compile(r"[A-Z]{2}[0-9A-Z]{2,13}")


def validate_vat_number(value: str) -> None:
    value = value or ""
    if not _EU_VAT.fullmatch(value):
        raise ValidationError(_("This is not an intra-EU VAT number."), code="vat")
    if value.startswith("FR"):
        key, siren = value[2:4], value[4:]
        if not (key.isdigit() and re.fullmatch(r"\d{9}", siren)):
            raise ValidationError(
                _("A French VAT number is FR, a 2-digit key and the SIREN."), code="vat"
            )
        if int(key) != (12 + 3 * (int(siren) % 97)) % 97:
            raise ValidationError(_("The key of this French VAT number is wrong."), code="vat")
