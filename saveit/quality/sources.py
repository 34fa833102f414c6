"""What the collectors read: the lower apps' records (through their selectors where they exist)
and the quality registers. Reads only; the provider sees every client's records."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db.models import Count, Max, Q, QuerySet

from saveit.accounts.models import Membership, Organization
from saveit.accounts.roles import PROVIDER_ROLES
from saveit.attendance.selectors import reminders_sent, sent_convocations
from saveit.catalog.models import ModuleVersion
from saveit.certificates.models import Attestation
from saveit.engagements.models import Engagement, ScopingInterview, ScopingNote
from saveit.engagements.selectors import signed_scoping_note as _signed_note
from saveit.learning.models import Assignment, RecertificationCampaign
from saveit.support.models import MaintenanceRecord, SlaReport, SupportContract

from .models import (
    AccessibilityCheck,
    Accommodation,
    Complaint,
    DisabilityReferent,
    ImprovementAction,
    OfferSheet,
    StaffCompetence,
    Subcontractor,
    SurveyAnswer,
    WatchEntry,
)

OPEN = Assignment.OPEN_STATUSES


def engagements(provider: Organization) -> list[Engagement]:
    return list(
        Engagement.objects.select_related("project_manager__user", "client").order_by("reference")
    )


def scoping_interviews(engagement: Engagement) -> list[ScopingInterview]:
    return list(engagement.interviews.order_by("held_on"))


def signed_scoping_note(engagement: Engagement) -> ScopingNote | None:
    return _signed_note(engagement)


def live_versions() -> QuerySet[ModuleVersion]:
    return (
        ModuleVersion.objects.filter(status=ModuleVersion.Status.ACTIVE)
        .select_related("module")
        .order_by("module__code", "major", "minor")
    )


def _per_engagement(queryset: QuerySet[Assignment], **aggregates: Any) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [
        dict(row)
        for row in queryset.values("engagement").annotate(**aggregates).order_by("engagement")
    ]
    by_id = Engagement.objects.in_bulk([row["engagement"] for row in rows])
    for row in rows:
        row["engagement"] = by_id[row["engagement"]]
    return rows


def invitation_counts() -> list[dict[str, Any]]:
    return _per_engagement(
        Assignment.objects.all(),
        invited=Count("pk", filter=Q(invited_at__isnull=False)),
        not_invited=Count("pk", filter=Q(invited_at__isnull=True, status__in=OPEN)),
        last=Max("invited_at"),
    )


def follow_up_counts(today: date) -> list[dict[str, Any]]:
    return _per_engagement(
        Assignment.objects.all(),
        overdue=Count("pk", filter=Assignment.overdue(today)),
        last=Max("assigned_at"),
    )


def result_counts() -> list[dict[str, Any]]:
    rows = _per_engagement(
        Assignment.objects.filter(status__in=(Assignment.Status.PASSED, Assignment.Status.FAILED)),
        passed=Count("pk", filter=Q(status=Assignment.Status.PASSED)),
        failed=Count("pk", filter=Q(status=Assignment.Status.FAILED)),
        last=Max("completed_at"),
    )
    return rows


def recent_attestations(limit: int) -> list[Attestation]:
    return list(Attestation.objects.filter(revoked_at__isnull=True).order_by("-issued_at")[:limit])


def overdue_assignments(today: date) -> list[Assignment]:
    return list(Assignment.objects.filter(Assignment.overdue(today)).only("pk")[:1000])


def dropout_candidates(today: date) -> QuerySet[Assignment]:
    """Learners past their due date without finishing: the drop-outs an action may analyse."""
    late = Assignment.objects.filter(Assignment.overdue(today)).order_by("due_on")
    ids = list(late.values_list("pk", flat=True)[:200])  # a form field cannot take a slice
    return (
        Assignment.objects.filter(pk__in=ids)
        .select_related("learner", "module_version__module")
        .order_by("due_on")
    )


def dropout_actions(provider: Organization) -> list[ImprovementAction]:
    return list(
        ImprovementAction.objects.filter(
            organization=provider, cause=ImprovementAction.Cause.DROPOUT
        )
    )


def recertification_campaigns() -> list[RecertificationCampaign]:
    return list(
        RecertificationCampaign.objects.select_related("module", "version").order_by("-created_at")
    )


def outdated_without_successor() -> list[ModuleVersion]:
    outdated = live_versions().filter(outdated_at__isnull=False)
    return [v for v in outdated if not v.module.versions.filter(based_on=v).exists()]


def provider_staff(provider: Organization) -> list[Membership]:
    return list(
        Membership.objects.filter(organization=provider, role__in=PROVIDER_ROLES, is_active=True)
        .select_related("user")
        .order_by("user__last_name", "user__email")
    )


def staff_attestations(provider: Organization) -> list[Attestation]:
    emails = [m.user.email for m in provider_staff(provider)]
    return list(
        Attestation.objects.filter(learner__email__in=emails, revoked_at__isnull=True).order_by(
            "-issued_at"
        )[:50]
    )


def offer_sheets(provider: Organization) -> list[OfferSheet]:
    return list(OfferSheet.objects.filter(organization=provider).prefetch_related("versions"))


def accommodations(provider: Organization) -> list[Accommodation]:
    return list(Accommodation.objects.filter(organization=provider))


def disability_referents(provider: Organization) -> list[DisabilityReferent]:
    return list(DisabilityReferent.objects.filter(organization=provider))


def accessibility_checks(provider: Organization) -> list[AccessibilityCheck]:
    return list(AccessibilityCheck.objects.filter(organization=provider))


def staff_competences(provider: Organization) -> list[StaffCompetence]:
    return list(
        StaffCompetence.objects.filter(organization=provider).select_related("member__user")
    )


def watch_entries(provider: Organization, kind: str) -> list[WatchEntry]:
    return list(WatchEntry.objects.filter(organization=provider, kind=kind))


def subcontractors(provider: Organization) -> list[Subcontractor]:
    return list(Subcontractor.objects.filter(organization=provider, is_active=True))


def survey_answers(provider: Organization) -> list[SurveyAnswer]:
    return list(
        SurveyAnswer.objects.filter(organization=provider)
        .select_related("request")
        .order_by("-answered_at")
    )


def complaints(provider: Organization) -> list[Complaint]:
    return list(Complaint.objects.filter(organization=provider))


def improvement_actions(provider: Organization) -> list[ImprovementAction]:
    return list(ImprovementAction.objects.filter(organization=provider))


def complaints_without_action(provider: Organization) -> list[Complaint]:
    return list(
        Complaint.objects.filter(
            organization=provider,
            kind=Complaint.Kind.COMPLAINT,
            status__in=(Complaint.Status.ANSWERED, Complaint.Status.CLOSED),
            actions__isnull=True,
        )
    )


def newest(moments: list[datetime | None]) -> datetime | None:
    found = [m for m in moments if m is not None]
    return max(found) if found else None


def support_contracts() -> list[SupportContract]:
    return list(SupportContract.objects.select_related("client").order_by("reference"))


def sla_reports(since: datetime) -> list[SlaReport]:
    """The monthly SLA reports closed in the period (availability, restoration, notices)."""
    return list(
        SlaReport.objects.filter(closed_at__gte=since)
        .select_related("contract")
        .order_by("-month", "contract__reference")
    )


def maintenance_records(since: date) -> list[MaintenanceRecord]:
    return list(MaintenanceRecord.objects.filter(performed_on__gte=since).order_by("-performed_on"))


def reminders_by_engagement() -> list[dict[str, Any]]:
    """Per engagement, the reminders the scheduler sent (who, when, which rule: attendance)."""
    rows = []
    for engagement in Engagement.objects.order_by("reference"):
        sent = reminders_sent(engagement).aggregate(n=Count("pk"), last=Max("sent_at"))
        rows.append({"engagement": engagement, "sent": sent["n"], "last": sent["last"]})
    return rows


def convocations_by_engagement() -> list[dict[str, Any]]:
    """Per engagement, the session convocations kept exactly as sent."""
    rows = []
    for engagement in Engagement.objects.order_by("reference"):
        sent = sent_convocations(engagement).aggregate(n=Count("pk"), last=Max("sent_at"))
        if sent["n"]:
            rows.append({"engagement": engagement, "sent": sent["n"], "last": sent["last"]})
    return rows
