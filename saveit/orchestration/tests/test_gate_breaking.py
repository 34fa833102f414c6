"""Each way of breaking the gates of phases 1 and 2 answers 409 naming the check, and changes
nothing: neither the phase nor the audit trail."""

from __future__ import annotations

import json

import pytest
from django.core.files.storage import default_storage
from django.test import Client

from saveit.accounts.roles import Role
from saveit.audit.models import AuditEvent, Signature
from saveit.engagements import services
from saveit.engagements.models import Engagement
from saveit.orchestration import services as workflow
from saveit.orchestration.gates import unmet_checks
from saveit.testing.engagement_setup import (
    proposal_lines,
    sign,
    signed_proposal,
    through_phase_0,
    through_phase_1,
    upload_procedure,
    valid_until,
)
from saveit.testing.factories import PASSWORD, bearer
from saveit.testing.pdf import make_pdf

pytestmark = pytest.mark.django_db


def _refused_checks(engagement, pm) -> list[str]:
    """Ask the API to advance; assert the 409 changed nothing; return the unmet check names."""
    headers = bearer(pm)
    phase = Engagement.objects.get(pk=engagement.pk).phase
    events = AuditEvent.objects.count()
    response = Client().post(f"/api/v1/engagements/{engagement.pk}/advance", headers=headers)
    assert response.status_code == 409, response.content
    body = response.json()
    assert body["code"] == "gate_closed" and body["phase"] == phase
    assert Engagement.objects.get(pk=engagement.pk).phase == phase
    assert AuditEvent.objects.count() == events
    return [u["check"] for u in body["unmet"]]


def _api_sign(member, document_id) -> int:
    return (
        Client()
        .post(
            f"/api/v1/documents/{document_id}/sign",
            json.dumps({"intent": "Lu et approuvé", "password": PASSWORD}),
            content_type="application/json",
            headers=bearer(member),
        )
        .status_code
    )


def _forge(document, member, role=Role.CLIENT_OWNER, organization=None):
    """A signature row written behind the service's back, claiming a role it does not hold."""
    event = AuditEvent.objects.filter(organization=document.organization).last()
    return Signature.objects.create(
        document=document,
        organization=organization or document.organization,
        signer=member.user,
        membership=member,
        role=role,
        signer_name="x",
        intent="x",
        document_sha256=document.sha256,
        signed_at=event.created_at,
        reauth_method="password",
        audit_event=event,
    )


@pytest.fixture
def in_phase_1(engagement, pm, owner):
    engagement = through_phase_0(engagement, pm, owner)
    upload_procedure(engagement, owner)
    return engagement


@pytest.fixture
def in_phase_2(engagement, pm, owner):
    return through_phase_1(engagement, pm, owner)


def test_a_missing_mapping_report_is_named(in_phase_1, pm):
    assert _refused_checks(in_phase_1, pm) == ["mapping_report_signed"]


def test_an_unsigned_mapping_report_is_named(in_phase_1, pm):
    workflow.generate_mapping_report(engagement=in_phase_1, by=pm)
    assert _refused_checks(in_phase_1, pm) == ["mapping_report_signed"]


def test_a_mapping_report_signed_by_the_wrong_role_does_not_count(in_phase_1, pm, manager):
    report = workflow.generate_mapping_report(engagement=in_phase_1, by=pm)
    assert _api_sign(manager, report.document_id) == 403  # role_not_signer
    _forge(report.document, manager)
    assert _refused_checks(in_phase_1, pm) == ["mapping_report_signed"]


def test_a_mapping_report_signed_by_another_organisations_owner_does_not_count(
    in_phase_1, pm, outsider
):
    report = workflow.generate_mapping_report(engagement=in_phase_1, by=pm)
    assert _api_sign(outsider, report.document_id) == 404  # not even visible to them
    _forge(report.document, outsider, organization=outsider.organization)
    assert _refused_checks(in_phase_1, pm) == ["mapping_report_signed"]


def test_a_proforma_without_a_purchase_order_is_named(in_phase_2, pm, owner):
    signed_proposal(in_phase_2, pm, owner)
    services.issue_proforma(engagement=in_phase_2, by=pm)
    assert _refused_checks(in_phase_2, pm) == ["purchase_order_received"]


def test_a_purchase_order_altered_after_upload_is_named(in_phase_2, pm, owner):
    signed_proposal(in_phase_2, pm, owner)
    services.issue_proforma(engagement=in_phase_2, by=pm)
    order = services.record_purchase_order(
        engagement=in_phase_2, by=owner, uploaded_file=(make_pdf("Bon de commande"), "bc.pdf")
    )
    with default_storage.open(order.document.file.name, "wb") as handle:
        handle.write(make_pdf("Bon de commande modifié"))
    assert _refused_checks(in_phase_2, pm) == ["purchase_order_received", "purchase_order_intact"]


def _issued_proposal(engagement, pm):
    services.save_proposal(
        engagement=engagement,
        by=pm,
        need="Former les techniciens.",
        valid_until=valid_until(),
        lines=proposal_lines(),
        deliverables=[services.DeliverableInput("M", "", [engagement.sources.first().pk])],
    )
    return services.issue_proposal(engagement=engagement, by=pm)


def test_a_proposal_signed_by_the_wrong_role_does_not_count(in_phase_2, pm, manager):
    proposal = _issued_proposal(in_phase_2, pm)
    assert _api_sign(manager, proposal.document_id) == 403  # role_not_signer
    _forge(proposal.document, manager)
    assert _refused_checks(in_phase_2, pm)[0] == "proposal_signed"


def test_a_proposal_signed_by_another_organisations_owner_does_not_count(in_phase_2, pm, outsider):
    proposal = _issued_proposal(in_phase_2, pm)
    assert _api_sign(outsider, proposal.document_id) == 404
    _forge(proposal.document, outsider, organization=outsider.organization)
    assert _refused_checks(in_phase_2, pm)[0] == "proposal_signed"


def test_a_proposal_signed_by_the_provider_does_not_count(in_phase_2, pm, owner):
    proposal = _issued_proposal(in_phase_2, pm)
    _forge(proposal.document, pm)  # a provider membership claiming the owner's role
    assert _refused_checks(in_phase_2, pm)[0] == "proposal_signed"
    sign(proposal, owner)  # the real owner's signature does count
    assert "proposal_signed" not in [c.name for c in unmet_checks(in_phase_2)]
