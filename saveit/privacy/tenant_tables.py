"""Which tables hold one client organisation's data, how each reaches the organisation, and the
order that keeps every reference pointing at a row already loaded (parents first).

A table listed with export=False is deleted with the organisation but never leaves the
platform (secrets, sessions, security records): an export carries data, not access.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db.models import Model, Q, QuerySet

from saveit.accounts.models import Organization


@dataclass(frozen=True)
class TenantTable:
    label: str
    lookup: str  # lookup from the model to the organisation ("pk" for the organisation itself)
    export: bool = True
    description: str = ""
    # Kept by the provider for a legal retention (accounting, quality register): exported, never
    # deleted with the organisation, whose deletion waits until they may go.
    keep: bool = False

    @property
    def model(self) -> type[Model]:
        return apps.get_model(self.label)

    def rows(self, organization: Organization) -> QuerySet[Model]:
        manager = self.model._default_manager
        if self.label == "accounts.User":
            return manager.filter(
                Q(memberships__organization=organization)
                | Q(learner_records__organization=organization)
            ).distinct()
        if self.label == "certificates.StatusList":
            return manager.filter(attestations__organization=organization).distinct()
        return manager.filter(**{self.lookup: organization.pk})


TABLES: tuple[TenantTable, ...] = (
    TenantTable("accounts.Organization", "pk", description="The client organisation."),
    TenantTable("accounts.User", "", description="People with an account (members, learners)."),
    TenantTable("accounts.Membership", "organization", description="Roles of people."),
    TenantTable("accounts.Invitation", "organization", description="Invitations sent."),
    TenantTable("accounts.ApiToken", "membership__organization", export=False),
    TenantTable("accounts.SecurityEvent", "member__organization", export=False),
    TenantTable("accounts.SecurityAlert", "member__organization", export=False),
    TenantTable("accounts.AttestationSignature", "organization"),
    TenantTable("audit.ChainHead", "organization", description="Head of the audit chain."),
    TenantTable("audit.AuditEvent", "organization", description="The hash-chained audit trail."),
    TenantTable("audit.ChainCheckpoint", "organization", description="Signed chain heads."),
    TenantTable("audit.Document", "organization", description="Evidence files (PDF)."),
    TenantTable("audit.Signature", "organization", description="Electronic signatures."),
    TenantTable("engagements.Engagement", "client", description="Engagements (missions)."),
    TenantTable("engagements.PhaseChange", "engagement__client"),
    TenantTable("engagements.ScopingInterview", "engagement__client"),
    TenantTable("engagements.ScopingNote", "engagement__client"),
    TenantTable("engagements.MappingReport", "engagement__client"),
    TenantTable("engagements.ContractTerms", "client"),
    TenantTable("engagements.Proposal", "engagement__client"),
    TenantTable("engagements.ProposalLine", "proposal__engagement__client"),
    TenantTable("engagements.ProposalDeliverable", "proposal__engagement__client"),
    TenantTable("engagements.ProformaInvoice", "engagement__client"),
    TenantTable("engagements.PurchaseOrder", "engagement__client"),
    TenantTable("documents.SourceDocument", "client", description="Client procedures."),
    TenantTable("documents.DocumentVersion", "client", description="Procedure files."),
    TenantTable(
        "engagements.ProposalDeliverable_sources",
        "proposaldeliverable__proposal__engagement__client",
    ),
    TenantTable("catalog.Module", "organization", description="Certifying modules."),
    TenantTable("catalog.ModuleVersion", "module__organization"),
    TenantTable("catalog.SourceLink", "version__module__organization"),
    TenantTable("catalog.Lesson", "version__module__organization"),
    TenantTable("catalog.Block", "lesson__version__module__organization"),
    TenantTable("catalog.Item", "version__module__organization"),
    TenantTable("catalog.ReviewComment", "version__module__organization"),
    TenantTable("catalog.DeletedContent", "version__module__organization"),
    TenantTable("catalog.AcceptanceRecord", "engagement__client"),
    TenantTable("catalog.AcceptanceRecord_versions", "acceptancerecord__engagement__client"),
    TenantTable("engagements.DeliveryNote", "engagement__client"),
    TenantTable("engagements.EvidencePack", "engagement__client"),
    TenantTable("learning.Learner", "organization", description="Learners."),
    TenantTable("learning.Population", "organization"),
    TenantTable("learning.PopulationMember", "population__organization"),
    TenantTable("learning.PopulationImport", "organization"),
    TenantTable("learning.RecertificationCampaign", "organization"),
    TenantTable("learning.Assignment", "organization", description="Who follows what, by when."),
    TenantTable("learning.SignInLink", "learner__organization", export=False),
    TenantTable("learning.Attempt", "assignment__organization", description="Assessments."),
    TenantTable("learning.Activity", "organization", description="Activity traces."),
    TenantTable("certificates.StatusList", "", description="Revocation lists (shared)."),
    TenantTable("certificates.PublicAchievement", "module_version__module__organization"),
    TenantTable("certificates.Attestation", "organization", description="Attestations."),
    TenantTable("reporting.StatusCell", "organization_id", export=False),
    TenantTable("reporting.ScoreCell", "organization_id", export=False),
    TenantTable("reporting.CompletionCell", "organization_id", export=False),
    TenantTable("reporting.TrendCell", "organization_id", export=False),
    TenantTable("reporting.CompletionReport", "engagement__client"),
    TenantTable("attendance.AttendanceTerms", "client"),
    TenantTable("attendance.TrainingSession", "organization", description="Training sessions."),
    TenantTable("attendance.TrainingSession_trainers", "trainingsession__organization"),
    TenantTable("attendance.Participant", "session__organization"),
    TenantTable("attendance.Slot", "session__organization", description="Half-day slots."),
    TenantTable("attendance.Presence", "slot__session__organization", description="Attendance."),
    TenantTable("attendance.Convocation", "session__organization"),
    TenantTable("attendance.Reminder", "organization", description="Reminders sent."),
    TenantTable("support.SupportContract", "client", description="Support contracts."),
    TenantTable("support.Service", "contract__client"),
    TenantTable("support.Ticket", "organization", description="Support tickets."),
    TenantTable("support.TicketMessage", "ticket__organization"),
    TenantTable("support.TicketAttachment", "message__ticket__organization"),
    TenantTable("support.TicketPause", "ticket__organization"),
    TenantTable("support.TicketChange", "ticket__organization"),
    TenantTable("support.Outage", "contract__client"),
    TenantTable("support.Outage_services", "outage__contract__client"),
    TenantTable("support.MaintenanceWindow", "contract__client"),
    TenantTable("support.PreventivePlan", "contract__client"),
    TenantTable("support.MaintenanceRecord", "contract__client"),
    TenantTable("support.SlaReport", "contract__client", description="Monthly SLA reports."),
    TenantTable("quality.SurveyRequest", "client", description="Satisfaction surveys."),
    TenantTable("quality.SurveyAnswer", "request__client"),
    TenantTable("quality.Accommodation", "learner__organization"),
    TenantTable("quality.Complaint", "client", keep=True, description="Complaints register."),
    TenantTable("quality.ImprovementAction", "complaint__client", keep=True),
    TenantTable("quality.OfferSheet_clients_citable", "organization", keep=True),
    # The provider's own quality registers: empty for a client organisation.
    TenantTable("quality.ProviderProfile", "organization", export=False),
    TenantTable("quality.Assessment", "organization", export=False),
    TenantTable("quality.Audit", "organization", export=False),
    TenantTable("quality.NonConformity", "organization", export=False),
    TenantTable("quality.OfferSheet", "organization", export=False),
    TenantTable("quality.WatchEntry", "organization", export=False),
    TenantTable("quality.Subcontractor", "organization", export=False),
    TenantTable("quality.DisabilityReferent", "organization", export=False),
    TenantTable("quality.AccessibilityCheck", "organization", export=False),
    TenantTable("quality.StaffCompetence", "organization", export=False),
    TenantTable("billing.BillingProfile", "organization", export=False),
    TenantTable("billing.Invoice", "client", keep=True, description="Invoices and credit notes."),
    TenantTable("billing.InvoiceLine", "invoice__client", keep=True),
    TenantTable("billing.Payment", "client", keep=True, description="Payments received."),
    TenantTable("billing.PaymentAllocation", "payment__client", keep=True),
    TenantTable("billing.Reminder", "invoice__client", keep=True),
    TenantTable("billing.Subscription", "client", keep=True, description="Subscriptions."),
    TenantTable("billing.SubscriptionPeriod", "subscription__client", keep=True),
    TenantTable("billing.SubscriptionNotice", "subscription__client", keep=True),
    TenantTable("billing.Suspension", "client", keep=True),
    TenantTable("billing.Suspension_invoices", "suspension__client", keep=True),
    TenantTable("billing.FundingAgreement", "engagement__client", keep=True),
    TenantTable(
        "billing.Amendment", "engagement__client", keep=True, description="Amendments (avenants)."
    ),
    TenantTable("privacy.PrivacyContact", "organization"),
    TenantTable("privacy.DataSubjectRequest", "organization"),
    TenantTable("privacy.ProcessingRestriction", "organization"),
    TenantTable("privacy.LegalHold", "organization"),
)

# Shared with other organisations: loaded when missing, never deleted with one organisation.
SHARED = {"accounts.User", "certificates.StatusList"}


def exported_tables() -> list[TenantTable]:
    return [t for t in TABLES if t.export]
