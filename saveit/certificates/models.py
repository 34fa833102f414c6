"""Attestations: issued once on a pass, never changed; revocation is a dated fact beside them."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from saveit.accounts.models import Membership, Organization
from saveit.core.privacy import personal_data


class StatusList(models.Model):
    """One published W3C Bitstring Status List of revocations; attestations take its bits in turn.

    The row is also the counter of its indexes: an issue locks it (select_for_update) to take the
    next free index, so two passes at once never share a bit; the (list, index) unique
    constraint on attestations is the backstop. The signed list is kept here and
    rebuilt whenever one of its bits flips, so the public URL serves it without work.
    """

    # W3C Bitstring Status List v1.0 § 3: at least 16 KB (131 072 entries), for herd privacy.
    SIZE = 131_072

    purpose = models.CharField(max_length=16, default="revocation")
    # 1, 2, … per purpose: unique, so two issues that both find the last list full open one
    # next list between them, not two.
    number = models.PositiveIntegerField(default=1)
    next_index = models.PositiveIntegerField(default=0)
    signed = models.TextField(blank=True)  # the BitstringStatusListCredential, compact JWS
    signed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("status list")
        verbose_name_plural = _("status lists")
        constraints = [
            models.UniqueConstraint(fields=["purpose", "number"], name="status_list_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.purpose} #{self.pk}"

    @property
    def is_full(self) -> bool:
        return self.next_index >= self.SIZE


class PublicAchievement(models.Model):
    """The unguessable public identifier of a module version's Open Badges achievement.

    Achievement URLs carry this random token, never the version's database id: a sweep of ids
    must not list the titles of clients' modules.
    """

    module_version = models.OneToOneField(
        "catalog.ModuleVersion", on_delete=models.PROTECT, related_name="public_achievement"
    )
    token = models.CharField(max_length=32, unique=True)

    class Meta:
        verbose_name = _("public achievement")
        verbose_name_plural = _("public achievements")

    def __str__(self) -> str:
        return self.token


@personal_data(
    fields=["learner", "facts", "credential"],
    controller="client",
    subject={"learner": "learner"},
    organization="organization",
    retention=_("Training proof: the legal retention (6 years), and as long as it is valid."),
    erasure="pseudonymise",
    kept_for=_("The attestation stays verifiable, under a pseudonym."),
    kept_years=6,
    eraser="saveit.certificates.services.pseudonymise_attestation",
    files="saveit.certificates.services.attestation_files",
)
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
    # Its bit in a published revocation list (none for attestations issued before the lists).
    status_list = models.ForeignKey(
        StatusList, on_delete=models.PROTECT, null=True, blank=True, related_name="attestations"
    )
    status_index = models.PositiveIntegerField(null=True, blank=True)
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
        constraints = [
            models.UniqueConstraint(
                fields=["status_list", "status_index"], name="attestation_one_bit_each"
            )
        ]

    def __str__(self) -> str:
        return self.number

    def state(self, today: date | None = None) -> str:
        if self.revoked_at:
            return self.State.REVOKED
        today = today or timezone.localdate()
        if self.valid_until and self.valid_until < today:
            return self.State.EXPIRED
        return self.State.VALID
