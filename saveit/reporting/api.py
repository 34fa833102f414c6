"""Dashboards API, mounted at /api/v1/: the same figures as the pages, as JSON.

Rates and scores are exact decimals written as strings ("66.7"); null when nothing to divide.
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from ninja import Field, Query, Router, Schema
from ninja.errors import ValidationError

from saveit.accounts.permissions import acting_member
from saveit.core.api_jobs import JobAcceptedOut, job_accepted
from saveit.core.api_support import COMMON_ERRORS

from . import exports
from .dashboard import Dashboard, build
from .figures import Figures
from .forms import FilterForm
from .jobs import request_export
from .permissions import client_scope, engagement_scope
from .selectors import Filters, Scope

router = Router(tags=["dashboards"])


class FiltersIn(Schema):
    population: int | None = None
    site: str | None = None
    from_: str | None = Field(None, alias="from", description="first month, YYYY-MM")
    to: str | None = Field(None, description="last month, YYYY-MM")
    module: int | None = None
    version: int | None = None
    overdue: bool = Field(
        False, description="only the overdue assignments: not completed, past their due date"
    )


class FiguresOut(Schema):
    assigned: int
    not_started: int
    in_progress: int
    started: int
    completed: int
    passed: int
    failed: int
    overdue: int
    replaced: int
    completion_rate: str | None
    pass_rate: str | None
    average_score: str | None
    median_score: str | None
    mean_seconds: int | None
    distance_seconds: int
    attended_seconds: int
    attendees: int


class VersionFiguresOut(Schema):
    version_id: int
    module_code: str
    label: str
    status: str
    outdated: bool
    sources: list[str]
    figures: FiguresOut


class GroupFiguresOut(Schema):
    name: str
    figures: FiguresOut


class TrendOut(Schema):
    start: str
    completed: int
    passed: int
    cumulative: int


class DashboardOut(Schema):
    organization_id: int
    engagement_id: int | None
    filters: dict[str, str]
    totals: FiguresOut
    versions: list[VersionFiguresOut]
    populations: list[GroupFiguresOut]
    sites: list[GroupFiguresOut]
    trend_unit: str
    trend: list[TrendOut]


def _form(query: dict[str, Any], scope: Scope) -> FilterForm:
    data = {key: str(value) for key, value in query.items() if value not in (None, "")}
    form = FilterForm(data, scope=scope)
    if not form.is_valid():
        raise ValidationError(
            [
                {"loc": ["query", field], "msg": " ".join(map(str, errors)), "type": "value_error"}
                for field, errors in form.errors.items()
            ]
        )
    return form


def _filters(query: dict[str, Any], scope: Scope) -> Filters:
    return _form(query, scope).filters()


def _out(board: Dashboard) -> dict[str, Any]:
    def figures(value: Figures) -> dict[str, object]:
        return {**value.as_dict(), **value.attendance_dict()}

    return {
        "organization_id": board.scope.organization_id,
        "engagement_id": board.scope.engagement_id,
        "filters": board.filters.as_query(),
        "totals": figures(board.totals),
        "versions": [
            {
                "version_id": row.version.pk,
                "module_code": row.version.module.code,
                "label": row.version.label,
                "status": row.version.status,
                "outdated": row.version.is_outdated,
                "sources": row.sources,
                "figures": figures(row.figures),
            }
            for row in board.versions
        ],
        "populations": [{"name": n, "figures": figures(f)} for n, f in board.populations],
        "sites": [{"name": n, "figures": figures(f)} for n, f in board.sites],
        "trend_unit": board.trend_unit,
        "trend": [
            {
                "start": point.start.isoformat(),
                "completed": point.completed,
                "passed": point.passed,
                "cumulative": point.cumulative,
            }
            for point in board.trend
        ],
    }


@router.get(
    "/engagements/{engagement_id}/dashboard",
    response={200: DashboardOut, **COMMON_ERRORS},
    summary="Figures of an engagement",
)
def engagement_dashboard(
    request: HttpRequest, engagement_id: int, query: Query[FiltersIn]
) -> dict[str, Any]:
    scope = engagement_scope(acting_member(request), engagement_id)
    return _out(build(scope, _filters(query.dict(by_alias=True), scope)))


@router.get(
    "/clients/{organization_id}/dashboard",
    response={200: DashboardOut, **COMMON_ERRORS},
    summary="Figures of a client organisation (all its engagements)",
)
def client_dashboard(
    request: HttpRequest, organization_id: int, query: Query[FiltersIn]
) -> dict[str, Any]:
    scope, _organization = client_scope(acting_member(request), organization_id)
    return _out(build(scope, _filters(query.dict(by_alias=True), scope)))


class ExportIn(FiltersIn):
    format: Literal["csv", "xlsx", "pdf"] = "csv"


TableName = Literal["summary", "versions", "populations", "sites", "trend", "learners"]
EXPORT_RESPONSES = {200: None, 202: JobAcceptedOut, **COMMON_ERRORS}


def _export(
    request: HttpRequest, scope: Scope, table: str, query: ExportIn
) -> HttpResponse | StreamingHttpResponse | tuple[int, dict[str, Any]]:
    form = _form(query.dict(by_alias=True, exclude={"format"}), scope)
    filters = form.filters()
    export = exports.Export.asked(scope, form, filters, table, query.format)
    if exports.runs_in_background(scope, filters, table):
        title = exports.export_title(scope, query.format)
        return job_accepted(request_export(export=export, by=acting_member(request), title=title))
    return exports.download(export)


@router.get(
    "/engagements/{engagement_id}/exports/{table}",
    response=EXPORT_RESPONSES,
    summary="Export a table of an engagement's dashboard",
)
def engagement_export(
    request: HttpRequest, engagement_id: int, table: TableName, query: Query[ExportIn]
) -> Any:
    """The file (CSV, XLSX or PDF) under the same filters as the dashboard; a learner list
    above REPORTING_EXPORT_BACKGROUND_ROWS rows answers 202: poll `job_url`, then download
    its `result_url`."""
    scope = engagement_scope(acting_member(request), engagement_id)
    return _export(request, scope, table, query)


@router.get(
    "/clients/{organization_id}/exports/{table}",
    response=EXPORT_RESPONSES,
    summary="Export a table of a client organisation's dashboard",
)
def client_export(
    request: HttpRequest, organization_id: int, table: TableName, query: Query[ExportIn]
) -> Any:
    """As the engagement export, over every engagement of the client organisation."""
    scope, _organization = client_scope(acting_member(request), organization_id)
    return _export(request, scope, table, query)
