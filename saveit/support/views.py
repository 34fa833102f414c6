"""Support pages: the agents' queue and ticket page, the register, calendar and reports; the
clients' tickets, reports and notices. Access first (same 404 for unknown and not yours)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from saveit.accounts.permissions import acting_member
from saveit.core.actions import act, act_or_show
from saveit.core.errors import Refusal
from saveit.core.refusals import get_in_scope

from . import services
from .clock import PARIS
from .clocks import pauses_of, running_clock, ticket_clocks
from .forms import (
    CloseReportForm,
    CriticityForm,
    ExclusionForm,
    MessageForm,
    OutageForm,
    PlanForm,
    RecordForm,
    StatusForm,
    TicketForm,
    WindowForm,
)
from .jobs import request_report_file
from .models import OPEN_STATUSES, MaintenanceWindow, Status, TicketAttachment
from .permissions import (
    access_contract,
    access_report,
    access_ticket,
    can_use_support,
    contracts_for,
    is_support_staff,
    require_staff,
    tickets_for,
)
from .report import (
    availability_chart,
    breach_rows,
    build_figures,
    close_report,
    duration,
    kpi_rows,
    lifted_text,
    month_label,
    report_download,
    ticket_rows,
)
from .report import runs_in_background as report_runs_in_background
from .services import CLIENT_MOVES, TRANSITIONS


def _member(request: HttpRequest) -> Any:
    member = acting_member(request)
    if not can_use_support(member):
        raise PermissionDenied
    return member


def _files(request: HttpRequest) -> list[Any]:
    upload = request.FILES.get("attachment")
    return [upload] if upload else []


@login_required
def tickets(request: HttpRequest) -> HttpResponse:
    """Agents: the open tickets, the least time left first. Clients: their organisation's."""
    member = _member(request)
    now = timezone.now()
    show = request.GET.get("show", "open")
    queryset = tickets_for(member).select_related("contract__client", "service", "assignee__user")
    queryset = queryset.prefetch_related("pauses")
    if show == "open":
        queryset = queryset.filter(status__in=OPEN_STATUSES)
    rows: list[dict[str, Any]] = []
    for t in queryset.order_by("-opened_at")[:300]:
        clock = (
            running_clock(t, now, [(p.started_at, p.ended_at) for p in t.pauses.all()])
            if t.is_open
            else None
        )
        rows.append({"ticket": t, "clock": clock})
    # Paused clocks (no deadline) go last; then the least time left first.
    rows.sort(
        key=lambda r: (
            r["clock"] is None,
            r["clock"] is not None and r["clock"].paused,
            r["clock"].left if r["clock"] else 0,
        )
    )
    return render(
        request,
        "support/tickets.html",
        {"rows": rows, "staff": is_support_staff(member), "show": show, "now": now},
    )


@login_required
def ticket_new(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    staff = is_support_staff(member)
    contracts = contracts_for(member)
    form = TicketForm(request.POST or None, request.FILES or None, contracts=contracts, staff=staff)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        contract = data.get("contract") or (
            data["service"].contract if data["service"] else contracts.first()
        )
        if contract is None:
            form.add_error(None, _("Your organisation has no support contract."))
        else:
            try:
                ticket = services.open_ticket(
                    contract=contract,
                    by=member,
                    title=data["title"],
                    description=data["description"],
                    type=data["type"],
                    severity=data["severity"],
                    service=data["service"],
                    channel=data.get("channel", "web"),
                    files=_files(request),
                )
            except Refusal as refusal:
                form.add_error(None, refusal.message)
            else:
                messages.success(
                    request,
                    _("Ticket %(n)s is open; you will be told of each change.")
                    % {"n": ticket.number},
                )
                return redirect("support:ticket", ticket.pk)
    return render(request, "support/ticket_new.html", {"form": form, "staff": staff})


def _clock_view(clock: Any) -> dict[str, Any]:
    return {
        "clock": clock,
        "elapsed": duration(clock.elapsed),
        "target": duration(clock.target),
        "left": duration(abs(clock.left)),
    }


@login_required
def ticket(request: HttpRequest, ticket_id: int) -> HttpResponse:
    member = acting_member(request)
    return _ticket_page(request, member, access_ticket(member, ticket_id))


def _ticket_page(
    request: HttpRequest,
    member: Any,
    t: Any,
    bound: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The ticket; `bound`: a refused message or status form, shown with what was typed."""
    bound = bound or {}
    staff = is_support_staff(member)
    now = timezone.now()
    moves = (
        sorted(TRANSITIONS[t.status]) if staff else [b for a, b in CLIENT_MOVES if a == t.status]
    )
    status_form = bound.get("status_form") or StatusForm()
    status_field = status_form.fields["status"]
    assert isinstance(status_field, forms.ChoiceField)
    status_field.choices = [(s, Status(s).label) for s in moves]
    context = {
        "ticket": t,
        "staff": staff,
        "clocks": [_clock_view(c) for c in ticket_clocks(t, now, pauses_of(t))],
        "messages_": t.messages.select_related("author__user").prefetch_related("attachments"),
        "changes": t.changes.select_related("by__user"),
        "pauses": t.pauses.all(),
        "message_form": bound.get("message_form") or MessageForm(),
        "status_form": status_form if moves else None,
        "criticity_form": CriticityForm(initial={"criticity": t.criticity}),
        "exclusion_form": ExclusionForm(
            initial={"exclusion": t.exclusion, "note": t.exclusion_note}
        ),
    }
    return render(request, "support/ticket.html", context, status=status)


def _back(t: Any) -> str:
    return reverse("support:ticket", args=[t.pk])


@login_required
@require_POST
def ticket_message(request: HttpRequest, ticket_id: int) -> HttpResponse:
    member = acting_member(request)
    t = access_ticket(member, ticket_id)
    body = str(request.POST.get("body", ""))
    return act_or_show(
        request,
        lambda: services.post_message(ticket=t, by=member, body=body, files=_files(request)),
        _("Message sent."),
        _back(t),
        lambda status: _ticket_page(
            request, member, t, {"message_form": MessageForm(request.POST)}, status
        ),
    )


@login_required
@require_POST
def ticket_status(request: HttpRequest, ticket_id: int) -> HttpResponse:
    member = acting_member(request)
    t = access_ticket(member, ticket_id)
    to, reason = str(request.POST.get("status", "")), str(request.POST.get("reason", ""))
    return act_or_show(
        request,
        lambda: services.change_status(ticket=t, to=to, by=member, reason=reason),
        _("Status changed."),
        _back(t),
        lambda status: _ticket_page(
            request, member, t, {"status_form": StatusForm(request.POST)}, status
        ),
    )


@login_required
@require_POST
def ticket_criticity(request: HttpRequest, ticket_id: int) -> HttpResponse:
    member = acting_member(request)
    t = access_ticket(member, ticket_id)
    value = str(request.POST.get("criticity", ""))
    return act(
        request,
        lambda: services.set_criticity(ticket=t, criticity=value, by=member),
        _("Criticity set; the priority follows the matrix."),
        _back(t),
    )


@login_required
@require_POST
def ticket_take(request: HttpRequest, ticket_id: int) -> HttpResponse:
    member = acting_member(request)
    t = access_ticket(member, ticket_id)
    return act(
        request,
        lambda: services.assign_ticket(ticket=t, assignee=member, by=member),
        _("You are in charge of this ticket."),
        _back(t),
    )


@login_required
@require_POST
def ticket_exclusion(request: HttpRequest, ticket_id: int) -> HttpResponse:
    member = acting_member(request)
    t = access_ticket(member, ticket_id)
    value, note = str(request.POST.get("exclusion", "")), str(request.POST.get("note", ""))
    return act(
        request,
        lambda: services.set_exclusion(ticket=t, exclusion=value, note=note, by=member),
        _("Exclusion saved."),
        _back(t),
    )


@login_required
def attachment(request: HttpRequest, attachment_id: int) -> FileResponse:
    member = acting_member(request)
    found = get_in_scope(
        TicketAttachment.objects.filter(message__ticket__in=tickets_for(member)), attachment_id
    )
    return FileResponse(found.file.open("rb"), as_attachment=True, filename=found.original_name)


@login_required
def contracts(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    return render(
        request,
        "support/contracts.html",
        {
            "contracts": contracts_for(member).prefetch_related("services"),
            "staff": is_support_staff(member),
        },
    )


@login_required
@require_POST
def contract_reversibility(request: HttpRequest, contract_id: int) -> HttpResponse:
    """Flag (or unflag) a reversibility in progress: the SLA commitments are lifted meanwhile."""
    member = acting_member(request)
    contract = access_contract(member, contract_id)
    require_staff(member)
    in_progress = request.POST.get("in_progress") == "1"
    return act(
        request,
        lambda: services.set_reversibility(contract=contract, in_progress=in_progress, by=member),
        _("Saved: the reports say whether the SLA commitments are lifted."),
        reverse("support:contracts"),
    )


def _local(value: dt.datetime | None) -> dt.datetime | None:
    """A datetime-local field's value is Paris time."""
    if value is None:
        return None
    return value.replace(tzinfo=PARIS) if value.tzinfo is None else value


@login_required
def register(request: HttpRequest, contract_id: int) -> HttpResponse:
    member = acting_member(request)
    contract = access_contract(member, contract_id)
    staff = is_support_staff(member)
    form = RecordForm(request.POST or None)
    if request.method == "POST":
        require_staff(member)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.record_maintenance(
                    contract=contract,
                    by=member,
                    kind=d["kind"],
                    performed_on=d["performed_on"],
                    duration_minutes=d["duration_minutes"],
                    actions=d["actions"],
                    findings=d["findings"],
                    cost=d["cost"],
                    exceptional=d["exceptional"],
                    billable=d["billable"],
                    warned_at=_local(d["warned_at"]),
                    warning_note=d["warning_note"],
                )
            except Refusal as refusal:
                form.add_error(None, refusal.message)
            else:
                messages.success(request, _("The intervention is in the register."))
                return redirect("support:register", contract.pk)
    return render(
        request,
        "support/register.html",
        {
            "contract": contract,
            "staff": staff,
            "form": form,
            "outage_form": OutageForm(),
            "records": contract.maintenance_records.select_related(
                "person_in_charge__user", "ticket"
            ),
            "outages": contract.outages.prefetch_related("services"),
        },
    )


@login_required
@require_POST
def outage_add(request: HttpRequest, contract_id: int) -> HttpResponse:
    member = acting_member(request)
    contract = access_contract(member, contract_id)
    require_staff(member)
    form = OutageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the outage's dates and cause."))
        return redirect("support:register", contract.pk)
    d = form.cleaned_data
    return act(
        request,
        lambda: services.record_outage(
            contract=contract,
            by=member,
            started_at=_local(d["started_at"]),  # type: ignore[arg-type]
            ended_at=_local(d["ended_at"]),
            cause=d["cause"],
        ),
        _("Outage recorded."),
        reverse("support:register", args=[contract.pk]),
    )


def _occurrences(plan: Any, until: dt.date) -> list[dt.date]:
    dates, index = [], 0
    while index < 200:
        months = plan.first_on.month - 1 + index * plan.every_months
        year, month = plan.first_on.year + months // 12, months % 12 + 1
        try:
            day = plan.first_on.replace(year=year, month=month)
        except ValueError:  # 31st of a short month: its last day
            day = dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)
        if day > until:
            break
        dates.append(day)
        index += 1
    return dates


@login_required
def calendar(request: HttpRequest, contract_id: int) -> HttpResponse:
    """The preventive calendar: the plans' next dates over a year, and the planned windows."""
    member = acting_member(request)
    contract = access_contract(member, contract_id)
    form = PlanForm(request.POST or None)
    if request.method == "POST":
        require_staff(member)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.add_preventive_plan(
                    contract=contract,
                    by=member,
                    title=d["title"],
                    first_on=d["first_on"],
                    every_months=d["every_months"],
                )
            except Refusal as refusal:
                form.add_error(None, refusal.message)
            else:
                messages.success(request, _("The preventive calendar is updated."))
                return redirect("support:calendar", contract.pk)
    today = timezone.localdate()
    until = today + dt.timedelta(days=365)
    entries: list[dict[str, Any]] = []
    for plan in contract.preventive_plans.filter(is_active=True):
        entries += [
            {"date": d, "title": plan.title, "kind": "plan"}
            for d in _occurrences(plan, until)
            if d >= today
        ]
    for w in contract.maintenance_windows.filter(ends_at__gte=timezone.now()):
        entries.append(
            {
                "date": timezone.localtime(w.starts_at).date(),
                "title": w.title,
                "kind": "window",
                "window": w,
            }
        )
    entries.sort(key=lambda e: e["date"])
    return render(
        request,
        "support/calendar.html",
        {
            "contract": contract,
            "staff": is_support_staff(member),
            "form": form,
            "entries": entries[:60],
            "plans": contract.preventive_plans.all(),
        },
    )


@login_required
def reports(request: HttpRequest, contract_id: int) -> HttpResponse:
    member = acting_member(request)
    contract = access_contract(member, contract_id)
    form = CloseReportForm(request.POST or None)
    current = timezone.localdate().replace(day=1)
    if request.method == "POST":
        require_staff(member)
        if form.is_valid():
            month = form.cleaned_data["month"].replace(day=1)
            if month >= timezone.localdate().replace(day=1):
                form.add_error("month", _("Only a month that is over can be closed."))
            else:
                report, created = close_report(contract=contract, month=month)
                if created:
                    messages.success(request, _("The report is closed and sent to the client."))
                else:
                    messages.warning(
                        request, _("This month's report was already closed; here it is.")
                    )
                return redirect("support:report", report.pk)
    return render(
        request,
        "support/reports.html",
        {
            "contract": contract,
            "staff": is_support_staff(member),
            "form": form,
            "reports": [(r, month_label(r.month)) for r in contract.reports.all()],
            "current_month": month_label(current),
            **_figures(build_figures(contract, current)),
        },
    )


@login_required
def report(request: HttpRequest, report_id: int) -> HttpResponse:
    member = acting_member(request)
    found = access_report(member, report_id)
    context = {
        "report": found,
        "month": month_label(found.month),
        "staff": is_support_staff(member),
        **_figures(found.figures),
    }
    return render(request, "support/report.html", context)


def _figures(figures: dict[str, Any]) -> dict[str, Any]:
    """What the report body shows, from a closed report's or the month in progress' figures."""
    return {
        "kpis": kpi_rows(figures),
        "breaches": breach_rows(figures),
        "tickets": ticket_rows(figures),
        "maintenance": [
            {**m, "date": dt.date.fromisoformat(m["date"])} for m in figures.get("maintenance", [])
        ],
        "lifted": lifted_text(figures),
        "chart": availability_chart(figures),
        "availability": figures["month_kpis"]["availability"],
    }


def _report_file(request: HttpRequest, report_id: int, fmt: str) -> HttpResponse:
    """The report's file at once; a report of many rows is rendered by a job whose page offers
    the file (SLA_REPORT_BACKGROUND_ROWS)."""
    member = acting_member(request)
    found = access_report(member, report_id)
    if report_runs_in_background(found):
        return redirect("core:job", request_report_file(report=found, fmt=fmt, by=member).pk)
    return report_download(found, fmt)


@login_required
def report_pdf(request: HttpRequest, report_id: int) -> HttpResponse:
    return _report_file(request, report_id, "pdf")


@login_required
def report_xlsx(request: HttpRequest, report_id: int) -> HttpResponse:
    return _report_file(request, report_id, "xlsx")


@login_required
def notices(request: HttpRequest) -> HttpResponse:
    """Planned maintenance: clients read the notices; agents plan a window (and its notice)."""
    member = _member(request)
    staff = is_support_staff(member)
    scope = contracts_for(member)
    form = WindowForm(request.POST or None)
    if staff:
        form.fields["contract"] = forms.ModelChoiceField(label=_("Contract"), queryset=scope)
    if request.method == "POST":
        require_staff(member)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.plan_maintenance(
                    contract=d["contract"],
                    by=member,
                    title=d["title"],
                    kind=d["kind"],
                    starts_at=d["starts_at"].replace(tzinfo=PARIS),
                    ends_at=d["ends_at"].replace(tzinfo=PARIS),
                    high_impact=d["high_impact"],
                    urgent_security=d["urgent_security"],
                    description=d["description"],
                )
            except Refusal as refusal:
                form.add_error(None, refusal.message)
            else:
                messages.success(
                    request, _("The window is planned and the client's users are notified.")
                )
                return redirect("support:notices")
    windows = MaintenanceWindow.objects.filter(contract__in=scope).select_related(
        "contract__client"
    )
    return render(
        request,
        "support/notices.html",
        {"windows": windows[:100], "staff": staff, "form": form, "now": timezone.now()},
    )
