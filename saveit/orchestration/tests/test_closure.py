"""Phase 7: completion report, signed delivery note, sealed pack; then nothing changes."""

from __future__ import annotations

import io
import zipfile

import orjson
import pytest
from django.core.management import call_command
from django.urls import reverse

from saveit.audit.evidence import verify_pack
from saveit.audit.models import AuditEvent
from saveit.core.errors import Refusal
from saveit.engagements.models import Engagement, Phase
from saveit.learning.models import Assignment
from saveit.learning.services import attempts
from saveit.orchestration import services as workflow
from saveit.orchestration.services import closure
from saveit.testing.engagement_setup import sign
from saveit.testing.factories import bearer, signed_in
from saveit.testing.learning_setup import Form, answers_for


@pytest.fixture
def in_closure(assigned, pm):
    camille = Assignment.objects.get(learner__email="camille.lefevre@alpha.example")
    attempt = attempts.start_attempt(assignment=camille)
    attempts.submit_attempt(attempt=attempt, form=Form(answers_for(attempt, right=True)))
    engagement = Engagement.objects.get(pk=camille.engagement_id)
    engagement = workflow.advance_phase(engagement=engagement, by=pm)  # 5 → 6
    engagement = workflow.advance_phase(engagement=engagement, by=pm)  # 6 → 7
    assert engagement.phase == Phase.CLOSURE
    return engagement


def unmet(engagement) -> set[str]:
    from saveit.orchestration.gates import unmet_checks

    return {check.name for check in unmet_checks(engagement)}


def sealed(in_closure, pm, owner):
    closure.generate_completion_report(engagement=in_closure, by=pm)
    note = closure.issue_delivery_note(engagement=in_closure, by=pm)
    sign(note, owner)
    return closure.seal_evidence_pack(engagement=in_closure, by=pm)


def test_the_closure_gate_names_each_missing_piece_and_refuses(in_closure, pm):
    assert unmet(in_closure) == {
        "completion_report_generated",
        "delivery_note_signed",
        "evidence_pack_sealed",
    }
    events = AuditEvent.objects.count()
    with pytest.raises(Refusal) as refused:
        workflow.advance_phase(engagement=in_closure, by=pm)
    assert refused.value.code == "gate_closed"
    in_closure.refresh_from_db()
    assert in_closure.closed_at is None and AuditEvent.objects.count() == events


def test_the_delivery_note_needs_a_current_report_and_the_pack_a_signed_note(in_closure, pm, owner):
    with pytest.raises(Refusal, match="completion report"):
        closure.issue_delivery_note(engagement=in_closure, by=pm)
    closure.generate_completion_report(engagement=in_closure, by=pm)
    note = closure.issue_delivery_note(engagement=in_closure, by=pm)
    assert unmet(in_closure) == {"delivery_note_signed", "evidence_pack_sealed"}
    with pytest.raises(Refusal, match="signed"):
        closure.seal_evidence_pack(engagement=in_closure, by=pm)
    sign(note, owner)
    assert unmet(in_closure) == {"evidence_pack_sealed"}


def test_a_learner_finishing_after_the_report_makes_it_out_of_date(in_closure, pm):
    closure.generate_completion_report(engagement=in_closure, by=pm)
    assert not {"completion_report_generated", "completion_report_current"} & unmet(in_closure)
    eloise = Assignment.objects.get(learner__email="eloise.durand@alpha.example")
    attempt = attempts.start_attempt(assignment=eloise)
    attempts.submit_attempt(attempt=attempt, form=Form(answers_for(attempt, right=True)))
    assert "completion_report_current" in unmet(in_closure)
    closure.generate_completion_report(engagement=in_closure, by=pm)
    assert "completion_report_current" not in unmet(in_closure)


def test_the_sealed_pack_holds_every_artefact_and_verifies_offline(in_closure, pm, owner, tmp_path):
    pack = sealed(in_closure, pm, owner)
    with pack.file.open("rb") as handle:
        content = handle.read()
    names = zipfile.ZipFile(io.BytesIO(content)).namelist()
    for expected in ("note-de-cadrage-r1.pdf", "rapport-de-cartographie-r1.pdf",
                     "proposition-technique-r1.pdf", "facture-proforma-", "bon-de-commande-r1.pdf",
                     "pv-validation-activation-r1.pdf", "rapport-de-completion-r1.pdf",
                     "bon-de-livraison-r1.pdf", "audit/chain.jsonl", "exports/apprenants.csv",
                     "attestations/index.csv", "manifest.json", "seal.json"):  # fmt: skip
        assert any(expected in name for name in names), expected
    assert sum(name.startswith("attestations/") and name.endswith(".pdf") for name in names) == 1
    report = verify_pack(io.BytesIO(content))
    assert report.ok, report.problems
    sealed_event = AuditEvent.objects.filter(action="engagement.evidence_sealed").get()
    assert sealed_event.after["manifest_sha256"] == report.manifest_sha256 == pack.manifest_sha256
    manifest = orjson.loads(zipfile.ZipFile(io.BytesIO(content)).read("manifest.json"))
    assert manifest["engagement"]["reference"] == in_closure.reference
    path = tmp_path / "pack.zip"
    path.write_bytes(content)
    call_command("evidence_verify", str(path), "--installation-key")


def test_a_closed_engagement_is_read_only_and_reopening_needs_a_reason(in_closure, pm, owner):
    sealed(in_closure, pm, owner)
    closed = workflow.advance_phase(engagement=in_closure, by=pm)
    assert closed.closed_at is not None and closed.phase == Phase.CLOSURE
    assert unmet(closed) == set()
    events = AuditEvent.objects.count()
    for attempt_to_change in (
        lambda: closure.generate_completion_report(engagement=closed, by=pm),
        lambda: workflow.advance_phase(engagement=closed, by=pm),
        lambda: workflow.reopen_phase(engagement=closed, by=pm, to_phase=5, reason="x" * 20),
        lambda: attempts.start_attempt(
            assignment=Assignment.objects.get(learner__email="noe.martin@alpha.example")
        ),
    ):
        with pytest.raises(Refusal):
            attempt_to_change()
    assert AuditEvent.objects.count() == events
    with pytest.raises(Refusal, match="10 characters"):
        closure.reopen_closed(engagement=closed, by=pm, reason="oups")
    reopened = closure.reopen_closed(engagement=closed, by=pm, reason="Une attestation manque.")
    assert reopened.closed_at is None
    event = AuditEvent.objects.filter(action="engagement.reopened").get()
    assert event.after["reason"] == "Une attestation manque."


def test_the_pack_downloads_for_the_client_and_not_for_another_organisation(
    in_closure, pm, owner, outsider
):
    pack = sealed(in_closure, pm, owner)
    url = reverse("engagements:evidence_pack", args=[in_closure.pk, pack.revision])
    response = signed_in(owner).get(url)
    assert response.status_code == 200
    assert verify_pack(io.BytesIO(b"".join(response.streaming_content))).ok
    assert signed_in(outsider).get(url).status_code == 404
    api = signed_in(owner).get(
        f"/api/v1/engagements/{in_closure.pk}/evidence-packs/{pack.revision}",
        headers=bearer(owner),
    )
    assert api.status_code == 200


def test_the_engagement_page_shows_each_closure_artefact_under_its_own_name(in_closure, pm):
    closure.generate_completion_report(engagement=in_closure, by=pm)
    page = signed_in(pm).get(reverse("engagements:detail", args=[in_closure.pk]))
    text = page.content.decode()
    card = text[text.index('id="closure"') :]
    card = card[: card.index("</section>")]
    assert "Rapport de complétion" in card and "Bon de commande" not in card


def test_a_closed_engagement_refuses_changes_from_the_pages_and_the_api(in_closure, pm, owner):
    from django.contrib import admin

    sealed(in_closure, pm, owner)
    closed = workflow.advance_phase(engagement=in_closure, by=pm)
    api, headers = signed_in(pm), bearer(pm)
    before = Engagement.objects.values().get(pk=closed.pk)
    events, populations = AuditEvent.objects.count(), closed.populations.count()
    for method, path, body in (
        ("post", f"/api/v1/engagements/{closed.pk}/advance", {}),
        (
            "post",
            f"/api/v1/engagements/{closed.pk}/reopen",
            {"to_phase": 5, "reason": "x" * 20, "changes_scope": False},
        ),
        ("post", f"/api/v1/engagements/{closed.pk}/completion-report", {}),
        ("post", f"/api/v1/engagements/{closed.pk}/populations", {"name": "Encore"}),
    ):
        response = getattr(api, method)(
            path, data=body, content_type="application/json", headers=headers
        )
        assert response.status_code == 409, (path, response.status_code, response.content)
        assert response.json()["code"] == "closed", path
    page = signed_in(pm)
    for name, data in (
        ("engagements:advance", {}),
        (
            "engagements:reopen",
            {"to_phase": 5, "reason": "Une correction tardive.", "changes_scope": "no"},
        ),
    ):
        response = page.post(reverse(name, args=[closed.pk]), data, follow=True)
        assert response.status_code == 200
        assert "clôturée" in response.content.decode(), name  # the refusal, in French
    assert Engagement.objects.values().get(pk=closed.pk) == before
    assert (AuditEvent.objects.count(), closed.populations.count()) == (events, populations)
    # No model of the platform is editable in Django's admin.
    assert not [model for model in admin.site._registry if model.__module__.startswith("saveit")]


def test_the_report_is_issued_without_a_signature_request_and_the_page_follows_the_rule(
    in_closure, pm, owner
):
    from django.core import mail

    mail.outbox.clear()
    report = closure.generate_completion_report(engagement=in_closure, by=pm)
    assert report.document is not None and report.document.signer_roles == []
    assert mail.outbox == []  # nobody is asked to sign a report
    detail = reverse("engagements:detail", args=[in_closure.pk])
    seal_url = f'action="{reverse("engagements:seal", args=[in_closure.pk])}"'
    assert seal_url in signed_in(pm).get(detail).content.decode()
    assert seal_url not in signed_in(owner).get(detail).content.decode()  # not a manager
    sealed(in_closure, pm, owner)
    workflow.advance_phase(engagement=in_closure, by=pm)
    assert seal_url not in signed_in(pm).get(detail).content.decode()  # closed: nothing to seal


def test_the_closure_pdfs_are_french_and_print_no_empty_identifier(in_closure, pm, owner):
    from pypdf import PdfReader

    from saveit.accounts.models import Organization

    Organization.objects.filter(pk=in_closure.client_id).update(siren="", vat_number="")
    sealed(in_closure, pm, owner)

    def text(artefact) -> str:  # type: ignore[no-untyped-def]
        with artefact.document.file.open("rb") as handle:
            return "".join(page.extract_text() for page in PdfReader(handle).pages)

    report = text(closure.current_completion_report(in_closure))
    assert "non commencé" in report and "réussi" in report  # the learner list's statuses
    assert "not started" not in report and "passed" not in report
    client_card = text(closure.current_delivery_note(in_closure)).split("CLIENT", 1)[1][:200]
    assert "SIREN" not in client_card and "TVA" not in client_card  # no label without value
