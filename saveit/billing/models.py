"""Invoices and credit notes (SPEC §13): frozen at issue, numbered without gaps, Factur-X.

An issued invoice never changes: its row, its lines and its PDF are written once, in the
transaction that numbers it. Corrections are credit notes, which are invoices of their own kind
pointing at the invoice they correct, numbered in the same series.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from saveit.accounts.models import Membership, Organization
from saveit.audit.models import Document
from saveit.core.privacy import no_personal_data
from saveit.engagements.models import (
    DeliveryNote,
    Engagement,
    PhaseChange,
    Proposal,
    SignedArtefact,
)

PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]

DEFAULT_EXEMPTION = (
    "Exonération de TVA, article 261-4-4° a du CGI (formation professionnelle continue)"
)


class FrozenError(Exception):
    """An issued invoice (or one of its lines) was about to be written again."""


class BillingProfile(models.Model):
    """How the provider invoices: what its organisation's legal details do not say."""

    organization = models.OneToOneField(
        Organization, on_delete=models.PROTECT, related_name="billing_profile"
    )
    vat_exempt_training = models.BooleanField(
        _("exempt from VAT for continuing vocational training"),
        default=False,
        help_text=_("Tick only when the tax office granted the exemption (CGI art. 261-4-4° a)."),
    )
    exemption_mention = models.CharField(
        _("VAT exemption mention"), max_length=200, default=DEFAULT_EXEMPTION
    )
    activity_declaration = models.CharField(
        _("training activity declaration number"), max_length=30, blank=True
    )
    deposit_basis_incl_vat = models.BooleanField(
        _("deposit threshold compared with the total incl. VAT"),
        default=False,
        help_text=_("Unticked: the threshold is compared with the total excl. VAT."),
    )
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    series = models.CharField(_("invoice series"), max_length=8, default="FA")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("billing profile")
        verbose_name_plural = _("billing profiles")

    def __str__(self) -> str:
        return f"billing:{self.organization_id}"


class Invoice(models.Model):
    class Kind(models.TextChoices):
        DEPOSIT = "deposit", _("deposit invoice")
        BALANCE = "balance", _("balance invoice")
        STANDARD = "standard", _("invoice")
        SUBSCRIPTION = "subscription", _("subscription invoice")
        CANCELLATION = "cancellation", _("cancellation indemnity")
        PENALTY = "penalty", _("late payment penalties")
        CREDIT_NOTE = "credit_note", _("credit note")

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        ISSUED = "issued", _("issued")

    client = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="invoices", verbose_name=_("client")
    )
    engagement = models.ForeignKey(
        Engagement, on_delete=models.PROTECT, null=True, blank=True, related_name="invoices"
    )
    proposal = models.ForeignKey(
        Proposal, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    delivery_note = models.ForeignKey(
        DeliveryNote, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    state = models.CharField(max_length=8, choices=State.choices, default=State.DRAFT)
    credited_invoice = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_notes",
        verbose_name=_("corrected invoice"),
    )
    deducted_invoice = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(_("reason"), blank=True)
    series = models.CharField(max_length=8, blank=True)
    number = models.CharField(_("number"), max_length=24, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    supplied_on = models.DateField(_("date of supply"), null=True, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    # The contract terms in force when the invoice was drafted (payment days, penalties, fee).
    terms = models.JSONField(default=dict)
    # Both parties as printed, frozen at issue.
    seller = models.JSONField(default=dict)
    buyer = models.JSONField(default=dict)
    mentions = models.JSONField(default=list)  # extra paragraphs (revision calculation, …)
    vat_exempt = models.BooleanField(default=False)
    total_excl = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal(0))
    total_vat = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal(0))
    total_incl = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal(0))
    vat_breakdown = models.JSONField(default=list)
    document = models.OneToOneField(
        Document, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    xml_sha256 = models.CharField(max_length=64, blank=True)
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True)
    issued_by = models.ForeignKey(
        Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-issued_on", "-number", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["number"], condition=~models.Q(number=""), name="invoice_number_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(state="draft") | ~models.Q(number=""),
                name="invoice_issued_has_number",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="credit_note") | models.Q(credited_invoice__isnull=False),
                name="credit_note_references_invoice",
            ),
        ]
        indexes = [models.Index(fields=["client", "state"])]

    def __str__(self) -> str:
        return self.number or f"draft-{self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The last line of defence behind the services, the admin and the API: a row stored as
        # issued is never written again, whatever code path tries.
        if self.pk and Invoice.objects.filter(pk=self.pk, state=self.State.ISSUED).exists():
            raise FrozenError(f"invoice {self.pk} is issued and cannot change")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self.pk and Invoice.objects.filter(pk=self.pk, state=self.State.ISSUED).exists():
            raise FrozenError(f"invoice {self.pk} is issued and cannot be deleted")
        return super().delete(*args, **kwargs)

    @property
    def is_issued(self) -> bool:
        return self.state == self.State.ISSUED

    @property
    def is_credit_note(self) -> bool:
        return self.kind == self.Kind.CREDIT_NOTE


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(default=0)
    label = models.CharField(_("designation"), max_length=200)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2)
    unit_price = models.DecimalField(
        _("unit price excl. VAT (€)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    vat_rate = models.DecimalField(
        _("VAT rate (%)"), max_digits=5, decimal_places=2, validators=PERCENT
    )
    total_excl = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal(0))

    class Meta:
        ordering = ["invoice", "position", "pk"]

    def __str__(self) -> str:
        return self.label

    def save(self, *args: Any, **kwargs: Any) -> None:
        if Invoice.objects.filter(pk=self.invoice_id, state=Invoice.State.ISSUED).exists():
            raise FrozenError(f"invoice {self.invoice_id} is issued: its lines cannot change")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if Invoice.objects.filter(pk=self.invoice_id, state=Invoice.State.ISSUED).exists():
            raise FrozenError(f"invoice {self.invoice_id} is issued: its lines cannot change")
        return super().delete(*args, **kwargs)


class Payment(models.Model):
    """Money received from a client, allocated to one or more of its issued invoices."""

    class Method(models.TextChoices):
        TRANSFER = "transfer", _("bank transfer")
        DIRECT_DEBIT = "direct_debit", _("SEPA direct debit")
        CHEQUE = "cheque", _("cheque")

    client = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="payments")
    method = models.CharField(_("method"), max_length=16, choices=Method.choices)
    amount = models.DecimalField(
        _("amount (€)"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    received_on = models.DateField(_("received on"))
    reference = models.CharField(_("bank reference"), max_length=80, blank=True)
    recorded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-received_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.client_id} · {self.amount} · {self.received_on}"


class PaymentAllocation(models.Model):
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="allocations")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="allocations")
    amount = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["payment", "invoice"], name="allocation_once"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="allocation_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.payment_id} → {self.invoice_id}: {self.amount}"


class Reminder(models.Model):
    """A payment reminder sent for an overdue invoice, once per step (due + 1, + 15, + 30)."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="reminders")
    step = models.PositiveSmallIntegerField()  # days after the due date
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["invoice", "step"], name="reminder_once_per_step")
        ]

    def __str__(self) -> str:
        return f"{self.invoice_id} +{self.step}"


class SyntecIndex(models.Model):
    """A published value of the SYNTEC index, entered by an administrator with its source."""

    month = models.DateField(_("month"), unique=True, help_text=_("The first day of the month."))
    value = models.DecimalField(
        _("value"), max_digits=8, decimal_places=1, validators=[MinValueValidator(Decimal("1"))]
    )
    source = models.CharField(_("source"), max_length=300)
    entered_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("SYNTEC index value")
        verbose_name_plural = _("SYNTEC index values")
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"SYNTEC {self.month:%Y-%m}: {self.value}"


class Subscription(models.Model):
    """A yearly licence (calendar year), invoiced in advance, renewed tacitly (seed 004 art.
    24 and 29)."""

    class State(models.TextChoices):
        ACTIVE = "active", _("active")
        TERMINATED = "terminated", _("terminated")

    client = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="subscriptions")
    label = models.CharField(_("licence"), max_length=200)
    annual_price = models.DecimalField(
        _("yearly fee excl. VAT (€)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    vat_rate = models.DecimalField(
        _("VAT rate (%)"), max_digits=5, decimal_places=2, default=Decimal("20"), validators=PERCENT
    )
    activated_on = models.DateField(_("licence activated on"))
    committed_until = models.DateField(_("first term ends on"))
    # The SYNTEC index known when the fee now in force was first invoiced: S(t−1).
    reference_index = models.ForeignKey(
        SyntecIndex, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    state = models.CharField(max_length=12, choices=State.choices, default=State.ACTIVE)
    termination_received_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    created_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        ordering = ["client", "activated_on"]

    def __str__(self) -> str:
        return f"{self.client_id} · {self.label}"


class SubscriptionPeriod(models.Model):
    """One invoiced period of a subscription: at most one invoice per year, whatever runs."""

    subscription = models.ForeignKey(Subscription, on_delete=models.PROTECT, related_name="periods")
    year = models.PositiveSmallIntegerField()
    starts_on = models.DateField()
    ends_on = models.DateField()
    annual_price = models.DecimalField(max_digits=12, decimal_places=2)
    index = models.ForeignKey(
        SyntecIndex, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    invoice = models.OneToOneField(Invoice, on_delete=models.PROTECT, related_name="period")

    class Meta:
        ordering = ["subscription", "year"]
        constraints = [
            models.UniqueConstraint(fields=["subscription", "year"], name="one_period_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.subscription_id} · {self.year}"


class SubscriptionNotice(models.Model):
    """The reminder sent before the notice deadline, once per subscription and year."""

    subscription = models.ForeignKey(Subscription, on_delete=models.PROTECT, related_name="notices")
    year = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subscription", "year"], name="one_notice_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.subscription_id} · notice {self.year}"


class LegalInterestRate(models.Model):
    """The legal interest rate for professional creditors, per half-year, as published by the
    Banque de France and entered by an administrator."""

    year = models.PositiveSmallIntegerField(_("year"))
    half = models.PositiveSmallIntegerField(
        _("half-year"), validators=[MinValueValidator(1), MaxValueValidator(2)]
    )
    rate = models.DecimalField(_("rate (%)"), max_digits=6, decimal_places=2, validators=PERCENT)
    source = models.CharField(_("source"), max_length=300)
    entered_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("legal interest rate")
        verbose_name_plural = _("legal interest rates")
        ordering = ["-year", "-half"]
        constraints = [models.UniqueConstraint(fields=["year", "half"], name="one_rate_per_half")]

    def __str__(self) -> str:
        return f"{self.year} S{self.half}: {self.rate} %"


class Suspension(models.Model):
    """Service suspended for payment default: an explicit, recorded act, lifted by another."""

    client = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="suspensions")
    reason = models.TextField(_("reason"))
    invoices = models.ManyToManyField(Invoice, related_name="+", blank=True)
    suspended_at = models.DateTimeField()
    suspended_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-suspended_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["client"],
                condition=models.Q(lifted_at__isnull=True),
                name="one_open_suspension_per_client",
            )
        ]

    def __str__(self) -> str:
        return f"{self.client_id} suspended {self.suspended_at:%Y-%m-%d}"


class SalesTerms(models.Model):
    """A version of the general terms of sale (CGV). Published once, never edited: a change is
    a new version. The proposal issued while a version is in force carries it."""

    version = models.CharField(_("version"), max_length=20, unique=True)
    effective_on = models.DateField(_("in force from"))
    body = models.TextField(_("text"))
    sha256 = models.CharField(max_length=64)
    published_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("general terms of sale")
        verbose_name_plural = _("general terms of sale")
        ordering = ["-effective_on", "-pk"]

    def __str__(self) -> str:
        return f"CGV {self.version}"


class SignedSalesTerms(models.Model):
    """The CGV version a client accepted by signing a proposal (seed 004 art. 1)."""

    proposal = models.OneToOneField(Proposal, on_delete=models.PROTECT, related_name="+")
    sales_terms = models.ForeignKey(SalesTerms, on_delete=models.PROTECT, related_name="+")
    signature = models.ForeignKey("audit.Signature", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.proposal_id} · CGV {self.sales_terms_id}"


class FundingAgreement(models.Model):
    """A funder (OPCO…) takes on part of an engagement's price (seed 004 art. 15): the invoices
    are split, the funder's share invoiced to it, the rest to the client; what the funder
    refuses falls back to the client."""

    class State(models.TextChoices):
        AGREED = "agreed", _("agreed")
        REFUSED = "refused", _("refused by the funder")

    engagement = models.ForeignKey(
        Engagement, on_delete=models.PROTECT, related_name="funding_agreements"
    )
    funder = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="funded_agreements"
    )
    reference = models.CharField(_("funder's file number"), max_length=60)
    learner_label = models.CharField(_("learner or session"), max_length=200, blank=True)
    amount_excl = models.DecimalField(
        _("amount taken on excl. VAT (€)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.AGREED)
    recorded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["engagement", "pk"]

    def __str__(self) -> str:
        return f"{self.engagement_id} · {self.funder_id} · {self.amount_excl}"


@no_personal_data("A contractual change; its author is a membership id.")
class Amendment(SignedArtefact):
    """An avenant: what changes in an engagement's scope or price once its proposal is signed.

    `revision` is the amendment's number within the engagement. Issued, it is a PDF the client's
    content owner signs like any artefact; signed, it adds its lines to the contract price and
    may justify one reopening of phases 3–4 (`reopening`)."""

    engagement = models.ForeignKey(Engagement, on_delete=models.PROTECT, related_name="amendments")
    reason = models.TextField(_("reason"))
    scope = models.TextField(_("what changes"))
    # [{label, quantity, unit_price, vat_rate}] as strings; a negative quantity removes a line.
    lines = models.JSONField(default=list)
    reopening = models.OneToOneField(
        PhaseChange, on_delete=models.PROTECT, null=True, blank=True, related_name="amendment"
    )
    created_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")

    class Meta(SignedArtefact.Meta):
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")
        constraints = [
            models.UniqueConstraint(
                fields=["engagement", "revision"], name="amendment_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.engagement_id} · amendment {self.revision}"

    def signed_content(self) -> dict[str, Any]:
        return {
            "kind": "amendment",
            "number": self.revision,
            "reason": self.reason,
            "scope": self.scope,
            "lines": self.lines,
        }
