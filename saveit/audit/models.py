from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from saveit.accounts.models import Membership, Organization
from saveit.core.privacy import personal_data


class ChainHead(models.Model):
    """The last link of one organisation's chain; locked by every append."""

    organization = models.OneToOneField(
        Organization, on_delete=models.PROTECT, related_name="audit_head", primary_key=True
    )
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"{self.organization_id}@{self.seq}"


@personal_data(
    fields=["actor_user", "ip", "user_agent", "context_salt"],
    controller="client",
    subject={"user": "actor_user"},
    organization="organization",
    retention=_("IP address and browser: one year. The event itself: the legal retention."),
    erasure="pseudonymise",
    portability=False,
    kept_for=_("Proof of the acts done on the platform (ids only, no name)."),
    kept_years=6,
)
class AuditEvent(models.Model):
    """One append-only link of an organisation's hash chain.

    The hash covers ids and business values only. The IP address and user agent are personal
    data: the chain covers a salted digest of them, so erasing them (salt included) keeps the
    chain valid while any edit of a non-erased context is still detected.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="audit_events"
    )
    seq = models.BigIntegerField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("time (UTC)"))
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    actor_membership = models.ForeignKey(
        Membership,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    actor_role = models.CharField(max_length=32, blank=True)
    action = models.CharField(_("action"), max_length=80)
    object_type = models.CharField(_("object type"), max_length=80, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=400, blank=True)
    context_salt = models.CharField(max_length=32, blank=True)
    context_digest = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["organization_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "seq"], name="audit_unique_seq"),
        ]
        indexes = [models.Index(fields=["organization", "object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.organization_id}#{self.seq} {self.action}"


@personal_data(
    fields=["file", "created_by"],
    controller="client",
    subject={"membership": "created_by"},
    organization="organization",
    retention=_("Signed evidence: the legal retention of the contract."),
    erasure="keep_legal",
    kept_for=_("Signed contractual documents (evidence of the engagement)."),
    kept_years=6,
)
class Document(models.Model):
    """An exact file kept for evidence. Content-addressed: its bytes never change."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="documents"
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="documents/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    media_type = models.CharField(_("media type"), max_length=100)
    size = models.BigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    # Roles of the document's organisation whose members may sign it.
    signer_roles = models.JSONField(default=list)
    created_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


@personal_data(
    fields=["signer", "signer_name", "intent", "ip", "user_agent"],
    controller="client",
    subject={"user": "signer", "membership": "membership"},
    organization="organization",
    retention=_("Legal retention of the signed document; the name is pseudonymised on erasure."),
    erasure="pseudonymise",
    kept_for=_("The signature (ids, date, hash of the signed bytes) stays as proof."),
    kept_years=6,
    files="saveit.audit.services.signed_document_files",
)
class Signature(models.Model):
    """A simple electronic signature: who, as what, when, from where, over which exact bytes."""

    class Method(models.TextChoices):
        PASSWORD = "password", _("password")
        TOTP = "totp", _("authenticator code")

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="signatures")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="signatures")
    role = models.CharField(_("role"), max_length=32)
    signer_name = models.CharField(_("signer"), max_length=300)
    intent = models.TextField(_("statement of intent"))
    document_sha256 = models.CharField(_("SHA-256 signed"), max_length=64)
    signed_at = models.DateTimeField(_("signed at (UTC)"))
    reauth_method = models.CharField(max_length=16, choices=Method.choices)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=400, blank=True)
    audit_event = models.ForeignKey(AuditEvent, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["signed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "membership"], name="signature_once_per_membership"
            )
        ]

    def __str__(self) -> str:
        return f"{self.signer_name} · {self.document}"


class ChainCheckpoint(models.Model):
    """A signed statement of one organisation's chain head (seq, hash) at a moment.

    The same signed JSON is written to the file storage (outside the database), so that a chain
    cut short or rewritten after it is found even when this table was tampered with as well.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="audit_checkpoints"
    )
    seq = models.BigIntegerField()
    hash = models.CharField(max_length=64)
    taken_at = models.DateTimeField(_("taken at (UTC)"))
    document = models.TextField()  # the signed JSON, byte for byte the stored file's content
    storage_name = models.CharField(max_length=200)

    class Meta:
        verbose_name = _("audit chain checkpoint")
        verbose_name_plural = _("audit chain checkpoints")
        ordering = ["organization_id", "seq"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "seq"], name="audit_checkpoint_unique_seq"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id}@{self.seq} (checkpoint)"
