"""Dashboard reads: the cubes of one client organisation or one engagement, filtered.

Every query here reads the pre-aggregated cubes (a few thousand rows where the assignments are
millions), never the assignments themselves, except the paged learner list.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import models
from django.db.models import Count, Min, Q, QuerySet, Sum
from django.utils import timezone

from saveit.catalog.models import ModuleVersion
from saveit.core.versions import version_tag
from saveit.learning.models import Assignment, Population, RecertificationCampaign

from .figures import Figures
from .models import CompletionCell, ScoreCell, StatusCell, TrendCell

OPEN = Assignment.OPEN_STATUSES


@dataclass(frozen=True)
class Scope:
    """A client organisation, or one of its engagements (already reached by an access helper)."""

    organization_id: int
    engagement_id: int | None = None


@dataclass(frozen=True)
class Filters:
    population: int | None = None  # 0: assigned individually
    site: str | None = None
    month_from: date | None = None
    month_to: date | None = None
    module: int | None = None
    version: int | None = None
    overdue: bool = False  # only the overdue assignments (Assignment.overdue)

    def is_empty(self) -> bool:
        return self == Filters()

    def as_query(self) -> dict[str, str]:
        """The filters as URL parameters (the same names the filter form reads)."""
        values = {
            "population": self.population,
            "site": self.site,
            "from": self.month_from.strftime("%Y-%m") if self.month_from else None,
            "to": self.month_to.strftime("%Y-%m") if self.month_to else None,
            "module": self.module,
            "version": self.version,
            "overdue": "1" if self.overdue else None,
        }
        return {key: str(value) for key, value in values.items() if value not in (None, "")}


def current_assignments() -> QuerySet[Assignment]:
    """The assignments the dashboards count: neither replaced by a newer version nor superseded
    by a new cycle of the same one."""
    return Assignment.objects.filter(Assignment.current())


def cells(cube: type[models.Model], scope: Scope, filters: Filters) -> QuerySet[Any]:
    queryset = cube._default_manager.filter(organization_id=scope.organization_id)
    if scope.engagement_id is not None:
        queryset = queryset.filter(engagement_id=scope.engagement_id)
    wanted = {
        "population_id": filters.population,
        "site": filters.site,
        "assigned_month__gte": filters.month_from,
        "assigned_month__lte": filters.month_to,
        "module_id": filters.module,
        "module_version_id": filters.version,
    }
    queryset = queryset.filter(**{k: v for k, v in wanted.items() if v is not None})
    if filters.overdue:
        if cube is not StatusCell:
            # The other cubes hold completed assignments only, and none of those is overdue.
            return queryset.none()
        queryset = queryset.filter(Assignment.overdue(timezone.localdate()))
    return queryset


def figures_by(group: str | None, scope: Scope, filters: Filters) -> dict[Any, Figures]:
    """Figures per value of one dimension (or overall under the key None)."""
    columns = [group] if group else []
    today = timezone.localdate()
    result: dict[Any, Figures] = defaultdict(Figures)
    statuses = (
        cells(StatusCell, scope, filters)
        .values(*columns, "status")
        .annotate(
            count=Sum("n"),
            secs=Sum("seconds"),
            scored_n=Sum("scored"),
            scores=Sum("score_sum"),
            late=Sum("n", filter=Assignment.overdue(today)),
        )
        .order_by()
    )
    for row in statuses:
        figures = result[row[group] if group else None]
        figures.by_status[row["status"]] = figures.by_status.get(row["status"], 0) + row["count"]
        figures.overdue += row["late"] or 0
        figures.seconds += row["secs"]
        figures.scored += row["scored_n"]
        figures.score_sum += row["scores"]
    histogram = (
        cells(ScoreCell, scope, filters)
        .values(*columns, "score")
        .annotate(count=Sum("n"))
        .order_by()
    )
    for row in histogram:
        scores = result[row[group] if group else None].scores
        scores[row["score"]] = scores.get(row["score"], 0) + row["count"]
    return dict(result)


def total(by_group: dict[Any, Figures]) -> Figures:
    """The sum of figures of disjoint groups."""
    merged = Figures()
    for figures in by_group.values():
        for status, count in figures.by_status.items():
            merged.by_status[status] = merged.by_status.get(status, 0) + count
        for score, count in figures.scores.items():
            merged.scores[score] = merged.scores.get(score, 0) + count
        merged.overdue += figures.overdue
        merged.seconds += figures.seconds
        merged.scored += figures.scored
        merged.score_sum += figures.score_sum
    return merged


@dataclass(frozen=True)
class TrendPoint:
    start: date  # Monday of the week, or first day of the month
    completed: int
    passed: int
    cumulative: int  # completed since the beginning


def trend(scope: Scope, filters: Filters, *, max_weeks: int = 26) -> tuple[str, list[TrendPoint]]:
    """Completions per week (per month when the span is longer than `max_weeks`)."""
    # Without a population or site filter, the coarse cube has the same answer in far fewer rows.
    detailed = filters.population is not None or filters.site is not None
    rows = (
        cells(CompletionCell if detailed else TrendCell, scope, filters)
        .values("week", "passed")
        .annotate(count=Sum("n"))
        .order_by("week")
    )
    weekly: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        weekly[row["week"]][0] += row["count"]
        weekly[row["week"]][1] += row["count"] if row["passed"] else 0
    if not weekly:
        return "week", []
    first, last = min(weekly), max(weekly)
    unit = "week" if (last - first).days // 7 < max_weeks else "month"
    buckets: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for week, (completed, passed) in weekly.items():
        start = week if unit == "week" else week.replace(day=1)
        buckets[start][0] += completed
        buckets[start][1] += passed
    points, cumulative = [], 0
    for start in _periods(first if unit == "week" else first.replace(day=1), last, unit):
        completed, passed = buckets.get(start, [0, 0])
        cumulative += completed
        points.append(TrendPoint(start, completed, passed, cumulative))
    return unit, points


def _periods(first: date, last: date, unit: str) -> list[date]:
    periods, current = [], first
    while current <= last:
        periods.append(current)
        if unit == "week":
            current += timedelta(days=7)
        else:
            current = (current.replace(day=28) + timedelta(days=4)).replace(day=1)
    return periods


@dataclass
class VersionRow:
    version: ModuleVersion
    figures: Figures
    sources: list[str] = field(default_factory=list)  # "Procedure title v2"
    url: str = ""  # set by the page: the dashboard filtered on this version


def versions(ids: list[int], *, with_sources: bool = True) -> dict[int, ModuleVersion]:
    """The versions by id, without their frozen snapshot (large, and not shown here)."""
    queryset = ModuleVersion.objects.filter(pk__in=ids).select_related("module").defer("snapshot")
    if with_sources:
        queryset = queryset.prefetch_related("source_links__document_version__source")
    return {version.pk: version for version in queryset}


def version_rows(by_version: dict[Any, Figures]) -> list[VersionRow]:
    found = versions(list(by_version))
    rows = [
        VersionRow(
            version=found[pk],
            figures=figures,
            sources=[
                f"{link.document_version.source.title} "
                f"{version_tag(link.document_version.version_label)}"
                for link in found[pk].source_links.all()
            ],
        )
        for pk, figures in by_version.items()
        if pk in found
    ]
    rows.sort(key=lambda row: (row.version.module.code, row.version.major, row.version.minor))
    return rows


def population_names(scope: Scope) -> dict[int, str]:
    queryset = Population.objects.filter(organization_id=scope.organization_id)
    if scope.engagement_id is not None:
        queryset = queryset.filter(engagement_id=scope.engagement_id)
    return dict(queryset.values_list("pk", "name"))


def sites(scope: Scope) -> list[str]:
    return sorted(
        cells(StatusCell, scope, Filters()).values_list("site", flat=True).distinct().order_by()
    )


def scope_versions(scope: Scope) -> list[ModuleVersion]:
    """Every module version with assignments in the scope (for the filter choices)."""
    ids = cells(StatusCell, scope, Filters()).values_list("module_version_id", flat=True)
    found = versions(list(ids.distinct().order_by()), with_sources=False)
    return sorted(found.values(), key=lambda v: (v.module.code, v.major, v.minor))


def campaigns(scope: Scope, filters: Filters) -> list[RecertificationCampaign]:
    """Re-certification campaigns of the scope (new version or expiry), each with the counts of
    its current assignments (`assigned`, `passed`, `still_open`), in one query."""
    queryset = RecertificationCampaign.objects.filter(organization_id=scope.organization_id)
    if scope.engagement_id is not None:
        queryset = queryset.filter(module__engagement_id=scope.engagement_id)
    if filters.module is not None:
        queryset = queryset.filter(module_id=filters.module)
    if filters.version is not None:
        queryset = queryset.filter(version_id=filters.version)
    current = Q(assignments__superseded_at__isnull=True) & ~Q(
        assignments__status=Assignment.Status.REPLACED
    )
    return list(
        queryset.select_related("version__module")
        .defer("version__snapshot")
        .annotate(
            assigned=Count("assignments", filter=current),
            passed=Count(
                "assignments", filter=current & Q(assignments__status=Assignment.Status.PASSED)
            ),
            still_open=Count("assignments", filter=current & Q(assignments__status__in=OPEN)),
        )
        .order_by("-created_at", "pk")
    )


@dataclass(frozen=True)
class OverdueEngagement:
    """An engagement with overdue learners: how many, and since when (the oldest due date)."""

    engagement_id: int
    reference: str
    title: str
    learners: int
    assignments: int
    oldest_due_on: date


def overdue_by_engagement(engagements: QuerySet[Any], today: date) -> list[OverdueEngagement]:
    """Per engagement of `engagements` (already scoped by an access helper), its learners with an
    overdue current assignment; oldest first. One aggregate query."""
    rows = (
        current_assignments()
        .filter(Assignment.overdue(today), engagement__in=engagements.values("pk"))
        .values("engagement_id", "engagement__reference", "engagement__title")
        .annotate(
            learners=Count("learner_id", distinct=True),
            assignments=Count("pk"),
            oldest=Min("due_on"),
        )
        .order_by("oldest", "engagement_id")
    )
    return [
        OverdueEngagement(
            row["engagement_id"],
            row["engagement__reference"],
            row["engagement__title"],
            row["learners"],
            row["assignments"],
            row["oldest"],
        )
        for row in rows
    ]
