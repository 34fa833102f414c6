"""The monthly SLA report of a contract: figures frozen at closing, rendered as PDF and XLSX."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook

from saveit.accounts.selectors import provider_organization
from saveit.audit.chain import record_event
from saveit.core.charts import PDF_FONT_FAMILY
from saveit.core.charts.bars import Bar, hbar_chart
from saveit.core.charts.svg import french_percent
from saveit.core.dates import long_date
from saveit.core.pdf.render import render_pdf
from saveit.core.tables import (
    Duration,
    Percent,
    Quantity,
    add_xlsx_sheet,
    display,
    duration_text,
    xlsx_bytes,
)
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
    return "—" if minutes is None else duration_text(minutes)


def _minutes(minutes: float | None, prefix: str = "") -> Duration | None:
    """A counted time or a target as a typed value: a duration cell in the XLSX, "2 h 05" on
    screen and in the PDF, nothing (an empty cell, "—" in print) when there is none."""
    return None if minutes is None else Duration(minutes, prefix)


def _percent(value: float | None, places: int, prefix: str = "") -> Percent | None:
    return None if value is None else Percent(value, places, prefix)


def _yes(met: bool) -> str:
    return _("met") if met else _("missed")


def kpi_rows(figures: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per KPI: label, target, month value, 12-month value (typed values that print in
    French), met flags."""
    month, rolling = figures["month_kpis"], figures["rolling_kpis"]
    rows = [
        {
            "label": _("Availability (24/7, planned maintenance excluded)"),
            "target": _percent(month["availability"]["target"], 1, "≥ "),
            "month": _percent(month["availability"]["value"], 2),
            "rolling": _percent(rolling["availability"]["value"], 2),
            "month_met": month["availability"]["met"],
            "rolling_met": rolling["availability"]["met"],
        },
        {
            "label": _("Acknowledgement (mean, working hours)"),
            "target": _minutes(month["acknowledgement"]["target"], "≤ "),
            "month": _minutes(month["acknowledgement"]["mean"]),
            "rolling": _minutes(rolling["acknowledgement"]["mean"]),
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
                "target": _minutes(kpi["target"], "≤ "),
                "month": _minutes(kpi["mean"]),
                "rolling": _minutes(rolling["restoration"][priority]["mean"]),
                "month_met": kpi["met"],
                "rolling_met": rolling["restoration"][priority]["met"],
            }
        )

    def days(value: float | None, prefix: str = "") -> Quantity | None:
        return None if value is None else Quantity(value, 1, _("working days"), prefix)

    rows.append(
        {
            "label": _("Maintenance notice (mean)"),
            "target": days(month["notice"]["target_days"], "≥ "),
            "month": days(month["notice"]["mean_days"]),
            "rolling": days(rolling["notice"]["mean_days"]),
            "month_met": month["notice"]["met"],
            "rolling_met": rolling["notice"]["met"],
        }
    )
    return rows


def breach_rows(figures: dict[str, Any]) -> list[list[Any]]:
    kpis = figures["month_kpis"]
    rows: list[list[Any]] = [
        [n, _("Acknowledgement"), _minutes(m), _minutes(kpis["acknowledgement"]["target"])]
        for _pk, n, m in kpis["acknowledgement"]["breaches"]
    ]
    for priority, kpi in kpis["restoration"].items():
        rows += [
            [n, _("Restoration %(p)s") % {"p": priority}, _minutes(m), _minutes(kpi["target"])]
            for _pk, n, m in kpi["breaches"]
        ]
    return rows


def ticket_rows(figures: dict[str, Any]) -> list[list[Any]]:
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
        rows.append([number, title, priority or "—", _minutes(minutes), _minutes(target), verdict])
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
                    dt.date.fromisoformat(m["date"]),
                    m["kind"],
                    _minutes(m["duration"]),
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
                "sections": [
                    {**section, "rows": [[display(v) for v in row] for row in section["rows"]]}
                    for section in _sections(report)
                ],
            },
        )


def render_report_xlsx(report: SlaReport) -> bytes:
    """The sections as typed cells: dates, percentages and durations a spreadsheet can compute
    with, shown in French by their number formats."""
    with translation.override("fr"):
        workbook = Workbook(write_only=True)
        for section in _sections(report):
            add_xlsx_sheet(workbook, section["title"], section["columns"], section["rows"])
        return xlsx_bytes(workbook)


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
