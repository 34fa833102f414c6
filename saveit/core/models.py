"""Primitives every domain shares."""

from __future__ import annotations

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
