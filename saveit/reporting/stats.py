"""Keeps the pre-aggregated cubes (models.py) equal to what the assignments say.

One rule, `contributions`, says which cube rows an assignment counts in. Every path applies it:
- a single learner action (lesson opened, attempt, time on task) goes through `tracking`, which
  reads the assignment before and after the change and moves its contribution;
- bulk changes (an assignment of 100 000 learners, a re-certification, a site edit) go through
  `shift_queryset` / `add_queryset`, which group the affected rows in SQL first;
- `rebuild` recomputes an engagement from scratch (the `rebuild_stats` command, tests).
All of them run in the caller's transaction, so the figures change exactly when the data does.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection, models
from django.db.models import Count, QuerySet, Sum
from django.utils import timezone

from saveit.core.dates import PARIS
from saveit.learning.models import Assignment

from .models import NO_DUE_DATE, CompletionCell, ScoreCell, StatusCell, TrendCell

# SQLite allows 32 766 parameters in one statement.
ID_CHUNK = 10_000
COMPLETED = frozenset({Assignment.Status.PASSED, Assignment.Status.FAILED})

# The assignment columns a contribution depends on, in the order of `Facts`.
FACT_FIELDS = (
    "organization_id",
    "engagement_id",
    "module_version__module_id",
    "module_version_id",
    "population_id",
    "learner__site",
    "assigned_at",
    "due_on",
    "status",
    "completed_at",
    "best_score",
    "superseded_at",
)


@dataclass(frozen=True)
class Facts:
    organization_id: int
    engagement_id: int
    module_id: int
    module_version_id: int
    population_id: int | None
    site: str
    assigned_at: datetime
    due_on: date | None
    status: str
    completed_at: datetime | None
    best_score: int | None
    superseded_at: datetime | None = None


def month_of(moment: datetime) -> date:
    return timezone.localtime(moment, PARIS).date().replace(day=1)


def week_of(moment: datetime) -> date:
    day = timezone.localtime(moment, PARIS).date()
    return day - timedelta(days=day.weekday())


Key = tuple[Any, ...]
Delta = dict[tuple[type[models.Model], Key], list[int]]

# Each cube: its key columns (the engagement always second) and its measure columns.
DIMENSIONS = (
    "organization_id",
    "engagement_id",
    "module_id",
    "module_version_id",
    "population_id",
    "site",
    "assigned_month",
)
COARSE = ("organization_id", "engagement_id", "module_id", "module_version_id", "assigned_month")
CUBES: dict[type[models.Model], tuple[tuple[str, ...], tuple[str, ...]]] = {
    StatusCell: ((*DIMENSIONS, "due_on", "status"), ("n", "seconds", "scored", "score_sum")),
    ScoreCell: ((*DIMENSIONS, "score"), ("n",)),
    CompletionCell: ((*DIMENSIONS, "week", "passed"), ("n",)),
    TrendCell: ((*COARSE, "week", "passed"), ("n",)),
}


def contributions(facts: Facts, *, count: int, seconds: int) -> Iterator[tuple[type, Key, list]]:
    """The cube rows `count` assignments with these facts add to (and their measures).

    An assignment superseded by a new cycle of the same version (re-certification at expiry)
    adds to none: dashboards count each learner's current cycle."""
    if facts.superseded_at is not None:
        return
    base = (
        facts.organization_id,
        facts.engagement_id,
        facts.module_id,
        facts.module_version_id,
        facts.population_id or 0,
        facts.site,
        month_of(facts.assigned_at),
    )
    final = facts.status in COMPLETED and facts.best_score is not None
    score = facts.best_score or 0
    yield (
        StatusCell,
        (*base, facts.due_on or NO_DUE_DATE, facts.status),
        [count, seconds, count if final else 0, score * count if final else 0],
    )
    if final:
        yield ScoreCell, (*base, score), [count]
    if facts.status in COMPLETED and facts.completed_at is not None:
        passed = facts.status == Assignment.Status.PASSED
        week = week_of(facts.completed_at)
        yield CompletionCell, (*base, week, passed), [count]
        coarse = (*base[:4], base[6])
        yield TrendCell, (*coarse, week, passed), [count]


def _accumulate(delta: Delta, facts: Facts, *, count: int, seconds: int, sign: int) -> None:
    for cube, key, measures in contributions(facts, count=count, seconds=seconds):
        total = delta.setdefault((cube, key), [0] * len(measures))
        for index, value in enumerate(measures):
            total[index] += sign * value


def _grouped(queryset: QuerySet[Assignment]) -> Iterator[tuple[Facts, int, int]]:
    rows = (
        queryset.order_by()
        .values_list(*FACT_FIELDS)
        .annotate(count=Count("pk"), seconds=Sum("seconds_spent"))
    )
    for row in rows.iterator(chunk_size=20_000):
        yield Facts(*row[:-2]), row[-2], row[-1] or 0


def _apply(delta: Delta) -> None:
    """Upsert every non-zero delta (sorted, so concurrent writers lock rows in one order), then
    drop the rows a decrement emptied."""
    by_cube: dict[type[models.Model], list[tuple[Key, list[int]]]] = defaultdict(list)
    for (cube, key), measures in delta.items():
        if any(measures):
            by_cube[cube].append((key, measures))
    for cube, rows in by_cube.items():
        rows.sort(key=lambda row: tuple(str(part) for part in row[0]))
        _upsert(cube, rows)
        _drop_empty(cube, [key for key, measures in rows if measures[0] < 0])


def _drop_empty(cube: type[models.Model], keys: list[Key]) -> None:
    if not keys:
        return
    manager = cube._default_manager
    if len(keys) > 100:  # a bulk change: one pass over the engagements' rows
        manager.filter(engagement_id__in={key[1] for key in keys}, n=0).delete()
        return
    columns = CUBES[cube][0]
    match = models.Q()
    for key in keys:
        match |= models.Q(**dict(zip(columns, key, strict=True)))
    manager.filter(match, n=0).delete()


def _upsert(cube: type[models.Model], rows: Sequence[tuple[Key, list[int]]]) -> None:
    keys, measures = CUBES[cube]
    table = connection.ops.quote_name(cube._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in (*keys, *measures))
    conflict = ", ".join(connection.ops.quote_name(c) for c in _conflict_columns(cube))
    updates = ", ".join(
        f"{connection.ops.quote_name(m)} = {table}.{connection.ops.quote_name(m)} "
        f"+ excluded.{connection.ops.quote_name(m)}"
        for m in measures
    )
    one = "(" + ", ".join(["%s"] * (len(keys) + len(measures))) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 200):
            part = rows[start : start + 200]
            sql = (
                f"INSERT INTO {table} ({names}) VALUES {', '.join([one] * len(part))} "  # noqa: S608
                f"ON CONFLICT ({conflict}) DO UPDATE SET {updates}"
            )
            cursor.execute(sql, [_db(v) for key, values in part for v in (*key, *values)])


def _conflict_columns(cube: type[models.Model]) -> tuple[str, ...]:
    constraint = next(c for c in cube._meta.constraints if isinstance(c, models.UniqueConstraint))
    return tuple(constraint.fields)


def _db(value: Any) -> Any:
    if isinstance(value, date):
        return connection.ops.adapt_datefield_value(value)
    return value


def facts_of(assignment_id: int) -> Facts | None:
    row = Assignment.objects.filter(pk=assignment_id).values_list(*FACT_FIELDS).first()
    return Facts(*row) if row else None


def _seconds_of(assignment_id: int) -> int:
    return Assignment.objects.filter(pk=assignment_id).values_list("seconds_spent", flat=True)[0]


@contextmanager
def tracking(assignment_id: int) -> Iterator[None]:
    """Wrap a change to one assignment: its contribution moves from before to after.

    The caller holds the assignment's row lock (select_for_update) for the whole block.
    """
    before, seconds_before = facts_of(assignment_id), _seconds_of(assignment_id)
    yield
    after, seconds_after = facts_of(assignment_id), _seconds_of(assignment_id)
    delta: Delta = {}
    if before is not None:
        _accumulate(delta, before, count=1, seconds=seconds_before, sign=-1)
    if after is not None:
        _accumulate(delta, after, count=1, seconds=seconds_after, sign=1)
    _apply(delta)


def add_queryset(queryset: QuerySet[Assignment], *, sign: int = 1) -> None:
    """Count (sign=1) or uncount (sign=-1) every assignment of the queryset."""
    delta: Delta = {}
    for facts, count, seconds in _grouped(queryset):
        _accumulate(delta, facts, count=count, seconds=seconds, sign=sign)
    _apply(delta)


@contextmanager
def shifting(ids: Iterable[int]) -> Iterator[None]:
    """Wrap a bulk change of the assignments `ids` (status, population, learner's site…)."""
    ids = sorted(ids)
    _add_ids(ids, sign=-1)
    yield
    _add_ids(ids, sign=1)


def _add_ids(ids: list[int], *, sign: int) -> None:
    for start in range(0, len(ids), ID_CHUNK):
        add_queryset(Assignment.objects.filter(pk__in=ids[start : start + ID_CHUNK]), sign=sign)


@contextmanager
def moving_learners(learner_ids: Iterable[int]) -> Iterator[None]:
    """Wrap a change of these learners' site: their assignments move to other cells."""
    learners = sorted(set(learner_ids))
    ids: list[int] = []
    for start in range(0, len(learners), ID_CHUNK):
        part = learners[start : start + ID_CHUNK]
        ids += Assignment.objects.filter(learner_id__in=part).values_list("pk", flat=True)
    with shifting(ids):
        yield


def rebuild(engagement_ids: Iterable[int]) -> None:
    """Recompute the cubes of these engagements from their assignments."""
    ids = list(engagement_ids)
    for cube in CUBES:
        cube._default_manager.filter(engagement_id__in=ids).delete()
    add_queryset(Assignment.objects.filter(engagement_id__in=ids))
