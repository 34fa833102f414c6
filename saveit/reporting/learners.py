"""The learner list of a dashboard: learners in name order, with their assignments in scope.

Paged by keyset — the (last name, first name, id) of the previous page's last learner — so the
4 000th page costs what the first does: the learners' name index serves the order and the walk
stops after one page of learners who have an assignment in the scope. The first step is plain
SQL because the ORM cannot write the row-value comparison, and because SQLite must be kept from
probing the whole engagement for every learner (the unary + on engagement_id: see below).
"""

from __future__ import annotations

import base64
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import orjson
from django.db import connection
from django.db.models import F
from django.db.models.expressions import CombinedExpression
from django.utils import timezone

from saveit.catalog.models import ModuleVersion
from saveit.core.dates import PARIS
from saveit.learning.models import Assignment, Learner

from .selectors import Filters, Scope, current_assignments


@dataclass(frozen=True)
class LearnerPage:
    learners: list[Learner]  # each with .rows: its assignments in the scope
    next_cursor: str | None


def _month_bounds(filters: Filters) -> tuple[datetime | None, datetime | None]:
    """The assignment-time range of the period filter, months counted in Paris time."""

    def at(day: date) -> datetime:
        return timezone.make_aware(datetime.combine(day, time()), PARIS)

    start = at(filters.month_from) if filters.month_from else None
    end = None
    if filters.month_to:
        end = at((filters.month_to.replace(day=28) + timedelta(days=4)).replace(day=1))
    return start, end


def _assignment_conditions(scope: Scope, filters: Filters) -> tuple[list[str], list[Any]]:
    # "+a.engagement_id" keeps SQLite on the (learner, version) index for the probe; PostgreSQL
    # reads it as the same integer.
    where: list[str] = [
        "a.learner_id = l.id",
        "a.status <> 'replaced'",
        "a.superseded_at IS NULL",
    ]
    params: list[Any] = []
    if scope.engagement_id is not None:
        where.append("+a.engagement_id = %s")
        params.append(scope.engagement_id)
    if filters.population is not None:
        where.append("a.population_id = %s" if filters.population else "a.population_id IS NULL")
        params += [filters.population] if filters.population else []
    if filters.version is not None:
        where.append("a.module_version_id = %s")
        params.append(filters.version)
    if filters.module is not None:
        where.append(
            "a.module_version_id IN (SELECT id FROM catalog_moduleversion WHERE module_id = %s)"
        )
        params.append(filters.module)
    start, end = _month_bounds(filters)
    for bound, operator in ((start, ">="), (end, "<")):
        if bound is not None:
            where.append(f"a.assigned_at {operator} %s")
            params.append(connection.ops.adapt_datetimefield_value(bound))
    if filters.overdue:
        sql, values = _overdue_sql(timezone.localdate())
        where.append(sql)
        params += values
    return where, params


def _overdue_sql(today: date) -> tuple[str, list[Any]]:
    """Assignment.overdue as the ORM writes it, on the probe's alias "a": the rule stays written
    once, in the model, for this SQL as for every queryset."""
    query = Assignment.objects.filter(Assignment.overdue(today)).query
    where = query.where.relabeled_clone({Assignment._meta.db_table: "a"})
    sql, params = where.as_sql(query.get_compiler(connection=connection), connection)
    return sql, list(params)


def _learner_ids(scope: Scope, filters: Filters, after: str, size: int) -> list[int]:
    where: list[str] = ["l.organization_id = %s"]
    params: list[Any] = [scope.organization_id]
    if filters.site is not None:
        where.append("l.site = %s")
        params.append(filters.site)
    if after:
        where.append("(l.last_name, l.first_name, l.id) > (%s, %s, %s)")
        params += list(_cursor(after))
    probe, probe_params = _assignment_conditions(scope, filters)
    # Only fixed fragments are joined here; every value is a bound parameter.
    conditions = " AND ".join(where)
    exists = " AND ".join(probe)
    sql = (
        f"SELECT l.id FROM learning_learner l WHERE {conditions} "  # noqa: S608
        f"AND EXISTS (SELECT 1 FROM learning_assignment a WHERE {exists}) "
        "ORDER BY l.last_name, l.first_name, l.id LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *probe_params, size])
        return [row[0] for row in cursor.fetchall()]


def _in_scope(scope: Scope, filters: Filters, *, learner_ids: list[int] | None = None) -> Any:
    """The scope's assignments under the filters; of these learners only, when given."""
    queryset = current_assignments()
    organization: F | CombinedExpression = F("organization_id")
    engagement: F | CombinedExpression = F("engagement_id")
    if learner_ids is not None:
        # One page of learners: the (learner, version) index finds their rows. "+ 0" keeps
        # SQLite from walking the whole engagement through the engagement index instead.
        queryset = queryset.filter(learner_id__in=learner_ids)
        organization, engagement = organization + 0, engagement + 0
    queryset = queryset.alias(in_org=organization, in_engagement=engagement).filter(
        in_org=scope.organization_id
    )
    if scope.engagement_id is not None:
        queryset = queryset.filter(in_engagement=scope.engagement_id)
    if filters.population is not None:
        if filters.population:
            queryset = queryset.filter(population_id=filters.population)
        else:
            queryset = queryset.filter(population__isnull=True)
    if filters.module is not None:
        queryset = queryset.filter(module_version__module_id=filters.module)
    if filters.version is not None:
        queryset = queryset.filter(module_version_id=filters.version)
    start, end = _month_bounds(filters)
    if start:
        queryset = queryset.filter(assigned_at__gte=start)
    if end:
        queryset = queryset.filter(assigned_at__lt=end)
    if filters.overdue:
        queryset = queryset.filter(Assignment.overdue(timezone.localdate()))
    return queryset


def learner_page(scope: Scope, filters: Filters, *, after: str = "", size: int = 25) -> LearnerPage:
    ids = _learner_ids(scope, filters, after, size + 1)
    more, ids = len(ids) > size, ids[:size]
    learners = {learner.pk: learner for learner in Learner.objects.filter(pk__in=ids)}
    # The attestation's number only, not the attestation (its frozen facts are a large JSON),
    # and each module version read once for the page, not once per row (with its snapshot).
    rows = list(
        _in_scope(scope, filters, learner_ids=ids)
        .annotate(attestation_number=F("attestation__number"))
        .order_by("module_version__module__code", "module_version_id")
    )
    # What the list shows of a version ("HAB-01 v2.1"), not its content.
    versions = ModuleVersion.objects.filter(pk__in={r.module_version_id for r in rows})
    by_pk = {
        v.pk: v for v in versions.select_related("module").only("major", "minor", "module__code")
    }
    by_learner: dict[int, list[Assignment]] = defaultdict(list)
    for row in rows:
        # the learner read above: what reads row.learner (the reminder buttons) needs no query
        row.learner = learners[row.learner_id]
        row.module_version = by_pk[row.module_version_id]
        by_learner[row.learner_id].append(row)
    page = [learners[pk] for pk in ids]
    for learner in page:
        learner.rows = by_learner[learner.pk]  # type: ignore[attr-defined]
    return LearnerPage(page, _encode(page[-1]) if more else None)


def _encode(learner: Learner) -> str:
    raw = orjson.dumps([learner.last_name, learner.first_name, learner.pk])
    return base64.urlsafe_b64encode(raw).decode()


def _cursor(text: str) -> tuple[str, str, int]:
    """A page cursor back from the URL; a forged or broken one starts from the beginning."""
    try:
        last, first, pk = orjson.loads(base64.urlsafe_b64decode(text.encode()))
        return str(last), str(first), int(pk)
    except (ValueError, TypeError):
        return "", "", 0


def learner_assignments(scope: Scope, learner_id: int) -> Any:
    """One learner's assignments in the scope (no filter): what a reminder names."""
    return _in_scope(scope, Filters(), learner_ids=[learner_id]).order_by(
        "module_version__module__code", "module_version_id"
    )


def _exported(scope: Scope, filters: Filters) -> Any:
    queryset = _in_scope(scope, filters)
    if filters.site is not None:
        queryset = queryset.filter(learner__site=filters.site)
    return queryset


def count_export_assignments(scope: Scope, filters: Filters) -> int:
    """How many rows the learner list export reads (what decides if it runs in the background)."""
    return _exported(scope, filters).count()


def export_assignments(scope: Scope, filters: Filters) -> Iterator[Assignment]:
    """Every assignment of the scope under the filters, for the learner list export."""
    queryset = _exported(scope, filters).select_related(
        "learner", "module_version__module", "population", "attestation"
    )
    order = ("learner__last_name", "learner__first_name", "learner_id", "module_version_id")
    yield from queryset.order_by(*order).iterator(chunk_size=5000)
