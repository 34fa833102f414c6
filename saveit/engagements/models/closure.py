"""Closure (phase 7): the delivery note the client signs, and the sealed evidence pack."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from saveit.accounts.models import Membership

from .artefacts import SignedArtefact
from .engagement import Engagement


class DeliveryNote(SignedArtefact):
    """The bon de livraison: what was delivered (module versions, training, documents)."""

    engagement = models.ForeignKey(
        Engagement, on_delete=models.PROTECT, related_name="delivery_notes"
    )
    snapshot = models.JSONField(default=dict)

    class Meta(SignedArtefact.Meta):
        constraints = [
            models.UniqueConstraint(fields=["engagement", "revision"], name="delivery_note_rev")
        ]

    def __str__(self) -> str:
        return f"{self.engagement_id} · delivery note r{self.revision}"

    def signed_content(self) -> dict[str, Any]:
        return {"kind": "delivery_note", "snapshot": self.snapshot}


class EvidencePack(models.Model):
    """The dossier de preuves: one zip of every artefact of the engagement, sealed.

    Its manifest lists each file's SHA-256; the manifest's own SHA-256 is signed with the
    installation's key (seal.json in the zip) and recorded in the client's audit chain.
    """

    engagement = models.ForeignKey(
        Engagement, on_delete=models.PROTECT, related_name="evidence_packs"
    )
    revision = models.PositiveIntegerField(default=1)
    file = models.FileField(upload_to="evidence/%Y/%m/", max_length=255)
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    manifest_sha256 = models.CharField(max_length=64)
    # What the pack covers, to tell when a newer artefact makes it out of date.
    covers = models.JSONField(default=dict)
    files = models.PositiveIntegerField(default=0)
    sealed_at = models.DateTimeField(_("sealed"))
    sealed_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["engagement", "revision"]
        constraints = [
            models.UniqueConstraint(fields=["engagement", "revision"], name="evidence_pack_rev")
        ]

    def __str__(self) -> str:
        return f"{self.engagement_id} · evidence pack r{self.revision}"
