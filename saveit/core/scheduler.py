"""Periodic jobs, each run once per period however many schedulers start (SPEC §15).

Apps declare their jobs in a `jobs.py` module (found by autodiscovery, so core never imports an
upper app):

    from saveit.core.scheduler import job

    @job("audit.chain_checkpoints", period="day")
    def take_checkpoints(now: datetime) -> str: ...

`manage.py run_due_jobs` (every minute: the worker `make run` starts, cron or a systemd timer)
runs each job whose current period has no run yet. A run is claimed by inserting the row
(name, period key) under a unique constraint before the job starts: of two schedulers racing,
one inserts and runs the job, the other meets the constraint and skips it. A job that raised is
retried at the next run of the same period, MAX_ATTEMPTS times in all. A run still RUNNING
STALE_AFTER after it started is taken for dead (its scheduler was killed mid-job) and is taken
again the same way, as one more attempt: no job may legitimately run that long.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from .models import JobRun

logger = logging.getLogger(__name__)

Period = Literal["minute", "hour", "day", "month"]
PERIOD_FORMATS: dict[str, str] = {
    "minute": "%Y-%m-%dT%H:%M",
    "hour": "%Y-%m-%dT%H",
    "day": "%Y-%m-%d",
    "month": "%Y-%m",
}
MAX_ATTEMPTS = 3
STALE_AFTER = timedelta(minutes=30)
JobFunction = Callable[[datetime], object]


@dataclass(frozen=True)
class Job:
    name: str
    period: Period
    run: JobFunction


_REGISTRY: dict[str, Job] = {}


def job(name: str, *, period: Period) -> Callable[[JobFunction], JobFunction]:
    """Register the decorated function `f(now) -> summary` as a periodic job."""
    if period not in PERIOD_FORMATS:
        raise ValueError(f"unknown period {period!r}: one of {', '.join(PERIOD_FORMATS)}")

    def register(function: JobFunction) -> JobFunction:
        known = _REGISTRY.get(name)
        if known is not None and known.run is not function:
            raise ValueError(f"two jobs are named {name!r}")
        _REGISTRY[name] = Job(name, period, function)
        return function

    return register


def unregister(name: str) -> None:
    _REGISTRY.pop(name, None)


def registered_jobs() -> list[Job]:
    autodiscover_modules("jobs")
    return sorted(_REGISTRY.values(), key=lambda found: found.name)


def period_key(period: Period, now: datetime) -> str:
    """The period `now` falls in, in the installation's time zone (a day is a French day)."""
    return timezone.localtime(now).strftime(PERIOD_FORMATS[period])


@dataclass(frozen=True)
class Outcome:
    name: str
    period_key: str
    status: str  # "done", "failed" or "skipped" (already run, or running elsewhere)
    summary: str = ""


def run_due_jobs(*, now: datetime | None = None, only: set[str] | None = None) -> list[Outcome]:
    """Run every registered job (or those named in `only`) not yet run in its current period."""
    now = now or timezone.now()
    outcomes = []
    for found in registered_jobs():
        if only is not None and found.name not in only:
            continue
        outcomes.append(_run_once(found, period_key(found.period, now), now))
    return outcomes


def _claim(name: str, key: str, now: datetime) -> bool:
    try:
        with transaction.atomic():
            JobRun.objects.create(
                name=name, period_key=key, status=JobRun.Status.RUNNING, started_at=now
            )
        return True
    except IntegrityError:
        # Retry a failed run, or one whose scheduler died mid-job (still running long after
        # it started); the condition is checked by the UPDATE itself, so of two schedulers
        # retrying together only one changes the row.
        retryable = Q(status=JobRun.Status.FAILED) | Q(
            status=JobRun.Status.RUNNING, started_at__lt=now - STALE_AFTER
        )
        retried = JobRun.objects.filter(
            retryable, name=name, period_key=key, attempts__lt=MAX_ATTEMPTS
        ).update(status=JobRun.Status.RUNNING, attempts=F("attempts") + 1, started_at=now)
        return retried == 1


def _run_once(found: Job, key: str, now: datetime) -> Outcome:
    if not _claim(found.name, key, now):
        return Outcome(found.name, key, "skipped")
    try:
        result = found.run(now)
    except Exception:
        logger.exception("scheduled job %s (%s) failed", found.name, key)
        _finish(found.name, key, JobRun.Status.FAILED, traceback.format_exc(limit=5))
        return Outcome(found.name, key, "failed", traceback.format_exc(limit=1))
    summary = "" if result is None else str(result)
    _finish(found.name, key, JobRun.Status.DONE, summary)
    return Outcome(found.name, key, "done", summary)


def _finish(name: str, key: str, status: str, summary: str) -> None:
    JobRun.objects.filter(name=name, period_key=key).update(
        status=status, finished_at=timezone.now(), summary=summary[:4000]
    )
