"""Long work in the background, with progress (SPEC §15: never inside a request).

An app declares a kind of job next to the code that does the work:

    from saveit.core.jobs import JobResult, Progress, register_job_kind

    @register_job_kind("quality.binder")
    def build_binder(job: BackgroundJob, progress: Progress) -> JobResult:
        for done, item in enumerate(items, 1):
            ...
            progress(done, len(items), step=_("Indicator %(n)s") % {"n": item.number})
        return JobResult(path=zip_path, filename="classeur.zip", content_type="application/zip")

and starts one from a view or the API with `start_job(...)`: the row is written in the caller's
transaction and the task (which carries only the job's id) is queued once that transaction
commits, on whatever task backend the settings name (database worker by default, Redis when
scaled out). The page `core:job` polls the row; the API answers 202 with `/api/v1/jobs/{id}`.

A job the worker lost (its process killed) keeps RUNNING with a stale heartbeat: it, and a job
that failed, can be retried by the person who started it. A failure keeps its reason: a
`JobError` carries a message for the user; anything else is logged and shown as unexpected.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone, translation
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _
from django_tasks import task

from .models import BackgroundJob
from .scheduler import job as periodic_job

logger = logging.getLogger(__name__)

#: A RUNNING job whose heartbeat is older than this is taken for lost (its worker died).
STALE_AFTER = timedelta(minutes=10)
#: Progress is written at most this often (seconds), plus at every change of step and at the end.
PROGRESS_EVERY = 0.5


class JobError(Exception):
    """A reason the job cannot finish that the user can read and act on (in French)."""


@contextmanager
def still_allowed(message: str) -> Iterator[None]:
    """A job re-checks, when it runs, that the member who asked may still read what it works
    on (an access helper inside this block): a refusal (404 or 403) ends it with `message`."""
    try:
        yield
    except (Http404, PermissionDenied) as refusal:
        raise JobError(message) from refusal


@dataclass(frozen=True)
class JobResult:
    """What a job produced: a file written to a temporary path (moved to storage), and/or a
    link to the record it made (shown on the job's page with its label)."""

    path: Path | None = None
    filename: str = ""
    content_type: str = "application/octet-stream"
    link: str = ""
    link_label: str = ""


class ReportsProgress(Protocol):
    """What a long function accepts to report its progress (a job's Progress, or no_progress)."""

    def __call__(self, done: int, total: int | None = None, *, step: str | None = None) -> None:
        pass


def no_progress(done: int, total: int | None = None, *, step: str | None = None) -> None:
    """For a long function called outside a job (tests, commands): progress goes nowhere."""


class Progress:
    """Callable handed to the job: `progress(done, total, step=...)` updates the row, throttled."""

    def __init__(self, job: BackgroundJob) -> None:
        self.job = job
        self._last_write = 0.0
        self._last_step = job.step

    def __call__(self, done: int, total: int | None = None, *, step: str | None = None) -> None:
        job = self.job
        job.done = done
        if total is not None:
            job.total = total
        if step is not None:
            job.step = step[:200]
        now = time.monotonic()
        finished = job.total and job.done >= job.total
        if now - self._last_write < PROGRESS_EVERY and job.step == self._last_step and not finished:
            return
        self._last_write, self._last_step = now, job.step
        BackgroundJob.objects.filter(pk=job.pk).update(
            done=job.done, total=job.total, step=job.step, heartbeat_at=timezone.now()
        )


JobFunction = Callable[[BackgroundJob, Progress], JobResult | None]


def counted(
    items: Iterable[Any], progress: ReportsProgress, *, total: int, step: str, every: int = 500
) -> Iterator[Any]:
    """`items` as they are, reporting progress every `every` items (rows of an export)."""
    progress(0, total, step=step)
    done = 0
    for done, item in enumerate(items, 1):
        yield item
        if done % every == 0:
            progress(done, total)
    progress(done, max(total, done))


def file_result(chunks: Iterable[bytes], *, filename: str, content_type: str) -> JobResult:
    """A job's file written from the chunks the inline download streams (the same bytes)."""
    with tempfile.NamedTemporaryFile(suffix=Path(filename).suffix, delete=False) as handle:
        try:
            for chunk in chunks:
                handle.write(chunk)
        except BaseException:
            handle.close()
            os.unlink(handle.name)
            raise
    return JobResult(path=Path(handle.name), filename=filename, content_type=content_type)


@dataclass(frozen=True)
class JobKind:
    name: str
    run: JobFunction


_KINDS: dict[str, JobKind] = {}


def register_job_kind(name: str) -> Callable[[JobFunction], JobFunction]:
    def register(function: JobFunction) -> JobFunction:
        known = _KINDS.get(name)
        if known is not None and known.run is not function:
            raise ValueError(f"two kinds of background job are named {name!r}")
        _KINDS[name] = JobKind(name, function)
        return function

    return register


def job_kind(name: str) -> JobKind:
    if name not in _KINDS:
        # Kinds are declared in the apps' jobs.py (or modules those import).
        autodiscover_modules("jobs")
    try:
        return _KINDS[name]
    except KeyError:
        raise LookupError(f"no background job kind is named {name!r}") from None


def start_job(
    *,
    kind: str,
    organization_id: int | None,
    requested_by: Any,
    title: str = "",
    params: dict[str, Any] | None = None,
) -> BackgroundJob:
    """Record the job and queue it once the caller's transaction commits.

    `title` is what the progress page shows (in the user's language, e.g. "Classeur Qualiopi").
    The same person asking again for the same work (same kind, organisation and parameters)
    while it is still queued or running gets that job back: a double click or a reloaded export
    link starts nothing more. A job the worker lost does not count: a new one starts.
    """
    job_kind(kind)
    under_way = BackgroundJob.objects.filter(
        kind=kind,
        organization_id=organization_id,
        requested_by_id=getattr(requested_by, "pk", requested_by),
        status__in=(BackgroundJob.Status.QUEUED, BackgroundJob.Status.RUNNING),
    ).order_by("-created_at")
    for candidate in under_way[:20]:
        if candidate.params == (params or {}) and not is_stale(candidate):
            return candidate
    job = BackgroundJob.objects.create(
        kind=kind,
        title=str(title)[:200],
        language=translation.get_language() or settings.LANGUAGE_CODE,
        organization_id=organization_id,
        requested_by_id=getattr(requested_by, "pk", requested_by),
        params=params or {},
    )
    _enqueue_after_commit(job)
    return job


def _enqueue_after_commit(job: BackgroundJob) -> None:
    job_id = str(job.pk)
    transaction.on_commit(lambda: run_background_job.enqueue(job_id=job_id))


@task()
def run_background_job(*, job_id: str) -> str:
    """The task the worker runs: claims the job, runs its kind, stores what it produced."""
    return execute(job_id)


def execute(job_id: str) -> str:
    now = timezone.now()
    claimed = BackgroundJob.objects.filter(pk=job_id, status=BackgroundJob.Status.QUEUED).update(
        status=BackgroundJob.Status.RUNNING, started_at=now, heartbeat_at=now, error=""
    )
    if not claimed:
        # Already taken by another worker, finished, or the row is gone: nothing to do twice.
        return "skipped"
    job = BackgroundJob.objects.get(pk=job_id)
    BackgroundJob.objects.filter(pk=job.pk).update(attempts=job.attempts + 1)
    job.attempts += 1
    try:
        with translation.override(job.language or settings.LANGUAGE_CODE):
            result = job_kind(job.kind).run(job, Progress(job))
        fields = _store_result(job, result) if result and result.path else {}
        if result and result.link:
            fields |= {"result_link": result.link, "result_link_label": result.link_label[:200]}
    except JobError as exc:
        _fail(job, str(exc))
        return "failed"
    except Exception as exc:
        logger.exception("background job %s (%s) failed", job.pk, job.kind)
        with translation.override(job.language or settings.LANGUAGE_CODE):
            reason = _("The job stopped on an unexpected error (%(error)s).")
        _fail(job, reason % {"error": type(exc).__name__})
        return "failed"
    BackgroundJob.objects.filter(pk=job.pk).update(
        status=BackgroundJob.Status.DONE,
        finished_at=timezone.now(),
        heartbeat_at=timezone.now(),
        done=max(job.done, job.total),
        **fields,
    )
    return "done"


def _fail(job: BackgroundJob, reason: str) -> None:
    BackgroundJob.objects.filter(pk=job.pk).update(
        status=BackgroundJob.Status.FAILED, error=reason, finished_at=timezone.now()
    )


def _store_result(job: BackgroundJob, result: JobResult) -> dict[str, Any]:
    assert result.path is not None
    filename = result.filename or result.path.name
    digest = hashlib.sha256()
    with open(result.path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
        handle.seek(0)
        name = default_storage.save(f"jobs/{job.pk}/{filename}", File(handle))
    size = result.path.stat().st_size
    try:
        os.unlink(result.path)
    except OSError:
        logger.warning("could not remove the temporary result %s", result.path)
    return {
        "result_name": name,
        "result_filename": filename,
        "result_content_type": result.content_type,
        "result_sha256": digest.hexdigest(),
        "result_size": size,
    }


def is_stale(job: BackgroundJob, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    beat = job.heartbeat_at or job.started_at or job.created_at
    return job.status == BackgroundJob.Status.RUNNING and now - beat > STALE_AFTER


def can_retry(job: BackgroundJob) -> bool:
    return job.status == BackgroundJob.Status.FAILED or is_stale(job)


def retry_job(job: BackgroundJob) -> bool:
    """Queue a failed (or lost) job again; False when it is not in a state to be retried."""
    if not can_retry(job):
        return False
    with transaction.atomic():
        updated = BackgroundJob.objects.filter(pk=job.pk, status=job.status).update(
            status=BackgroundJob.Status.QUEUED, done=0, step="", error="", finished_at=None
        )
        if not updated:
            return False
        _enqueue_after_commit(job)
    job.refresh_from_db()
    return True


def jobs_of(*, user_id: int | None, organization_id: int | None) -> QuerySet[BackgroundJob]:
    """The jobs one person started while acting for one organisation (the only ones they see)."""
    if user_id is None:
        return BackgroundJob.objects.none()
    scope = Q(requested_by_id=user_id)
    if organization_id is not None:
        scope &= Q(organization_id=organization_id) | Q(organization_id__isnull=True)
    return BackgroundJob.objects.filter(scope)


def open_result(job: BackgroundJob) -> File:
    return default_storage.open(job.result_name, "rb")


@periodic_job("core.expire_job_results", period="day")
def expire_job_results(now: datetime) -> str:
    """Results are downloads, not archives: their files go after JOB_RESULT_DAYS."""
    days = getattr(settings, "JOB_RESULT_DAYS", 7)
    old = BackgroundJob.objects.filter(
        finished_at__lt=now - timedelta(days=days), result_name__gt=""
    )
    count = 0
    for job in old.iterator():
        default_storage.delete(job.result_name)
        BackgroundJob.objects.filter(pk=job.pk).update(result_name="")
        count += 1
    return f"{count} job result(s) removed"
