"""A refused payment or credit note shows the invoice again with what was typed, French
numbers included, and records nothing."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from saveit.billing.models import Invoice, Payment
from saveit.testing.factories import signed_in


def _issued_deposit(signed, pm):  # type: ignore[no-untyped-def]
    page = signed_in(pm)
    page.post(reverse("billing:create_deposit", args=[signed.pk]))
    deposit = Invoice.objects.get(engagement=signed, kind="deposit")
    page.post(reverse("billing:issue", args=[deposit.pk]))
    deposit.refresh_from_db()
    assert deposit.is_issued
    return page, deposit


def test_a_refused_payment_keeps_what_was_typed(signed, pm):
    page, deposit = _issued_deposit(signed, pm)
    response = page.post(
        reverse("billing:record_payment", args=[deposit.pk]),
        {"method": "transfer", "amount": "six cents", "reference": "VIR-2026-118"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="VIR-2026-118"' in html and 'value="six cents"' in html
    assert "data-error-summary" in html and "Saisissez un nombre" in html
    assert not Payment.objects.exists()


def test_a_payment_typed_the_french_way_is_recorded(signed, pm):
    page, deposit = _issued_deposit(signed, pm)
    page.post(
        reverse("billing:record_payment", args=[deposit.pk]),
        {"method": "transfer", "amount": "100,50", "received_on": deposit.issued_on.isoformat()},
    )
    assert Payment.objects.get().amount == Decimal("100.50")


def test_a_refused_credit_note_shows_the_invoice_again_instead_of_redirecting(signed, pm):
    page, deposit = _issued_deposit(signed, pm)
    response = page.post(reverse("billing:credit_note", args=[deposit.pk]), {"reason": "  "})
    assert response.status_code == 409
    assert (
        f'action="{reverse("billing:credit_note", args=[deposit.pk])}"' in response.content.decode()
    )
    assert not Invoice.objects.filter(credited_invoice=deposit).exists()
