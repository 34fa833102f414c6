from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from saveit.billing import services
from saveit.billing.models import Invoice
from saveit.core.errors import Refusal

from .conftest import deliver


def test_deposit_is_twenty_percent_of_the_total_incl_vat(signed, pm):
    deposit = services.issue_invoice(
        invoice=services.create_deposit_invoice(engagement=signed, by=pm), by=pm
    )
    assert deposit.kind == Invoice.Kind.DEPOSIT
    assert deposit.total_excl == Decimal("550.10")
    assert deposit.total_incl == Decimal("660.12")  # 20 % of 3 300,60 €
    with pytest.raises(Refusal):
        services.create_deposit_invoice(engagement=signed, by=pm)


def test_no_deposit_under_the_threshold_excl_vat(engagement, pm, owner, billable):
    from saveit.testing.engagement_setup import signed_proposal, through_phase_1

    engagement = through_phase_1(engagement, pm, owner)
    # 2 × 800 + 350,50 = 1 950,50 € excl. VAT: under 2 000 € although 2 340,60 € incl. VAT.
    signed_proposal(engagement, pm, owner, amount="800")
    with pytest.raises(Refusal) as refused:
        services.create_deposit_invoice(engagement=engagement, by=pm)
    assert refused.value.code == "no_deposit"


def test_deposit_needs_the_clients_signature(engagement, pm, owner, billable):
    from saveit.testing.engagement_setup import through_phase_1

    engagement = through_phase_1(engagement, pm, owner)
    with pytest.raises(Refusal) as refused:
        services.create_deposit_invoice(engagement=engagement, by=pm)
    assert refused.value.code == "unsigned"


def test_balance_follows_the_signed_delivery_note_and_deducts_the_deposit(signed, pm, owner):
    deposit = services.issue_invoice(
        invoice=services.create_deposit_invoice(engagement=signed, by=pm), by=pm
    )
    with pytest.raises(Refusal) as refused:
        services.create_balance_invoice(engagement=signed, by=pm)
    assert refused.value.code == "not_delivered"
    deliver(signed, pm, owner)
    assert services.balance_deadline(signed) == timezone.localdate() + timedelta(days=20)
    balance = services.issue_invoice(
        invoice=services.create_balance_invoice(engagement=signed, by=pm), by=pm
    )
    assert balance.total_excl == Decimal("2200.40")
    assert balance.total_incl == Decimal("2640.48")
    assert balance.total_incl + deposit.total_incl == Decimal("3300.60")
    assert balance.supplied_on == timezone.localdate()
    labels = [line.label for line in balance.lines.all()]
    assert any(deposit.number in label for label in labels)
