"""Background jobs: run once, progress kept, result stored and hashed, failures said, retried,
seen only by the person who started them for the organisation they acted for."""

from __future__ import annotations

import hashlib
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from saveit.accounts.roles import Role
from saveit.core import jobs
from saveit.core.models import BackgroundJob
from saveit.testing.factories import bearer, make_member, make_organization, signed_in

CALLS: list[str] = []


@jobs.register_job_kind("core.test_export")
def _export(job: BackgroundJob, progress: jobs.Progress) -> jobs.JobResult:
    rows = int(job.params.get("rows", 3))
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as handle:
        for number in range(1, rows + 1):
            handle.write(f"ligne {number}\n")
            progress(number, rows, step=f"ligne {number}")
    CALLS.append(str(job.pk))
    return jobs.JobResult(path=Path(handle.name), filename="export.csv", content_type="text/csv")


@jobs.register_job_kind("core.test_refused")
def _refused(job: BackgroundJob, progress: jobs.Progress) -> None:
    if job.params.get("fail", True):
        raise jobs.JobError("La période choisie ne contient aucune donnée.")


@jobs.register_job_kind("core.test_crash")
def _crash(job: BackgroundJob, progress: jobs.Progress) -> None:
    raise ZeroDivisionError("boom")


@pytest.fixture
def owner(db):
    return make_member(make_organization("Alpha"), Role.CLIENT_OWNER)


def _start(owner, kind="core.test_export", capture=None, **params):
    with capture(execute=True):
        return jobs.start_job(
            kind=kind,
            organization_id=owner.organization_id,
            requested_by=owner.user,
            title="Export des lignes",
            params=params,
        )


def test_a_job_runs_after_commit_and_stores_its_hashed_result(
    owner, django_capture_on_commit_callbacks
):
    job = _start(owner, capture=django_capture_on_commit_callbacks, rows=5)
    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.DONE
    assert (job.done, job.total, job.percent) == (5, 5, 100)
    assert job.attempts == 1 and job.finished_at is not None
    content = default_storage.open(job.result_name).read()
    assert content.decode().splitlines()[-1] == "ligne 5"
    assert job.result_sha256 == hashlib.sha256(content).hexdigest()
    assert job.result_size == len(content)


def test_nothing_is_queued_when_the_callers_transaction_rolls_back(
    owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        jobs.start_job(kind="core.test_export", organization_id=None, requested_by=owner.user)
    # on_commit callbacks are what queues the task: a rollback drops them with the row.
    assert len(callbacks) == 1


def test_a_second_run_of_the_same_job_does_nothing(owner, django_capture_on_commit_callbacks):
    job = _start(owner, capture=django_capture_on_commit_callbacks)
    calls = CALLS.count(str(job.pk))
    assert jobs.execute(str(job.pk)) == "skipped"
    assert CALLS.count(str(job.pk)) == calls == 1


def test_asking_again_for_the_same_work_under_way_returns_that_job(owner):
    first = jobs.start_job(
        kind="core.test_export",
        organization_id=owner.organization_id,
        requested_by=owner.user,
        params={"rows": 3},
    )
    again = jobs.start_job(
        kind="core.test_export",
        organization_id=owner.organization_id,
        requested_by=owner.user,
        params={"rows": 3},
    )
    other = jobs.start_job(
        kind="core.test_export",
        organization_id=owner.organization_id,
        requested_by=owner.user,
        params={"rows": 4},
    )
    assert again.pk == first.pk and other.pk != first.pk
    # Never someone else's job, nor the same person's for another organisation.
    colleague = make_member(owner.organization, Role.CLIENT_MANAGER)
    elsewhere = make_member(make_organization("Beta"), Role.CLIENT_OWNER, owner.user.email)
    for member in (colleague, elsewhere):
        theirs = jobs.start_job(
            kind="core.test_export",
            organization_id=member.organization_id,
            requested_by=member.user,
            params={"rows": 3},
        )
        assert theirs.pk != first.pk and theirs.requested_by_id == member.user_id
    assert elsewhere.user_id == owner.user_id  # the same person, for another organisation
    # Once the first is done, or lost by its worker, asking again starts a new one.
    BackgroundJob.objects.filter(pk=first.pk).update(status=BackgroundJob.Status.DONE)
    assert (
        jobs.start_job(
            kind="core.test_export",
            organization_id=owner.organization_id,
            requested_by=owner.user,
            params={"rows": 3},
        ).pk
        != first.pk
    )
    lost = jobs.start_job(
        kind="core.test_export",
        organization_id=owner.organization_id,
        requested_by=owner.user,
        params={"rows": 5},
    )
    long_ago = timezone.now() - jobs.STALE_AFTER * 2
    BackgroundJob.objects.filter(pk=lost.pk).update(
        status=BackgroundJob.Status.RUNNING, started_at=long_ago, heartbeat_at=long_ago
    )
    assert (
        jobs.start_job(
            kind="core.test_export",
            organization_id=owner.organization_id,
            requested_by=owner.user,
            params={"rows": 5},
        ).pk
        != lost.pk
    )


def test_an_unknown_kind_is_refused_before_anything_is_written(owner):
    with pytest.raises(LookupError):
        jobs.start_job(kind="nope", organization_id=None, requested_by=owner.user)
    assert not BackgroundJob.objects.exists()


def test_a_refused_job_keeps_its_reason_and_can_be_retried(
    owner, django_capture_on_commit_callbacks
):
    job = _start(owner, kind="core.test_refused", capture=django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.FAILED
    assert job.error == "La période choisie ne contient aucune donnée."
    job.params = {"fail": False}
    job.save(update_fields=["params"])
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.retry_job(job)
    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.DONE and job.error == "" and job.attempts == 2


def test_an_unexpected_error_is_logged_and_named_without_its_details(
    owner, django_capture_on_commit_callbacks, caplog
):
    job = _start(owner, kind="core.test_crash", capture=django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.FAILED
    assert "ZeroDivisionError" in job.error and "boom" not in job.error
    assert "boom" in caplog.text


def test_only_a_failed_or_lost_job_can_be_retried(owner):
    running = BackgroundJob.objects.create(
        kind="core.test_export",
        requested_by_id=owner.user_id,
        status=BackgroundJob.Status.RUNNING,
        heartbeat_at=timezone.now(),
    )
    assert not jobs.can_retry(running) and not jobs.retry_job(running)
    running.heartbeat_at = timezone.now() - jobs.STALE_AFTER - timedelta(seconds=1)
    running.save()
    assert jobs.is_stale(running) and jobs.can_retry(running)
    done = BackgroundJob.objects.create(
        kind="core.test_export", requested_by_id=owner.user_id, status="done"
    )
    assert not jobs.retry_job(done)


def test_the_page_polls_while_running_and_offers_the_download_when_done(
    owner, django_capture_on_commit_callbacks
):
    client = signed_in(owner)
    queued = BackgroundJob.objects.create(
        kind="core.test_export",
        title="Export des lignes",
        organization_id=owner.organization_id,
        requested_by_id=owner.user_id,
    )
    page = client.get(f"/taches/{queued.pk}/", headers={"HX-Request": "true"})
    assert page.status_code == 200 and 'hx-trigger="every 1s"' in page.content.decode()
    assert "<html" not in page.content.decode()  # only the fragment
    job = _start(owner, capture=django_capture_on_commit_callbacks, rows=2)
    page = client.get(f"/taches/{job.pk}/").content.decode()
    assert "every 1s" not in page and f"/taches/{job.pk}/telecharger/" in page
    download = client.get(f"/taches/{job.pk}/telecharger/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"ligne 1")
    assert "export.csv" in download["Content-Disposition"]


def test_nobody_else_sees_a_job_not_even_its_author_acting_for_another_organisation(
    owner, django_capture_on_commit_callbacks
):
    job = _start(owner, capture=django_capture_on_commit_callbacks)
    colleague = make_member(owner.organization, Role.CLIENT_OWNER)
    assert signed_in(colleague).get(f"/taches/{job.pk}/").status_code == 404
    elsewhere = make_member(make_organization("Beta"), Role.CLIENT_OWNER, email=owner.user.email)
    client = signed_in(elsewhere)
    assert client.get(f"/taches/{job.pk}/telecharger/").status_code == 404
    response = client.get(f"/api/v1/jobs/{job.pk}", headers=bearer(elsewhere))
    assert response.status_code == 404


def test_the_api_reports_progress_serves_the_result_and_refuses_a_pointless_retry(
    owner, django_capture_on_commit_callbacks
):
    job = _start(owner, capture=django_capture_on_commit_callbacks, rows=2)
    client = signed_in(owner)
    body = client.get(f"/api/v1/jobs/{job.pk}", headers=bearer(owner)).json()
    assert body["status"] == "done" and body["percent"] == 100
    assert body["result_url"] == f"/api/v1/jobs/{job.pk}/result"
    result = client.get(body["result_url"], headers=bearer(owner))
    assert b"".join(result.streaming_content) == b"ligne 1\nligne 2\n"
    retry = client.post(f"/api/v1/jobs/{job.pk}/retry", headers=bearer(owner))
    assert retry.status_code == 409 and retry.json()["code"] == "job_not_retryable"

    failed = _start(owner, kind="core.test_refused", capture=django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=False):
        retry = client.post(f"/api/v1/jobs/{failed.pk}/retry", headers=bearer(owner))
    assert retry.status_code == 202
    assert retry.json()["job_url"] == f"/api/v1/jobs/{failed.pk}"


def test_results_are_removed_after_their_retention(owner, django_capture_on_commit_callbacks):
    job = _start(owner, capture=django_capture_on_commit_callbacks)
    job.refresh_from_db()
    name = job.result_name
    jobs.expire_job_results(timezone.now() + timedelta(days=8))
    job.refresh_from_db()
    assert job.result_name == "" and not default_storage.exists(name)
    page = signed_in(owner).get(f"/taches/{job.pk}/").content.decode()
    assert "/telecharger/" not in page


@pytest.mark.parametrize("refusal", ["404", "403"])
def test_an_access_refused_when_the_job_runs_ends_it_with_the_jobs_message(refusal):
    """still_allowed: the access helpers answer 404 for what is out of reach and 403 for what
    the role may not do; either way the job fails with the message its kind gives."""
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    message = "Vous ne pouvez plus lire ce rapport."
    with pytest.raises(jobs.JobError) as failed, jobs.still_allowed(message):
        raise (Http404() if refusal == "404" else PermissionDenied())
    assert str(failed.value) == message
    # anything else is not a refusal: it goes through as it is, to fail the job as unexpected
    with pytest.raises(KeyError), jobs.still_allowed(message):
        raise KeyError("report")
