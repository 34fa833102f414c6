from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from saveit.accounts.models import Membership, Organization


class Phase(models.IntegerChoices):
    SCOPING = 0, _("Qualification and scoping")
    MAPPING = 1, _("Document mapping")
    CONTRACT = 2, _("Contractual commitment")
    PRODUCTION = 3, _("Design and production")
    VALIDATION = 4, _("Validation and activation")
    DEPLOYMENT = 5, _("Deployment and assignment")
    TRACKING = 6, _("Tracking and reporting")
    CLOSURE = 7, _("Closure and evidence")


class Engagement(models.Model):
    """One client request followed through phases 0–7 (a "mission")."""

    client = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="engagements", verbose_name=_("client")
    )
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("client request"), blank=True)
    project_manager = models.ForeignKey(
        Membership,
        on_delete=models.PROTECT,
        related_name="managed_engagements",
        verbose_name=_("project manager"),
    )
    client_owner = models.ForeignKey(
        Membership,
        on_delete=models.PROTECT,
        related_name="owned_engagements",
        null=True,
        blank=True,
        verbose_name=_("client content owner"),
    )
    phase = models.PositiveSmallIntegerField(_("phase"), choices=Phase.choices, default=0)
    started_on = models.DateField(_("start"))
    target_end_on = models.DateField(_("planned end"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    created_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("engagement")
        verbose_name_plural = _("engagements")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(phase__gte=0, phase__lte=7), name="engagement_phase_range"
            )
        ]
        indexes = [models.Index(fields=["client", "phase"])]

    def __str__(self) -> str:
        return f"{self.reference} · {self.title}"

    @property
    def phase_label(self) -> str:
        return str(Phase(self.phase).label)


class PhaseChange(models.Model):
    """One move of an engagement between phases: forward through a gate, or back with a reason."""

    class Kind(models.TextChoices):
        ADVANCE = "advance", _("advanced")
        REOPEN = "reopen", _("reopened")

    engagement = models.ForeignKey(Engagement, on_delete=models.PROTECT, related_name="changes")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    from_phase = models.PositiveSmallIntegerField(choices=Phase.choices)
    to_phase = models.PositiveSmallIntegerField(choices=Phase.choices)
    reason = models.TextField(blank=True)
    by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.engagement_id}: {self.from_phase}→{self.to_phase}"
