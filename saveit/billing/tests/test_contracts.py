from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from saveit.billing import contracts, services
from saveit.billing.models import SignedSalesTerms
from saveit.billing.tests.conftest import complete_identities, deliver
from saveit.core.errors import Forbidden, Refusal
from saveit.testing.factories import make_organization


def test_the_signed_proposal_records_the_cgv_version_in_force(
    engagement, pm, owner, billable, staff_admin
):
    from saveit.testing.engagement_setup import signed_proposal, through_phase_1

    with pytest.raises(Forbidden):
        contracts.publish_sales_terms(version="x", effective_on=date(2026, 1, 1), body="x", by=pm)
    contracts.publish_sales_terms(
        version="2026-1", effective_on=date(2026, 1, 1), body="Article 1…", by=staff_admin
    )
    future = contracts.publish_sales_terms(
        version="2099-1", effective_on=date(2099, 1, 1), body="Plus tard", by=staff_admin
    )
    with pytest.raises(Refusal):
        contracts.publish_sales_terms(
            version="2026-1", effective_on=date(2026, 1, 1), body="y", by=staff_admin
        )
    engagement = through_phase_1(engagement, pm, owner)
    proposal = signed_proposal(engagement, pm, owner)
    accepted = SignedSalesTerms.objects.get(proposal=proposal)
    assert accepted.sales_terms.version == "2026-1" != future.version
    assert accepted.signature.membership_id == owner.pk


def test_funder_share_is_deducted_from_the_balance_and_a_refusal_falls_to_the_client(
    signed, pm, owner, provider
):
    opco = make_organization("OPCO Atlas")
    complete_identities(provider, opco)
    agreement = contracts.record_funding(
        engagement=signed,
        funder=opco,
        by=pm,
        reference="AT-2026-77",
        amount_excl=Decimal("1000"),
        learner_label="Session de Lyon",
    )
    funder_invoice = services.issue_invoice(
        invoice=contracts.invoice_funder(agreement=agreement, by=pm, vat_rate=Decimal("20")), by=pm
    )
    assert funder_invoice.client_id == opco.pk and funder_invoice.total_incl == Decimal("1200.00")
    deliver(signed, pm, owner)
    balance = services.create_balance_invoice(engagement=signed, by=pm)
    assert balance.total_excl == Decimal("1750.50")  # 2 750,50 − 1 000 taken on by the OPCO
    refused = contracts.record_funder_refusal(agreement=agreement, by=pm)
    assert refused.client_id == signed.client_id and refused.total_excl == Decimal("1000.00")
    with pytest.raises(Refusal):
        contracts.record_funder_refusal(agreement=agreement, by=pm)
    assert timezone.localdate() - timedelta(days=1) < timezone.localdate()
