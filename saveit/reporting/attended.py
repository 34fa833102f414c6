"""Hours attended in sessions (signed attendance sheets), beside distance time, on dashboards.

Attendance is counted per learner and engagement (and per module when the session has one) by
one aggregate query of the attendance app; this module spreads those totals over the rows a
dashboard shows, with one more query on the attendees' assignments (attendees are the people
in the rooms: a few thousand at most, where the assignments may be millions).

- totals: every attendee of the scope who matches the filters (site on the learner; population,
  module, version, period and overdue through an assignment in the same engagement; module and
  version also keep only the sessions of that module);
- per module version: hours of the sessions of a module, on the learner's latest version of
  that module in the engagement; a session without a module counts in the totals only;
- per population: the learner's hours of the engagement, in each population they were assigned
  through there (a learner assigned through two populations counts in both);
- per site: the learner's site.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from saveit.attendance.selectors import attended_seconds
from saveit.catalog.models import ModuleVersion
from saveit.learning.models import Learner

from .learners import _in_scope
from .selectors import Filters, Scope


@dataclass
class Attended:
    """Seconds attended and the number of learners who attended, for one dashboard row."""

    seconds: int = 0
    learners: set[int] = field(default_factory=set)

    def add(self, learner_id: int, seconds: int) -> None:
        if seconds > 0:
            self.seconds += seconds
            self.learners.add(learner_id)

    @property
    def attendees(self) -> int:
        return len(self.learners)


@dataclass
class AttendedBoard:
    totals: Attended = field(default_factory=Attended)
    by_version: dict[int, Attended] = field(default_factory=lambda: defaultdict(Attended))
    by_module: dict[int, Attended] = field(default_factory=lambda: defaultdict(Attended))
    by_population: dict[int, Attended] = field(default_factory=lambda: defaultdict(Attended))
    by_site: dict[str, Attended] = field(default_factory=lambda: defaultdict(Attended))


def _module_filter(filters: Filters) -> list[int] | None:
    if filters.module is not None:
        return [filters.module]
    if filters.version is not None:
        found = ModuleVersion.objects.filter(pk=filters.version)
        return list(found.values_list("module_id", flat=True))
    return None


def _needs_assignment(filters: Filters) -> bool:
    return filters.overdue or any(
        value is not None
        for value in (
            filters.population,
            filters.module,
            filters.version,
            filters.month_from,
            filters.month_to,
        )
    )


def attended_board(scope: Scope, filters: Filters) -> AttendedBoard:
    """The scope's attended hours spread over the dashboard's rows (two queries at most)."""
    board = AttendedBoard()
    seconds = attended_seconds(
        organization_id=scope.organization_id,
        engagement_id=scope.engagement_id,
        module_ids=_module_filter(filters),
        by_module=True,
    )
    if not seconds:
        return board
    attendees = sorted({key[0] for key in seconds})
    # Per learner and engagement: their populations, latest version per module, and site.
    assigned: dict[tuple[int, int], dict[str, Any]] = {}
    sites: dict[int, str] = {}
    rows = (
        _in_scope(scope, filters, learner_ids=attendees)
        .order_by("module_version_id")
        .values_list(
            "learner_id",
            "engagement_id",
            "population_id",
            "module_version__module_id",
            "module_version_id",
            "learner__site",
        )
    )
    for learner_id, engagement_id, population_id, module_id, version_id, site in rows:
        entry = assigned.setdefault(
            (learner_id, engagement_id), {"populations": set(), "versions": {}}
        )
        entry["populations"].add(population_id or 0)
        entry["versions"][module_id] = version_id  # ordered by id: the latest wins
        sites[learner_id] = site
    if not _needs_assignment(filters):
        # Attendees without an assignment in scope still count in the totals and by site.
        missing = set(attendees) - set(sites)
        if missing:
            sites.update(Learner.objects.filter(pk__in=missing).values_list("pk", "site"))
    for (learner_id, engagement_id, module_id), count in seconds.items():
        held = assigned.get((learner_id, engagement_id))
        if _needs_assignment(filters) and held is None:
            continue
        site = sites.get(learner_id)
        if site is None or (filters.site is not None and site != filters.site):
            continue
        board.totals.add(learner_id, count)
        board.by_site[site].add(learner_id, count)
        if module_id:
            board.by_module[module_id].add(learner_id, count)
        if held is None:
            continue
        for population_id in held["populations"]:
            board.by_population[population_id].add(learner_id, count)
        if module_id and module_id in held["versions"]:
            board.by_version[held["versions"][module_id]].add(learner_id, count)
    return board


def learner_seconds(scope: Scope, filters: Filters, learner_ids: list[int]) -> dict[int, int]:
    """Seconds attended by each of these learners in the scope (one query)."""
    found = attended_seconds(
        organization_id=scope.organization_id,
        engagement_id=scope.engagement_id,
        learner_ids=learner_ids,
        module_ids=_module_filter(filters),
    )
    result: dict[int, int] = defaultdict(int)
    for (learner_id, _engagement_id), seconds in found.items():
        result[learner_id] += seconds
    return dict(result)


def scope_seconds(scope: Scope, filters: Filters) -> dict[tuple[int, ...], int]:
    """Seconds attended per (learner, engagement) in the whole scope, for the exports."""
    return attended_seconds(
        organization_id=scope.organization_id,
        engagement_id=scope.engagement_id,
        module_ids=_module_filter(filters),
    )
