"""Audit chain verification: our verify_chain next to the raw floor (hashlib over the same bytes).

    .venv/bin/python bench/audit_verify.py [--events 100000] [--runs 3]

Runs on a fresh SQLite file under a temporary directory, or on DATABASE_URL when set (it then
creates its rows in that database's organisation "bench-audit" and deletes them afterwards).
SPEC §15 target: 1 000 000 events verified in under 5 s.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("SAVEIT_VAR_DIR", tempfile.mkdtemp(prefix="saveit-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

import django

django.setup()

from django.core.management import call_command
from django.db import transaction

from saveit.accounts.models import Organization
from saveit.audit.chain import (
    GENESIS,
    HASHED_COLUMNS,
    compute_hash,
    context_digest,
    payload_bytes,
    verify_chain,
)
from saveit.audit.models import AuditEvent, ChainHead


def build(organization: Organization, count: int) -> list[bytes]:
    """Write a valid chain of `count` events; return each event's hashed payload bytes."""
    start = datetime(2026, 1, 1, tzinfo=UTC)
    prev, payloads, batch = GENESIS, [], []
    for seq in range(1, count + 1):
        event = AuditEvent(
            organization=organization,
            seq=seq,
            prev_hash=prev,
            created_at=start + timedelta(seconds=seq),
            action="bench.step",
            object_type="bench.object",
            object_id=str(seq % 977),
            before={"n": seq - 1},
            after={"n": seq},
            ip="127.0.0.1",
            user_agent="bench",
            context_salt="00",
            context_digest=context_digest("00", "127.0.0.1", "bench"),
        )
        row = tuple(getattr(event, column) for column in HASHED_COLUMNS)
        payloads.append(payload_bytes(row))
        event.hash = prev = compute_hash(row)
        batch.append(event)
        if len(batch) == 5000:
            AuditEvent.objects.bulk_create(batch)
            batch = []
    AuditEvent.objects.bulk_create(batch)
    ChainHead.objects.update_or_create(
        organization=organization, defaults={"seq": count, "hash": prev}
    )
    return payloads


def median_time(function, runs: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    organization, _ = Organization.objects.get_or_create(
        slug="bench-audit", defaults={"name": "Bench audit", "kind": "client"}
    )
    AuditEvent.objects.filter(organization=organization).delete()
    with transaction.atomic():
        payloads = build(organization, args.events)
    ours = median_time(lambda: verify_chain(organization), args.runs)
    raw = median_time(lambda: [hashlib.sha256(p).hexdigest() for p in payloads], args.runs)
    assert verify_chain(organization).ok
    print(f"audit chain verification, {args.events} events, median of {args.runs} runs")
    print(
        f"  ours (verify_chain): {ours:.3f} s   raw floor (hashlib, same bytes): {raw:.3f} s"
        f"   ratio {ours / raw:.1f}x"
    )
    print(
        f"  projected for 1 000 000 events: {ours * 1_000_000 / args.events:.1f} s (target < 5 s)"
    )
    if os.environ.get("DATABASE_URL"):
        AuditEvent.objects.filter(organization=organization).delete()
        ChainHead.objects.filter(organization=organization).delete()
        organization.delete()


if __name__ == "__main__":
    main()
