"""Every dashboard table described once (saveit.core.tables writes it as CSV, XLSX or PDF)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from saveit.accounts.selectors import provider_organization
from saveit.core.charts import PDF_FONT_FAMILY
from saveit.core.jobs import ReportsProgress, counted, no_progress
from saveit.core.privacy import restricted_emails
from saveit.core.tables import Column, Table, csv_chunks, to_pdf, to_xlsx

from . import charts
from .attended import scope_seconds
from .dashboard import Dashboard, build, period_label, version_label
from .figures import Figures
from .forms import FilterForm
from .learners import count_export_assignments, export_assignments
from .selectors import Filters, Scope


def _minutes(seconds: int | None) -> Decimal | None:
    return None if seconds is None else (Decimal(seconds) / 60).quantize(Decimal("0.1"))


def _hours(seconds: int | None) -> Decimal | None:
    return None if seconds is None else (Decimal(seconds) / 3600).quantize(Decimal("0.01"))


def _figure_columns() -> list[Column]:
    return [
        Column("assigned", _("Assigned"), True),
        Column("not_started", _("Not started"), True),
        Column("in_progress", _("In progress"), True),
        Column("passed", _("Passed"), True),
        Column("failed", _("Failed"), True),
        Column("overdue", _("Overdue"), True),
        Column("completion_rate", _("Completion rate (%)"), True),
        Column("pass_rate", _("Pass rate (%)"), True),
        Column("average_score", _("Average score (%)"), True),
        Column("median_score", _("Median score (%)"), True),
        Column("mean_minutes", _("Mean time on task (min)"), True),
        Column("distance_hours", _("Distance time, total (h)"), True),
        Column("attended_hours", _("Hours attended in sessions (h)"), True),
        Column("attendees", _("Learners who attended"), True),
    ]


def _figure_values(figures: Figures) -> list[Any]:
    return [
        figures.assigned,
        figures.not_started,
        figures.in_progress,
        figures.passed,
        figures.failed,
        figures.overdue,
        figures.completion_rate,
        figures.pass_rate,
        figures.average_score,
        figures.median_score,
        _minutes(figures.mean_seconds),
        _hours(figures.seconds),
        _hours(figures.attended_seconds),
        figures.attendees,
    ]


def summary_table(board: Dashboard) -> Table:
    columns = _figure_columns()
    values = _figure_values(board.totals)
    return Table(
        _("Key figures"),
        [Column("figure", _("Figure")), Column("value", _("Value"), True)],
        [[column.label, value] for column, value in zip(columns, values, strict=True)],
    )


def versions_table(board: Dashboard) -> Table:
    columns = [
        Column("module", _("Module")),
        Column("version", _("Version")),
        Column("status", _("Version status")),
        Column("sources", _("Source procedures")),
        *_figure_columns(),
    ]
    rows = [
        [
            f"{row.version.module.code} · {row.version.title}",
            row.version.label,
            row.version.get_status_display()
            + (f" ({_('outdated')})" if row.version.is_outdated else ""),
            ", ".join(row.sources),
            *_figure_values(row.figures),
        ]
        for row in board.versions
    ]
    return Table(_("Results by module version"), columns, rows)


def populations_table(board: Dashboard) -> Table:
    columns = [Column("population", _("Population")), *_figure_columns()]
    rows = [[name, *_figure_values(figures)] for name, figures in board.populations]
    return Table(_("Results by population"), columns, rows)


def sites_table(board: Dashboard) -> Table:
    columns = [Column("site", _("Site")), *_figure_columns()]
    rows = [[name, *_figure_values(figures)] for name, figures in board.sites]
    return Table(_("Results by site"), columns, rows)


def trend_table(board: Dashboard) -> Table:
    assigned = board.totals.assigned
    columns = [
        Column("period", _("Period")),
        Column("completed", _("Completed"), True),
        Column("passed", _("Passed"), True),
        Column("cumulative", _("Completed since the start"), True),
        Column("rate", _("Cumulative completion rate (%)"), True),
    ]
    rows = [
        [
            period_label(board.trend_unit, point.start),
            point.completed,
            point.passed,
            point.cumulative,
            (Decimal(100 * point.cumulative) / assigned).quantize(Decimal("0.1"))
            if assigned
            else None,
        ]
        for point in board.trend
    ]
    return Table(_("Completion over time"), columns, rows)


def _learner_rows(scope: Scope, filters: Filters) -> Iterator[list[Any]]:
    restricted = restricted_emails(scope.organization_id)
    # Attendance is per learner and engagement: written once, on the first of their rows in the
    # engagement, so the column adds up.
    attended = scope_seconds(scope, filters)
    for row in export_assignments(scope, filters):
        learner = row.learner
        if learner.email.lower() in restricted:
            continue  # restriction or objection: the person is left out of exports
        attestation = getattr(row, "attestation", None)
        yield [
            learner.last_name,
            learner.first_name,
            learner.email,
            learner.employee_id,
            learner.site,
            row.population.name if row.population else _("Assigned individually"),
            version_label(row.module_version),
            row.get_status_display(),
            row.best_score,
            row.completed_at,
            row.due_on,
            attestation.number if attestation else "",
            _minutes(row.seconds_spent),
            _hours(attended.pop((learner.pk, row.engagement_id), None)),
        ]


def learners_table(scope: Scope, filters: Filters) -> Table:
    columns = [
        Column("last_name", _("Last name")),
        Column("first_name", _("First name")),
        Column("email", _("E-mail address")),
        Column("employee_id", _("Employee id")),
        Column("site", _("Site")),
        Column("population", _("Population")),
        Column("version", _("Version followed")),
        Column("status", _("Status")),
        Column("score", _("Score (%)"), True),
        Column("completed", _("Completed on")),
        Column("due", _("Due date")),
        Column("attestation", _("Attestation")),
        Column("minutes", _("Time on task (min)"), True),
        Column("attended_hours", _("Hours attended in sessions (h)"), True),
    ]
    return Table(_("Learners and results"), columns, _learner_rows(scope, filters))


BOARD_TABLES: dict[str, Callable[[Dashboard], Table]] = {
    "summary": summary_table,
    "versions": versions_table,
    "populations": populations_table,
    "sites": sites_table,
    "trend": trend_table,
}
TABLE_NAMES = (*BOARD_TABLES, "learners")
# The names of the exported files (French users, French file names).
FILE_NAMES = {
    "summary": "synthese",
    "versions": "versions-de-modules",
    "populations": "populations",
    "sites": "sites",
    "trend": "evolution",
    "learners": "apprenants",
}
FORMATS = ("csv", "xlsx", "pdf")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


@dataclass(frozen=True)
class Export:
    """One export asked for: which table of which scope, under which filters, in which format.

    `subtitle` (scope and filters in words) and `filename` are fixed when it is asked for, so
    a background job writes the very file the request would have."""

    scope: Scope
    filters: Filters
    table: str
    fmt: str
    subtitle: str
    filename: str

    @classmethod
    def asked(
        cls, scope: Scope, form: FilterForm, filters: Filters, table: str, fmt: str
    ) -> Export:
        """The export a page or the API asks for now (its subtitle and dated file name)."""
        subtitle = export_subtitle(scope, form, filters)
        return cls(scope, filters, table, fmt, subtitle, export_filename(table, fmt))


def place_label(scope: Scope) -> str:
    """The engagement (reference, client, title) or the client organisation an export covers."""
    from saveit.accounts.models import Organization
    from saveit.engagements.models import Engagement

    if scope.engagement_id is not None:
        engagement = Engagement.objects.select_related("client").get(pk=scope.engagement_id)
        return f"{engagement.reference} · {engagement.client.name} · {engagement.title}"
    organization = Organization.objects.get(pk=scope.organization_id)
    return f"{_('Client organisation: every engagement')} · {organization.name}"


def export_subtitle(scope: Scope, form: FilterForm, filters: Filters) -> str:
    """What the export covers, printed under its title: the place, then each filter's choice."""
    parts = [place_label(scope)]
    for name, value in filters.as_query().items():
        field = form.fields["from" if name == "from" else name]
        if isinstance(field, forms.BooleanField):  # a flag says itself: "Overdue only"
            parts.append(str(field.label))
            continue
        choices = dict(getattr(field, "choices", []))
        shown = choices.get(int(value) if value.isdigit() and name != "site" else value, value)
        parts.append(f"{field.label} : {shown}")
    return " · ".join(parts)


def export_filename(table: str, fmt: str) -> str:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return f"pilotage-{FILE_NAMES[table]}-{stamp}.{fmt}"


def export_title(scope: Scope, fmt: str) -> str:
    """The title of an export's job, as its progress page shows it."""
    return _("Learners and results (%(format)s) · %(place)s") % {
        "format": fmt.upper(),
        "place": place_label(scope),
    }


def runs_in_background(scope: Scope, filters: Filters, table: str) -> bool:
    """The learner list above REPORTING_EXPORT_BACKGROUND_ROWS rows is built by a job; the
    other tables read the cubes (a few hundred rows at most) and are always immediate."""
    if table != "learners":
        return False
    return count_export_assignments(scope, filters) > settings.REPORTING_EXPORT_BACKGROUND_ROWS


def _table_chart(table: str, board: Dashboard) -> str:
    drawers = {
        "versions": charts.completion_by_version,
        "trend": charts.completion_trend,
        "summary": charts.status_by_version,
    }
    drawer = drawers.get(table)
    return drawer(board, PDF_FONT_FAMILY) if drawer else ""


def export_chunks(export: Export, progress: ReportsProgress = no_progress) -> Iterator[bytes]:
    """The file's bytes, in chunks: streamed by the request, or written to disk by the job."""
    chart = ""
    if export.table == "learners":
        data = learners_table(export.scope, export.filters)
        if progress is not no_progress:  # a job: its page shows how far the rows are written
            total = count_export_assignments(export.scope, export.filters)
            data.rows = counted(data.rows, progress, total=total, step=_("Writing the rows"))
    else:
        board = build(export.scope, export.filters)
        data = BOARD_TABLES[export.table](board)
        chart = _table_chart(export.table, board) if export.fmt == "pdf" else ""
    data.subtitle = export.subtitle
    if export.fmt == "csv":
        for text in csv_chunks(data):
            yield text.encode("utf-8")
    elif export.fmt == "xlsx":
        yield to_xlsx(data)
    else:
        issuer = provider_organization()
        yield to_pdf(data, issuer=issuer.name if issuer else "", chart=chart)


def download(export: Export) -> HttpResponse | StreamingHttpResponse:
    """An export answered in the request (the CSV streamed as it is written)."""
    response: HttpResponse | StreamingHttpResponse
    content_type = CONTENT_TYPES[export.fmt]
    if export.fmt == "csv":
        response = StreamingHttpResponse(export_chunks(export), content_type=content_type)
    else:
        response = HttpResponse(b"".join(export_chunks(export)), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response
