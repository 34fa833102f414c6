from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from saveit.billing import cancellation, collection, services
from saveit.billing.models import Invoice, Reminder
from saveit.core.errors import Refusal
from saveit.testing.factories import signed_in

from .conftest import draft


def _issued(client, pm):
    return services.issue_invoice(invoice=draft(client, pm), by=pm)


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, 6, 0))


def test_reminders_at_due_plus_1_15_30_once_each(billable, pm):
    invoice = _issued(billable, pm)
    due = invoice.due_on
    assert collection.send_payment_reminders(_at(due)) == 0
    assert collection.send_payment_reminders(_at(due + timedelta(days=1))) == 1
    assert collection.send_payment_reminders(_at(due + timedelta(days=2))) == 0
    assert collection.send_payment_reminders(_at(due + timedelta(days=15))) == 1
    assert collection.send_payment_reminders(_at(due + timedelta(days=15))) == 0
    assert collection.send_payment_reminders(_at(due + timedelta(days=40))) == 1
    assert sorted(Reminder.objects.values_list("step", flat=True)) == [1, 15, 30]


def test_a_paid_invoice_gets_no_reminder(billable, pm):
    invoice = _issued(billable, pm)
    services.record_payment(
        client=billable,
        by=pm,
        method="transfer",
        amount=invoice.total_incl,
        received_on=invoice.issued_on,
        allocations=[(invoice, invoice.total_incl)],
    )
    assert collection.send_payment_reminders(_at(invoice.due_on + timedelta(days=3))) == 0


def test_an_allocation_above_what_is_owed_is_refused(billable, pm):
    invoice = _issued(billable, pm)
    with pytest.raises(Refusal) as refused:
        services.record_payment(
            client=billable,
            by=pm,
            method="cheque",
            amount=Decimal("5000"),
            received_on=invoice.issued_on,
            allocations=[(invoice, Decimal("5000"))],
        )
    assert refused.value.code == "allocation_too_large"


def test_late_penalties_use_each_half_years_rate_and_add_40_euros(billable, pm, staff_admin):
    invoice = _issued(billable, pm)
    until = invoice.due_on + timedelta(days=30)
    with pytest.raises(Refusal):
        collection.invoice_late_penalties(invoice=invoice, by=pm, until=until)
    for year in (invoice.due_on.year, until.year):
        for half in (1, 2):
            if not collection.LegalInterestRate.objects.filter(year=year, half=half).exists():
                collection.enter_legal_rate(
                    year=year,
                    half=half,
                    rate=Decimal("8.00"),
                    source="Banque de France",
                    by=staff_admin,
                )
    penalty = collection.invoice_late_penalties(invoice=invoice, by=pm, until=until)
    expected = (invoice.total_incl * Decimal("8") * 3 / 100 * 30 / 365).quantize(Decimal("0.01"))
    assert penalty.total_incl == expected + Decimal("40.00")
    assert penalty.total_vat == 0
    issued = services.issue_invoice(invoice=penalty, by=pm)
    assert issued.kind == Invoice.Kind.PENALTY


def test_suspension_is_recorded_and_enforced_on_client_staff_not_learners(
    billable, pm, staff_admin, owner, learner
):
    invoice = _issued(billable, pm)
    with pytest.raises(Refusal):  # not late yet
        collection.suspend_client(client=billable, by=staff_admin, reason="x", invoices=[invoice])
    Invoice.objects.filter(pk=invoice.pk).update(due_on=timezone.localdate() - timedelta(days=40))
    invoice.refresh_from_db()
    collection.suspend_client(
        client=billable, by=staff_admin, reason="Factures impayées", invoices=[invoice]
    )
    page = signed_in(owner)
    home = page.get("/").content.decode()
    assert "Service suspendu" in home
    refused = page.post("/api/v1/invoices", {}, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["code"] == "suspended"
    # A learner is not cut off.
    assert "Service suspendu" not in signed_in(learner).get("/").content.decode()
    collection.lift_suspension(client=billable, by=staff_admin)
    assert "Service suspendu" not in signed_in(owner).get("/").content.decode()


@pytest.mark.parametrize(("days", "refund"), [(16, True), (15, True), (14, False)])
def test_cancellation_at_16_15_and_14_days_before_the_start(signed, pm, days, refund):
    deposit = services.issue_invoice(
        invoice=services.create_deposit_invoice(engagement=signed, by=pm), by=pm
    )
    start = timezone.localdate() + timedelta(days=days)
    result = cancellation.record_cancellation(
        engagement=signed, by=pm, start=start, received_on=timezone.localdate()
    )
    if refund:
        assert [note.credited_invoice_id for note in result.refunded] == [deposit.pk]
        assert result.refunded[0].total_incl == deposit.total_incl
        assert result.indemnity is None
    else:
        assert result.refunded == []
        assert result.indemnity is not None
        assert result.indemnity.total_incl == Decimal("825.15")  # 25 % of 3 300,60 €
        issued = services.issue_invoice(invoice=result.indemnity, by=pm)
        assert issued.kind == Invoice.Kind.CANCELLATION


def test_the_project_manager_is_warned_once_before_the_balance_deadline(signed, pm, owner):
    from .conftest import deliver

    deliver(signed, pm, owner)
    now = timezone.now()
    assert collection.warn_balance_deadlines(now) == 0  # 20 days left
    later = now + timedelta(days=16)
    assert collection.warn_balance_deadlines(later) == 1
    assert collection.warn_balance_deadlines(later) == 0


def test_the_invoices_a_suspension_cites_are_those_in_default(billable, pm):
    """selectors.overdue_invoices, used by the page and the API: issued, past due, something
    left to pay; never a credit note, a paid or not yet due invoice, another client's."""
    from saveit.billing import selectors

    late_day = timezone.localdate() - timedelta(days=40)
    late, paid, not_due, credited = (_issued(billable, pm) for _ in range(4))
    Invoice.objects.filter(pk__in=[late.pk, paid.pk, credited.pk]).update(due_on=late_day)
    services.record_payment(
        client=billable,
        by=pm,
        amount=paid.total_incl,
        method="transfer",
        received_on=timezone.localdate(),
        allocations=[(paid, paid.total_incl)],
    )
    note = services.issue_invoice(
        invoice=services.create_credit_note(invoice=credited, by=pm, reason="Erreur"), by=pm
    )
    Invoice.objects.filter(pk=note.pk).update(due_on=late_day)
    assert [i.pk for i in selectors.overdue_invoices(Invoice.objects.all(), billable.pk)] == [
        late.pk
    ]
    assert selectors.overdue_invoices(Invoice.objects.all(), billable.pk + 10_000) == []
    late.refresh_from_db()
    assert not selectors.is_in_default(not_due) and selectors.is_in_default(late)
    # a draft with a past date is not in default: nothing is owed until it is issued
    unissued = draft(billable, pm)
    Invoice.objects.filter(pk=unissued.pk).update(due_on=late_day)
    unissued.refresh_from_db()
    assert unissued.total_incl > 0 and not selectors.is_in_default(unissued)
    assert unissued.pk not in {
        i.pk for i in selectors.overdue_invoices(Invoice.objects.all(), billable.pk)
    }
