"""Who must follow which exact module version, by when; and re-certification campaigns."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from saveit.accounts.models import Membership, Organization
from saveit.core.privacy import personal_data

from .people import Learner, Population


class RecertificationCampaign(models.Model):
    """People certified on a module must pass it again: a new version replaced the one they
    were certified on, or their attestation expired (then the active version, maybe the same)."""

    class Kind(models.TextChoices):
        NEW_VERSION = "new_version", _("new version")
        EXPIRY = "expiry", _("attestation expired")

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    module = models.ForeignKey("catalog.Module", on_delete=models.PROTECT, related_name="campaigns")
    version = models.ForeignKey(
        "catalog.ModuleVersion", on_delete=models.PROTECT, related_name="campaigns"
    )
    kind = models.CharField(
        _("kind"), max_length=12, choices=Kind.choices, default=Kind.NEW_VERSION
    )
    replaced_versions = models.JSONField(default=list)  # ids of the versions it replaces
    due_on = models.DateField(_("due date"))
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("launched"), auto_now_add=True)
    created_by = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        verbose_name = _("re-certification campaign")
        verbose_name_plural = _("re-certification campaigns")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "kind"], name="one_campaign_per_version_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.module} → {self.version}"


@personal_data(
    fields=["learner", "status", "best_score", "started_at", "completed_at", "seconds_spent"],
    controller="client",
    subject={"learner": "learner"},
    organization="organization",
    retention=_("Training proof: the legal retention (6 years)."),
    erasure="keep_legal",
    kept_for=_("Proof of training (who followed what, when, with which result)."),
    kept_years=6,
)
class Assignment(models.Model):
    """One learner × one exact module version × one cycle, with a due date and the learner's
    progress. A learner takes the same version again when their attestation on it expired: a
    new cycle, while the previous assignment is kept as it was (results, attestation) and marked
    superseded, so dashboards count the current cycle only.

    Up to millions of rows, inserted 100 000 at a time: the organisation and engagement keys are
    served by the composite indexes below, and assigned_by is never searched, so none of the
    three has an index of its own (each index costs on every insert).
    """

    class Status(models.TextChoices):
        ASSIGNED = "assigned", _("not started")
        IN_PROGRESS = "in_progress", _("in progress")
        PASSED = "passed", _("passed")
        FAILED = "failed", _("failed")
        REPLACED = "replaced", _("replaced by a newer version")

    # Not completed yet: not started or in progress.
    OPEN_STATUSES = (Status.ASSIGNED, Status.IN_PROGRESS)

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    engagement = models.ForeignKey(
        "engagements.Engagement",
        on_delete=models.PROTECT,
        related_name="assignments",
        db_index=False,
    )
    module_version = models.ForeignKey(
        "catalog.ModuleVersion", on_delete=models.PROTECT, related_name="assignments"
    )
    # No index of its own: the unique (learner, module_version, cycle) constraint starts with it.
    learner = models.ForeignKey(
        Learner, on_delete=models.PROTECT, related_name="assignments", db_index=False
    )
    population = models.ForeignKey(
        Population, on_delete=models.SET_NULL, null=True, blank=True, related_name="assignments"
    )
    campaign = models.ForeignKey(
        RecertificationCampaign,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
    )
    due_on = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.ASSIGNED
    )
    assigned_at = models.DateTimeField(_("assigned"))
    assigned_by = models.ForeignKey(
        Membership,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        db_index=False,
    )
    invited_at = models.DateTimeField(_("invited"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    last_lesson_key = models.CharField(max_length=40, blank=True)
    lessons_read = models.JSONField(default=list)
    attempts_used = models.PositiveSmallIntegerField(default=0)
    best_score = models.PositiveSmallIntegerField(null=True, blank=True)
    # Time on task: the sum of the seconds of this assignment's lesson views (Activity rows).
    seconds_spent = models.PositiveIntegerField(default=0, db_default=0)
    # 1, then 2, 3… each time the same version is assigned again after an expiry.
    cycle = models.PositiveSmallIntegerField(_("cycle"), default=1, db_default=1)
    superseded_at = models.DateTimeField(_("assigned again on"), null=True, blank=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["-assigned_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "module_version", "cycle"],
                name="assignment_unique_per_version_cycle",
            )
        ]
        indexes = [
            models.Index(fields=["organization", "module_version", "status"]),
            models.Index(fields=["engagement", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.learner} · {self.module_version}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @classmethod
    def current(cls) -> Q:
        """The one definition of a current assignment: neither replaced by a newer version nor
        superseded by a new cycle of the same one (what the learner, the dashboards and the
        deployment page count)."""
        return ~Q(status=cls.Status.REPLACED) & Q(superseded_at__isnull=True)

    @classmethod
    def overdue(cls, today: date) -> Q:
        """The one definition of an overdue assignment: not completed and past its due date.

        Written on `status` and `due_on`, which the reporting cube of statuses shares (no due
        date is stored there as a far-future sentinel), so the same condition counts the
        dashboards' figures, filters the learner list (compiled into its SQL) and feeds the
        inbox. `is_overdue` below is its reading of one loaded row.
        """
        return Q(status__in=cls.OPEN_STATUSES, due_on__lt=today)

    def is_overdue(self, today: date | None = None) -> bool:
        """`overdue()` for one row already in memory (a test holds the two together)."""
        today = today or timezone.localdate()
        return self.is_open and self.due_on is not None and self.due_on < today
