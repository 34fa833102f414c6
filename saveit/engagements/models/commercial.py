"""Phase 2: proposal, proforma invoice, purchase order, and the contract terms they apply."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from saveit.accounts.models import Membership, Organization
from saveit.audit.models import Document

from .artefacts import SignedArtefact
from .engagement import Engagement

PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]
POSITIVE = [MinValueValidator(Decimal("0"))]


class ContractTerms(models.Model):
    """Commercial rules (SPEC §13). The row without client holds the installation's defaults."""

    client = models.OneToOneField(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contract_terms",
    )
    vat_rate = models.DecimalField(
        _("VAT rate (%)"), max_digits=5, decimal_places=2, default=Decimal("20"), validators=PERCENT
    )
    deposit_rate = models.DecimalField(
        _("deposit (% of the total incl. VAT)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("20"),
        validators=PERCENT,
    )
    deposit_threshold = models.DecimalField(
        _("deposit due above (€ incl. VAT)"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("2000"),
        validators=POSITIVE,
    )
    payment_days = models.PositiveSmallIntegerField(
        _("payment at the latest (days after the invoice)"), default=30
    )
    balance_days_after_delivery = models.PositiveSmallIntegerField(
        _("balance invoiced within (days after delivery)"), default=20
    )
    recovery_fee = models.DecimalField(
        _("fixed recovery indemnity (€)"),
        max_digits=8,
        decimal_places=2,
        default=Decimal("40"),
        validators=POSITIVE,
    )
    late_penalty_multiplier = models.DecimalField(
        _("late penalties (times the legal interest rate)"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("3"),
        validators=POSITIVE,
    )
    proposal_validity_days = models.PositiveSmallIntegerField(
        _("proposal validity (days)"), default=30
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("contract terms")
        verbose_name_plural = _("contract terms")

    def __str__(self) -> str:
        return f"terms:{self.client_id or 'default'}"


class Proposal(SignedArtefact):
    """The technical and financial proposal; written validation = the client's signature."""

    engagement = models.ForeignKey(Engagement, on_delete=models.PROTECT, related_name="proposals")
    need = models.TextField(_("need as we understood it"), blank=True)
    planning = models.TextField(
        _("planning"), blank=True, help_text=_("One milestone per line: label : date.")
    )
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    terms = models.TextField(_("particular conditions"), blank=True)

    class Meta(SignedArtefact.Meta):
        constraints = [
            models.UniqueConstraint(fields=["engagement", "revision"], name="proposal_rev")
        ]

    def __str__(self) -> str:
        return f"{self.engagement_id} · proposal r{self.revision}"


class ProposalLine(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(default=0)
    label = models.CharField(_("designation"), max_length=200)
    quantity = models.DecimalField(
        _("quantity"), max_digits=10, decimal_places=2, validators=POSITIVE
    )
    unit_price = models.DecimalField(
        _("unit price excl. VAT (€)"), max_digits=12, decimal_places=2, validators=POSITIVE
    )
    vat_rate = models.DecimalField(
        _("VAT rate (%)"), max_digits=5, decimal_places=2, validators=PERCENT
    )

    class Meta:
        ordering = ["proposal", "position", "pk"]

    def __str__(self) -> str:
        return self.label


class ProposalDeliverable(models.Model):
    """A module planned in the proposal, tied to the client's source documents it will follow."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="deliverables")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("module"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    sources = models.ManyToManyField(
        "documents.SourceDocument", blank=True, related_name="+", verbose_name=_("sources")
    )

    class Meta:
        ordering = ["proposal", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class ProformaInvoice(models.Model):
    """Issued from a signed proposal; immutable once issued."""

    engagement = models.ForeignKey(Engagement, on_delete=models.PROTECT, related_name="proformas")
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="proformas")
    number = models.CharField(_("number"), max_length=20, unique=True)
    issued_on = models.DateField(_("issued on"))
    due_on = models.DateField(_("due on"))
    lines = models.JSONField(default=list)
    terms = models.JSONField(default=dict)
    total_excl = models.DecimalField(max_digits=14, decimal_places=2)
    total_vat = models.DecimalField(max_digits=14, decimal_places=2)
    total_incl = models.DecimalField(max_digits=14, decimal_places=2)
    deposit = models.DecimalField(max_digits=14, decimal_places=2)
    document = models.OneToOneField(Document, on_delete=models.PROTECT, related_name="+")
    content_sha256 = models.CharField(max_length=64, blank=True)  # see signing.proforma_sha256
    issued_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["engagement", "created_at"]

    def __str__(self) -> str:
        return self.number


class PurchaseOrder(SignedArtefact):
    """The client's order: its own PDF, or an equivalent agreement signed on the platform."""

    class Kind(models.TextChoices):
        UPLOADED = "uploaded", _("client's purchase order")
        AGREEMENT = "agreement", _("equivalent agreement signed on the platform")

    engagement = models.ForeignKey(
        Engagement, on_delete=models.PROTECT, related_name="purchase_orders"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="+")
    client_reference = models.CharField(_("client's order number"), max_length=60, blank=True)

    class Meta(SignedArtefact.Meta):
        constraints = [
            models.UniqueConstraint(fields=["engagement", "revision"], name="purchase_order_rev")
        ]

    def __str__(self) -> str:
        return f"{self.engagement_id} · order r{self.revision}"
