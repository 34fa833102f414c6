"""Certification audits and their non-conformities (SPEC §11, audit follow-up)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from saveit.accounts.models import Organization

from .frameworks import Framework, Indicator


class Audit(models.Model):
    class Kind(models.TextChoices):
        INITIAL = "initial", _("initial audit")
        SURVEILLANCE = "surveillance", _("surveillance audit")
        RENEWAL = "renewal", _("renewal audit")

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    body = models.CharField(_("certification body"), max_length=200)
    held_on = models.DateField(_("held on"))
    decision_on = models.DateField(_("decision on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("audit")
        verbose_name_plural = _("audits")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.held_on}"


class NonConformity(models.Model):
    class Grade(models.TextChoices):
        MINOR = "minor", _("minor")
        MAJOR = "major", _("major")

    audit = models.ForeignKey(Audit, on_delete=models.PROTECT, related_name="nonconformities")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    grade = models.CharField(_("grade"), max_length=6, choices=Grade.choices)
    description = models.TextField(_("finding"))
    deadline = models.DateField(_("deadline"))
    plan = models.TextField(_("action plan"), blank=True)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    escalated_at = models.DateField(_("turned major on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("non-conformity")
        verbose_name_plural = _("non-conformities")
        ordering = ["deadline", "pk"]

    def __str__(self) -> str:
        return f"{self.indicator.reference} · {self.get_grade_display()}"

    @property
    def is_open(self) -> bool:
        return self.resolved_on is None
