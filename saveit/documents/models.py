"""Phase 1: the client's procedures, each upload a version with its hash and outline."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from saveit.accounts.models import Membership, Organization
from saveit.core.privacy import personal_data
from saveit.core.versions import version_tag
from saveit.engagements.models import Engagement


@personal_data(
    fields=["owner_name"],
    controller="client",
    subject={},
    organization="client",
    retention=_("The duration of the contract."),
    erasure="pseudonymise",
    access=False,
)
class SourceDocument(models.Model):
    """One client procedure (or annex), whatever its versions."""

    client = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="sources")
    engagement = models.ForeignKey(Engagement, on_delete=models.PROTECT, related_name="sources")
    title = models.CharField(_("title"), max_length=200)
    owner_name = models.CharField(_("owner at the client"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("source document")
        verbose_name_plural = _("source documents")
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title


class DocumentVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        IN_FORCE = "in_force", _("in force")
        SUPERSEDED = "superseded", _("superseded")

    class Extraction(models.TextChoices):
        READY = "ready", _("analysed")
        PENDING = "pending", _("analysis in progress")
        FAILED = "failed", _("analysis failed")

    source = models.ForeignKey(SourceDocument, on_delete=models.PROTECT, related_name="versions")
    client = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField(_("upload number"))
    version_label = models.CharField(_("version"), max_length=40)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.IN_FORCE
    )
    scopes = models.JSONField(_("scope"), default=list)
    file = models.FileField(upload_to="sources/%Y/%m/", max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    kind = models.CharField(_("format"), max_length=12)
    media_type = models.CharField(_("media type"), max_length=120)
    size = models.BigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    outline = models.JSONField(default=dict)
    # A large file is analysed by the worker: until then the version is a draft without outline,
    # and the status its uploader asked for (in force: superseding the previous one) waits.
    extraction = models.CharField(
        _("analysis"), max_length=8, choices=Extraction.choices, default=Extraction.READY
    )
    extraction_error = models.TextField(_("analysis error"), blank=True)
    requested_status = models.CharField(max_length=12, choices=Status.choices, blank=True)
    extraction_job_id = models.UUIDField(null=True, blank=True)
    uploaded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        ordering = ["source", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["source", "number"], name="document_version_number")
        ]
        indexes = [models.Index(fields=["client", "sha256"])]

    def __str__(self) -> str:
        return f"{self.source} {version_tag(self.version_label)}"

    @property
    def is_analysed(self) -> bool:
        return self.extraction == self.Extraction.READY
