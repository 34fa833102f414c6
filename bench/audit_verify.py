"""Audit chain verification: our verify_chain next to the raw floor (hashlib over the same bytes).

    .venv/bin/python bench/audit_verify.py [--events 100000] [--runs 3]

Runs on a fresh SQLite file under a temporary directory (removed afterwards), or on DATABASE_URL
when set (it then creates its rows in that database's organisation "bench-audit" and deletes them
afterwards). The chain is written with one raw bulk insert (COPY on PostgreSQL), then left as a
database at rest would be (SQLite WAL checkpointed; PostgreSQL vacuumed and analysed); building
is not what is measured.
SPEC §15 target: 1 000 000 events verified in under 5 s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
OWN_VAR_DIR = "SAVEIT_VAR_DIR" not in os.environ
os.environ.setdefault("SAVEIT_VAR_DIR", tempfile.mkdtemp(prefix="saveit-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

import django

django.setup()

from django.core.management import call_command
from django.db import connection, transaction

from saveit.accounts.models import Organization
from saveit.audit import chain_scan
from saveit.audit.chain import (
    GENESIS,
    PARALLEL_FROM_EVENTS,
    context_digest,
    payload_bytes,
    verify_chain,
)
from saveit.audit.models import AuditEvent, ChainHead
from saveit.core.bulk import db_datetime, insert_rows, json_param

TARGET_EVENTS, TARGET_SECONDS = 1_000_000, 5.0
COLUMNS = (
    "organization_id",
    "seq",
    "prev_hash",
    "hash",
    "created_at",
    "actor_user_id",
    "actor_membership_id",
    "actor_role",
    "action",
    "object_type",
    "object_id",
    "before",
    "after",
    "ip",
    "user_agent",
    "context_salt",
    "context_digest",
)
ACTIONS = ("learner.updated", "assignment.created", "attempt.submitted", "module.published")
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126"


def events(organization_id: int, count: int, payloads: list[bytes]) -> Iterator[tuple]:  # type: ignore[type-arg]
    """A valid chain in database form, like record_event writes it (one fresh salt per event).
    Appends each event's hashed payload bytes to `payloads`, for the raw floor."""
    start, prev = datetime(2026, 1, 5, 8, tzinfo=UTC), GENESIS
    for seq in range(1, count + 1):
        created = start + timedelta(seconds=seq * 3, microseconds=seq * 7919 % 1_000_000)
        member, action = 1000 + seq % 5000, ACTIONS[seq % len(ACTIONS)]
        before, after = {"n": seq - 1, "état": "brouillon"}, {"n": seq, "état": "publié"}
        ip, salt = f"192.0.2.{seq % 250}", secrets.token_hex(16)
        ctx = context_digest(salt, ip, USER_AGENT)
        hashed = (organization_id, seq, prev, created, member, member, "client_manager", action)
        hashed += ("learning.learner", str(seq % 97_000))
        payload = payload_bytes((*hashed, before, after, ctx))
        payloads.append(payload)
        digest = hashlib.sha256(payload).hexdigest()
        yield (
            *hashed[:3],
            digest,
            db_datetime(created),
            *hashed[4:],
            json_param(before),
            json_param(after),
            ip,
            USER_AGENT,
            salt,
            ctx,
        )
        prev = digest


def build(organization: Organization, count: int) -> list[bytes]:
    """Write a valid chain of `count` events; return each event's hashed payload bytes."""
    payloads: list[bytes] = []
    with transaction.atomic():
        insert_rows(AuditEvent._meta.db_table, COLUMNS, events(organization.pk, count, payloads))
        last = hashlib.sha256(payloads[-1]).hexdigest() if payloads else GENESIS
        ChainHead.objects.update_or_create(
            organization=organization, defaults={"seq": count, "hash": last}
        )
    with connection.cursor() as cursor:  # a database at rest, not one fresh from a bulk load
        if connection.vendor == "postgresql":
            cursor.execute(f"VACUUM ANALYZE {AuditEvent._meta.db_table}")
        else:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return payloads


def timed_runs(function: Callable[[], object], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return times


def remove(organization: Organization) -> None:
    AuditEvent.objects.filter(organization=organization).delete()
    ChainHead.objects.filter(organization=organization).delete()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    organization, _ = Organization.objects.get_or_create(
        slug="bench-audit", defaults={"name": "Bench audit", "kind": "client"}
    )
    remove(organization)
    try:
        started = time.perf_counter()
        payloads = build(organization, args.events)
        built = time.perf_counter() - started
        report = verify_chain(organization)
        assert report.ok and report.events == args.events, report
        ours = timed_runs(lambda: verify_chain(organization), args.runs)
        raw = timed_runs(lambda: [hashlib.sha256(p).hexdigest() for p in payloads], args.runs)
    finally:
        if os.environ.get("DATABASE_URL"):
            remove(organization)
            organization.delete()
    print_results(args.events, args.runs, built, ours, raw)


def print_results(
    count: int, runs: int, built: float, runs_ours: list[float], runs_raw: list[float]
) -> None:
    ours, raw = statistics.median(runs_ours), statistics.median(runs_raw)
    cpus = chain_scan.available_cpus()
    processes = cpus if count >= PARALLEL_FROM_EVENTS else 1
    print(
        f"audit chain verification, {count:_} events on {connection.vendor}, "
        f"median of {runs} runs ({cpus} CPUs; chain built in {built:.1f} s)".replace("_", " ")
    )
    print(
        f"  ours (verify_chain, {processes} process{'es' if processes > 1 else ''}): {ours:.3f} s"
        f"   raw floor (hashlib over the same bytes, 1 process): {raw:.3f} s"
        f"   ratio {ours / raw:.1f}x"
    )
    print("  each run, ours: " + ", ".join(f"{t:.3f}" for t in runs_ours) + " s")
    if count == TARGET_EVENTS:
        verdict = "met" if ours < TARGET_SECONDS else "NOT MET"
        print(f"  SPEC §15 target: 1 000 000 events in < 5 s: {verdict} ({ours:.2f} s)")
    elif count >= PARALLEL_FROM_EVENTS:
        projected = ours * TARGET_EVENTS / count
        print(f"  projected for 1 000 000 events: {projected:.1f} s (SPEC §15 target < 5 s)")
    else:
        print("  (one process below the parallel threshold: run --events 1000000 for SPEC §15)")


if __name__ == "__main__":
    try:
        main()
    finally:
        if OWN_VAR_DIR:
            shutil.rmtree(os.environ["SAVEIT_VAR_DIR"], ignore_errors=True)
