"""Pre-aggregated figures of the assignments, so a dashboard over millions of rows stays fast.

Each table is a "cube": one row per combination of the dimensions a dashboard filters on, with
the counts and sums of the assignments that fall in it. They are derived data, kept exact in the
transaction of every change to an assignment (`saveit.reporting.stats`), and can be rebuilt from
the assignments at any time (`manage.py rebuild_stats`). Plain integer columns rather than foreign
keys: the rows are written on every learner action and never joined for integrity.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import models

from saveit.engagements.models import SignedArtefact

# A due date sentinel for "no due date" (NULL would escape the unique constraint).
NO_DUE_DATE = date(9999, 12, 31)


# What makes a cell of the detailed cubes unique, before each cube's own key columns (the
# organisation follows from the engagement).
CELL_KEY = ("engagement_id", "module_version_id", "population_id", "site", "assigned_month")


class Dimensions(models.Model):
    organization_id = models.BigIntegerField()
    engagement_id = models.BigIntegerField()
    module_id = models.BigIntegerField()
    module_version_id = models.BigIntegerField()
    population_id = models.BigIntegerField()  # 0: assigned individually
    site = models.CharField(max_length=200)
    assigned_month = models.DateField()  # first day of the month of assignment, Paris time

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.engagement_id}/{self.module_version_id}: {self.n}"

    n: int


class StatusCell(Dimensions):
    """Assignments by status and due date, with their time on task and final scores."""

    due_on = models.DateField()
    status = models.CharField(max_length=12)
    n = models.BigIntegerField(default=0)
    seconds = models.BigIntegerField(default=0)
    scored = models.BigIntegerField(default=0)
    score_sum = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[*CELL_KEY, "due_on", "status"],
                name="status_cell_key",
            )
        ]
        indexes = [models.Index(fields=["organization_id", "engagement_id"])]


class ScoreCell(Dimensions):
    """Final scores of completed assignments (passed or failed), one row per score value:
    medians and distributions are exact because scores are whole percentages."""

    score = models.PositiveSmallIntegerField()
    n = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[*CELL_KEY, "score"],
                name="score_cell_key",
            )
        ]
        indexes = [models.Index(fields=["organization_id", "engagement_id"])]


class CompletionCell(Dimensions):
    """Completions per week (Monday, Paris time), passed or not: the trend over time."""

    week = models.DateField()
    passed = models.BooleanField()
    n = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[*CELL_KEY, "week", "passed"],
                name="completion_cell_key",
            )
        ]
        indexes = [models.Index(fields=["organization_id", "engagement_id"])]


class TrendCell(models.Model):
    """CompletionCell without population and site: what an unfiltered trend reads (a few
    thousand rows where the detailed cube holds hundreds of thousands)."""

    organization_id = models.BigIntegerField()
    engagement_id = models.BigIntegerField()
    module_id = models.BigIntegerField()
    module_version_id = models.BigIntegerField()
    assigned_month = models.DateField()
    week = models.DateField()
    passed = models.BooleanField()
    n = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "engagement_id", "module_version_id", "assigned_month", "week", "passed",
                ],
                name="trend_cell_key",
            )
        ]  # fmt: skip
        indexes = [models.Index(fields=["organization_id", "engagement_id"])]

    def __str__(self) -> str:
        return f"TrendCell {self.engagement_id}/{self.module_version_id}: {self.n}"


class CompletionReport(SignedArtefact):
    """The rapport de complétion of an engagement at closure: figures, charts, every learner.

    Not signed; issued as evidence. `snapshot` holds the figures it prints, so the closure gate
    can tell when a later completion makes it out of date.
    """

    engagement = models.ForeignKey(
        "engagements.Engagement", on_delete=models.PROTECT, related_name="completion_reports"
    )
    snapshot = models.JSONField(default=dict)

    class Meta(SignedArtefact.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["engagement", "revision"], name="completion_report_revision_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.engagement_id} · completion report r{self.revision}"

    def signed_content(self) -> dict[str, Any]:
        return {"kind": "completion_report", "snapshot": self.snapshot}
