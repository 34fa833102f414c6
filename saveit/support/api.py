"""Support API, mounted at /api/v1/support/: tickets, SLA reports, register, outages, notices."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from saveit.accounts.permissions import acting_member
from saveit.core.api_jobs import JobAcceptedOut, job_accepted
from saveit.core.api_support import COMMON_ERRORS, ErrorOut, Id
from saveit.core.errors import Refusal
from saveit.core.refusals import get_in_scope

from . import services
from .clocks import running_clock
from .jobs import request_report_file
from .models import MaintenanceRecord, MaintenanceWindow, Outage, Service, SlaReport, Ticket
from .permissions import (
    access_contract,
    access_report,
    access_ticket,
    contracts_for,
    is_support_staff,
    tickets_for,
)
from .report import report_download, runs_in_background

router = Router(tags=["support"])
WRITE_ERRORS: dict[int, Any] = {**COMMON_ERRORS, 409: ErrorOut}


class TicketIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    description: str = Field(..., min_length=1, max_length=20000)
    type: str = Field(..., pattern="^(incident|request|change)$")
    severity: str = Field(..., pattern="^S[1-3]$")
    service: int | None = Field(None, description="A service of the contract's catalogue")
    contract: int | None = Field(
        None, description="Required for support agents; a client's own contract by default"
    )
    channel: str = Field("web", pattern="^(web|email|phone)$")


class TicketPatch(Schema):
    criticity: str | None = Field(None, pattern="^C[1-3]$")
    status: str | None = Field(None, pattern="^(acknowledged|in_progress|waiting|resolved|closed)$")
    assignee: int | None = None
    exclusion: str | None = Field(None, max_length=24, description='"" removes the exclusion')
    exclusion_note: str = Field("", max_length=500)
    reason: str = Field("", max_length=300)


class TicketOut(Schema):
    id: int
    number: str
    title: str
    type: str
    service: int | None
    severity: str
    criticity: str | None
    priority: str | None
    status: str
    assignee: int | None
    opened_at: datetime
    acknowledged_at: datetime | None
    restored_at: datetime | None
    acknowledgement_minutes: int | None
    restoration_minutes: int | None
    exclusion: str | None
    clock: str | None = Field(None, description="The running clock: acknowledgement or restoration")
    minutes_left: int | None = Field(None, description="Counted minutes left on the running clock")
    due_at: datetime | None = None


class MessageIn(Schema):
    body: str = Field(..., min_length=1, max_length=20000)


class MessageOut(Schema):
    id: int
    author: str
    body: str
    created_at: datetime


def _ticket_out(ticket: Ticket) -> dict[str, Any]:
    clock = running_clock(ticket, timezone.now()) if ticket.is_open else None
    return {
        "id": ticket.pk,
        "number": ticket.number,
        "title": ticket.title,
        "type": ticket.type,
        "service": ticket.service_id,
        "severity": ticket.severity,
        "criticity": ticket.criticity or None,
        "priority": ticket.priority or None,
        "status": ticket.status,
        "assignee": ticket.assignee_id,
        "opened_at": ticket.opened_at,
        "acknowledged_at": ticket.acknowledged_at,
        "restored_at": ticket.restored_at,
        "acknowledgement_minutes": ticket.acknowledgement_minutes,
        "restoration_minutes": ticket.restoration_minutes,
        "exclusion": ticket.exclusion or None,
        "clock": clock.name if clock else None,
        "minutes_left": clock.left if clock else None,
        "due_at": clock.due_at if clock else None,
    }


@router.post("/tickets", response={201: TicketOut, **WRITE_ERRORS})
def create_ticket(request: HttpRequest, payload: TicketIn) -> tuple[int, dict[str, Any]]:
    member = acting_member(request)
    contracts = contracts_for(member)
    service = None
    if payload.service is not None:
        service = get_in_scope(Service.objects.filter(contract__in=contracts), payload.service)
    if payload.contract is not None:
        contract = access_contract(member, payload.contract)
    elif service is not None:
        contract = service.contract
    elif is_support_staff(member):
        raise Refusal(
            _("Give the contract of the client the ticket is for."), code="contract_required"
        )
    else:
        contract = contracts.order_by("-starts_on").first()  # type: ignore[assignment]
        if contract is None:
            raise PermissionDenied("Your organisation has no support contract.")
    ticket = services.open_ticket(
        contract=contract,
        by=member,
        title=payload.title,
        description=payload.description,
        type=payload.type,
        severity=payload.severity,
        service=service,
        channel=payload.channel,
    )
    return 201, _ticket_out(ticket)


@router.get("/tickets", response={200: list[TicketOut], **COMMON_ERRORS})
def list_tickets(
    request: HttpRequest, status: str | None = None, limit: int = 100, offset: int = 0
) -> list[dict[str, Any]]:
    queryset = tickets_for(acting_member(request)).prefetch_related("pauses")
    if status:
        queryset = queryset.filter(status=status)
    limit = max(1, min(limit, 500))
    offset = max(0, min(offset, 10_000_000))
    return [_ticket_out(t) for t in queryset.order_by("-opened_at")[offset : offset + limit]]


@router.get("/tickets/{ticket_id}", response={200: TicketOut, **COMMON_ERRORS})
def get_ticket(request: HttpRequest, ticket_id: int) -> dict[str, Any]:
    return _ticket_out(access_ticket(acting_member(request), ticket_id))


@router.patch("/tickets/{ticket_id}", response={200: TicketOut, **WRITE_ERRORS})
def update_ticket(request: HttpRequest, ticket_id: int, payload: TicketPatch) -> dict[str, Any]:
    member = acting_member(request)
    ticket = access_ticket(member, ticket_id)
    staff_fields = [payload.criticity, payload.assignee, payload.exclusion]
    if any(value is not None for value in staff_fields) and not is_support_staff(member):
        raise PermissionDenied("Only support agents set the criticity, assignee or exclusion.")
    if payload.criticity is not None:
        ticket = services.set_criticity(ticket=ticket, criticity=payload.criticity, by=member)
    if payload.assignee is not None:
        from saveit.accounts.models import Membership

        assignee = get_in_scope(
            Membership.objects.filter(organization__kind="provider"), payload.assignee
        )
        ticket = services.assign_ticket(ticket=ticket, assignee=assignee, by=member)
    if payload.exclusion is not None:
        ticket = services.set_exclusion(
            ticket=ticket, exclusion=payload.exclusion, note=payload.exclusion_note, by=member
        )
    if payload.status is not None:
        ticket = services.change_status(
            ticket=ticket, to=payload.status, by=member, reason=payload.reason
        )
    ticket.refresh_from_db()
    return _ticket_out(ticket)


@router.get("/tickets/{ticket_id}/messages", response={200: list[MessageOut], **COMMON_ERRORS})
def list_messages(request: HttpRequest, ticket_id: int) -> list[dict[str, Any]]:
    ticket = access_ticket(acting_member(request), ticket_id)
    return [
        {"id": m.pk, "author": m.author.user.full_name, "body": m.body, "created_at": m.created_at}
        for m in ticket.messages.select_related("author__user")
    ]


@router.post("/tickets/{ticket_id}/messages", response={201: MessageOut, **WRITE_ERRORS})
def post_message(
    request: HttpRequest, ticket_id: int, payload: MessageIn
) -> tuple[int, dict[str, Any]]:
    member = acting_member(request)
    ticket = access_ticket(member, ticket_id)
    message = services.post_message(ticket=ticket, by=member, body=payload.body)
    return 201, {
        "id": message.pk,
        "author": member.user.full_name,
        "body": message.body,
        "created_at": message.created_at,
    }


# --- SLA reports -----------------------------------------------------------------------------


class ReportOut(Schema):
    id: int
    contract: int
    month: date
    closed_at: datetime
    sent_at: datetime | None
    figures: dict[str, Any] = Field(..., description="KPIs of the month and of 12 rolling months")


def _report_out(report: SlaReport) -> dict[str, Any]:
    return {
        "id": report.pk,
        "contract": report.contract_id,
        "month": report.month,
        "closed_at": report.closed_at,
        "sent_at": report.sent_at,
        "figures": report.figures,
    }


@router.get("/contracts/{contract_id}/reports", response={200: list[ReportOut], **COMMON_ERRORS})
def list_reports(request: HttpRequest, contract_id: int) -> list[dict[str, Any]]:
    contract = access_contract(acting_member(request), contract_id)
    return [_report_out(r) for r in contract.reports.all()]


@router.get("/reports/{report_id}", response={200: ReportOut, **COMMON_ERRORS})
def get_report(request: HttpRequest, report_id: int) -> dict[str, Any]:
    return _report_out(access_report(acting_member(request), report_id))


def _report_file(
    request: HttpRequest, report_id: int, fmt: str
) -> HttpResponse | tuple[int, dict[str, Any]]:
    member = acting_member(request)
    report = access_report(member, report_id)
    if runs_in_background(report):
        return job_accepted(request_report_file(report=report, fmt=fmt, by=member))
    return report_download(report, fmt)


@router.get("/reports/{report_id}/pdf", response={200: None, 202: JobAcceptedOut, **COMMON_ERRORS})
def report_pdf(request: HttpRequest, report_id: int) -> Any:
    """The report as a PDF; a report of more than SLA_REPORT_BACKGROUND_ROWS rows answers 202:
    poll `job_url`, then download its `result_url`."""
    return _report_file(request, report_id, "pdf")


@router.get("/reports/{report_id}/xlsx", response={200: None, 202: JobAcceptedOut, **COMMON_ERRORS})
def report_xlsx(request: HttpRequest, report_id: int) -> Any:
    """The report as a spreadsheet, one sheet per section; 202 as for the PDF."""
    return _report_file(request, report_id, "xlsx")


# --- register, outages, notices --------------------------------------------------------------


class RecordIn(Schema):
    kind: str = Field(..., pattern="^(preventive|corrective|evolutive|inspection)$")
    performed_on: date
    duration_minutes: int = Field(..., ge=1, le=100000)
    actions: str = Field(..., min_length=1, max_length=20000)
    findings: str = Field("", max_length=20000)
    cost: Decimal = Field(Decimal("0"), ge=0, max_digits=10, decimal_places=2)
    ticket: int | None = None
    exceptional: bool = False
    billable: bool = False
    warned_at: datetime | None = None
    warning_note: str = Field("", max_length=500)


class MaintenanceRecordOut(Schema):
    id: int
    kind: str
    performed_on: date
    duration_minutes: int
    actions: str
    findings: str
    cost: Decimal
    person_in_charge: str
    ticket: int | None
    plan: int | None
    exceptional: bool
    billable: bool
    warned_at: datetime | None


def _record_out(r: MaintenanceRecord) -> dict[str, Any]:
    return {
        "id": r.pk,
        "kind": r.kind,
        "performed_on": r.performed_on,
        "duration_minutes": r.duration_minutes,
        "actions": r.actions,
        "findings": r.findings,
        "cost": r.cost,
        "person_in_charge": r.person_in_charge.user.full_name,
        "ticket": r.ticket_id,
        "plan": r.plan_id,
        "exceptional": r.exceptional,
        "billable": r.billable,
        "warned_at": r.warned_at,
    }


@router.get(
    "/contracts/{contract_id}/register", response={200: list[MaintenanceRecordOut], **COMMON_ERRORS}
)
def list_register(request: HttpRequest, contract_id: int) -> list[dict[str, Any]]:
    contract = access_contract(acting_member(request), contract_id)
    records = contract.maintenance_records.select_related("person_in_charge__user")
    return [_record_out(r) for r in records]


@router.post(
    "/contracts/{contract_id}/register", response={201: MaintenanceRecordOut, **WRITE_ERRORS}
)
def add_register_entry(
    request: HttpRequest, contract_id: int, payload: RecordIn
) -> tuple[int, dict[str, Any]]:
    member = acting_member(request)
    contract = access_contract(member, contract_id)
    ticket = get_in_scope(contract.tickets.all(), payload.ticket) if payload.ticket else None
    record = services.record_maintenance(
        contract=contract,
        by=member,
        kind=payload.kind,
        performed_on=payload.performed_on,
        duration_minutes=payload.duration_minutes,
        actions=payload.actions,
        findings=payload.findings,
        cost=payload.cost,
        ticket=ticket,
        exceptional=payload.exceptional,
        billable=payload.billable,
        warned_at=payload.warned_at,
        warning_note=payload.warning_note,
    )
    return 201, _record_out(record)


class OutageIn(Schema):
    started_at: datetime
    ended_at: datetime | None = None
    cause: str = Field(..., min_length=1, max_length=300)
    services: list[Id] = Field(default_factory=list)


class OutageOut(Schema):
    id: int
    started_at: datetime
    ended_at: datetime | None
    cause: str
    services: list[int]


def _outage_out(o: Outage) -> dict[str, Any]:
    return {
        "id": o.pk,
        "started_at": o.started_at,
        "ended_at": o.ended_at,
        "cause": o.cause,
        "services": [s.pk for s in o.services.all()],
    }


@router.get("/contracts/{contract_id}/outages", response={200: list[OutageOut], **COMMON_ERRORS})
def list_outages(request: HttpRequest, contract_id: int) -> list[dict[str, Any]]:
    contract = access_contract(acting_member(request), contract_id)
    return [_outage_out(o) for o in contract.outages.prefetch_related("services")]


@router.post("/contracts/{contract_id}/outages", response={201: OutageOut, **WRITE_ERRORS})
def add_outage(
    request: HttpRequest, contract_id: int, payload: OutageIn
) -> tuple[int, dict[str, Any]]:
    member = acting_member(request)
    contract = access_contract(member, contract_id)
    chosen = list(contract.services.filter(pk__in=payload.services))
    if len(chosen) != len(set(payload.services)):
        raise Refusal(_("Unknown service for this contract."), code="unknown_service")
    outage = services.record_outage(
        contract=contract,
        by=member,
        started_at=payload.started_at,
        ended_at=payload.ended_at,
        cause=payload.cause,
        services=chosen,
    )
    return 201, _outage_out(outage)


class NoticeIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    kind: str = Field(..., pattern="^(preventive|corrective|evolutive|inspection)$")
    starts_at: datetime
    ends_at: datetime
    high_impact: bool = False
    urgent_security: bool = False
    description: str = Field("", max_length=5000)


class NoticeOut(Schema):
    id: int
    title: str
    kind: str
    starts_at: datetime
    ends_at: datetime
    high_impact: bool
    urgent_security: bool
    notified_at: datetime | None
    notice_working_days: float | None


def _notice_out(w: MaintenanceWindow) -> dict[str, Any]:
    from .rules import BUSINESS_DAY_MINUTES

    return {
        "id": w.pk,
        "title": w.title,
        "kind": w.kind,
        "starts_at": w.starts_at,
        "ends_at": w.ends_at,
        "high_impact": w.high_impact,
        "urgent_security": w.urgent_security,
        "notified_at": w.notified_at,
        "notice_working_days": (
            round(w.notice_minutes / BUSINESS_DAY_MINUTES, 2)
            if w.notice_minutes is not None
            else None
        ),
    }


@router.get("/contracts/{contract_id}/notices", response={200: list[NoticeOut], **COMMON_ERRORS})
def list_notices(request: HttpRequest, contract_id: int) -> list[dict[str, Any]]:
    contract = access_contract(acting_member(request), contract_id)
    return [_notice_out(w) for w in contract.maintenance_windows.all()]


@router.post("/contracts/{contract_id}/notices", response={201: NoticeOut, **WRITE_ERRORS})
def add_notice(
    request: HttpRequest, contract_id: int, payload: NoticeIn
) -> tuple[int, dict[str, Any]]:
    member = acting_member(request)
    contract = access_contract(member, contract_id)
    window = services.plan_maintenance(
        contract=contract,
        by=member,
        title=payload.title,
        kind=payload.kind,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        high_impact=payload.high_impact,
        urgent_security=payload.urgent_security,
        description=payload.description,
    )
    return 201, _notice_out(window)
