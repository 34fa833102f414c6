"""Phase 1: the mapping report states gaps and duplicates, and the gate needs it current,
intact and acknowledged."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from saveit.audit.models import AuditEvent
from saveit.documents.selectors import expected_scopes, mapping_snapshot
from saveit.engagements import services
from saveit.engagements.models import Engagement, MappingReport, Phase
from saveit.orchestration import services as workflow
from saveit.orchestration.gates import unmet_checks
from saveit.testing.engagement_setup import PROCEDURE_TXT, sign, through_phase_0, upload_procedure

pytestmark = pytest.mark.django_db

SCOPES = ["Site de Lyon", "Techniciens de laboratoire", "Nettoyage des paillasses"]


@pytest.fixture
def in_phase_1(engagement, pm, owner):
    return through_phase_0(engagement, pm, owner)


def _names(engagement):
    return [check.name for check in unmet_checks(engagement)]


def _pdf_text(document) -> str:
    with document.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_the_report_lists_the_scopes_gaps_and_duplicates(in_phase_1, pm, owner):
    upload_procedure(in_phase_1, owner, scopes=("Site de Lyon", "Quai de Nantes"))
    copy = upload_procedure(in_phase_1, owner, name="copie.txt", scopes=SCOPES[1:2])
    report = workflow.generate_mapping_report(engagement=in_phase_1, by=pm)
    snapshot = report.snapshot
    assert [s["name"] for s in snapshot["scopes"]] == SCOPES
    assert snapshot["gaps"] == ["Nettoyage des paillasses"]
    assert snapshot["extra_scopes"] == ["Quai de Nantes"]
    assert snapshot["duplicates"] == [
        {"sha256": copy.sha256, "files": ["Hygiène des paillasses v1.0"] * 2}
    ]
    text = _pdf_text(report.document)
    assert "Nettoyage des paillasses" in text and copy.sha256[:12] in text


def test_without_gap_or_duplicate_the_report_says_so(in_phase_1, pm, owner):
    upload_procedure(in_phase_1, owner, scopes=SCOPES)
    snapshot = workflow.generate_mapping_report(engagement=in_phase_1, by=pm).snapshot
    assert snapshot["gaps"] == [] and snapshot["duplicates"] == []


def test_an_unsigned_report_keeps_the_gate_closed_and_nothing_changes(in_phase_1, pm, owner):
    upload_procedure(in_phase_1, owner)
    workflow.generate_mapping_report(engagement=in_phase_1, by=pm)
    events = AuditEvent.objects.filter(organization=in_phase_1.client).count()
    with pytest.raises(workflow.GateClosed) as refusal:
        workflow.advance_phase(engagement=in_phase_1, by=pm)
    assert [c["check"] for c in refusal.value.details()["unmet"]] == ["mapping_report_signed"]
    assert Engagement.objects.get(pk=in_phase_1.pk).phase == Phase.MAPPING
    assert AuditEvent.objects.filter(organization=in_phase_1.client).count() == events


def test_a_source_changed_after_the_report_needs_a_new_report(in_phase_1, pm, owner):
    version = upload_procedure(in_phase_1, owner)
    sign(workflow.generate_mapping_report(engagement=in_phase_1, by=pm), owner)
    assert _names(in_phase_1) == []
    upload_procedure(
        in_phase_1,
        owner,
        content=PROCEDURE_TXT + "4. Contrôle\nLe responsable vérifie.\n".encode(),
        source_id=version.source_id,
        version="2.0",
    )
    assert _names(in_phase_1) == ["mapping_report_current"]
    sign(workflow.generate_mapping_report(engagement=in_phase_1, by=pm), owner)
    assert _names(in_phase_1) == []


def test_a_report_edited_after_issue_no_longer_opens_the_gate(in_phase_1, pm, owner):
    upload_procedure(in_phase_1, owner)
    report = workflow.generate_mapping_report(engagement=in_phase_1, by=pm)
    sign(report, owner)
    MappingReport.objects.filter(pk=report.pk).update(snapshot={**report.snapshot, "gaps": []})
    assert _names(in_phase_1) == ["mapping_report_signed", "mapping_report_intact"]
    with pytest.raises(workflow.GateClosed):
        workflow.advance_phase(engagement=in_phase_1, by=pm)


def test_expected_scopes_come_from_the_latest_signed_note_not_a_draft(in_phase_1, pm, owner):
    workflow.reopen_phase(
        engagement=in_phase_1, by=pm, to_phase=0, reason="Le client ajoute le site de Nice."
    )
    services.save_scoping_note(engagement=in_phase_1, by=pm, objectives="O", scope="Site de Nice")
    assert expected_scopes(in_phase_1) == SCOPES
    assert [s["name"] for s in mapping_snapshot(in_phase_1)["scopes"]] == SCOPES
    sign(services.issue_scoping_note(engagement=in_phase_1, by=pm), owner)
    assert expected_scopes(in_phase_1) == ["Site de Nice"]
