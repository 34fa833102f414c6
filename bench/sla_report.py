"""Monthly SLA report KPIs over a year of tickets, next to the raw SQL aggregate.

    .venv/bin/python bench/sla_report.py [--tickets 10000] [--runs 5]

Builds one support contract with `--tickets` tickets opened at working hours over the 12 months
of 2026 (a quarter of them paused once, 2 % excluded), one outage and one planned window a month,
in a fresh SQLite file under a temporary directory, or in DATABASE_URL when set (its rows are
deleted afterwards). Each ticket's acknowledgement and restoration minutes are counted by the one
clock function (`saveit.support.clock.counted_minutes`), as the services do when a clock stops.

Measured, median of --runs:
  ours   — the report's figures for December: the month's KPIs, the 12 rolling months' KPIs
           (all 10 000 tickets) and the 12 monthly availabilities (what `close_report` stores);
  floor  — the same ticket KPIs as two raw SQL aggregates (no availability, no breach lists).
Also printed: counting every clock of the year again from scratch (what storing the minutes saves).
Issue 17 target: a year of 10 000 tickets under 1 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("SAVEIT_VAR_DIR", tempfile.mkdtemp(prefix="saveit-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

import django

django.setup()

from django.core.management import call_command
from django.db import connection, transaction

from saveit.accounts.roles import OrganizationKind, Role
from saveit.support.clock import PARIS, counted_minutes, deadline, is_working_day
from saveit.support.models import MaintenanceWindow, Outage, SupportContract, Ticket, TicketPause
from saveit.support.report import build_figures, month_bounds
from saveit.support.rules import ACKNOWLEDGEMENT_TARGET, RESTORATION_TARGETS, priority_for
from saveit.testing.factories import make_member, make_organization

TARGET_MS = 1000.0
YEAR = 2026


def median_ms(function, runs: int) -> float:  # type: ignore[no-untyped-def]
    function()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def _opening(rng: random.Random) -> dt.datetime:
    while True:
        day = dt.date(YEAR, 1, 1) + dt.timedelta(days=rng.randrange(365))
        if is_working_day(day):
            return dt.datetime.combine(
                day, dt.time(rng.randint(8, 17), rng.randrange(60)), tzinfo=PARIS
            )


@transaction.atomic
def build(count: int) -> tuple[SupportContract, float]:
    rng = random.Random(2026)
    client = make_organization("Bench SLA client", OrganizationKind.CLIENT)
    member = make_member(client, Role.CLIENT_OWNER)
    contract = SupportContract.objects.create(
        client=client, reference=f"BENCH-{client.pk}", title="bench", starts_on=dt.date(YEAR, 1, 1)
    )
    started = time.perf_counter()
    tickets, pauses = [], []
    for index in range(count):
        opened = _opening(rng)
        severity, criticity = rng.choice(["S1", "S2", "S3"]), rng.choice(["C1", "C2", "C3"])
        priority = priority_for(severity, criticity)
        target, window = RESTORATION_TARGETS[priority]
        ack_at = deadline(opened, rng.randint(5, 200), ACKNOWLEDGEMENT_TARGET[1])
        spans: list[tuple[dt.datetime, dt.datetime | None]] = []
        if rng.random() < 0.25:
            spans.append((ack_at, ack_at + dt.timedelta(hours=rng.randint(1, 30))))
        restored = deadline(opened, int(target * rng.uniform(0.2, 1.4)), window, spans)
        tickets.append(
            Ticket(
                organization=client,
                contract=contract,
                number=f"BENCH-{client.pk}-{index}",
                title="bench",
                description="bench",
                type="incident",
                severity=severity,
                criticity=criticity,
                priority=priority,
                status="closed",
                opened_by=member,
                opened_at=opened,
                acknowledged_at=ack_at,
                restored_at=restored,
                closed_at=restored,
                acknowledgement_minutes=counted_minutes(
                    opened, ack_at, ACKNOWLEDGEMENT_TARGET[1], spans
                ),
                restoration_minutes=counted_minutes(opened, restored, window, spans),
                exclusion="force_majeure" if rng.random() < 0.02 else "",
            )
        )
        pauses.append(spans)
    clock_seconds = time.perf_counter() - started
    Ticket.objects.bulk_create(tickets, batch_size=1000)
    TicketPause.objects.bulk_create(
        [
            TicketPause(ticket=t, started_at=a, ended_at=b, started_by=member)
            for t, spans in zip(tickets, pauses, strict=True)
            for a, b in spans
        ],
        batch_size=1000,
    )
    for month in range(1, 13):
        start = dt.datetime(YEAR, month, 10, 3, tzinfo=PARIS)
        Outage.objects.create(
            contract=contract,
            started_at=start,
            ended_at=start + dt.timedelta(minutes=rng.randint(5, 90)),
            cause="bench",
            recorded_by=member,
        )
        MaintenanceWindow.objects.create(
            contract=contract,
            title="bench",
            kind="preventive",
            starts_at=start + dt.timedelta(days=5),
            ends_at=start + dt.timedelta(days=5, hours=2),
            notice_minutes=rng.randint(1080, 3000),
            created_by=member,
        )
    return contract, clock_seconds


FLOOR_SQL = [
    "SELECT priority, COUNT(*), AVG(restoration_minutes), "
    "SUM(CASE WHEN (priority = 'P1' AND restoration_minutes > 120) OR (priority = 'P2' AND "
    "restoration_minutes > 240) OR (priority = 'P3' AND restoration_minutes > 480) "
    "THEN 1 ELSE 0 END) "
    "FROM support_ticket WHERE contract_id = %s AND exclusion = '' AND restored_at >= %s "
    "AND restored_at < %s AND restoration_minutes IS NOT NULL GROUP BY priority",
    "SELECT COUNT(*), AVG(acknowledgement_minutes), SUM(CASE WHEN acknowledgement_minutes > 150 "
    "THEN 1 ELSE 0 END) FROM support_ticket WHERE contract_id = %s AND exclusion = '' "
    "AND opened_at >= %s AND opened_at < %s AND acknowledgement_minutes IS NOT NULL",
]


def floor(contract: SupportContract, month: dt.date) -> None:
    with connection.cursor() as cursor:
        for bounds in (month_bounds(month), month_bounds(month, 12)):
            for sql in FLOOR_SQL:
                cursor.execute(sql, [contract.pk, *bounds])
                cursor.fetchall()


def recount(contract: SupportContract) -> None:
    """Every clock of the year counted again, pauses read from the database."""
    by_ticket: dict[int, list[tuple[dt.datetime, dt.datetime | None]]] = {}
    for ticket_id, a, b in TicketPause.objects.filter(ticket__contract=contract).values_list(
        "ticket_id", "started_at", "ended_at"
    ):
        by_ticket.setdefault(ticket_id, []).append((a, b))
    rows = Ticket.objects.filter(contract=contract).values_list(
        "pk", "opened_at", "acknowledged_at", "restored_at", "priority"
    )
    for pk, opened, ack, restored, priority in rows:
        spans = by_ticket.get(pk, [])
        counted_minutes(opened, ack, ACKNOWLEDGEMENT_TARGET[1], spans)
        counted_minutes(opened, restored, RESTORATION_TARGETS[priority][1], spans)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    contract, clock_seconds = build(args.tickets)
    built = time.perf_counter() - started
    month = dt.date(YEAR, 12, 1)
    print(
        f"sla report on {connection.vendor}: {args.tickets} tickets over {YEAR} "
        f"(built in {built:.1f} s, of which counting their clocks {clock_seconds:.1f} s), "
        f"median of {args.runs}"
    )
    ours = median_ms(lambda: build_figures(contract, month), args.runs)
    raw = median_ms(lambda: floor(contract, month), args.runs)
    verdict = "ok" if ours < TARGET_MS else "MISSED"
    print(
        f"  {'report KPIs, month + 12 months':<32} ours {ours:7.1f} ms   "
        f"raw SQL aggregate {raw:7.1f} ms   ratio {ours / raw:5.2f}x   "
        f"target < {TARGET_MS:.0f} ms {verdict}"
    )
    again = median_ms(lambda: recount(contract), max(1, min(args.runs, 3)))
    print(
        f"  {'every clock recounted':<32} {again:7.1f} ms "
        "(not on the report's path: minutes are stored)"
    )
    if os.environ.get("DATABASE_URL"):
        cleanup(contract)


def cleanup(contract: SupportContract) -> None:
    Outage.objects.filter(contract=contract).delete()
    MaintenanceWindow.objects.filter(contract=contract).delete()
    TicketPause.objects.filter(ticket__contract=contract).delete()
    Ticket.objects.filter(contract=contract).delete()
    contract.delete()


if __name__ == "__main__":
    main()
