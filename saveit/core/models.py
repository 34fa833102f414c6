"""Primitives every domain shares."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class NumberSequence(models.Model):
    """Gap-free numbering: one counter per series and year, incremented under a row lock in the
    transaction that creates the numbered record (a rollback gives the number back).

    The table keeps the name it had when only engagements numbered documents.
    """

    series = models.CharField(max_length=8)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "engagements_invoicesequence"
        constraints = [
            models.UniqueConstraint(fields=["series", "year"], name="invoice_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.series}-{self.year}:{self.last}"


class JobRun(models.Model):
    """One periodic job's run for one period: the unique pair is what makes a job run once per
    period, however many schedulers start at the same minute (see saveit.core.scheduler)."""

    class Status(models.TextChoices):
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    name = models.CharField(_("job"), max_length=100)
    period_key = models.CharField(_("period"), max_length=20)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    attempts = models.PositiveSmallIntegerField(default=1)
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True)

    class Meta:
        verbose_name = _("scheduled job run")
        verbose_name_plural = _("scheduled job runs")
        constraints = [
            models.UniqueConstraint(fields=["name", "period_key"], name="job_run_once_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.name}@{self.period_key}"


class BackgroundJob(models.Model):
    """One long piece of work (a binder, an export, a pack) run by the task worker, with the
    progress the page polls. The row is the job's state; the task queue only carries its id, so
    the same job survives a web process restart and runs on any worker (database or Redis).

    The owner is kept as plain ids (core sits below accounts): the job is shown to the person
    who started it, acting for the organisation it was started for.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=100)
    title = models.CharField(_("title"), max_length=200, blank=True)
    organization_id = models.PositiveBigIntegerField(_("organisation"), null=True, blank=True)
    requested_by_id = models.PositiveBigIntegerField(_("requested by"), null=True, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    step = models.CharField(_("step"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    result_name = models.CharField(max_length=300, blank=True)
    result_filename = models.CharField(max_length=200, blank=True)
    result_content_type = models.CharField(max_length=100, blank=True)
    result_sha256 = models.CharField(max_length=64, blank=True)
    result_size = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        indexes = [models.Index(fields=["requested_by_id", "-created_at"], name="job_by_owner")]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk} ({self.status})"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.total:
            return 0
        return min(100, int(self.done * 100 / self.total))
