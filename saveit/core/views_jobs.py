"""The progress page of a background job, its download and its retry (see saveit.core.jobs)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .jobs import can_retry, is_stale, jobs_of, open_result, retry_job
from .models import BackgroundJob
from .refusals import get_in_scope, not_found


def _job_for(request: HttpRequest, job_id: Any) -> BackgroundJob:
    member = getattr(request, "member", None)
    jobs = jobs_of(
        user_id=request.user.pk, organization_id=member.organization_id if member else None
    )
    return get_in_scope(jobs, job_id)


@login_required
def job(request: HttpRequest, job_id: Any) -> HttpResponse:
    found = _job_for(request, job_id)
    context = {"job": found, "stale": is_stale(found), "can_retry": can_retry(found)}
    template = "core/job.html#progress" if request.htmx else "core/job.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@login_required
def job_download(request: HttpRequest, job_id: Any) -> FileResponse:
    found = _job_for(request, job_id)
    if found.status != BackgroundJob.Status.DONE or not found.result_name:
        raise not_found(BackgroundJob, job_id)
    return FileResponse(
        open_result(found),
        as_attachment=True,
        filename=found.result_filename,
        content_type=found.result_content_type or "application/octet-stream",
    )


@login_required
@require_POST
def job_retry(request: HttpRequest, job_id: Any) -> HttpResponse:
    found = _job_for(request, job_id)
    if retry_job(found):
        messages.success(request, _("The job is queued again."))
    else:
        messages.error(request, _("This job cannot be retried: it is queued, running or done."))
    return redirect("core:job", job_id=found.pk)
