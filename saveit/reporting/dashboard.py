"""One dashboard: the figures of a scope under filters, grouped the ways the page shows them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from saveit.catalog.models import ModuleVersion

from .attended import Attended, attended_board
from .figures import Figures
from .selectors import (
    Filters,
    Scope,
    TrendPoint,
    VersionRow,
    campaigns,
    figures_by,
    population_names,
    total,
    trend,
    version_rows,
)


@dataclass
class ModuleFollowed:
    """Which versions of one module the learners followed (and their source procedures)."""

    code: str
    title: str
    versions: list[VersionRow]
    attended: Attended = field(default_factory=Attended)

    @property
    def completed(self) -> int:
        return sum(row.figures.completed for row in self.versions)


@dataclass
class Dashboard:
    scope: Scope
    filters: Filters
    totals: Figures
    versions: list[VersionRow]
    populations: list[tuple[str, Figures]]
    sites: list[tuple[str, Figures]]
    trend_unit: str
    trend: list[TrendPoint]
    modules: list[ModuleFollowed] = field(default_factory=list)
    campaigns: list = field(default_factory=list)  # re-certification campaigns, with counts

    @property
    def score_bins(self) -> list[tuple[str, int]]:
        """Final scores in tenths: 0–9, 10–19, …, 90–100."""
        counts = [0] * 10
        for score, count in self.totals.scores.items():
            counts[min(score // 10, 9)] += count
        return [(f"{10 * i}–{10 * i + 9 if i < 9 else 100}", counts[i]) for i in range(10)]


def _followed(rows: list[VersionRow], attended: dict[int, Attended]) -> list[ModuleFollowed]:
    modules: dict[int, ModuleFollowed] = {}
    for row in rows:
        module = row.version.module
        entry = modules.setdefault(
            module.pk,
            ModuleFollowed(module.code, module.title, [], attended.get(module.pk, Attended())),
        )
        entry.versions.append(row)
    return list(modules.values())


def _with_attendance(figures: Figures, attended: Attended | None) -> Figures:
    if attended is not None:
        figures.attended_seconds, figures.attendees = attended.seconds, attended.attendees
    return figures


def _named(by_key: dict, names: dict, attended: dict) -> list[tuple[str, Figures]]:
    rows = [
        (names.get(key, str(key)), _with_attendance(figures, attended.get(key)))
        for key, figures in by_key.items()
    ]
    return sorted(rows, key=lambda row: (-row[1].assigned, row[0]))


def build(scope: Scope, filters: Filters) -> Dashboard:
    by_version = figures_by("module_version_id", scope, filters)
    attended = attended_board(scope, filters)
    for pk, figures in by_version.items():
        _with_attendance(figures, attended.by_version.get(pk))
    versions = version_rows(by_version)
    populations = population_names(scope)
    populations[0] = _("Assigned individually")
    unit, points = trend(scope, filters)
    return Dashboard(
        scope=scope,
        filters=filters,
        totals=_with_attendance(total(by_version), attended.totals),
        versions=versions,
        populations=_named(
            figures_by("population_id", scope, filters), populations, attended.by_population
        ),
        sites=_named(
            figures_by("site", scope, filters),
            {"": _("No site")},
            attended.by_site,
        ),
        trend_unit=unit,
        trend=points,
        modules=_followed(versions, attended.by_module),
        campaigns=campaigns(scope, filters),
    )


def version_label(version: ModuleVersion) -> str:
    return f"{version.module.code} v{version.label}"


def period_label(unit: str, start: date) -> str:
    from saveit.core.dates import MONTHS

    if unit == "month":
        return f"{MONTHS[start.month - 1]} {start.year}"
    return _("week of %(day)s") % {"day": start.strftime("%d/%m/%Y")}
