"""Artefacts the client signs: each revision is rendered once, stored as evidence, then frozen."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from saveit.accounts.models import Membership
from saveit.audit.models import Document
from saveit.core.privacy import personal_data

from .engagement import Engagement


class SignedArtefact(models.Model):
    """A revision of an artefact. Once issued, its content hash and PDF never change:
    a correction is a new revision, which needs a new signature."""

    engagement = models.ForeignKey(Engagement, on_delete=models.PROTECT, related_name="+")
    revision = models.PositiveIntegerField(_("revision"), default=1)
    document = models.OneToOneField(
        Document, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    content_sha256 = models.CharField(max_length=64, blank=True)
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True)
    issued_by = models.ForeignKey(
        Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        ordering = ["engagement", "revision"]

    @property
    def is_issued(self) -> bool:
        return self.document_id is not None


@personal_data(
    fields=["participants", "notes"],
    controller="client",
    subject={"membership": "recorded_by"},
    organization="engagement__client",
    retention=_("The duration of the engagement, then the legal retention of its evidence."),
    erasure="pseudonymise",
)
class ScopingInterview(models.Model):
    engagement = models.ForeignKey(Engagement, on_delete=models.PROTECT, related_name="interviews")
    held_on = models.DateField(_("date"))
    participants = models.TextField(_("participants"), help_text=_("One person per line."))
    notes = models.TextField(_("notes"))
    recorded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["held_on", "pk"]

    def __str__(self) -> str:
        return f"{self.engagement_id} · {self.held_on}"

    @property
    def participant_list(self) -> list[str]:
        return [line.strip() for line in self.participants.splitlines() if line.strip()]


class ScopingNote(SignedArtefact):
    engagement = models.ForeignKey(
        Engagement, on_delete=models.PROTECT, related_name="scoping_notes"
    )
    objectives = models.TextField(_("objectives"), blank=True)
    scope = models.TextField(
        _("scope"), blank=True, help_text=_("One site, population or process per line.")
    )
    constraints = models.TextField(_("regulatory constraints"), blank=True)
    expectations = models.TextField(_("expectations"), blank=True)
    planning = models.TextField(
        _("planning"), blank=True, help_text=_("One milestone per line: label : date.")
    )

    class Meta(SignedArtefact.Meta):
        constraints = [
            models.UniqueConstraint(fields=["engagement", "revision"], name="scoping_note_rev")
        ]

    def __str__(self) -> str:
        return f"{self.engagement_id} · note r{self.revision}"

    @property
    def scope_items(self) -> list[str]:
        return [line.strip() for line in self.scope.splitlines() if line.strip()]


class MappingReport(SignedArtefact):
    """The inventory of the client's sources at one moment, as the client acknowledged it."""

    engagement = models.ForeignKey(
        Engagement, on_delete=models.PROTECT, related_name="mapping_reports"
    )
    snapshot = models.JSONField(default=dict)

    class Meta(SignedArtefact.Meta):
        constraints = [
            models.UniqueConstraint(fields=["engagement", "revision"], name="mapping_report_rev")
        ]

    def __str__(self) -> str:
        return f"{self.engagement_id} · report r{self.revision}"
