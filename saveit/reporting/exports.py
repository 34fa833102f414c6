"""Every dashboard table described once (saveit.core.tables writes it as CSV, XLSX or PDF)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from saveit.core.privacy import restricted_emails
from saveit.core.tables import Column, Table

from .attended import scope_seconds
from .dashboard import Dashboard, period_label, version_label
from .figures import Figures
from .learners import export_assignments
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
