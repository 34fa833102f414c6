"""Phase 2: proposal, proforma (numbering, VAT, deposit), purchase order, and the gate to 3."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.utils import translation
from django.utils.translation import gettext
from pypdf import PdfReader

from saveit.audit.models import Document
from saveit.core.errors import Refusal
from saveit.engagements import services
from saveit.engagements.models import ContractTerms, Phase, ProformaInvoice, PurchaseOrder
from saveit.orchestration import services as workflow
from saveit.orchestration.gates import unmet_checks
from saveit.testing.engagement_setup import sign, signed_proposal, through_phase_1, upload_procedure
from saveit.testing.factories import make_engagement
from saveit.testing.pdf import make_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_phase_2(engagement, pm, owner):
    return through_phase_1(engagement, pm, owner)


def _text(document: Document) -> str:
    with document.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return " ".join(page.extract_text() for page in reader.pages)


def test_the_gate_to_production_names_each_missing_artefact(in_phase_2, pm):
    with pytest.raises(workflow.GateClosed) as refusal:
        workflow.advance_phase(engagement=in_phase_2, by=pm)
    assert [c["check"] for c in refusal.value.details()["unmet"]] == [
        "proposal_signed",
        "proforma_issued",
        "purchase_order_received",
    ]


def test_proforma_is_refused_before_the_client_signed_the_proposal(in_phase_2, pm):
    services.save_proposal(engagement=in_phase_2, by=pm, need="x", lines=[], deliverables=[])
    with pytest.raises(Refusal) as refusal:
        services.issue_proforma(engagement=in_phase_2, by=pm)
    assert refusal.value.code == "proposal_unsigned"
    assert not ProformaInvoice.objects.exists()


def test_proforma_totals_deposit_and_french_mentions(in_phase_2, pm, owner):
    signed_proposal(in_phase_2, pm, owner)  # 2 × 1 200 + 350,50 = 2 750,50 HT
    proforma = services.issue_proforma(engagement=in_phase_2, by=pm)
    assert proforma.total_excl == Decimal("2750.50")
    assert proforma.total_vat == Decimal("550.10")
    assert proforma.total_incl == Decimal("3300.60")
    assert proforma.deposit == Decimal("660.12")  # 20 % of the total incl. VAT, above 2 000 €
    assert proforma.number.startswith("PF-") and proforma.number.endswith("-0001")
    text = _text(proforma.document)
    for expected in ("3 300,60", "660,12", proforma.number, "40,00", "escompte", "SIREN"):
        assert expected.replace("\u202f", " ") in text.replace("\u202f", " ").replace("\xa0", " ")
    with pytest.raises(Refusal):
        services.issue_proforma(engagement=in_phase_2, by=pm)  # once per proposal


def test_no_deposit_at_or_below_two_thousand_euros_incl_vat(in_phase_2, pm, owner):
    signed_proposal(in_phase_2, pm, owner, amount="600")  # (1 200 + 350,50) × 1,2 = 1 860,60
    proforma = services.issue_proforma(engagement=in_phase_2, by=pm)
    assert proforma.total_incl == Decimal("1860.60") and proforma.deposit == 0


def test_client_terms_change_the_deposit_rule(in_phase_2, pm, owner):
    services.update_contract_terms(
        client=in_phase_2.client, by=pm, values={"deposit_rate": Decimal("30"), "payment_days": 45}
    )
    signed_proposal(in_phase_2, pm, owner)
    proforma = services.issue_proforma(engagement=in_phase_2, by=pm)
    assert proforma.deposit == Decimal("990.18")
    assert (proforma.due_on - proforma.issued_on).days == 45
    with pytest.raises(Refusal):
        services.update_contract_terms(
            client=in_phase_2.client, by=pm, values={"deposit_rate": Decimal("130")}
        )
    assert ContractTerms.objects.get(client=in_phase_2.client).deposit_rate == Decimal("30")


def test_proforma_numbers_follow_each_other_without_gap(in_phase_2, pm, owner, client_org):
    signed_proposal(in_phase_2, pm, owner)
    first = services.issue_proforma(engagement=in_phase_2, by=pm)
    other = through_phase_1(make_engagement(client_org, pm), pm, owner)
    signed_proposal(other, pm, owner)
    second = services.issue_proforma(engagement=other, by=pm)
    assert int(second.number[-4:]) == int(first.number[-4:]) + 1


def test_uploaded_purchase_order_opens_the_gate_to_production(in_phase_2, pm, owner):
    signed_proposal(in_phase_2, pm, owner)
    services.issue_proforma(engagement=in_phase_2, by=pm)
    order = services.record_purchase_order(
        engagement=in_phase_2,
        by=owner,
        uploaded_file=(make_pdf("Bon de commande"), "bc.pdf"),
        client_reference="BC-778",
    )
    assert order.kind == PurchaseOrder.Kind.UPLOADED
    engagement = workflow.advance_phase(engagement=in_phase_2, by=pm)
    assert engagement.phase == Phase.PRODUCTION


def test_a_renamed_executable_as_purchase_order_is_refused_and_nothing_is_stored(
    in_phase_2, pm, owner
):
    signed_proposal(in_phase_2, pm, owner)
    documents = Document.objects.count()
    with pytest.raises(Refusal):
        services.record_purchase_order(
            engagement=in_phase_2, by=owner, uploaded_file=(b"MZ\x90\x00" + b"\x00" * 64, "bc.pdf")
        )
    assert Document.objects.count() == documents
    assert not PurchaseOrder.objects.exists()


def test_an_equivalent_agreement_counts_only_once_signed(in_phase_2, pm, owner):
    signed_proposal(in_phase_2, pm, owner)
    services.issue_proforma(engagement=in_phase_2, by=pm)
    agreement = services.create_purchase_agreement(engagement=in_phase_2, by=pm)
    assert [c.name for c in unmet_checks(in_phase_2)] == ["purchase_order_received"]
    sign(agreement, owner)
    assert unmet_checks(in_phase_2) == []


def test_a_proposal_changed_after_signature_closes_the_gate_again(in_phase_2, pm, owner):
    proposal = signed_proposal(in_phase_2, pm, owner)
    services.issue_proforma(engagement=in_phase_2, by=pm)
    proposal.lines.update(unit_price=Decimal("1"))
    names = [c.name for c in unmet_checks(in_phase_2)]
    assert "proposal_signed" in names and "proposal_intact" in names


def test_deliverables_cannot_point_to_another_engagements_documents(
    in_phase_2, pm, owner, client_org
):
    other = make_engagement(client_org, pm)

    foreign = upload_procedure(other, owner).source
    with pytest.raises(Refusal) as refusal:
        services.save_proposal(
            engagement=in_phase_2,
            by=pm,
            need="x",
            lines=[],
            deliverables=[services.DeliverableInput("M", "", [foreign.pk])],
        )
    assert refusal.value.code == "deliverables"


def test_issued_pdfs_are_kept_under_their_hash(in_phase_2, pm, owner):
    proposal = signed_proposal(in_phase_2, pm, owner)
    assert default_storage.exists(proposal.document.file.name)
    assert proposal.document.sha256 in proposal.document.file.name


def test_proforma_and_purchase_order_titles_are_translated_into_french(in_phase_2, pm, owner):
    signed_proposal(in_phase_2, pm, owner)
    proforma = services.issue_proforma(engagement=in_phase_2, by=pm)
    order = services.record_purchase_order(
        engagement=in_phase_2, by=owner, uploaded_file=(make_pdf("Bon de commande"), "bc.pdf")
    )
    with translation.override("fr"):
        assert proforma.document.title == gettext("Proforma invoice %(number)s") % {
            "number": proforma.number
        }
        assert order.document.title == gettext("Purchase order · %(ref)s") % {
            "ref": in_phase_2.reference
        }
