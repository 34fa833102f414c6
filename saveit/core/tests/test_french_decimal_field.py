"""Amounts are typed the French way ("2 400,00", no-break spaces) or the English way ("2400.50");
anything else is refused with a French message and never guessed."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django import forms
from django.utils import translation

from saveit.core.forms import FrenchDecimalField, FrenchDecimalInput

NBSP, NNBSP = "\u00a0", "\u202f"


class AmountForm(forms.Form):
    amount = FrenchDecimalField(min_value=Decimal("0.01"), max_digits=12, decimal_places=2)
    optional = FrenchDecimalField(required=False)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2 400,00", "2400.00"),
        ("2400,5", "2400.5"),
        (f"2{NBSP}400,00", "2400.00"),
        (f"2{NNBSP}400,00", "2400.00"),
        (f"1{NNBSP}234{NNBSP}567,89", "1234567.89"),
        ("2400.50", "2400.50"),
        ("  2400  ", "2400"),
        ("0,5", "0.5"),
        (",5", "0.5"),
        ("2 400,00 €", "2400.00"),
    ],
)
def test_french_and_english_writings_are_accepted(typed, expected):
    form = AmountForm({"amount": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["amount"] == Decimal(expected)
    assert form.cleaned_data["optional"] is None


@pytest.mark.parametrize(
    "typed",
    ["deux mille", "2,400.00", "2.400,00", "24 00", "2 4000", "1,2,3", "12abc", "--3", ",", "1e5"],
)
def test_anything_else_is_refused_in_french(typed):
    with translation.override("fr"):
        form = AmountForm({"amount": typed})
        assert not form.is_valid()
        assert form.errors["amount"] == [
            "Saisissez un nombre, par exemple 2 400,50 (virgule ou point avant les décimales)."
        ]


def test_the_limits_still_hold_with_french_messages():
    with translation.override("fr"):
        too_small = AmountForm({"amount": "0,00"})
        too_precise = AmountForm({"amount": "12,345"})
        assert not too_small.is_valid() and "supérieure ou égale" in str(too_small.errors)
        assert not too_precise.is_valid() and "2 chiffres" in str(too_precise.errors)


def test_the_box_takes_a_comma_and_shows_the_value_with_one():
    html = str(AmountForm(initial={"amount": Decimal("2400.50")})["amount"])
    assert 'type="text"' in html and 'inputmode="decimal"' in html
    assert 'value="2400,50"' in html and "step=" not in html
    assert FrenchDecimalInput().format_value(None) is None


def test_every_decimal_field_of_the_forms_is_the_french_one():
    """One field class for amounts everywhere: a plain DecimalField refuses "2 400,00"."""
    import importlib
    from pathlib import Path

    apps = Path(__file__).resolve().parents[2]
    modules = [
        importlib.import_module(f"saveit.{path.parent.name}.{path.stem}")
        for path in sorted(apps.glob("*/forms*.py"))
    ]
    assert len(modules) > 10
    for module in modules:
        for form in vars(module).values():
            if isinstance(form, type) and issubclass(form, forms.BaseForm):
                for name, field in form.base_fields.items():
                    if isinstance(field, forms.DecimalField):
                        assert isinstance(field, FrenchDecimalField), (form, name)
