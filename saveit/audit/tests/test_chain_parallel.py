"""Parallel writers append to one organisation's chain without forking it."""

from __future__ import annotations

import multiprocessing
import os
import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction

from saveit.accounts.models import Organization
from saveit.accounts.roles import OrganizationKind
from saveit.audit.chain import record_event, verify_chain
from saveit.audit.models import AuditEvent
from saveit.testing.processes import run_in_fresh_sqlite

WRITERS = 4
APPENDS_EACH = 25


def _append_many(organization_id: int) -> None:
    organization = Organization.objects.get(pk=organization_id)
    for n in range(APPENDS_EACH):
        with transaction.atomic():
            record_event(organization=organization, action="test.parallel", after={"n": n})


def _child(organization_id: int) -> None:
    """Runs in a forked process: its own connection, and an exit code instead of pytest."""
    connections.close_all()
    try:
        _append_many(organization_id)
    except BaseException:  # any failure must show as a non-zero exit code
        import traceback

        traceback.print_exc()
        os._exit(1)
    connections.close_all()
    os._exit(0)


def _empty_organization() -> Organization:
    # Created without the service so the chain starts empty: seqs are then exactly 1..100.
    return Organization.objects.create(
        name="Parallel", slug="parallel", kind=OrganizationKind.CLIENT
    )


def _assert_one_unbroken_chain(organization: Organization) -> None:
    seqs = list(
        AuditEvent.objects.filter(organization=organization)
        .order_by("seq")
        .values_list("seq", flat=True)
    )
    assert seqs == list(range(1, WRITERS * APPENDS_EACH + 1))
    report = verify_chain(organization)
    assert report.ok, report
    assert report.events == WRITERS * APPENDS_EACH


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs several processes on one PostgreSQL database"
)
@pytest.mark.django_db(transaction=True)
def test_four_processes_appending_to_one_chain_never_fork_it():
    organization = _empty_organization()
    connections.close_all()
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_child, args=(organization.pk,)) for _ in range(WRITERS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [worker.exitcode for worker in workers] == [0] * WRITERS
    _assert_one_unbroken_chain(organization)


def _thread_writer(organization_id: int, failures: list[BaseException]) -> None:
    try:
        _append_many(organization_id)
    except BaseException as error:  # reported to the main thread
        failures.append(error)
    finally:
        connection.close()


def sqlite_threads_scenario() -> None:
    """Run in a fresh process on a SQLite file (WAL, BEGIN IMMEDIATE), as in production.

    pytest's SQLite test database lives in memory with a shared cache, where SQLite reports
    'table is locked' at once instead of waiting, so the threads need a real file.
    """
    call_command("migrate", verbosity=0)
    organization = _empty_organization()
    failures: list[BaseException] = []
    threads = [
        threading.Thread(target=_thread_writer, args=(organization.pk, failures))
        for _ in range(WRITERS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == [], failures
    _assert_one_unbroken_chain(organization)
    print("chain ok")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite variant of the test above")
def test_four_threads_appending_to_one_sqlite_chain_never_fork_it(tmp_path):
    run_in_fresh_sqlite(
        tmp_path,
        "saveit.audit.tests.test_chain_parallel:sqlite_threads_scenario()",
        expect="chain ok",
        name="threads",
    )
