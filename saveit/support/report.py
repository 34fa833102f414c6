"""The monthly SLA report of a contract: figures frozen at closing, rendered as PDF and XLSX."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from saveit.accounts.selectors import provider_organization
from saveit.audit.chain import record_event
from saveit.core.charts import PDF_FONT_FAMILY
from saveit.core.charts.bars import Bar, hbar_chart
from saveit.core.charts.svg import french_number, french_percent
from saveit.core.dates import long_date
from saveit.core.pdf.render import render_pdf
from saveit.core.tables import spreadsheet_safe
from saveit.core.tasks import send_email_after_commit

from .clock import PARIS, is_working_day
from .kpis import availability, compute_kpis
from .models import MaintenanceRecord, Outage, SlaReport, SupportContract, Ticket
from .notifications import _client_users
from .rules import RESTORATION_TARGETS

MONTHS_FR = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]


def month_bounds(month: dt.date, months: int = 1) -> tuple[dt.datetime, dt.datetime]:
    """[first instant of `month` − (months − 1), first instant of the next month), Paris time."""
    y, m = month.year, month.month
    end_y, end_m = (y + 1, 1) if m == 12 else (y, m + 1)
    start_index = y * 12 + (m - 1) - (months - 1)
    start = dt.datetime(start_index // 12, start_index % 12 + 1, 1, tzinfo=PARIS)
    return start, dt.datetime(end_y, end_m, 1, tzinfo=PARIS)


def month_label(month: dt.date) -> str:
    return f"{MONTHS_FR[month.month - 1]} {month.year}"


def first_working_day(month: dt.date) -> dt.date:
    day = month.replace(day=1)
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def previous_month(day: dt.date) -> dt.date:
    return (day.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def build_figures(contract: SupportContract, month: dt.date) -> dict[str, Any]:
    start, end = month_bounds(month)
    rolling_start, _end = month_bounds(month, 12)
    records = MaintenanceRecord.objects.filter(
        contract=contract, performed_on__gte=start.date(), performed_on__lt=end.date()
    ).select_related("person_in_charge__user", "ticket")
    outages = Outage.objects.filter(contract=contract, started_at__lt=end).exclude(
        ended_at__lte=start
    )
    history = []
    for back in range(11, -1, -1):
        index = month.year * 12 + month.month - 1 - back
        m = dt.date(index // 12, index % 12 + 1, 1)
        a, b = month_bounds(m)
        history.append([m.isoformat(), availability(contract.pk, a, b)["value"]])
    return {
        "month": month.isoformat(),
        "lifted": contract.reversibility_in_progress,
        "month_kpis": compute_kpis(contract, start, end),
        "rolling_kpis": compute_kpis(contract, rolling_start, end),
        "availability_history": history,
        "tickets": [
            [number, title, priority, minutes, exclusion]
            for number, title, priority, minutes, exclusion in Ticket.objects.filter(
                contract=contract, restored_at__gte=start, restored_at__lt=end
            )
            .order_by("restored_at")
            .values_list("number", "title", "priority", "restoration_minutes", "exclusion")
        ],
        "maintenance": [
            {
                "date": r.performed_on.isoformat(),
                "kind": r.get_kind_display(),
                "duration": r.duration_minutes,
                "actions": r.actions,
                "findings": r.findings,
                "cost": str(r.cost),
                "person": r.person_in_charge.user.full_name,
                "ticket": r.ticket.number if r.ticket else "",
            }
            for r in records
        ],
        "outages": [
            {
                "start": o.started_at.isoformat(),
                "end": o.ended_at.isoformat() if o.ended_at else None,
                "cause": o.cause,
            }
            for o in outages
        ],
    }


def close_report(
    *, contract: SupportContract, month: dt.date, at: dt.datetime | None = None, send: bool = True
) -> tuple[SlaReport, bool]:
    """Close the month's report once (a second call returns the existing one, created False)."""
    month = month.replace(day=1)
    existing = SlaReport.objects.filter(contract=contract, month=month).first()
    if existing is not None:
        return existing, False
    now = at or timezone.now()
    try:
        with transaction.atomic():
            report = SlaReport.objects.create(
                contract=contract,
                month=month,
                figures=build_figures(contract, month),
                closed_at=now,
                sent_at=now if send else None,
            )
            record_event(
                organization=contract.client,
                action="support.report_closed",
                target=report,
                after={"month": month.isoformat(), "sent": send},
            )
            if send:
                with translation.override("fr"):
                    subject = _("[Support] SLA report for %(m)s") % {"m": month_label(month)}
                    body = _(
                        "The SLA report of %(m)s for contract %(c)s is available in SAVE IT."
                    ) % {
                        "m": month_label(month),
                        "c": contract.reference,
                    }
                to = _client_users(contract.client_id)
                if to:
                    send_email_after_commit(to=to, subject=subject, body=body)
    except IntegrityError:  # closed by a concurrent run
        return SlaReport.objects.get(contract=contract, month=month), False
    return report, True


# --- presentation --------------------------------------------------------------------------


def duration(minutes: float | None) -> str:
    if minutes is None:
        return "—"
    whole = round(minutes)
    hours, rest = divmod(whole, 60)
    return f"{hours} h {rest:02d}" if hours else f"{rest} min"


def _yes(met: bool) -> str:
    return _("met") if met else _("missed")


def kpi_rows(figures: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per KPI: label, target, month value, 12-month value, met flags."""
    month, rolling = figures["month_kpis"], figures["rolling_kpis"]
    rows = [
        {
            "label": _("Availability (24/7, planned maintenance excluded)"),
            "target": "≥ " + french_percent(month["availability"]["target"], 1),
            "month": french_percent(month["availability"]["value"], 2),
            "rolling": french_percent(rolling["availability"]["value"], 2),
            "month_met": month["availability"]["met"],
            "rolling_met": rolling["availability"]["met"],
        },
        {
            "label": _("Acknowledgement (mean, working hours)"),
            "target": "≤ " + duration(month["acknowledgement"]["target"]),
            "month": duration(month["acknowledgement"]["mean"]),
            "rolling": duration(rolling["acknowledgement"]["mean"]),
            "month_met": month["acknowledgement"]["met"],
            "rolling_met": rolling["acknowledgement"]["met"],
        },
    ]
    window_labels = {"round_the_clock": _("24/7"), "business": _("business hours")}
    for priority, kpi in month["restoration"].items():
        rows.append(
            {
                "label": _("Restoration %(p)s (mean, %(w)s)")
                % {"p": priority, "w": window_labels[kpi["window"]]},
                "target": "≤ " + duration(kpi["target"]),
                "month": duration(kpi["mean"]),
                "rolling": duration(rolling["restoration"][priority]["mean"]),
                "month_met": kpi["met"],
                "rolling_met": rolling["restoration"][priority]["met"],
            }
        )

    def days(value: float | None) -> str:
        return "—" if value is None else french_number(value, 1) + " " + _("working days")

    rows.append(
        {
            "label": _("Maintenance notice (mean)"),
            "target": "≥ " + days(month["notice"]["target_days"]),
            "month": days(month["notice"]["mean_days"]),
            "rolling": days(rolling["notice"]["mean_days"]),
            "month_met": month["notice"]["met"],
            "rolling_met": rolling["notice"]["met"],
        }
    )
    return rows


def breach_rows(figures: dict[str, Any]) -> list[list[str]]:
    kpis = figures["month_kpis"]
    rows = [
        [n, _("Acknowledgement"), duration(m), duration(kpis["acknowledgement"]["target"])]
        for _pk, n, m in kpis["acknowledgement"]["breaches"]
    ]
    for priority, kpi in kpis["restoration"].items():
        rows += [
            [n, _("Restoration %(p)s") % {"p": priority}, duration(m), duration(kpi["target"])]
            for _pk, n, m in kpi["breaches"]
        ]
    return rows


def ticket_rows(figures: dict[str, Any]) -> list[list[str]]:
    """The tickets restored in the month: counted time against the target of their priority."""
    rows = []
    for number, title, priority, minutes, exclusion in figures.get("tickets", []):
        target = RESTORATION_TARGETS[priority][0] if priority else None
        if exclusion:
            verdict = _("excluded")
        elif target is None or minutes is None:
            verdict = _("to assess")
        else:
            verdict = _("met") if minutes <= target else _("missed")
        rows.append([number, title, priority or "—", duration(minutes), duration(target), verdict])
    return rows


def availability_chart(figures: dict[str, Any], *, font_family: str | None = None) -> str:
    bars = [
        Bar(month_label(dt.date.fromisoformat(m)), value, french_percent(value, 2))
        for m, value in figures["availability_history"]
    ]
    return hbar_chart(
        title=_("Availability over 12 months"),
        description=_("Monthly availability, planned maintenance excluded; target 99,5 %."),
        rows=bars,
        max_value=100,
        id_prefix="availability",
        font_family=font_family,
    )


def _sections(report: SlaReport) -> list[dict[str, Any]]:
    figures = report.figures
    kpis = kpi_rows(figures)
    return [
        {
            "title": _("Commitments"),
            "columns": [
                _("Indicator"),
                _("Target"),
                _("Month"),
                _("Month status"),
                _("12 months"),
                _("12-month status"),
            ],
            "numeric": [],
            "rows": [
                [
                    r["label"],
                    r["target"],
                    r["month"],
                    _yes(r["month_met"]),
                    r["rolling"],
                    _yes(r["rolling_met"]),
                ]
                for r in kpis
            ],
            "empty": "",
        },
        {
            "title": _("Breaches of the month"),
            "columns": [_("Ticket"), _("Clock"), _("Counted"), _("Target")],
            "numeric": [2, 3],
            "rows": breach_rows(figures),
            "empty": _("No breach this month."),
        },
        {
            "title": _("Tickets restored in the month"),
            "columns": [
                _("Ticket"),
                _("Title"),
                _("Priority"),
                _("Counted"),
                _("Target"),
                _("Status"),
            ],
            "numeric": [3, 4],
            "rows": ticket_rows(figures),
            "empty": _("No ticket restored this month."),
        },
        {
            "title": _("Maintenance of the month"),
            "columns": [_("Date"), _("Kind"), _("Duration"), _("Actions"), _("Person in charge")],
            "numeric": [2],
            "rows": [
                [
                    long_date(dt.date.fromisoformat(m["date"])),
                    m["kind"],
                    duration(m["duration"]),
                    m["actions"],
                    m["person"],
                ]
                for m in figures["maintenance"]
            ],
            "empty": _("No maintenance this month."),
        },
    ]


def report_title(report: SlaReport) -> str:
    return _("SLA report — %(m)s") % {"m": month_label(report.month)}


def lifted_text(figures: dict[str, Any]) -> str:
    if not figures.get("lifted"):
        return ""
    return _("A reversibility is in progress: the SLA commitments are lifted for this period.")


def render_report_pdf(report: SlaReport) -> bytes:
    with translation.override("fr"):
        provider = provider_organization()
        return render_pdf(
            "sla_report",
            {
                "title": report_title(report),
                "subtitle": (
                    f"{report.contract.client.name} · {report.contract.reference}"
                    f" — {report.contract.title}"
                ),
                "issuer": provider.name if provider else "",
                "printed_on": long_date(timezone.now()),
                "labels": {"page": _("page"), "printed_on": _("Printed on")},
                "lifted": lifted_text(report.figures),
                "chart": availability_chart(report.figures, font_family=PDF_FONT_FAMILY),
                "sections": _sections(report),
            },
        )


def render_report_xlsx(report: SlaReport) -> bytes:
    with translation.override("fr"):
        workbook = Workbook()
        workbook.remove(workbook.active)
        bold = Font(bold=True)
        for section in _sections(report):
            sheet = workbook.create_sheet(title=section["title"][:31])
            sheet.append(section["columns"])
            for cell in sheet[1]:
                cell.font = bold
            for row in section["rows"]:
                sheet.append([spreadsheet_safe(str(v)) for v in row])
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()


# --- the report as a file: at once, or by a background job ------------------------------------

REPORT_FORMATS = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def report_file(report: SlaReport, fmt: str) -> bytes:
    """The report's PDF or XLSX: what the download answers and what the job stores."""
    return render_report_pdf(report) if fmt == "pdf" else render_report_xlsx(report)


def report_filename(report: SlaReport, fmt: str) -> str:
    return f"rapport-sla-{report.month:%Y-%m}.{fmt}"


def report_rows(report: SlaReport) -> int:
    """The rows the report prints (tickets, breaches, maintenance), read from its frozen figures."""
    figures = report.figures
    return (
        len(figures.get("tickets", []))
        + len(breach_rows(figures))
        + len(figures.get("maintenance", []))
    )


def runs_in_background(report: SlaReport) -> bool:
    """A report of more than SLA_REPORT_BACKGROUND_ROWS rows is rendered by a job."""
    return report_rows(report) > settings.SLA_REPORT_BACKGROUND_ROWS


def report_download(report: SlaReport, fmt: str) -> HttpResponse:
    response = HttpResponse(report_file(report, fmt), content_type=REPORT_FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{report_filename(report, fmt)}"'
    return response
