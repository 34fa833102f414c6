from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from saveit.billing import services, subscriptions
from saveit.billing.models import Invoice, SubscriptionNotice
from saveit.core.errors import Forbidden, Refusal


@pytest.fixture
def indexes(staff_admin):
    old = subscriptions.enter_syntec_index(
        month=date(2026, 3, 1), value=Decimal("300.0"), source="Syntec, mars 2026", by=staff_admin
    )
    return old


def test_first_invoice_is_prorated_and_states_the_effective_date(billable, pm, indexes):
    sub = subscriptions.create_subscription(
        client=billable,
        by=pm,
        label="Licence DUERP",
        annual_price=Decimal("1200"),
        activated_on=date(2026, 4, 15),
    )
    invoice = sub.periods.get().invoice
    assert invoice.kind == Invoice.Kind.SUBSCRIPTION and invoice.total_excl == Decimal("900.00")
    assert any("15 avril 2026" in mention for mention in invoice.mentions)
    issued = services.issue_invoice(invoice=invoice, by=pm)
    assert issued.number


def test_from_october_the_first_term_runs_to_the_end_of_next_year(billable, pm, indexes):
    sub = subscriptions.create_subscription(
        client=billable,
        by=pm,
        label="Licence",
        annual_price=Decimal("1200"),
        activated_on=date(2026, 10, 1),
    )
    assert sub.committed_until == date(2027, 12, 31)
    ended = subscriptions.terminate_subscription(
        subscription=sub, by=pm, received_on=date(2026, 11, 2)
    )
    assert ended.ends_on == date(2027, 12, 31)


def test_termination_after_the_notice_deadline_takes_a_year_more(billable, pm, indexes):
    sub = subscriptions.create_subscription(
        client=billable,
        by=pm,
        label="Licence",
        annual_price=Decimal("1200"),
        activated_on=date(2026, 2, 1),
    )
    ended = subscriptions.terminate_subscription(
        subscription=sub, by=pm, received_on=date(2026, 12, 5)
    )
    assert ended.ends_on == date(2027, 12, 31)


def test_december_invoice_applies_the_revision_and_prints_it(billable, pm, staff_admin, indexes):
    sub = subscriptions.create_subscription(
        client=billable,
        by=pm,
        label="Licence",
        annual_price=Decimal("1000"),
        activated_on=date(2026, 4, 1),
    )
    subscriptions.enter_syntec_index(
        month=date(2026, 10, 1), value=Decimal("315.0"), source="Syntec, oct. 2026", by=staff_admin
    )
    invoice = subscriptions.invoice_next_year(subscription=sub, by=pm, today=date(2026, 12, 1))
    assert invoice.total_excl == Decimal("1050.00")
    assert "315,0 / 300,0" in invoice.mentions[0]
    with pytest.raises(Refusal):
        subscriptions.invoice_next_year(subscription=sub, by=pm, today=date(2026, 12, 2))
    issued = services.issue_invoice(invoice=invoice, by=pm)
    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(issued.document.file.open("rb")).pages)
    assert "315,0 / 300,0" in text


def test_only_admins_enter_indexes_and_never_twice(pm, staff_admin, indexes):
    with pytest.raises(Forbidden):
        subscriptions.enter_syntec_index(
            month=date(2026, 5, 1), value=Decimal("301"), source="x", by=pm
        )
    with pytest.raises(Refusal):
        subscriptions.enter_syntec_index(
            month=date(2026, 3, 1), value=Decimal("301"), source="x", by=staff_admin
        )


def test_the_notice_reminder_goes_once_in_november(billable, pm, owner, indexes):
    subscriptions.create_subscription(
        client=billable,
        by=pm,
        label="Licence",
        annual_price=Decimal("1000"),
        activated_on=date(2026, 4, 1),
    )
    november = timezone.make_aware(datetime(2026, 11, 2, 8, 0))
    assert subscriptions.send_notice_reminders(timezone.make_aware(datetime(2026, 10, 2))) == 0
    assert subscriptions.send_notice_reminders(november) == 1
    assert subscriptions.send_notice_reminders(november) == 0
    assert SubscriptionNotice.objects.count() == 1
    assert mail.outbox == [] or "renouvelle" in mail.outbox[-1].subject
