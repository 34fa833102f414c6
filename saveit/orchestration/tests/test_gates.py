"""The gate table refuses every move whose checks do not hold, and changes nothing then."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail
from django.core.files.storage import default_storage

from saveit.accounts.roles import Role
from saveit.audit.models import AuditEvent, Signature
from saveit.core.errors import Refusal
from saveit.engagements import services
from saveit.engagements.models import Phase, PhaseChange
from saveit.engagements.signing import State, state_of
from saveit.orchestration import services as workflow
from saveit.orchestration.gates import GATES, unmet_checks
from saveit.testing.engagement_setup import sign, through_phase_0
from saveit.testing.factories import PASSWORD, make_member

pytestmark = pytest.mark.django_db


def _names(engagement):
    return [check.name for check in unmet_checks(engagement)]


def test_the_gate_table_covers_all_eight_phases_with_named_checks():
    assert set(GATES) == set(range(8))
    names = [check.name for checks in GATES.values() for check in checks]
    assert len(names) == len(set(names))
    assert {
        "scoping_note_signed",
        "mapping_report_signed",
        "proposal_signed",
        "proforma_issued",
        "purchase_order_received",
    } <= set(names)


def test_advance_is_refused_with_every_unmet_check_and_changes_nothing(engagement, pm):
    events = AuditEvent.objects.filter(organization=engagement.client).count()
    with pytest.raises(workflow.GateClosed) as refusal:
        workflow.advance_phase(engagement=engagement, by=pm)
    assert refusal.value.phase == 0
    assert [c["check"] for c in refusal.value.details()["unmet"]] == [
        "scoping_interview_recorded",
        "scoping_note_signed",
    ]
    engagement.refresh_from_db()
    assert engagement.phase == 0
    assert not PhaseChange.objects.exists()
    assert AuditEvent.objects.filter(organization=engagement.client).count() == events


def test_an_issued_but_unsigned_note_keeps_the_gate_closed(
    engagement, pm, owner, django_capture_on_commit_callbacks
):
    services.record_interview(
        engagement=engagement, by=pm, held_on=date(2026, 11, 2), participants="A", notes="B"
    )
    services.save_scoping_note(engagement=engagement, by=pm, objectives="O", scope="Lyon")
    with django_capture_on_commit_callbacks(execute=True):
        note = services.issue_scoping_note(engagement=engagement, by=pm)
    assert state_of(note) == State.AWAITING_SIGNATURE
    assert _names(engagement) == ["scoping_note_signed"]
    assert mail.outbox and owner.user.email in mail.outbox[-1].to
    assert engagement.reference in mail.outbox[-1].subject


def _issued_note(engagement, pm):
    services.record_interview(
        engagement=engagement, by=pm, held_on=date(2026, 11, 2), participants="A", notes="B"
    )
    services.save_scoping_note(engagement=engagement, by=pm, objectives="O", scope="Lyon")
    return services.issue_scoping_note(engagement=engagement, by=pm)


def test_a_client_manager_cannot_sign_and_a_forged_signature_of_that_role_does_not_count(
    engagement, pm, manager
):
    note = _issued_note(engagement, pm)
    from saveit.audit.services import sign_document

    with pytest.raises(Refusal) as refusal:
        sign_document(document=note.document, by=manager, intent="ok", password=PASSWORD)
    assert refusal.value.code == "role_not_signer"
    forged = AuditEvent.objects.filter(organization=engagement.client).last()
    Signature.objects.create(
        document=note.document,
        organization=engagement.client,
        signer=manager.user,
        membership=manager,
        role=Role.CLIENT_OWNER,
        signer_name="x",
        intent="x",
        document_sha256=note.document.sha256,
        signed_at=forged.created_at,
        reauth_method="password",
        audit_event=forged,
    )
    assert "scoping_note_signed" in _names(engagement)


def test_nobody_outside_the_client_can_sign_its_note(engagement, pm, other_org):
    note = _issued_note(engagement, pm)
    stranger = make_member(other_org, Role.CLIENT_OWNER)
    from saveit.audit.services import sign_document

    for member in (stranger, pm):
        with pytest.raises(Refusal):
            sign_document(document=note.document, by=member, intent="ok", password=PASSWORD)
    assert "scoping_note_signed" in _names(engagement)


def test_a_note_edited_after_its_signature_no_longer_opens_the_gate(engagement, pm, owner):
    note = _issued_note(engagement, pm)
    sign(note, owner)
    assert _names(engagement) == []
    type(note).objects.filter(pk=note.pk).update(objectives="Autre chose")
    assert state_of(type(note).objects.get(pk=note.pk)) == State.ALTERED
    assert _names(engagement) == ["scoping_note_signed", "scoping_note_intact"]
    with pytest.raises(workflow.GateClosed):
        workflow.advance_phase(engagement=engagement, by=pm)


def test_a_pdf_replaced_in_storage_after_signature_no_longer_opens_the_gate(engagement, pm, owner):
    note = _issued_note(engagement, pm)
    sign(note, owner)
    with default_storage.open(note.document.file.name, "wb") as handle:
        handle.write(b"%PDF-1.4 tampered %%EOF")
    assert "scoping_note_intact" in _names(engagement)


def test_editing_an_issued_note_starts_a_new_revision_that_needs_a_new_signature(
    engagement, pm, owner
):
    note = _issued_note(engagement, pm)
    sign(note, owner)
    second = services.save_scoping_note(engagement=engagement, by=pm, objectives="O2", scope="Lyon")
    assert second.revision == 2 and not second.is_issued
    note.refresh_from_db()
    assert note.objectives == "O"  # the signed revision is untouched
    assert "scoping_note_signed" in _names(engagement)


def test_only_provider_project_managers_move_an_engagement(engagement, owner, designer):
    for member in (owner, designer):
        with pytest.raises(Refusal) as refusal:
            workflow.advance_phase(engagement=engagement, by=member)
        assert refusal.value.code == "forbidden"


def test_reopening_needs_a_reason_and_is_recorded_in_the_audit_chain(engagement, pm, owner):
    engagement = through_phase_0(engagement, pm, owner)
    with pytest.raises(Refusal):
        workflow.reopen_phase(engagement=engagement, by=pm, to_phase=0, reason="")
    with pytest.raises(Refusal):
        workflow.reopen_phase(engagement=engagement, by=pm, to_phase=1, reason="Not earlier")
    workflow.reopen_phase(
        engagement=engagement, by=pm, to_phase=0, reason="Le client ajoute le site de Grenoble."
    )
    engagement.refresh_from_db()
    assert engagement.phase == Phase.SCOPING
    event = AuditEvent.objects.filter(
        organization=engagement.client, action="engagement.phase_reopened"
    ).get()
    assert event.after["reason"].startswith("Le client") and event.before == {"phase": 1}
    assert PhaseChange.objects.filter(kind="reopen", from_phase=1, to_phase=0).exists()


def test_artefacts_of_an_earlier_phase_are_frozen_until_it_is_reopened(engagement, pm, owner):
    engagement = through_phase_0(engagement, pm, owner)
    with pytest.raises(Refusal) as refusal:
        services.save_scoping_note(engagement=engagement, by=pm, objectives="x")
    assert refusal.value.code == "wrong_phase"


def test_later_phases_cannot_be_entered_before_their_parts_exist(engagement):
    engagement.phase = Phase.PRODUCTION
    assert _names(engagement) == ["modules_defined", "modules_submitted"]
    engagement.phase = Phase.VALIDATION
    assert _names(engagement) == ["modules_approved", "acceptance_record_signed"]
