"""Certifying modules and their versions (SPEC §4).

A version is editable while it is a draft; from its submission to the client it is frozen
(its snapshot and content hash never change) and any correction is a new version.
"""

from __future__ import annotations

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from saveit.accounts.models import Membership, Organization
from saveit.documents.models import DocumentVersion
from saveit.engagements.models import Engagement

from ..anchors import section_key


def new_key(prefix: str) -> str:
    """A key that follows a lesson or item from one version to the next (for diffs)."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


class Module(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    engagement = models.ForeignKey(Engagement, on_delete=models.PROTECT, related_name="modules")
    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(_("title"), max_length=200)
    in_scope = models.BooleanField(_("in the engagement's scope"), default=True)
    created_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["engagement", "code"]
        constraints = [
            # Unique per client organisation (not only per engagement): the client's
            # dashboards and exports name modules by code.
            models.UniqueConstraint(
                fields=["organization", "code"], name="module_code_unique_per_client"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.title}"


class ModuleVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted for validation")
        CHANGES_REQUESTED = "changes_requested", _("changes requested")
        APPROVED = "approved", _("approved")
        ACTIVE = "active", _("active")
        RETIRED = "retired", _("replaced")

    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="versions")
    major = models.PositiveSmallIntegerField(default=1)
    minor = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    based_on = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    objectives = models.JSONField(_("learning objectives"), default=list, blank=True)
    prerequisites = models.TextField(_("prerequisites"), blank=True)
    duration_minutes = models.PositiveIntegerField(
        _("duration (minutes)"), default=30, validators=[MinValueValidator(1)]
    )
    items_per_attempt = models.PositiveIntegerField(
        _("questions per attempt"), default=10, validators=[MinValueValidator(1)]
    )
    randomise = models.BooleanField(_("draw and shuffle questions at each attempt"), default=True)
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=80, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("maximum attempts"), default=3, validators=[MinValueValidator(1)]
    )
    time_limit_minutes = models.PositiveIntegerField(
        _("time limit (minutes)"), null=True, blank=True
    )
    validity_months = models.PositiveSmallIntegerField(
        _("certification validity (months)"), default=24, validators=[MinValueValidator(1)]
    )
    snapshot = models.JSONField(null=True, blank=True)  # frozen at submission
    content_sha256 = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    activated_at = models.DateTimeField(null=True, blank=True)
    outdated_at = models.DateTimeField(null=True, blank=True)
    outdated_changes = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["module", "major", "minor"]
        constraints = [
            models.UniqueConstraint(
                fields=["module", "major", "minor"], name="module_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.module.code} v{self.label}"

    @property
    def label(self) -> str:
        return f"{self.major}.{self.minor}"

    @property
    def is_frozen(self) -> bool:
        return self.status != self.Status.DRAFT

    @property
    def is_outdated(self) -> bool:
        return self.outdated_at is not None


class SourceLink(models.Model):
    """The exact source document version, and its sections, a module version is built from."""

    version = models.ForeignKey(
        ModuleVersion, on_delete=models.CASCADE, related_name="source_links"
    )
    document_version = models.ForeignKey(
        DocumentVersion, on_delete=models.PROTECT, related_name="module_links"
    )
    # The sections of this document the version's lessons, blocks and items come from, in the
    # document's order; recomputed from the content at submission (see selectors.used_anchors).
    anchors = models.JSONField(default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["version", "document_version"], name="source_link_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.version_id} ← {self.document_version_id}"


class Lesson(models.Model):
    version = models.ForeignKey(ModuleVersion, on_delete=models.CASCADE, related_name="lessons")
    key = models.CharField(max_length=20)
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(_("title"), max_length=200)
    source_anchor = models.CharField(_("source section"), max_length=120, blank=True)
    # The document version the anchor points into: anchors ("s-4-3") repeat across procedures.
    source_version = models.ForeignKey(
        DocumentVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed = models.BooleanField(default=True)  # False while a generated proposal is unread

    class Meta:
        ordering = ["version", "position", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def source_key(self) -> str:
        return section_key(self.source_version_id, self.source_anchor)


class Block(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", _("text")
        CALLOUT = "callout", _("callout")
        IMAGE = "image", _("image")
        ATTACHMENT = "attachment", _("attachment")
        VIDEO = "video", _("video link")

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="blocks")
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.TEXT)
    html = models.TextField(blank=True)  # sanitised on the way in
    url = models.URLField(blank=True)
    file = models.FileField(upload_to="modules/", blank=True)
    name = models.CharField(max_length=255, blank=True)
    alt = models.CharField(_("text alternative"), max_length=300, blank=True)  # images only
    sha256 = models.CharField(max_length=64, blank=True)
    media_type = models.CharField(max_length=100, blank=True)
    source_anchor = models.CharField(max_length=120, blank=True)
    # The document version the anchor points into: anchors ("s-4-3") repeat across procedures.
    source_version = models.ForeignKey(
        DocumentVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["lesson", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.lesson_id} · {self.kind}"


class Item(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("single choice")
        MULTIPLE = "multiple", _("multiple choice")
        TRUE_FALSE = "true_false", _("true or false")
        ORDERING = "ordering", _("ordering")
        NUMERIC = "numeric", _("numeric answer")

    version = models.ForeignKey(ModuleVersion, on_delete=models.CASCADE, related_name="items")
    key = models.CharField(max_length=20)
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    prompt = models.TextField(_("question"))
    choices = models.JSONField(default=list, blank=True)  # ordering: in the right order
    correct = models.JSONField(default=list, blank=True)  # indexes into choices
    answer = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    tolerance = models.DecimalField(max_digits=14, decimal_places=4, default=0)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    feedback = models.TextField(_("feedback"), blank=True)
    source_anchors = models.JSONField(default=list, blank=True)
    # The document version the anchor points into: anchors ("s-4-3") repeat across procedures.
    source_version = models.ForeignKey(
        DocumentVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rule = models.CharField(max_length=30, blank=True)  # the heuristic that proposed it
    # Items built from the same statement of the procedure (a rule and its false variant, who
    # does it, which document): an attempt draws one of a family at most. Blank: its own.
    family = models.CharField(_("family"), max_length=40, blank=True)
    reviewed = models.BooleanField(default=True)

    class Meta:
        ordering = ["version", "position", "pk"]

    def __str__(self) -> str:
        return self.prompt[:60]

    @property
    def source_keys(self) -> list[str]:
        return [section_key(self.source_version_id, anchor) for anchor in self.source_anchors]


class ReviewComment(models.Model):
    """The client's remark on a submitted version, a lesson or an item of it."""

    version = models.ForeignKey(ModuleVersion, on_delete=models.PROTECT, related_name="comments")
    lesson_key = models.CharField(max_length=20, blank=True)
    item_key = models.CharField(max_length=20, blank=True)
    author = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["version", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.version_id} · {self.body[:40]}"
