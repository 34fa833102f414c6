"""Background jobs in the API: what a 202 points at (`/api/v1/jobs/{id}`), their result, retry."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import FileResponse, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router, Schema

from .api_support import COMMON_ERRORS, ErrorOut
from .errors import Refusal
from .jobs import can_retry, is_stale, jobs_of, open_result, retry_job
from .models import BackgroundJob
from .refusals import get_in_scope, not_found

router = Router(tags=["jobs"])


class JobOut(Schema):
    id: UUID
    kind: str
    title: str
    status: str
    done: int
    total: int
    percent: int
    step: str
    error: str
    stale: bool
    created_at: datetime
    finished_at: datetime | None
    result_url: str | None
    result_sha256: str | None


class JobAcceptedOut(Schema):
    """What an operation that starts a background job answers, with HTTP 202."""

    id: UUID
    status: str
    job_url: str


def job_accepted(job: BackgroundJob) -> tuple[int, dict[str, Any]]:
    """The 202 answer of an operation that started `job` (declare `202: JobAcceptedOut`)."""
    return 202, {
        "id": job.pk,
        "status": job.status,
        "job_url": reverse("api:job", kwargs={"job_id": job.pk}),
    }


def _job_for(request: HttpRequest, job_id: UUID) -> BackgroundJob:
    member = request.auth  # type: ignore[attr-defined]
    jobs = jobs_of(user_id=member.user_id, organization_id=member.organization_id)
    return get_in_scope(jobs, job_id)


def job_out(job: BackgroundJob) -> dict[str, Any]:
    done = job.status == BackgroundJob.Status.DONE and bool(job.result_name)
    return {
        "id": job.pk,
        "kind": job.kind,
        "title": job.title,
        "status": job.status,
        "done": job.done,
        "total": job.total,
        "percent": job.percent,
        "step": job.step,
        "error": job.error,
        "stale": is_stale(job),
        "created_at": job.created_at,
        "finished_at": job.finished_at,
        "result_url": reverse("api:job_result", kwargs={"job_id": job.pk}) if done else None,
        "result_sha256": job.result_sha256 if done else None,
    }


@router.get("/jobs/{job_id}", response={200: JobOut, **COMMON_ERRORS}, url_name="job")
def get_job(request: HttpRequest, job_id: UUID) -> dict[str, Any]:
    """A job you started: its status and progress; `result_url` once its file is ready."""
    return job_out(_job_for(request, job_id))


@router.get("/jobs/{job_id}/result", response={200: None, **COMMON_ERRORS}, url_name="job_result")
def get_job_result(request: HttpRequest, job_id: UUID) -> FileResponse:
    """The file a finished job produced (404 until it is done, or after its retention)."""
    job = _job_for(request, job_id)
    if job.status != BackgroundJob.Status.DONE or not job.result_name:
        raise not_found(BackgroundJob, job_id)
    return FileResponse(
        open_result(job),
        as_attachment=True,
        filename=job.result_filename,
        content_type=job.result_content_type or "application/octet-stream",
    )


@router.post(
    "/jobs/{job_id}/retry",
    response={202: JobAcceptedOut, **COMMON_ERRORS, 409: ErrorOut},
    url_name="job_retry",
)
def post_job_retry(request: HttpRequest, job_id: UUID) -> tuple[int, dict[str, Any]]:
    """Queue again a job that failed, or whose worker was lost."""
    job = _job_for(request, job_id)
    if not can_retry(job) or not retry_job(job):
        raise Refusal(
            _("This job cannot be retried: it is queued, running or done."),
            code="job_not_retryable",
        )
    return job_accepted(job)
