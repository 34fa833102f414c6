"""Attestations: issued once on a pass, never changed; revocation is a dated fact beside them."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from saveit.accounts.models import Membership, Organization


class Attestation(models.Model):
    class State(models.TextChoices):
        VALID = "valid", _("authentic and valid")
        EXPIRED = "expired", _("expired")
        REVOKED = "revoked", _("revoked")

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="attestations"
    )
    learner = models.ForeignKey(
        "learning.Learner", on_delete=models.PROTECT, related_name="attestations"
    )
    assignment = models.OneToOneField(
        "learning.Assignment", on_delete=models.PROTECT, related_name="attestation"
    )
    module_version = models.ForeignKey(
        "catalog.ModuleVersion", on_delete=models.PROTECT, related_name="attestations"
    )
    number = models.CharField(_("number"), max_length=20, unique=True)
    code = models.CharField(max_length=32, unique=True)  # in the public verification URL
    score = models.PositiveSmallIntegerField(_("score"))
    issued_at = models.DateTimeField(_("issued"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    # What the PDF and the credential say, frozen at issue (AttestationFacts as JSON).
    facts = models.JSONField()
    credential = models.TextField()  # the signed Open Badges 3.0 credential (compact JWS)
    # The QR code's mask pattern, chosen at issue among the eight (the search is most of a QR
    # code's cost): every later render draws the same code without searching again.
    qr_mask = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revocation date"), null=True, blank=True)
    revoked_reason = models.TextField(_("reason for revocation"), blank=True)
    revoked_by = models.ForeignKey(
        Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("attestation")
        verbose_name_plural = _("attestations")
        ordering = ["-issued_at", "pk"]
        indexes = [models.Index(fields=["organization", "module_version"])]

    def __str__(self) -> str:
        return self.number

    def state(self, today: date | None = None) -> str:
        if self.revoked_at:
            return self.State.REVOKED
        today = today or timezone.localdate()
        if self.valid_until and self.valid_until < today:
            return self.State.EXPIRED
        return self.State.VALID
