"""Every write of the support app: keyword-only, atomic, audited, refusing with a reason."""

from __future__ import annotations

import datetime as dt
import hashlib
import zipfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from io import BytesIO

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from saveit.accounts.models import Membership
from saveit.audit.chain import record_event
from saveit.core import uploads
from saveit.core.errors import Forbidden, Refusal
from saveit.core.numbering import next_number

from . import banner, notifications
from .clock import counted_minutes
from .clocks import acknowledgement_minutes, pauses_of, restoration_minutes
from .models import (
    Channel,
    Exclusion,
    MaintenanceKind,
    MaintenanceRecord,
    MaintenanceWindow,
    Outage,
    PreventivePlan,
    Service,
    Status,
    SupportContract,
    Ticket,
    TicketAttachment,
    TicketChange,
    TicketMessage,
    TicketPause,
    TicketType,
)
from .permissions import is_support_client, is_support_staff
from .rules import NOTICE_MINIMUM_MINUTES, Criticity, Severity, priority_for

# Which status may follow which (the agent's moves); clients may only use CLIENT_MOVES.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NEW: frozenset(
        {Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.WAITING, Status.RESOLVED}
    ),
    Status.ACKNOWLEDGED: frozenset({Status.IN_PROGRESS, Status.WAITING, Status.RESOLVED}),
    Status.IN_PROGRESS: frozenset({Status.WAITING, Status.RESOLVED}),
    Status.WAITING: frozenset({Status.IN_PROGRESS, Status.RESOLVED}),
    Status.RESOLVED: frozenset({Status.CLOSED, Status.IN_PROGRESS}),
    Status.CLOSED: frozenset(),
}
CLIENT_MOVES: frozenset[tuple[str, str]] = frozenset(
    {
        (Status.WAITING, Status.IN_PROGRESS),  # the client answered
        (Status.RESOLVED, Status.CLOSED),
        (Status.RESOLVED, Status.IN_PROGRESS),  # not solved after all
    }
)


def _now(at: dt.datetime | None) -> dt.datetime:
    return at or timezone.now()


def _check_staff(by: Membership) -> None:
    if not is_support_staff(by):
        raise Forbidden(_("Only support agents may do this."))


def _change(
    ticket: Ticket, by: Membership, field: str, before: str, after: str, at: dt.datetime
) -> None:
    TicketChange.objects.create(
        ticket=ticket, at=at, by=by, field=field, before=before, after=after
    )


# --- contracts -----------------------------------------------------------------------------


@transaction.atomic
def create_contract(
    *,
    client: object,
    reference: str,
    title: str,
    starts_on: dt.date,
    services: Sequence[str] = (),
    by: Membership | None = None,
) -> SupportContract:
    from saveit.accounts.models import Organization

    assert isinstance(client, Organization)
    if client.is_provider:
        raise Refusal(_("A support contract is made with a client organisation."))
    contract = SupportContract.objects.create(
        client=client, reference=reference, title=title, starts_on=starts_on
    )
    for name in services:
        Service.objects.create(contract=contract, name=name)
    record_event(
        organization=client,
        action="support.contract_created",
        actor=by,
        target=contract,
        after={"reference": reference, "services": list(services)},
    )
    return contract


@transaction.atomic
def set_reversibility(
    *, contract: SupportContract, in_progress: bool, by: Membership
) -> SupportContract:
    _check_staff(by)
    before = contract.reversibility_in_progress
    contract.reversibility_in_progress = in_progress
    contract.save(update_fields=["reversibility_in_progress"])
    record_event(
        organization=contract.client,
        action="support.reversibility_flagged",
        actor=by,
        target=contract,
        before={"in_progress": before},
        after={"in_progress": in_progress},
    )
    return contract


# --- tickets -------------------------------------------------------------------------------


def _checked_files(files: Iterable[UploadedFile | tuple[bytes, str]]) -> list[tuple[bytes, str]]:
    """Every attachment is checked like any upload before anything is written."""
    checked = []
    for item in files:
        content, name = uploads.read_upload(item, default_name="piece-jointe")
        uploads.refuse_programs(content)
        if content.startswith(b"PK\x03\x04"):
            try:
                with zipfile.ZipFile(BytesIO(content)) as archive:
                    uploads.check_zip_entries(archive.infolist())
            except zipfile.BadZipFile:
                pass  # not really a zip: stored as the bytes it is
        checked.append((content, name))
    return checked


def _attach(message: TicketMessage, files: list[tuple[bytes, str]]) -> None:
    for content, name in files:
        digest = hashlib.sha256(content).hexdigest()
        attachment = TicketAttachment(
            message=message, original_name=name, size=len(content), sha256=digest
        )
        attachment.file.save(
            f"{message.ticket_id}/{digest[:16]}-{name}", ContentFile(content), save=False
        )
        attachment.save()


@transaction.atomic
def open_ticket(
    *,
    contract: SupportContract,
    by: Membership,
    title: str,
    description: str,
    type: str,
    severity: str,
    service: Service | None = None,
    channel: str = Channel.WEB,
    files: Sequence[UploadedFile | tuple[bytes, str]] = (),
    at: dt.datetime | None = None,
) -> Ticket:
    """A client opens a ticket on its contract, or an agent opens one on the client's behalf."""
    if is_support_client(by):
        if contract.client_id != by.organization_id:
            raise PermissionDenied
        channel = Channel.WEB
    elif not is_support_staff(by):
        raise Forbidden(_("Your role may not open support tickets."))
    if type not in TicketType.values:
        raise Refusal(_("Unknown ticket type."), code="invalid")
    if severity not in Severity.values:
        raise Refusal(_("The severity must be S1, S2 or S3."), code="invalid")
    if service is not None and service.contract_id != contract.pk:
        raise Refusal(_("This service is not in the contract's catalogue."), code="invalid")
    if not title.strip() or not description.strip():
        raise Refusal(_("A ticket needs a title and a description."), code="invalid")
    checked = _checked_files(files)
    now = _now(at)
    ticket = Ticket.objects.create(
        organization_id=contract.client_id,
        contract=contract,
        number=next_number("TK", timezone.localtime(now).year, width=5),
        title=title.strip(),
        description=description.strip(),
        type=type,
        service=service,
        severity=severity,
        channel=channel,
        opened_by=by,
        opened_at=now,
    )
    if checked:
        message = TicketMessage.objects.create(ticket=ticket, author=by, body=_("Attachments"))
        _attach(message, checked)
    record_event(
        organization=contract.client,
        action="support.ticket_opened",
        actor=by,
        target=ticket,
        after={"number": ticket.number, "type": type, "severity": severity, "channel": channel},
    )
    notifications.ticket_opened(ticket)
    return ticket


@transaction.atomic
def set_criticity(
    *, ticket: Ticket, criticity: str, by: Membership, at: dt.datetime | None = None
) -> Ticket:
    """The agent judges the criticity; the matrix gives the priority (and its clock)."""
    _check_staff(by)
    if criticity not in Criticity.values:
        raise Refusal(_("The criticity must be C1, C2 or C3."), code="invalid")
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    before = (ticket.criticity, ticket.priority)
    ticket.criticity = criticity
    ticket.priority = priority_for(ticket.severity, criticity)
    if ticket.restored_at is not None:
        ticket.restoration_minutes = restoration_minutes(
            ticket, ticket.restored_at, pauses_of(ticket)
        )
    ticket.save(update_fields=["criticity", "priority", "restoration_minutes", "updated_at"])
    now = _now(at)
    _change(ticket, by, "criticity", before[0], criticity, now)
    record_event(
        organization=ticket.organization,
        action="support.ticket_prioritised",
        actor=by,
        target=ticket,
        before={"criticity": before[0], "priority": before[1]},
        after={"criticity": criticity, "priority": ticket.priority},
    )
    notifications.ticket_changed(ticket, _("Priority set to %(p)s.") % {"p": ticket.priority})
    return ticket


@transaction.atomic
def change_status(
    *,
    ticket: Ticket,
    to: str,
    by: Membership,
    reason: str = "",
    at: dt.datetime | None = None,
) -> Ticket:
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    before = ticket.status
    if to not in TRANSITIONS.get(before, frozenset()):
        raise Refusal(
            _("A ticket cannot go from “%(a)s” to “%(b)s”.")
            % {"a": Status(before).label, "b": Status(to).label if to in Status.values else to}
        )
    if not is_support_staff(by) and (before, to) not in CLIENT_MOVES:
        raise Forbidden(_("Only support agents may make this change."))
    now = _now(at)
    if now < ticket.opened_at:
        raise Refusal(_("A change cannot precede the opening of the ticket."))
    fields = ["status", "updated_at"]
    if before == Status.WAITING:
        TicketPause.objects.filter(ticket=ticket, ended_at__isnull=True).update(ended_at=now)
    if to == Status.WAITING:
        TicketPause.objects.create(
            ticket=ticket, started_at=now, started_by=by, reason=reason[:300]
        )
    pauses = pauses_of(ticket)
    if ticket.acknowledged_at is None and is_support_staff(by) and to != Status.CLOSED:
        ticket.acknowledged_at = now
        ticket.acknowledgement_minutes = acknowledgement_minutes(ticket, now, pauses)
        fields += ["acknowledged_at", "acknowledgement_minutes"]
    if to == Status.RESOLVED:
        ticket.restored_at = now
        ticket.restoration_minutes = restoration_minutes(ticket, now, pauses)
        fields += ["restored_at", "restoration_minutes"]
    elif before == Status.RESOLVED and to == Status.IN_PROGRESS:  # reopened: the clock runs again
        ticket.restored_at = None
        ticket.restoration_minutes = None
        fields += ["restored_at", "restoration_minutes"]
    if to == Status.CLOSED:
        ticket.closed_at = now
        fields.append("closed_at")
    ticket.status = to
    ticket.save(update_fields=fields)
    _change(ticket, by, "status", before, to, now)
    record_event(
        organization=ticket.organization,
        action="support.ticket_status_changed",
        actor=by,
        target=ticket,
        before={"status": before},
        after={"status": to},
    )
    notifications.ticket_changed(
        ticket,
        _("New status: %(s)s.") % {"s": Status(to).label} + (f"\n{reason}" if reason else ""),
    )
    return ticket


@transaction.atomic
def assign_ticket(*, ticket: Ticket, assignee: Membership | None, by: Membership) -> Ticket:
    _check_staff(by)
    if assignee is not None and not is_support_staff(assignee):
        raise Refusal(_("A ticket is assigned to a support agent."), code="invalid")
    before = ticket.assignee
    ticket.assignee = assignee
    ticket.save(update_fields=["assignee", "updated_at"])
    name = assignee.user.full_name if assignee else ""
    _change(ticket, by, "assignee", before.user.full_name if before else "", name, timezone.now())
    record_event(
        organization=ticket.organization,
        action="support.ticket_assigned",
        actor=by,
        target=ticket,
        after={"assignee": assignee.pk if assignee else None},
    )
    notifications.ticket_changed(ticket, _("Assigned to %(n)s.") % {"n": name or "—"})
    return ticket


@transaction.atomic
def set_exclusion(*, ticket: Ticket, exclusion: str, note: str, by: Membership) -> Ticket:
    """A contractual exclusion takes the ticket out of the KPIs ("" puts it back)."""
    _check_staff(by)
    if exclusion and exclusion not in Exclusion.values:
        raise Refusal(_("Unknown exclusion reason."), code="invalid")
    if exclusion and not note.strip():
        raise Refusal(_("Say why the exclusion applies."), code="invalid")
    before = ticket.exclusion
    ticket.exclusion = exclusion
    ticket.exclusion_note = note.strip()[:500] if exclusion else ""
    ticket.save(update_fields=["exclusion", "exclusion_note", "updated_at"])
    _change(ticket, by, "exclusion", before, exclusion, timezone.now())
    record_event(
        organization=ticket.organization,
        action="support.ticket_exclusion_set",
        actor=by,
        target=ticket,
        before={"exclusion": before},
        after={"exclusion": exclusion},
    )
    return ticket


@transaction.atomic
def post_message(
    *,
    ticket: Ticket,
    by: Membership,
    body: str,
    files: Sequence[UploadedFile | tuple[bytes, str]] = (),
) -> TicketMessage:
    if ticket.status == Status.CLOSED:
        raise Refusal(_("This ticket is closed; open a new one."))
    if not body.strip():
        raise Refusal(_("The message is empty."), code="invalid")
    checked = _checked_files(files)
    message = TicketMessage.objects.create(ticket=ticket, author=by, body=body.strip())
    _attach(message, checked)
    record_event(
        organization=ticket.organization,
        action="support.message_posted",
        actor=by,
        target=ticket,
        after={"message": message.pk, "attachments": len(checked)},
    )
    notifications.ticket_changed(ticket, _("New message:") + "\n" + message.body)
    return message


# --- availability and maintenance ------------------------------------------------------------


@transaction.atomic
def record_outage(
    *,
    contract: SupportContract,
    by: Membership,
    started_at: dt.datetime,
    ended_at: dt.datetime | None,
    cause: str,
    services: Sequence[Service] = (),
    ticket: Ticket | None = None,
) -> Outage:
    _check_staff(by)
    if ended_at is not None and ended_at <= started_at:
        raise Refusal(_("An outage ends after it starts."), code="invalid")
    if any(s.contract_id != contract.pk for s in services):
        raise Refusal(_("This service is not in the contract's catalogue."), code="invalid")
    if ticket is not None and ticket.contract_id != contract.pk:
        raise Refusal(_("The ticket belongs to another contract."), code="invalid")
    outage = Outage.objects.create(
        contract=contract,
        started_at=started_at,
        ended_at=ended_at,
        cause=cause.strip(),
        ticket=ticket,
        recorded_by=by,
    )
    outage.services.set(services)
    record_event(
        organization=contract.client,
        action="support.outage_recorded",
        actor=by,
        target=outage,
        after={"start": started_at.isoformat(), "end": ended_at.isoformat() if ended_at else None},
    )
    return outage


def notice_required(kind: str, high_impact: bool, urgent_security: bool) -> bool:
    """Non-urgent preventive work and high-impact evolutive work are announced ahead."""
    if urgent_security:
        return False
    return kind == MaintenanceKind.PREVENTIVE or (kind == MaintenanceKind.EVOLUTIVE and high_impact)


@transaction.atomic
def plan_maintenance(
    *,
    contract: SupportContract,
    by: Membership,
    title: str,
    kind: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    high_impact: bool = False,
    urgent_security: bool = False,
    description: str = "",
    at: dt.datetime | None = None,
) -> MaintenanceWindow:
    """Plan a maintenance window and send its notice (e-mail and banner) now."""
    _check_staff(by)
    if kind not in MaintenanceKind.values:
        raise Refusal(_("Unknown maintenance kind."), code="invalid")
    if ends_at <= starts_at:
        raise Refusal(_("A maintenance window ends after it starts."), code="invalid")
    now = _now(at)
    ahead = counted_minutes(now, starts_at, "business")
    if notice_required(kind, high_impact, urgent_security) and ahead < NOTICE_MINIMUM_MINUTES:
        raise Refusal(
            _(
                "This maintenance must be announced at least 2 working days ahead: move it to "
                "a later date, or mark it as an urgent security update."
            ),
            code="notice_too_short",
        )
    window = MaintenanceWindow.objects.create(
        contract=contract,
        title=title.strip(),
        kind=kind,
        high_impact=high_impact,
        urgent_security=urgent_security,
        starts_at=starts_at,
        ends_at=ends_at,
        description=description.strip(),
        notified_at=now,
        notice_minutes=ahead if notice_required(kind, high_impact, urgent_security) else None,
        created_by=by,
    )
    record_event(
        organization=contract.client,
        action="support.maintenance_planned",
        actor=by,
        target=window,
        after={"kind": kind, "start": starts_at.isoformat(), "notice_minutes": ahead},
    )
    notifications.maintenance_notice(window)
    banner.windows_changed()
    return window


@transaction.atomic
def add_preventive_plan(
    *,
    contract: SupportContract,
    by: Membership,
    title: str,
    first_on: dt.date,
    every_months: int,
    description: str = "",
) -> PreventivePlan:
    _check_staff(by)
    if not 1 <= every_months <= 24:
        raise Refusal(_("The period is between 1 and 24 months."), code="invalid")
    plan = PreventivePlan.objects.create(
        contract=contract,
        title=title.strip(),
        first_on=first_on,
        every_months=every_months,
        description=description.strip(),
    )
    record_event(
        organization=contract.client,
        action="support.preventive_plan_added",
        actor=by,
        target=plan,
        after={"title": plan.title, "every_months": every_months},
    )
    return plan


@transaction.atomic
def record_maintenance(
    *,
    contract: SupportContract,
    by: Membership,
    kind: str,
    performed_on: dt.date,
    duration_minutes: int,
    actions: str,
    findings: str = "",
    cost: Decimal = Decimal("0"),
    person_in_charge: Membership | None = None,
    ticket: Ticket | None = None,
    plan: PreventivePlan | None = None,
    window: MaintenanceWindow | None = None,
    exceptional: bool = False,
    billable: bool = False,
    warned_at: dt.datetime | None = None,
    warning_note: str = "",
) -> MaintenanceRecord:
    """One line of the register. Exceptional work is billable only if the client was warned
    beforehand, and the warning is recorded with it."""
    _check_staff(by)
    if kind not in MaintenanceKind.values:
        raise Refusal(_("Unknown maintenance kind."), code="invalid")
    if duration_minutes <= 0 or cost < 0:
        raise Refusal(_("The duration must be positive and the cost not negative."), code="invalid")
    for linked in (ticket, plan, window):
        if linked is not None and linked.contract_id != contract.pk:
            raise Refusal(_("A linked item belongs to another contract."), code="invalid")
    if billable:
        if not exceptional:
            raise Refusal(_("Only exceptional work is billable on top of the package."))
        if warned_at is None or timezone.localtime(warned_at).date() > performed_on:
            raise Refusal(
                _("Exceptional work is billable only if the client was warned beforehand.")
            )
    record = MaintenanceRecord.objects.create(
        contract=contract,
        kind=kind,
        performed_on=performed_on,
        duration_minutes=duration_minutes,
        actions=actions.strip(),
        findings=findings.strip(),
        cost=cost,
        person_in_charge=person_in_charge or by,
        ticket=ticket,
        plan=plan,
        window=window,
        exceptional=exceptional,
        billable=billable,
        warned_at=warned_at,
        warning_note=warning_note.strip()[:500],
    )
    record_event(
        organization=contract.client,
        action="support.maintenance_recorded",
        actor=by,
        target=record,
        after={"kind": kind, "date": performed_on.isoformat(), "billable": billable},
    )
    return record
