"""One artefact registry: the engagement's documents, its PDFs, its timeline and the evidence
pack all derive from it, so an artefact added to it is served and listed everywhere."""

from __future__ import annotations

import io
import zipfile

import orjson
from django.urls import reverse

from saveit.audit.models import AuditEvent
from saveit.engagements.artefacts import artefact_kinds
from saveit.engagements.models import Engagement, Phase
from saveit.engagements.selectors import engagement_documents, timeline
from saveit.learning.models import Assignment
from saveit.learning.services import attempts
from saveit.orchestration import services as workflow
from saveit.orchestration.services import closure
from saveit.testing.engagement_setup import sign
from saveit.testing.factories import signed_in
from saveit.testing.learning_setup import Form, answers_for


def _in_closure(pm) -> Engagement:
    camille = Assignment.objects.get(learner__email="camille.lefevre@alpha.example")
    attempt = attempts.start_attempt(assignment=camille)
    attempts.submit_attempt(attempt=attempt, form=Form(answers_for(attempt, right=True)))
    engagement = Engagement.objects.get(pk=camille.engagement_id)
    engagement = workflow.advance_phase(engagement=engagement, by=pm)
    engagement = workflow.advance_phase(engagement=engagement, by=pm)
    assert engagement.phase == Phase.CLOSURE
    return engagement


def test_the_registry_lists_every_artefact_in_lifecycle_order():
    codes = [kind.code for kind in artefact_kinds()]
    assert codes == [
        "scoping_note",
        "mapping_report",
        "proposal",
        "purchase_order",
        "amendment",
        "acceptance_record",
        "completion_report",
        "delivery_note",
    ]


def test_the_completion_report_and_delivery_note_pdfs_open_for_every_role_of_the_engagement(
    assigned, pm, owner, outsider
):
    engagement = _in_closure(pm)
    report = closure.generate_completion_report(engagement=engagement, by=pm)
    note = closure.issue_delivery_note(engagement=engagement, by=pm)
    for artefact in (report, note):
        url = reverse("engagements:pdf", args=[engagement.pk, artefact.document_id])
        for member in (pm, owner):
            response = signed_in(member).get(url)
            assert response.status_code == 200, (artefact, member.role)
            assert b"".join(response.streaming_content).startswith(b"%PDF")
        assert signed_in(outsider).get(url).status_code == 404
    # and the engagement page links them
    page = signed_in(owner).get(reverse("engagements:detail", args=[engagement.pk]))
    for artefact in (report, note):
        assert reverse("engagements:pdf", args=[engagement.pk, artefact.document_id]) in (
            page.content.decode()
        )


def test_the_delivery_note_signature_is_on_the_timeline(assigned, pm, owner):
    engagement = _in_closure(pm)
    closure.generate_completion_report(engagement=engagement, by=pm)
    note = closure.issue_delivery_note(engagement=engagement, by=pm)
    sign(note, owner)
    events = timeline(engagement)
    signed = events.filter(object_type="audit.document", object_id=str(note.document_id))
    assert signed.filter(action="document.signed").exists()
    page = signed_in(pm).get(reverse("engagements:detail", args=[engagement.pk]))
    assert "Bon de livraison" in page.content.decode()


def test_every_registered_artefact_document_is_in_the_evidence_pack(assigned, pm, owner):
    engagement = _in_closure(pm)
    closure.generate_completion_report(engagement=engagement, by=pm)
    sign(closure.issue_delivery_note(engagement=engagement, by=pm), owner)
    pack = closure.seal_evidence_pack(engagement=engagement, by=pm)
    with pack.file.open("rb") as stream, zipfile.ZipFile(io.BytesIO(stream.read())) as archive:
        manifest = orjson.loads(archive.read("manifest.json"))
    hashed = {entry["sha256"] for entry in manifest["files"]}
    for document in engagement_documents(engagement):
        assert document.sha256 in hashed, document.title
    assert AuditEvent.objects.filter(action="engagement.evidence_sealed").exists()


def test_sealing_a_pack_checkpoints_the_client_chain_and_includes_the_signed_head(
    assigned, pm, owner
):
    from saveit.audit.models import ChainCheckpoint

    engagement = _in_closure(pm)
    closure.generate_completion_report(engagement=engagement, by=pm)
    sign(closure.issue_delivery_note(engagement=engagement, by=pm), owner)
    pack = closure.seal_evidence_pack(engagement=engagement, by=pm)
    checkpoint = ChainCheckpoint.objects.filter(organization=engagement.client).latest("seq")
    with pack.file.open("rb") as stream, zipfile.ZipFile(io.BytesIO(stream.read())) as archive:
        assert archive.read("audit/checkpoint.json").decode() == checkpoint.document
    assert pack.covers["checkpoint_seq"] == checkpoint.seq
