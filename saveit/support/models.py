"""Support contracts, tickets and their clocks, availability, the maintenance register, reports."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from saveit.accounts.models import Membership, Organization

from .rules import Criticity, Priority, Severity


class SupportContract(models.Model):
    """A client's support and maintenance contract: its services, targets and calendar."""

    client = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="support_contracts"
    )
    reference = models.CharField(_("reference"), max_length=30, unique=True)
    title = models.CharField(_("title"), max_length=200)
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"), null=True, blank=True)
    # Seed 004: while a reversibility is under way, the SLA commitments are lifted.
    reversibility_in_progress = models.BooleanField(_("reversibility in progress"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["client__name", "reference"]
        verbose_name = _("support contract")

    def __str__(self) -> str:
        return f"{self.reference} — {self.title}"


class Service(models.Model):
    """One application service of the contract's catalogue (what a ticket is about)."""

    contract = models.ForeignKey(SupportContract, on_delete=models.CASCADE, related_name="services")
    name = models.CharField(_("name"), max_length=120)
    description = models.CharField(_("description"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "name"], name="support_service_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class TicketType(models.TextChoices):
    INCIDENT = "incident", _("Incident")
    REQUEST = "request", _("Request")
    CHANGE = "change", _("Change")


class Status(models.TextChoices):
    NEW = "new", _("New")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING = "waiting", _("Waiting on client")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = (Status.NEW, Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.WAITING)


class Channel(models.TextChoices):
    WEB = "web", _("Web form")
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone")


class Exclusion(models.TextChoices):
    CLIENT_REFUSES = "client_refuses", _("The client refuses to cooperate")
    NON_CONFORMING_USE = "non_conforming_use", _("Use not conforming to the documentation")
    INCOMPATIBLE_SOFTWARE = "incompatible_software", _("Incompatible software")
    EXTERNAL_NETWORK = "external_network", _("Network outside the provider's responsibility")
    MALICIOUS_ACT = "malicious_act", _("Malicious act")
    FORCE_MAJEURE = "force_majeure", _("Force majeure")


class Ticket(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    contract = models.ForeignKey(SupportContract, on_delete=models.PROTECT, related_name="tickets")
    number = models.CharField(_("number"), max_length=20, unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    type = models.CharField(_("type"), max_length=12, choices=TicketType.choices)
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, related_name="tickets"
    )
    severity = models.CharField(_("severity"), max_length=2, choices=Severity.choices)
    criticity = models.CharField(
        _("criticity"), max_length=2, choices=Criticity.choices, blank=True
    )
    # Derived from the matrix by the service that sets the criticity; stored so KPIs can group.
    priority = models.CharField(_("priority"), max_length=2, choices=Priority.choices, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.NEW
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices, default="web")
    assignee = models.ForeignKey(
        Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    opened_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(_("opened"))
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    restored_at = models.DateTimeField(_("restored"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # Counted minutes frozen when the clock stops (same function as the live clock).
    acknowledgement_minutes = models.PositiveIntegerField(null=True, blank=True)
    restoration_minutes = models.PositiveIntegerField(null=True, blank=True)
    exclusion = models.CharField(
        _("exclusion"), max_length=24, choices=Exclusion.choices, blank=True
    )
    exclusion_note = models.CharField(_("exclusion note"), max_length=500, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-opened_at"]
        indexes = [
            models.Index(fields=["contract", "opened_at"]),
            models.Index(fields=["contract", "restored_at"]),
            models.Index(fields=["organization", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.number} — {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class TicketMessage(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.body[:40]}"


class TicketAttachment(models.Model):
    message = models.ForeignKey(TicketMessage, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="support/")
    original_name = models.CharField(max_length=255)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    def __str__(self) -> str:
        return self.original_name


class TicketPause(models.Model):
    """A stretch of time waiting on the client: the clocks do not run."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="pauses")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["started_at"]

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.started_at:%Y-%m-%d %H:%M}"


class TicketChange(models.Model):
    """What the ticket page lists: each status, criticity, assignee or exclusion change."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="changes")
    at = models.DateTimeField()
    by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    field = models.CharField(max_length=20)
    before = models.CharField(max_length=60, blank=True)
    after = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.field} {self.before} → {self.after}"


class Outage(models.Model):
    contract = models.ForeignKey(SupportContract, on_delete=models.CASCADE, related_name="outages")
    started_at = models.DateTimeField(_("start"))
    ended_at = models.DateTimeField(_("end"), null=True, blank=True)
    services = models.ManyToManyField(Service, blank=True, related_name="outages")
    cause = models.CharField(_("cause"), max_length=300)
    ticket = models.ForeignKey(Ticket, on_delete=models.SET_NULL, null=True, blank=True)
    recorded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.cause}"


class MaintenanceKind(models.TextChoices):
    PREVENTIVE = "preventive", _("Preventive")
    CORRECTIVE = "corrective", _("Corrective")
    EVOLUTIVE = "evolutive", _("Evolutive")
    INSPECTION = "inspection", _("Inspection")


class MaintenanceWindow(models.Model):
    """Planned maintenance: excluded from availability, announced by a notice when required."""

    contract = models.ForeignKey(
        SupportContract, on_delete=models.CASCADE, related_name="maintenance_windows"
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=MaintenanceKind.choices)
    high_impact = models.BooleanField(_("high impact"), default=False)
    urgent_security = models.BooleanField(_("urgent security update"), default=False)
    starts_at = models.DateTimeField(_("start"))
    ends_at = models.DateTimeField(_("end"))
    description = models.TextField(_("description"), blank=True)
    notified_at = models.DateTimeField(_("notice sent"), null=True, blank=True)
    notice_minutes = models.PositiveIntegerField(null=True, blank=True)  # business minutes ahead
    created_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return self.title


class PreventivePlan(models.Model):
    """One line of the contract's preventive calendar (set in the quote, revisable)."""

    contract = models.ForeignKey(
        SupportContract, on_delete=models.CASCADE, related_name="preventive_plans"
    )
    title = models.CharField(_("title"), max_length=200)
    every_months = models.PositiveSmallIntegerField(_("every (months)"), default=1)
    first_on = models.DateField(_("first date"))
    description = models.CharField(_("description"), max_length=500, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["first_on", "title"]

    def __str__(self) -> str:
        return self.title


class MaintenanceRecord(models.Model):
    """One line of the maintenance register (seed 002)."""

    contract = models.ForeignKey(
        SupportContract, on_delete=models.CASCADE, related_name="maintenance_records"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=MaintenanceKind.choices)
    performed_on = models.DateField(_("date"))
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"))
    actions = models.TextField(_("actions"))
    findings = models.TextField(_("findings"), blank=True)
    cost = models.DecimalField(_("cost (€ excl. VAT)"), max_digits=10, decimal_places=2, default=0)
    person_in_charge = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    ticket = models.ForeignKey(Ticket, on_delete=models.SET_NULL, null=True, blank=True)
    plan = models.ForeignKey(PreventivePlan, on_delete=models.SET_NULL, null=True, blank=True)
    window = models.ForeignKey(MaintenanceWindow, on_delete=models.SET_NULL, null=True, blank=True)
    exceptional = models.BooleanField(_("exceptional work"), default=False)
    billable = models.BooleanField(_("billable on top of the package"), default=False)
    warned_at = models.DateTimeField(_("client warned"), null=True, blank=True)
    warning_note = models.CharField(_("warning"), max_length=500, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-performed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.performed_on} {self.kind}"


class SlaReport(models.Model):
    """A month's SLA report, closed once: its figures are frozen as computed at closing."""

    contract = models.ForeignKey(SupportContract, on_delete=models.PROTECT, related_name="reports")
    month = models.DateField(_("month"))  # first day of the month
    figures = models.JSONField(default=dict)
    closed_at = models.DateTimeField(_("closed"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "month"], name="support_report_one_per_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.contract_id} {self.month:%Y-%m}"
