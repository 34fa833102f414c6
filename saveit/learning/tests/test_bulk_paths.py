"""The bulk assignment writes the same rows on every database: PostgreSQL inserts from the
population's query (INSERT … SELECT), SQLite inserts the sorted new ids; both are checked
here, and `scripts/pg_test.sh` runs this file on PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from saveit.audit.models import AuditEvent
from saveit.catalog.models import ModuleVersion

from ..models import Assignment, PopulationMember
from ..services import assignments
from ..services.assignments import _insert_from_ids, _insert_from_query

FIELDS = ("organization_id", "engagement_id", "learner_id", "population_id", "campaign_id",
          "due_on", "status", "assigned_at", "assigned_by_id", "last_lesson_key", "lessons_read",
          "attempts_used", "invited_at")  # fmt: skip


def rows(version_id: int) -> list[tuple[object, ...]]:
    return list(
        Assignment.objects.filter(module_version_id=version_id).order_by("pk").values_list(*FIELDS)
    )


def test_assigning_a_population_skips_who_has_it_and_numbers_in_learner_order(
    deployed, population, owner, django_capture_on_commit_callbacks
):
    _engagement, version = deployed
    learners = sorted(population.members.values_list("learner_id", flat=True))
    due = timezone.localdate() + timedelta(days=30)
    assignments.assign_learners(version=version, learner_ids=[learners[1]], due_on=None, by=owner)
    with django_capture_on_commit_callbacks(execute=True):
        created = assignments.assign_population(
            version=version, population=population, due_on=due, by=owner
        )
    assert created == len(learners) - 1
    new = Assignment.objects.filter(module_version=version, population=population).order_by("pk")
    assert list(new.values_list("learner_id", flat=True)) == [learners[0], *learners[2:]]
    facts = {
        (a.due_on, a.status, a.assigned_by_id, len(a.lessons_read), a.attempts_used) for a in new
    }
    assert facts == {(due, Assignment.Status.ASSIGNED, owner.pk, 0, 0)}
    event = AuditEvent.objects.get(action="assignment.population")
    assert event.after == {"version": version.pk, "created": created, "due_on": due.isoformat()}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the INSERT … SELECT path")
def test_the_postgresql_path_writes_the_rows_of_the_sqlite_path(deployed, population, owner):
    engagement, version = deployed
    other = ModuleVersion.objects.create(  # a second version, to write the same rows for
        module=version.module,
        major=9,
        title="Bis",
        created_by=owner,
        snapshot={},
        content_sha256="0" * 64,
    )
    now, due = timezone.now(), date(2031, 1, 31)
    members = PopulationMember.objects.filter(population=population).values_list(
        "learner_id", flat=True
    )
    _insert_from_query(engagement, version, members, due, owner, population, None, now)
    _insert_from_ids(engagement, other, list(members), due, owner, population, None, now)
    assert rows(version.pk) == rows(other.pk) and len(rows(version.pk)) == members.count()
    # Again: nobody twice.
    _insert_from_query(engagement, version, members, due, owner, population, None, now)
    assert len(rows(version.pk)) == members.count()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the INSERT … SELECT path")
def test_the_postgresql_insert_runs_without_nested_loops_and_restores_the_setting(
    deployed, population, owner
):
    """Fresh populations and versions are not in the planner's statistics: a nested loop would
    probe the version's assignments once per learner, past the rows being inserted (minutes
    for 100 000). The insert alone runs with nested loops off; the rest of the transaction
    keeps the server's setting."""
    from django.test.utils import CaptureQueriesContext

    engagement, version = deployed
    members = PopulationMember.objects.filter(population=population).values_list(
        "learner_id", flat=True
    )
    with CaptureQueriesContext(connection) as queries:
        _insert_from_query(
            engagement, version, members, None, owner, population, None, timezone.now()
        )
    sent = [query["sql"] for query in queries.captured_queries]
    insert = next(
        i for i, sql in enumerate(sent) if sql.startswith('INSERT INTO "learning_assignment"')
    )
    assert sent[insert - 1] == "SET LOCAL enable_nestloop = off"
    assert "set_config('enable_nestloop'" in sent[insert + 1]
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('enable_nestloop')")
        assert cursor.fetchone() == ("on",)
    assert len(rows(version.pk)) == members.count()
