from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from saveit.billing import services
from saveit.billing.models import Invoice, LegalInterestRate, Subscription, SyntecIndex
from saveit.testing.factories import signed_in

from .conftest import draft


def test_indexes_are_entered_by_admins_only(pm, staff_admin):
    url = reverse("billing:indexes")
    body = {
        "table": "syntec",
        "syntec-month": "2026-09-01",
        "syntec-value": "303.1",
        "syntec-source": "Syntec",
    }
    assert signed_in(pm).post(url, body).status_code == 403
    assert signed_in(staff_admin).post(url, body).status_code == 302
    legal = {
        "table": "legal",
        "legal-year": "2026",
        "legal-half": "2",
        "legal-rate": "6.65",
        "legal-source": "JO",
    }
    signed_in(staff_admin).post(url, legal)
    assert SyntecIndex.objects.count() == 1 and LegalInterestRate.objects.count() == 1
    page = signed_in(pm).get(url).content.decode()
    assert "303,1" in page or "303.1" in page


def test_a_subscription_is_created_from_its_page(billable, pm):
    response = signed_in(pm).post(
        reverse("billing:subscriptions"),
        {
            "client": billable.pk,
            "label": "Licence",
            "annual_price": "1200",
            "activated_on": "2026-07-01",
        },
    )
    assert response.status_code == 302
    subscription = Subscription.objects.get()
    assert subscription.periods.get().invoice.total_excl == 600
    assert "Licence" in signed_in(pm).get(reverse("billing:subscriptions")).content.decode()


def test_penalties_and_cancellation_from_the_pages(signed, pm, staff_admin):
    deposit = services.issue_invoice(
        invoice=services.create_deposit_invoice(engagement=signed, by=pm), by=pm
    )
    Invoice.objects.filter(pk=deposit.pk).update(due_on=timezone.localdate() - timedelta(days=20))
    today = timezone.localdate()
    for year in {today.year, (today - timedelta(days=20)).year}:
        for half in (1, 2):
            LegalInterestRate.objects.get_or_create(
                year=year,
                half=half,
                defaults={"rate": 7, "source": "JO", "entered_by": staff_admin},
            )
    page = signed_in(pm)
    assert "pénalités" in page.get(reverse("billing:invoice", args=[deposit.pk])).content.decode()
    page.post(reverse("billing:penalties", args=[deposit.pk]))
    assert Invoice.objects.filter(kind="penalty", deducted_invoice=deposit).exists()
    start = (today + timedelta(days=20)).isoformat()
    page.post(
        reverse("billing:cancel", args=[signed.pk]),
        {"start": start, "received_on": today.isoformat()},
    )
    assert Invoice.objects.filter(kind="credit_note", credited_invoice=deposit).exists()


def test_an_issued_invoice_is_listed_for_staff_with_drafts(billable, pm):
    issued = services.issue_invoice(invoice=draft(billable, pm), by=pm)
    pending = draft(billable, pm)
    text = signed_in(pm).get(reverse("billing:invoices")).content.decode()
    assert issued.number in text and f"#{pending.pk}" in text
