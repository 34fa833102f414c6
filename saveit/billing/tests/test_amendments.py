"""Amendments (avenants): drafted by the provider, signed by the client's content owner, followed
by the balance invoice, and required to reopen phases 3–4 when scope or price changes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.storage import default_storage

from saveit.audit.models import AuditEvent, Signature
from saveit.billing import amendments, services
from saveit.billing.models import Amendment
from saveit.billing.services import LineInput
from saveit.billing.tests.conftest import deliver
from saveit.core.errors import Forbidden, Refusal
from saveit.engagements.models import Engagement, PhaseChange
from saveit.engagements.selectors import awaiting_signature
from saveit.engagements.signing import State, state_of
from saveit.orchestration import services as workflow
from saveit.testing.engagement_setup import sign
from saveit.testing.factories import make_engagement, make_member


def pdf_text(content: bytes) -> str:
    import io

    from pypdf import PdfReader

    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return text.replace("\u202f", " ").replace("\xa0", " ")


EXTRA = [
    LineInput("Module supplémentaire : site de Grenoble", Decimal(1), Decimal(800), Decimal(20))
]


def draft(engagement, pm, lines=None, scope="Ajout du site de Grenoble."):
    return amendments.create_amendment(
        engagement=engagement,
        by=pm,
        reason="Le client ouvre un nouveau site.",
        scope=scope,
        lines=EXTRA if lines is None else lines,
    )


def signed_amendment(engagement, pm, owner, lines=None):
    amendment = amendments.issue_amendment(amendment=draft(engagement, pm, lines), by=pm)
    sign(amendment, owner)
    amendment.refresh_from_db()
    return amendment


def test_an_amendment_goes_from_draft_to_signed_with_its_pdf_and_audit(signed, pm, owner):
    amendment = draft(signed, pm)
    assert amendment.revision == 1 and state_of(amendment) == State.DRAFT
    assert AuditEvent.objects.filter(action="billing.amendment_drafted").exists()
    amendments.issue_amendment(amendment=amendment, by=pm)
    amendment.refresh_from_db()
    assert state_of(amendment) == State.AWAITING_SIGNATURE
    assert amendment.document.signer_roles == ["client_owner"]
    assert len(amendment.document.sha256) == 64
    # It waits on the client owner's "To sign" list, like every artefact.
    items = awaiting_signature(owner, Engagement.objects.filter(pk=signed.pk))
    assert [i.document.pk for i in items] == [amendment.document_id]
    with default_storage.open(amendment.document.file.name, "rb") as handle:
        text = pdf_text(handle.read())
    assert "Avenant n° 1" in text and "Grenoble" in text
    assert "3 550,50" in text  # new total excl. VAT: 2 750,50 + 800
    sign(amendment, owner)
    assert amendments.is_signed(amendment)
    assert Signature.objects.filter(document=amendment.document, membership=owner).exists()
    with pytest.raises(Refusal):
        amendments.issue_amendment(amendment=amendment, by=pm)


def test_bad_input_and_wrong_people_are_refused_and_change_nothing(signed, pm, owner):
    with pytest.raises(Refusal):
        draft(signed, pm, scope="  ")
    with pytest.raises(Refusal):
        draft(signed, pm, lines=[LineInput("", Decimal(1), Decimal(1), Decimal(20))])
    with pytest.raises(Refusal):  # removing more than the whole price
        draft(signed, pm, lines=[LineInput("Tout", Decimal(-1), Decimal(5000), Decimal(20))])
    with pytest.raises(Forbidden):
        draft(signed, owner)
    assert not Amendment.objects.exists()
    first = draft(signed, pm)
    with pytest.raises(Refusal) as pending:  # one amendment on its way at a time
        draft(signed, pm)
    assert pending.value.code == "pending"
    amendments.delete_amendment_draft(amendment=first, by=pm)
    assert not Amendment.objects.exists()


def test_the_balance_invoice_follows_the_amended_total(signed, pm, owner):
    deposit = services.issue_invoice(
        invoice=services.create_deposit_invoice(engagement=signed, by=pm), by=pm
    )
    awaiting = amendments.issue_amendment(amendment=draft(signed, pm), by=pm)
    deliver(signed, pm, owner)
    # Not signed yet: the balance still follows the proposal alone.
    unsigned = services.create_balance_invoice(engagement=signed, by=pm)
    assert unsigned.total_excl == Decimal("2750.50") - deposit.total_excl
    services.delete_draft(invoice=unsigned, by=pm)
    sign(awaiting, owner)
    balance = services.create_balance_invoice(engagement=signed, by=pm)
    assert balance.total_excl == Decimal("3550.50") - deposit.total_excl
    assert any("Avenant n° 1" in line.label for line in balance.lines.all())
    deposit.refresh_from_db()
    assert deposit.is_issued  # the deposit already issued stays


def test_a_tampered_amendment_counts_for_nothing(signed, pm, owner):
    amendment = signed_amendment(signed, pm, owner)
    Amendment.objects.filter(pk=amendment.pk).update(
        lines=[{"label": "x", "quantity": "1", "unit_price": "99999", "vat_rate": "20"}]
    )
    amendment.refresh_from_db()
    assert state_of(amendment) == State.ALTERED
    assert amendments.amended_totals(signed).excl == Decimal("2750.50")


def _in_deployment(engagement):
    # The modules, their PV and deployment are not the subject here: put the engagement in
    # phase 5 as if its PV had been signed.
    Engagement.objects.filter(pk=engagement.pk).update(phase=5)
    engagement.refresh_from_db()
    return engagement


def test_reopening_for_scope_or_price_needs_an_unused_signed_amendment(signed, pm, owner):
    engagement = _in_deployment(signed)
    with pytest.raises(Refusal) as refused:
        workflow.reopen_phase(
            engagement=engagement, by=pm, to_phase=3, reason="Ajout de Grenoble", changes_scope=True
        )
    assert refused.value.code == "amendment_required"
    engagement.refresh_from_db()
    assert engagement.phase == 5 and not PhaseChange.objects.filter(kind="reopen").exists()
    # An issued but unsigned amendment does not do.
    pending = amendments.issue_amendment(amendment=draft(engagement, pm), by=pm)
    with pytest.raises(Refusal) as refused:
        workflow.reopen_phase(
            engagement=engagement, by=pm, to_phase=3, reason="Ajout de Grenoble", changes_scope=True
        )
    assert refused.value.code == "amendment_required"
    sign(pending, owner)
    workflow.reopen_phase(
        engagement=engagement, by=pm, to_phase=3, reason="Ajout de Grenoble", changes_scope=True
    )
    pending.refresh_from_db()
    change = PhaseChange.objects.get(kind="reopen")
    assert pending.reopening == change and change.to_phase == 3
    assert AuditEvent.objects.filter(action="billing.amendment_used").exists()
    # The same amendment cannot justify a second reopening.
    Engagement.objects.filter(pk=engagement.pk).update(phase=5)
    engagement.refresh_from_db()
    with pytest.raises(Refusal) as refused:
        workflow.reopen_phase(
            engagement=engagement,
            by=pm,
            to_phase=4,
            reason="Encore un changement",
            changes_scope=True,
        )
    assert refused.value.code == "amendment_required"
    # A reopening that changes neither scope nor price needs none.
    workflow.reopen_phase(
        engagement=engagement, by=pm, to_phase=4, reason="Correction d'une coquille"
    )
    engagement.refresh_from_db()
    assert engagement.phase == 4


def test_another_tenants_amendment_does_not_count(signed, pm, owner, other_org):
    from saveit.accounts.roles import Role

    mine = signed_amendment(signed, pm, owner)
    make_member(other_org, Role.CLIENT_OWNER)
    other = _in_deployment(make_engagement(other_org, pm, title="Transport"))
    with pytest.raises(Refusal) as refused:
        workflow.reopen_phase(
            engagement=other, by=pm, to_phase=3, reason="Ajout de Grenoble", changes_scope=True
        )
    # Refused for want of an amendment of its own, and the other client's stays unused.
    assert refused.value.code == "amendment_required"
    mine.refresh_from_db()
    assert mine.reopening is None
