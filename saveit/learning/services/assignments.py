"""Assignments of an active module version to populations or people, and their invitations."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from saveit.accounts.models import Membership
from saveit.audit.chain import record_event
from saveit.catalog.models import ModuleVersion
from saveit.core.bulk import db_date, db_datetime, insert_rows, json_param
from saveit.core.errors import Refusal
from saveit.engagements.models import Engagement

from ..hooks import add_queryset, shifting
from ..models import Assignment, Learner, Population
from .common import locked_for_deployment


def require_assignable(version: ModuleVersion, engagement: Engagement) -> None:
    """Only a version activated by a signed PV of this engagement can ever reach a learner."""
    if version.module.engagement_id != engagement.pk:
        raise Refusal(_("This module version does not belong to the engagement."), code="foreign")
    if version.status != ModuleVersion.Status.ACTIVE:
        raise Refusal(
            _(
                "Only an active version (listed in a signed validation record) can be assigned; "
                "version %(label)s is %(status)s."
            )
            % {"label": version.label, "status": version.get_status_display()},
            code="not_active",
        )


def _require_due_date(due_on: date | None) -> None:
    if due_on is not None and due_on < timezone.localdate():
        raise Refusal(_("The due date is in the past."), code="invalid")


def create_assignments(
    *,
    engagement: Engagement,
    version: ModuleVersion,
    learner_ids: Iterable[int],
    due_on: date | None,
    by: Membership | None,
    population: Population | None = None,
    campaign_id: int | None = None,
) -> list[int]:
    """Inserts the missing learner × version rows in bulk; returns the ids of the new ones."""
    now = timezone.now()
    if connection.vendor == "postgresql" and isinstance(learner_ids, QuerySet):
        _insert_from_query(
            engagement, version, learner_ids, due_on, by, population, campaign_id, now
        )
    else:
        _insert_from_ids(engagement, version, learner_ids, due_on, by, population, campaign_id, now)
    return _created(version, now)


def _created(version: ModuleVersion, now: datetime) -> list[int]:
    created = Assignment.objects.filter(
        module_version=version, assigned_at=now, superseded_at__isnull=True
    )
    add_queryset(created)
    return list(created.order_by("pk").values_list("pk", flat=True))


# The columns of a new assignment, in the order both bulk paths write them.
_COLUMNS = ("organization_id", "engagement_id", "module_version_id", "learner_id",
            "population_id", "campaign_id", "due_on", "status", "assigned_at", "assigned_by_id",
            "last_lesson_key", "lessons_read", "attempts_used", "cycle")  # fmt: skip


def _values(engagement: Engagement, version: ModuleVersion, due_on: date | None,
            by: Membership | None, population: Population | None, campaign_id: int | None,
            now: datetime) -> tuple[object, ...]:  # fmt: skip
    """Every column but learner_id (None in its place), in database form; cycle 1."""
    return (engagement.client_id, engagement.pk, version.pk, None,
            population.pk if population else None, campaign_id, db_date(due_on),
            Assignment.Status.ASSIGNED, db_datetime(now), by.pk if by else None, "",
            json_param([]), 0, 1)  # fmt: skip


def _insert_from_query(engagement: Engagement, version: ModuleVersion, learner_ids: QuerySet,
                       due_on: date | None, by: Membership | None,
                       population: Population | None, campaign_id: int | None,
                       now: datetime) -> None:  # fmt: skip
    """PostgreSQL: one INSERT … SELECT from the query of learner ids, in learner order, skipping
    who has the version already: no id travels to Python and back (the same rows as the
    SQLite path, which inserts the sorted new ids)."""
    values = _values(engagement, version, due_on, by, population, campaign_id, now)
    quote = connection.ops.quote_name
    source, source_params = learner_ids.query.sql_with_params()
    select = ", ".join("picked.learner_id" if c == "learner_id" else "%s" for c in _COLUMNS)
    table = quote(Assignment._meta.db_table)
    sql = (
        f"INSERT INTO {table} ({', '.join(quote(c) for c in _COLUMNS)}) "  # noqa: S608
        f"SELECT {select} FROM (SELECT DISTINCT wanted.learner_id FROM ({source}) AS wanted"
        f"(learner_id)) AS picked WHERE NOT EXISTS (SELECT 1 FROM {table} AS had"
        f" WHERE had.module_version_id = %s AND had.learner_id = picked.learner_id)"
        f" ORDER BY picked.learner_id"
    )
    params: list[Any] = [v for c, v in zip(_COLUMNS, values, strict=True) if c != "learner_id"]
    # No nested loop for this one statement. A population filled and a version published
    # minutes ago are not in the planner's statistics yet (autovacuum analyses later), so it
    # expects one learner and no assignment, and may probe the version's assignments once per
    # learner. The rows this statement inserts are in that index already: each probe walks
    # past all of them, and 100 000 learners took over four minutes. A merge or hash anti-join
    # reads the version's assignments once, before the first insert, whatever the statistics.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('enable_nestloop')")
        (previous,) = cursor.fetchone()
        cursor.execute("SET LOCAL enable_nestloop = off")
        cursor.execute(sql, [*params, *source_params, version.pk])
        cursor.execute("SELECT set_config('enable_nestloop', %s, true)", [previous])


def _insert_from_ids(engagement: Engagement, version: ModuleVersion, learner_ids: Iterable[int],
                     due_on: date | None, by: Membership | None, population: Population | None,
                     campaign_id: int | None, now: datetime) -> None:  # fmt: skip
    wanted = set(learner_ids)
    # One indexed read of who already has the version (an IN of 100 000 ids would not fit).
    already = set(
        Assignment.objects.filter(module_version=version).values_list("learner_id", flat=True)
    )
    new = [(learner_id, 1) for learner_id in sorted(wanted - already)]
    _insert_rows(engagement, version, new, due_on, by, population, campaign_id, now)


def _insert_rows(engagement: Engagement, version: ModuleVersion,
                 learner_cycles: list[tuple[int, int]], due_on: date | None,
                 by: Membership | None, population: Population | None, campaign_id: int | None,
                 now: datetime) -> None:  # fmt: skip
    """Inserts one row per (learner, cycle), in the given order."""
    values = _values(engagement, version, due_on, by, population, campaign_id, now)
    at, last = _COLUMNS.index("learner_id"), _COLUMNS.index("cycle")
    insert_rows(
        Assignment._meta.db_table,
        list(_COLUMNS),
        ((*values[:at], learner_id, *values[at + 1 : last], cycle)
         for learner_id, cycle in learner_cycles),
    )  # fmt: skip


@transaction.atomic
def assign_again(
    *,
    engagement: Engagement,
    version: ModuleVersion,
    learner_ids: Iterable[int],
    due_on: date | None,
    campaign_id: int | None,
) -> list[int]:
    """The same version once more, for learners whose attestation on it expired: their current
    assignment is kept as it is (status, results, attestation) and marked superseded, and a new
    cycle starts from zero. Learners whose current assignment is still open are left alone."""
    current = Assignment.objects.filter(
        module_version=version, learner_id__in=sorted(set(learner_ids)), superseded_at__isnull=True
    ).exclude(status__in=Assignment.OPEN_STATUSES)
    rows = list(current.select_for_update().values_list("pk", "learner_id", "cycle"))
    if not rows:
        return []
    ids = [pk for pk, _learner, _cycle in rows]
    with shifting(ids):  # the dashboards count the current cycle only
        Assignment.objects.filter(pk__in=ids).update(superseded_at=timezone.now())
    cycles = sorted((learner_id, cycle + 1) for _pk, learner_id, cycle in rows)
    now = timezone.now()
    _insert_rows(engagement, version, cycles, due_on, None, None, campaign_id, now)
    return _created(version, now)


def _invite_after_commit(assignment_ids: list[int]) -> None:
    from ..tasks import send_invitations

    size = settings.INVITATION_BATCH_SIZE

    def enqueue() -> None:
        # One transaction for every batch: with the database queue, 200 batches (100 000
        # learners) are one commit instead of 200.
        with transaction.atomic():
            for start in range(0, len(assignment_ids), size):
                send_invitations.enqueue(assignment_ids=assignment_ids[start : start + size])

    transaction.on_commit(enqueue)


@transaction.atomic
def assign_population(
    *,
    version: ModuleVersion,
    population: Population,
    due_on: date | None,
    by: Membership,
    invite: bool = True,
) -> int:
    engagement = locked_for_deployment(population.engagement, by)
    require_assignable(version, engagement)
    _require_due_date(due_on)
    learner_ids = population.members.values_list("learner_id", flat=True)
    ids = create_assignments(
        engagement=engagement,
        version=version,
        learner_ids=learner_ids,
        due_on=due_on,
        by=by,
        population=population,
    )
    if not ids and not population.members.exists():
        raise Refusal(_("The population has no learner yet."), code="empty")
    record_event(
        organization=engagement.client,
        action="assignment.population",
        actor=by,
        target=population,
        after={
            "version": version.pk,
            "created": len(ids),
            "due_on": due_on.isoformat() if due_on else None,
        },
    )
    if invite:
        _invite_after_commit(ids)
    return len(ids)


@transaction.atomic
def assign_learners(
    *,
    version: ModuleVersion,
    learner_ids: list[int],
    due_on: date | None,
    by: Membership,
) -> int:
    """Individual assignments (exceptions to a population): every id must be the client's."""
    engagement = locked_for_deployment(version.module.engagement, by)
    require_assignable(version, engagement)
    _require_due_date(due_on)
    wanted = set(learner_ids)
    found = set(
        Learner.objects.filter(organization_id=engagement.client_id, pk__in=wanted).values_list(
            "pk", flat=True
        )
    )
    if not wanted or found != wanted:
        raise Refusal(_("Some of these learners are unknown in this organisation."), code="foreign")
    ids = create_assignments(
        engagement=engagement, version=version, learner_ids=found, due_on=due_on, by=by
    )
    record_event(
        organization=engagement.client,
        action="assignment.learners",
        actor=by,
        target=version,
        after={"learners": sorted(found), "created": len(ids)},
    )
    _invite_after_commit(ids)
    return len(ids)
