"""Lessons and blocks deleted from a draft, kept a short while so the designer can undo."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _

from saveit.accounts.models import Membership

from .module import ModuleVersion

# How long a deletion of draft content can be undone; older entries are purged lazily.
UNDO_WINDOW = timedelta(minutes=10)


class DeletedContent(models.Model):
    class Kind(models.TextChoices):
        LESSON = "lesson", _("lesson")
        BLOCK = "block", _("content")

    version = models.ForeignKey(ModuleVersion, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    label = models.CharField(max_length=200)  # what the undo bar names
    # The rows as they were (their fields, without ids): restoring re-creates them in place.
    payload = models.JSONField()
    deleted_by = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    deleted_at = models.DateTimeField()

    class Meta:
        ordering = ["-deleted_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} · {self.label}"

    @property
    def undo_until(self) -> datetime:
        return self.deleted_at + UNDO_WINDOW
