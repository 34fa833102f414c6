"""An issued proforma never changes: an edit of its totals or of its stored PDF is detected."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.storage import default_storage

from saveit.engagements import services
from saveit.engagements.models import Engagement, Phase, ProformaInvoice
from saveit.engagements.signing import proforma_is_intact
from saveit.orchestration import services as workflow
from saveit.orchestration.gates import unmet_checks
from saveit.testing.engagement_setup import signed_proposal, through_phase_1
from saveit.testing.pdf import make_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def ordered(engagement, pm, owner):
    """Phase 2 with everything the gate needs: signed proposal, proforma, purchase order."""
    engagement = through_phase_1(engagement, pm, owner)
    signed_proposal(engagement, pm, owner)
    proforma = services.issue_proforma(engagement=engagement, by=pm)
    services.record_purchase_order(
        engagement=engagement, by=owner, uploaded_file=(make_pdf("Bon de commande"), "bc.pdf")
    )
    assert unmet_checks(engagement) == [] and proforma_is_intact(proforma)
    return engagement, proforma


def _refused(engagement, pm) -> list[str]:
    with pytest.raises(workflow.GateClosed) as refusal:
        workflow.advance_phase(engagement=engagement, by=pm)
    assert Engagement.objects.get(pk=engagement.pk).phase == Phase.CONTRACT
    return [c["check"] for c in refusal.value.details()["unmet"]]


def test_a_total_edited_in_the_database_closes_the_gate(ordered, pm):
    engagement, proforma = ordered
    ProformaInvoice.objects.filter(pk=proforma.pk).update(total_incl=Decimal("1.00"))
    assert _refused(engagement, pm) == ["proforma_issued", "proforma_intact"]


def test_a_deposit_or_line_edit_is_detected_too(ordered):
    _engagement, proforma = ordered
    ProformaInvoice.objects.filter(pk=proforma.pk).update(lines=[])
    assert not proforma_is_intact(ProformaInvoice.objects.get(pk=proforma.pk))


def test_a_stored_pdf_overwritten_after_issue_closes_the_gate(ordered, pm):
    engagement, proforma = ordered
    with default_storage.open(proforma.document.file.name, "wb") as handle:
        handle.write(make_pdf("Facture modifiée"))
    assert _refused(engagement, pm) == ["proforma_issued", "proforma_intact"]
