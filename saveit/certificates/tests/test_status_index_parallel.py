"""Parallel issues never share a bit of the revocation list (counter row locked per allocation)."""

from __future__ import annotations

import threading

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from saveit.testing.processes import run_in_fresh_sqlite

from ..services import allocate_status_index

WRITERS = 4
EACH = 20


def _allocate_many(taken: list[tuple[int, int]], failures: list[BaseException]) -> None:
    try:
        for _ in range(EACH):
            with transaction.atomic():
                status_list, index = allocate_status_index()
                taken.append((status_list.pk, index))
    except BaseException as error:  # reported to the main thread
        failures.append(error)
    finally:
        connection.close()


def _run_threads() -> list[tuple[int, int]]:
    taken: list[tuple[int, int]] = []
    failures: list[BaseException] = []
    threads = [
        threading.Thread(target=_allocate_many, args=(taken, failures)) for _ in range(WRITERS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == [], failures
    return taken


def _assert_all_distinct(taken: list[tuple[int, int]]) -> None:
    assert len(taken) == WRITERS * EACH
    assert len(set(taken)) == len(taken)
    assert sorted(index for _list, index in taken) == list(range(WRITERS * EACH))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="threads on one PostgreSQL database")
@pytest.mark.django_db(transaction=True)
def test_four_threads_issuing_at_once_get_distinct_bits_on_postgresql():
    _assert_all_distinct(_run_threads())


def sqlite_threads_scenario() -> None:
    """In a fresh process on a SQLite file (WAL, BEGIN IMMEDIATE), as in production."""
    call_command("migrate", verbosity=0)
    _assert_all_distinct(_run_threads())
    print("indexes ok")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite variant of the test above")
def test_four_threads_issuing_at_once_get_distinct_bits_on_sqlite(tmp_path):
    run_in_fresh_sqlite(
        tmp_path,
        "saveit.certificates.tests.test_status_index_parallel:sqlite_threads_scenario()",
        expect="indexes ok",
        timeout=240,
        name="threads",
    )
