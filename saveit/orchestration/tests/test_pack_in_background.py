"""The evidence pack is sealed by the worker: the page and the API start it and point at its
progress; the sealing checks again, at the end, that nothing it covers moved meanwhile."""

from __future__ import annotations

import pytest
from django.urls import reverse

from saveit.core.errors import Refusal
from saveit.core.models import BackgroundJob
from saveit.engagements.models import Engagement, EvidencePack, Phase
from saveit.learning.models import Assignment
from saveit.learning.services import attempts
from saveit.orchestration import services as workflow
from saveit.orchestration.services import closure
from saveit.testing.engagement_setup import sign
from saveit.testing.factories import bearer, signed_in
from saveit.testing.learning_setup import Form, answers_for


@pytest.fixture
def ready_to_seal(assigned, pm, owner):
    camille = Assignment.objects.get(learner__email="camille.lefevre@alpha.example")
    attempt = attempts.start_attempt(assignment=camille)
    attempts.submit_attempt(attempt=attempt, form=Form(answers_for(attempt, right=True)))
    engagement = Engagement.objects.get(pk=camille.engagement_id)
    engagement = workflow.advance_phase(engagement=engagement, by=pm)  # 5 → 6
    engagement = workflow.advance_phase(engagement=engagement, by=pm)  # 6 → 7
    assert engagement.phase == Phase.CLOSURE
    closure.generate_completion_report(engagement=engagement, by=pm)
    sign(closure.issue_delivery_note(engagement=engagement, by=pm), owner)
    return engagement


def test_the_page_starts_the_sealing_and_shows_its_progress_then_the_pack(
    ready_to_seal, pm, django_capture_on_commit_callbacks
):
    client = signed_in(pm)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(
            reverse("engagements:seal", args=[ready_to_seal.pk]), {"confirmed": "yes"}
        )
    job = BackgroundJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/taches/{job.pk}/"
    assert not EvidencePack.objects.exists()  # nothing sealed inside the request

    # A second click while the first is queued starts nothing.
    again = client.post(
        reverse("engagements:seal", args=[ready_to_seal.pk]), {"confirmed": "yes"}, follow=True
    )
    assert BackgroundJob.objects.count() == 1
    assert "already being sealed" in again.content.decode() or "déjà" in again.content.decode()

    for callback in queued:
        callback()
    job.refresh_from_db()
    pack = EvidencePack.objects.get()
    assert job.status == BackgroundJob.Status.DONE and (job.done, job.total) == (7, 7)
    download = reverse("engagements:evidence_pack", args=[ready_to_seal.pk, pack.revision])
    assert job.result_link == download
    assert download in client.get(f"/taches/{job.pk}/").content.decode()


def test_the_api_answers_202_and_the_job_leads_to_the_pack(
    ready_to_seal, pm, django_capture_on_commit_callbacks
):
    from django.test import Client

    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(
            f"/api/v1/engagements/{ready_to_seal.pk}/evidence-packs", headers=bearer(pm)
        )
    assert response.status_code == 202, response.content
    job = Client().get(response.json()["job_url"], headers=bearer(pm)).json()
    assert job["status"] == "done" and job["result_link"].endswith("/1.zip")
    packs = (
        Client()
        .get(f"/api/v1/engagements/{ready_to_seal.pk}/evidence-packs", headers=bearer(pm))
        .json()
    )
    assert [p["revision"] for p in packs] == [1]


def test_what_cannot_be_sealed_is_refused_at_once_with_nothing_queued(assigned, pm):
    from django.test import Client

    engagement = Assignment.objects.first().engagement  # deployed, not in closure
    response = Client().post(
        f"/api/v1/engagements/{engagement.pk}/evidence-packs", headers=bearer(pm)
    )
    assert response.status_code == 409
    assert not BackgroundJob.objects.exists()


def test_a_pack_whose_engagement_moved_while_it_was_written_is_not_recorded(
    ready_to_seal, pm, monkeypatch
):
    write = closure._write_pack

    def write_then_report_again(pack, plan, step):
        result = write(pack, plan, step)
        closure.generate_completion_report(engagement=plan.engagement, by=pm)
        return result

    monkeypatch.setattr(closure, "_write_pack", write_then_report_again)
    with pytest.raises(Refusal) as refused:
        closure.seal_evidence_pack(engagement=ready_to_seal, by=pm)
    assert refused.value.code == "pack_outdated", refused.value.code
    assert not EvidencePack.objects.exists()
