"""The procès-verbal de validation et d'activation: the client accepts exact module versions."""

from __future__ import annotations

from typing import Any

from django.db import models

from saveit.engagements.models import Engagement, SignedArtefact

from .module import ModuleVersion


class AcceptanceRecord(SignedArtefact):
    engagement = models.ForeignKey(
        Engagement, on_delete=models.PROTECT, related_name="acceptance_records"
    )
    versions = models.ManyToManyField(ModuleVersion, related_name="acceptance_records")
    snapshot = models.JSONField(default=dict)

    class Meta(SignedArtefact.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["engagement", "revision"], name="acceptance_record_revision_unique"
            )
        ]

    def signed_content(self) -> dict[str, Any]:
        return {"kind": "acceptance_record", "snapshot": self.snapshot}
