"""A chain verified in slices, by several processes, gives the answer one walk from seq 1 gives.

The reference is check_rows() over the ORM's rows. Slices are read on connections of their
own, so the chains are committed first: on SQLite the in-memory test database is copied to a
file, on PostgreSQL the tests run outside the test transaction.
"""

from __future__ import annotations

import multiprocessing
import sqlite3
from collections.abc import Callable
from dataclasses import replace
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from saveit.accounts.models import Organization
from saveit.accounts.roles import OrganizationKind
from saveit.audit import chain, chain_scan
from saveit.audit.canonical import compute_hash
from saveit.audit.chain import record_event, verify_chain
from saveit.audit.models import AuditEvent, ChainHead
from saveit.core.request_context import Origin, reset_origin, set_origin
from saveit.testing.processes import run_in_fresh_sqlite

EVENTS = 24  # with 2, 3 and 5 slices the bounds fall on seqs 13; 9, 17; 5, 10, 15, 20
SLICES = (1, 2, 3, 5)


def _event(organization: Organization, seq: int):  # type: ignore[no-untyped-def]
    return AuditEvent.objects.filter(organization=organization, seq=seq)


def _rewrite(organization: Organization, seq: int) -> None:
    """Change an event and give it the hash of its new content, as a forger would."""
    _event(organization, seq).update(action="test.forged")
    row = _event(organization, seq).values_list(*chain.HASHED_COLUMNS).get()
    _event(organization, seq).update(hash=compute_hash(row))


def _swap(organization: Organization, first: int, second: int) -> None:
    with transaction.atomic():
        _event(organization, first).update(seq=-1)
        _event(organization, second).update(seq=first)
        _event(organization, -1).update(seq=second)


TAMPERINGS: dict[str, Callable[[Organization], object]] = {
    "untouched": lambda org: None,
    "content edited inside a slice": lambda org: _event(org, 11).update(after={"n": -1}),
    "content edited on a slice's first row": lambda org: _event(org, 13).update(after={}),
    "first row deleted": lambda org: _event(org, 1).delete(),
    "row deleted on a slice bound": lambda org: _event(org, 9).delete(),
    "row deleted before a slice bound": lambda org: _event(org, 12).delete(),
    "rows deleted across a bound": lambda org: _event(org, 16).delete() + _event(org, 17).delete(),
    "last row deleted": lambda org: _event(org, EVENTS).delete(),
    "every row deleted": lambda org: AuditEvent.objects.filter(organization=org).delete(),
    "row rewritten with a fresh hash before a bound": lambda org: _rewrite(org, 12),
    "row rewritten with a fresh hash on a bound": lambda org: _rewrite(org, 13),
    "last row rewritten with a fresh hash": lambda org: _rewrite(org, EVENTS),
    "seqs swapped across a bound": lambda org: _swap(org, 12, 13),
    "row moved past the end": lambda org: _event(org, 5).update(seq=EVENTS + 5),
    "row with seq 0": lambda org: _event(org, 2).update(seq=0),
    "ip edited": lambda org: _event(org, 17).update(ip="198.51.100.7"),
    "origin erased (GDPR)": lambda org: AuditEvent.objects.filter(organization=org).update(
        ip=None, user_agent="", context_salt=""
    ),
    "head behind the chain": lambda org: ChainHead.objects.filter(organization=org).update(
        seq=EVENTS - 4
    ),
    "head ahead of the chain": lambda org: ChainHead.objects.filter(organization=org).update(
        seq=EVENTS + 3
    ),
    "head missing": lambda org: ChainHead.objects.filter(organization=org).delete(),
    "salt blanked, ip forged": lambda org: _event(org, 9).update(
        context_salt="", ip="203.0.113.66"
    ),
}


# Erasing the origin keeps a chain valid; a chain with events and no head row is broken.
HOLDING = ("untouched", "origin erased (GDPR)")


def _tampered_chains() -> dict[str, Organization]:
    """One organisation per tampering, each with a chain of EVENTS events."""
    token = set_origin(Origin(ip="192.0.2.10", user_agent="Mozilla/5.0 (pytest)"))
    try:
        chains = {}
        for n, (name, tamper) in enumerate(TAMPERINGS.items()):
            organization = Organization.objects.create(
                name=name, slug=f"chain-{n}", kind=OrganizationKind.CLIENT
            )
            with transaction.atomic():
                for step in range(EVENTS):
                    record_event(organization=organization, action="test.step", after={"n": step})
            tamper(organization)
            chains[name] = organization
        return chains
    finally:
        reset_origin(token)


def _reference(organization: Organization) -> tuple[int, int | None, str]:
    return chain.check_rows(chain._rows(organization.pk), chain._head(organization))


def _sliced(database: chain_scan.Database, organization: Organization, slices: int):  # type: ignore[no-untyped-def]
    """The slices' walks in this process (as the workers run them), then stitched."""
    planned = (chain._head(organization) or (0, ""))[0]
    walks = [
        chain_scan.scan_slice(task)
        for task in chain_scan.plan_slices(database, organization.pk, planned, slices)
    ]
    return chain_scan.stitch(walks, walks[-1].head)


@pytest.fixture
def sqlite_copy(tmp_path):  # type: ignore[no-untyped-def]
    """The audit tables of the test database (in memory, with this test's uncommitted rows)
    copied to a file that worker connections can open."""

    def copy() -> chain_scan.Database:
        path = tmp_path / "copy.sqlite3"
        target = sqlite3.connect(path)
        tables = (AuditEvent._meta.db_table, ChainHead._meta.db_table)
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute("SELECT sql FROM sqlite_master WHERE tbl_name = %s", [table])
                for (ddl,) in cursor.fetchall():
                    if ddl:
                        target.execute(ddl)
                cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608
                rows = cursor.fetchall()
                marks = ", ".join("?" * len(cursor.description))
                target.executemany(f'INSERT INTO "{table}" VALUES ({marks})', rows)  # noqa: S608
        target.commit()
        target.close()
        database = chain._scan_database()
        assert database is not None
        return replace(database, sqlite_path=str(path))

    return copy


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the PostgreSQL variant is below")
def test_every_tampering_is_reported_like_one_walk_whatever_the_slices_on_sqlite(db, sqlite_copy):
    chains = _tampered_chains()
    database = sqlite_copy()
    for name, organization in chains.items():
        expected = _reference(organization)
        assert (expected[1] is None) == (name in HOLDING), name
        for slices in SLICES:
            assert _sliced(database, organization, slices) == expected, (name, slices)
    # And with real worker processes.
    for name in ("untouched", "row rewritten with a fresh hash on a bound", "ip edited"):
        organization = chains[name]
        found = chain_scan.scan_chain(database, organization.pk, EVENTS, 3)
        assert found == _reference(organization), name


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the SQLite variant is above")
@pytest.mark.django_db(transaction=True)
def test_every_tampering_is_reported_like_one_walk_whatever_the_slices_on_postgresql():
    chains = _tampered_chains()
    database = chain._scan_database()
    assert database is not None
    for name, organization in chains.items():
        expected = _reference(organization)
        assert (expected[1] is None) == (name in HOLDING), name
        for slices in SLICES:
            assert _sliced(database, organization, slices) == expected, (name, slices)
    for name in ("untouched", "row rewritten with a fresh hash on a bound", "ip edited"):
        organization = chains[name]
        report = verify_chain(organization, processes=3)
        assert (report.events, report.broken_seq, report.reason) == _reference(organization)


def _connections_to_this_database() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
        return cursor.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="counts PostgreSQL sessions")
@pytest.mark.django_db(transaction=True)
def test_verification_by_several_processes_leaves_no_connection_behind(client_org):
    with transaction.atomic():
        for n in range(10):
            record_event(organization=client_org, action="test.step", after={"n": n})
    before = _connections_to_this_database()
    for slices in (1, 2, 4):
        assert verify_chain(client_org, processes=slices).ok
    assert _connections_to_this_database() == before


def test_a_chain_verified_inside_a_transaction_includes_its_uncommitted_events(client_org):
    """The caller's own writes are visible on its connection only: no worker reads them."""
    with transaction.atomic():
        record_event(organization=client_org, action="test.step")
        head = ChainHead.objects.get(organization=client_org)
        report = verify_chain(client_org, processes=2)
    assert (report.ok, report.events) == (True, head.seq)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="one start method test is enough")
def test_workers_started_by_spawn_need_no_django_setup(db, sqlite_copy, monkeypatch):
    chains = {"ok": Organization.objects.create(name="Spawn", slug="spawn", kind="client")}
    with transaction.atomic():
        for step in range(EVENTS):
            record_event(organization=chains["ok"], action="test.step", after={"n": step})
    _event(chains["ok"], 20).update(action="test.forged")
    database = sqlite_copy()
    monkeypatch.setattr(chain_scan, "_start_method", lambda: multiprocessing.get_context("spawn"))
    found = chain_scan.scan_chain(database, chains["ok"].pk, EVENTS, 2)
    assert found == (19, 20, chain_scan.MODIFIED)


# --- a big chain on a SQLite file, through the management command --------------------------


def big_chain_scenario(count: int) -> None:
    """Run in a fresh process on a SQLite file: `audit_verify` on a chain long enough to be
    shared between processes, then on the same chain broken in its second half."""
    from datetime import timedelta

    from django.utils import timezone

    from saveit.audit.canonical import GENESIS, context_digest
    from saveit.core.bulk import db_datetime, insert_rows, json_param

    call_command("migrate", verbosity=0)
    organization = Organization.objects.create(name="Big", slug="big", kind="client")
    started, prev, rows = timezone.now(), GENESIS, []
    ctx = context_digest("ab", "192.0.2.1", "pytest")
    for seq in range(1, count + 1):
        created = started + timedelta(microseconds=seq * 1001)
        hashed = (organization.pk, seq, prev, created, None, None, "", "test.big", "", "")
        digest = compute_hash((*hashed, {}, {"n": seq}, ctx))
        stored = (db_datetime(created), json_param({}), json_param({"n": seq}), ctx, digest)
        rows.append((*hashed[:3], *stored, "192.0.2.1", "pytest", "ab", *hashed[6:]))
        prev = digest
    columns = ("organization_id", "seq", "prev_hash", "created_at", "before", "after")
    columns += ("context_digest", "hash", "ip", "user_agent", "context_salt")
    columns += ("actor_role", "action", "object_type", "object_id")
    with transaction.atomic():
        insert_rows(AuditEvent._meta.db_table, columns, rows)
        ChainHead.objects.create(organization=organization, seq=count, hash=prev)
    processes: list[int] = []
    plan = chain_scan.plan_slices
    chain_scan.plan_slices = lambda *args: processes.append(args[3]) or plan(*args)  # type: ignore[assignment]

    out = StringIO()
    call_command("audit_verify", "--org", "big", stdout=out)
    assert f"ok big: {count} events" in out.getvalue(), out.getvalue()
    broken = count * 3 // 4
    _event(organization, broken).update(user_agent="curl/8.0")
    try:
        call_command("audit_verify", "--org", "big", stdout=StringIO())
    except CommandError as failure:
        assert failure.returncode == 1
        assert f"big at seq {broken}" in str(failure)
    else:
        raise AssertionError("the broken chain was reported ok")
    assert processes == [chain_scan.available_cpus()] * 2, processes
    print("big chain ok")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="runs its own SQLite file")
def test_the_command_verifies_a_big_sqlite_chain_with_every_cpu(tmp_path):
    events = chain.PARALLEL_FROM_EVENTS + 1000
    run_in_fresh_sqlite(
        tmp_path,
        f"saveit.audit.tests.test_chain_slices:big_chain_scenario({events})",
        expect="big chain ok",
        timeout=600,
        name="big",
    )
