"""A large audit trail export: written by a background job (the same file as the immediate
download), followed on the job's page or at the API's 202 job URL, by the person who asked."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from freezegun import freeze_time

from saveit.accounts.roles import Role
from saveit.audit.models import AuditEvent
from saveit.core.jobs import can_retry, execute
from saveit.core.models import BackgroundJob
from saveit.testing.factories import bearer, make_member, signed_in


def _content(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


@freeze_time("2026-11-03 10:15:00")
@pytest.mark.parametrize("name", ["audit:trail_csv", "audit:trail_json"])
def test_a_large_export_goes_to_a_job_that_writes_the_immediate_file(
    owner, client_org, settings, django_capture_on_commit_callbacks, name
):
    browser = signed_in(owner)
    query = {"action": "membership"}
    immediate = browser.get(reverse(name), query)
    assert immediate.status_code == 200
    exported = AuditEvent.objects.filter(organization=client_org, action__contains="membership")

    settings.AUDIT_EXPORT_BACKGROUND_ROWS = exported.count() - 1
    with django_capture_on_commit_callbacks(execute=True):
        started = browser.get(reverse(name), query)
    job = BackgroundJob.objects.get()
    assert started.status_code == 302 and started["Location"] == reverse("core:job", args=[job.pk])
    assert job.status == BackgroundJob.Status.DONE
    assert job.done == job.total == exported.count()
    download = browser.get(reverse("core:job_download", args=[job.pk]))
    assert download["Content-Disposition"] == immediate["Content-Disposition"]
    assert download["Content-Type"] == immediate["Content-Type"]
    assert _content(download) == _content(immediate)


def test_the_api_answers_202_with_the_job_url_below_the_threshold_the_file(
    owner, client_org, settings, django_capture_on_commit_callbacks
):
    api = signed_in(owner)
    headers = bearer(owner)
    at_once = api.get("/api/v1/audit/export", {"format": "json"}, headers=headers)
    assert at_once.status_code == 200
    events = json.loads(_content(at_once))["events"]
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))

    settings.AUDIT_EXPORT_BACKGROUND_ROWS = 1
    with django_capture_on_commit_callbacks(execute=True):
        accepted = api.get("/api/v1/audit/export", {"format": "json"}, headers=headers)
    assert accepted.status_code == 202
    job = BackgroundJob.objects.get()
    assert accepted.json()["job_url"] == f"/api/v1/jobs/{job.pk}"
    followed = api.get(accepted.json()["job_url"], headers=headers).json()
    assert followed["status"] == "done"
    result = json.loads(_content(api.get(followed["result_url"], headers=headers)))
    assert result["organization"] == client_org.slug
    assert [e["hash"] for e in result["events"]][: len(events)] == [e["hash"] for e in events]


def test_another_tenant_cannot_read_the_job_nor_start_one_on_a_trail_not_theirs(
    owner, outsider, other_org, client_org, settings, django_capture_on_commit_callbacks
):
    settings.AUDIT_EXPORT_BACKGROUND_ROWS = 1
    with django_capture_on_commit_callbacks(execute=True):
        signed_in(owner).get(reverse("audit:trail_csv"))
    job = BackgroundJob.objects.get()
    auditor = make_member(client_org, Role.AUDITOR)
    for member in (outsider, auditor):
        browser = signed_in(member)
        assert browser.get(reverse("core:job", args=[job.pk])).status_code == 404
        assert browser.get(reverse("core:job_download", args=[job.pk])).status_code == 404
        assert browser.get(f"/api/v1/jobs/{job.pk}", headers=bearer(member)).status_code == 404
    stranger = signed_in(outsider)
    assert stranger.get(reverse("audit:trail_csv"), {"org": client_org.pk}).status_code == 404
    api = stranger.get("/api/v1/audit/export", {"org_id": client_org.pk}, headers=bearer(outsider))
    assert api.status_code == 404
    assert BackgroundJob.objects.count() == 1


def test_a_reader_whose_membership_ended_before_the_job_ran_gets_its_reason(
    owner, settings, django_capture_on_commit_callbacks
):
    settings.AUDIT_EXPORT_BACKGROUND_ROWS = 1
    signed_in(owner).get(reverse("audit:trail_csv"))  # queued, not run
    job = BackgroundJob.objects.get()
    owner.is_active = False
    owner.save(update_fields=["is_active"])
    assert execute(str(job.pk)) == "failed"
    job.refresh_from_db()
    assert job.error == "Vous ne pouvez plus lire cette piste d'audit." and can_retry(job)
