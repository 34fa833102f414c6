"""Frameworks (data), the provider's profile and its self-assessment with collected evidence."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from saveit.accounts.models import Membership, Organization


class Framework(models.Model):
    code = models.SlugField(_("code"), max_length=20, unique=True)
    title = models.CharField(_("title"), max_length=200)
    version = models.CharField(_("version of the official text"), max_length=300)

    class Meta:
        verbose_name = _("quality framework")
        verbose_name_plural = _("quality frameworks")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.title


class Criterion(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="criteria")
    number = models.PositiveSmallIntegerField(_("number"))
    part = models.PositiveSmallIntegerField(_("part"), default=0)  # EDUFORM's three parts
    reference = models.CharField(_("reference"), max_length=12)
    title = models.CharField(_("title"), max_length=300)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["framework", "number"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "number"], name="criterion_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.reference}. {self.title}"


class Indicator(models.Model):
    """A Qualiopi indicator, or an EDUFORM criterion detail (numbered by us, in order)."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="indicators")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="indicators")
    number = models.PositiveSmallIntegerField(_("number"))
    reference = models.CharField(_("reference"), max_length=12)
    title = models.CharField(_("title"), max_length=300)
    expected = models.TextField(_("expected level"), blank=True)
    evidence_examples = models.TextField(_("evidence examples"), blank=True)
    applicability = models.JSONField(_("applicability rule"), default=dict, blank=True)
    major_only = models.BooleanField(_("only a major non-conformity"), default=False)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["framework", "number"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "number"], name="indicator_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.reference}. {self.title}"


class ProviderProfile(models.Model):
    """What the provider is certified for and what it does: it decides which indicators apply."""

    organization = models.OneToOneField(
        Organization, on_delete=models.PROTECT, related_name="quality_profile"
    )
    categories = models.JSONField(_("certified action categories"), default=list)
    activities = models.JSONField(_("activities"), default=list)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        verbose_name = _("provider profile")
        verbose_name_plural = _("provider profiles")

    def __str__(self) -> str:
        return str(self.organization)


class Assessment(models.Model):
    """The provider's self-assessment of one indicator and what the collectors last found."""

    class Level(models.IntegerChoices):
        COMPLETE = 1, _("1 · every piece of evidence")
        PARTIAL = 2, _("2 · some evidence missing")
        NONE = 3, _("3 · no evidence")

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="assessments")
    level = models.PositiveSmallIntegerField(
        _("self-assessed level"), choices=Level.choices, null=True, blank=True
    )
    proposed_level = models.PositiveSmallIntegerField(
        _("level the evidence supports"), choices=Level.choices, null=True, blank=True
    )
    shown_to_auditor = models.TextField(_("what will be shown to the auditor"), blank=True)
    missing = models.JSONField(_("missing evidence"), default=list, blank=True)
    refreshed_at = models.DateTimeField(_("evidence collected"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("self-assessment of an indicator")
        verbose_name_plural = _("self-assessment")
        ordering = ["indicator__framework", "indicator__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "indicator"], name="assessment_unique_indicator"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator} · {self.level or '—'}"


class Evidence(models.Model):
    """One dated link from an indicator to a record of the platform, found by a collector."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("kind"), max_length=40)
    label = models.CharField(_("label"), max_length=300)
    url = models.CharField(_("link"), max_length=300, blank=True)
    record_type = models.CharField(max_length=60, blank=True)
    record_id = models.CharField(max_length=40, blank=True)
    dated = models.DateTimeField(_("record date"), null=True, blank=True)
    collected_at = models.DateTimeField(_("collected"))

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["assessment", "kind", "-dated", "pk"]

    def __str__(self) -> str:
        return self.label
