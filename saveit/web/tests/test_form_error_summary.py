"""Every form drawn by components/form_fields.html sums its errors up at the top, each linked
to its field, and marks the fields for assistive technologies."""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.template.loader import render_to_string
from django.utils import translation

from saveit.core.forms import FrenchDecimalField


class PaymentLikeForm(forms.Form):
    amount = FrenchDecimalField(label="Montant", min_value=Decimal("0.01"), help_text="En euros.")
    reference = forms.CharField(label="Référence", max_length=5)
    note = forms.CharField(label="Note", required=False)

    def clean(self):  # type: ignore[no-untyped-def]
        raise forms.ValidationError("Le paiement dépasse le reste dû.")


def _render(form: forms.Form) -> str:
    with translation.override("fr"):
        return render_to_string("components/form_fields.html", {"form": form})


def test_the_summary_lists_each_error_with_a_link_to_its_field():
    html = _render(PaymentLikeForm({"amount": "douze", "reference": "trop longue"}))
    summary = html[html.index("data-error-summary") : html.index("</div>")]
    assert 'role="alert"' in html and 'tabindex="-1"' in html
    assert "Ce formulaire contient 3 erreurs à corriger" in summary
    assert "Le paiement dépasse le reste dû." in summary
    assert '<a href="#id_amount">Montant : Saisissez un nombre' in summary
    assert '<a href="#id_reference">Référence : ' in summary


def test_each_refused_field_is_marked_and_described():
    html = _render(PaymentLikeForm({"amount": "douze", "reference": "ok"}))
    amount = re.search(r"<input[^>]*name=\"amount\"[^>]*>", html).group(0)
    assert 'aria-invalid="true"' in amount
    assert 'aria-describedby="id_amount_helptext id_amount_error"' in amount
    assert 'id="id_amount_helptext"' in html and 'id="id_amount_error"' in html
    note = re.search(r"<input[^>]*name=\"note\"[^>]*>", html).group(0)
    assert "aria-invalid" not in note


def test_a_form_without_errors_has_no_summary():
    assert "data-error-summary" not in _render(PaymentLikeForm())
