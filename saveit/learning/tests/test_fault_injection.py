"""A fault in the middle of a population import's commit, or of an assignment, leaves nothing:
no partial row, no audit event, no change to the statistics, no e-mail (SPEC §15)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.core import mail
from django.db import connection

from saveit.audit.models import AuditEvent, ChainHead
from saveit.core.backup import table_counts
from saveit.testing.learning_setup import CSV

from ..models import Assignment, Learner, PopulationImport
from ..services import assignments, populations

pytestmark = pytest.mark.django_db(transaction=True)  # the services' own transactions

# Camille moves from Lyon to Paris (her assignment's statistics move with her), one newcomer.
SECOND_FILE = CSV.replace(b"M001;Lyon", b"M001;Paris") + (
    b"Petit;Jules;jules.petit@alpha.example;M004;Grenoble;Technicien;Paul Petit\n"
)


class InjectedFault(Exception):
    pass


def state() -> dict[str, Any]:
    """Every table's row count, every statistics row, every chain head and learner."""
    found: dict[str, Any] = {"counts": table_counts()}
    for model in apps.get_app_config("reporting").get_models():
        found[model._meta.label] = sorted(map(repr, model._default_manager.values_list()))
    found["heads"] = sorted(ChainHead.objects.values_list("organization_id", "seq", "hash"))
    found["learners"] = sorted(map(repr, Learner.objects.values_list()))
    found["imports"] = sorted(map(repr, PopulationImport.objects.values_list()))
    return found


def failing_on_call(real: Callable[..., Any], failing_call: int) -> Callable[..., Any]:
    """`real`, except that its `failing_call`-th call does its work and then raises."""
    calls = {"n": 0}

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        result = real(*args, **kwargs)
        if calls["n"] == failing_call:
            raise InjectedFault(f"fault after call {failing_call} of {real.__name__}")
        return result

    return wrapper


def _preview(population, owner) -> PopulationImport:  # type: ignore[no-untyped-def]
    return populations.preview_import(
        population=population, content=SECOND_FILE, filename="second.csv", by=owner
    )


@pytest.mark.parametrize(
    ("target", "failing_call"),
    [
        ("insert_rows", 2),  # SQLite: the new learners are in, the population's members half-way
        ("_members_in_sql", 1),  # PostgreSQL: learners and members written from the staged rows
        ("record_event", 1),  # everything written, then the audit event fails
    ],
)
def test_a_fault_in_the_middle_of_an_import_commit_leaves_nothing(
    assigned,
    population,
    owner,
    monkeypatch,
    django_capture_on_commit_callbacks,
    target,
    failing_call,
):
    if (target == "_members_in_sql") != (connection.vendor == "postgresql"):
        pytest.skip("this step belongs to the other database's path")
    batch = _preview(population, owner)
    before, sent = state(), len(mail.outbox)
    monkeypatch.setattr(
        populations, target, failing_on_call(getattr(populations, target), failing_call)
    )
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(InjectedFault),
    ):
        populations.commit_import(batch=batch, by=owner)
    assert state() == before
    assert callbacks == [] and len(mail.outbox) == sent
    assert not Learner.objects.filter(email="jules.petit@alpha.example").exists()
    assert Learner.objects.get(email="camille.lefevre@alpha.example").site == "Lyon"
    batch.refresh_from_db()
    assert batch.status == PopulationImport.Status.PREVIEWED  # it can be committed again
    monkeypatch.undo()
    populations.commit_import(batch=batch, by=owner)
    assert population.members.count() == 4
    assert state()["learners"] != before["learners"]  # the same commit, without the fault


@pytest.mark.parametrize(
    ("target", "failing_call"),
    [
        ("add_queryset", 1),  # the assignments inserted and counted in the statistics
        ("record_event", 1),  # everything written, then the audit event fails
    ],
)
def test_a_fault_in_the_middle_of_an_assignment_leaves_nothing(
    deployed,
    population,
    owner,
    monkeypatch,
    django_capture_on_commit_callbacks,
    target,
    failing_call,
):
    _engagement, version = deployed
    before, sent = state(), len(mail.outbox)
    events = AuditEvent.objects.count()
    monkeypatch.setattr(
        assignments, target, failing_on_call(getattr(assignments, target), failing_call)
    )
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(InjectedFault),
    ):
        assignments.assign_population(version=version, population=population, due_on=None, by=owner)
    assert state() == before
    assert AuditEvent.objects.count() == events
    assert not Assignment.objects.exists()
    assert callbacks == [] and len(mail.outbox) == sent  # no invitation goes out
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        created = assignments.assign_population(
            version=version, population=population, due_on=None, by=owner
        )
    assert created == 3 and state() != before
