"""The SLA's KPIs over a period, from the minutes each ticket froze when its clock stopped.

Each clock is counted once, by `clock.counted_minutes`, when it stops (acknowledgement,
restoration, notice); a report then only aggregates stored integers, which keeps a year of
10 000 tickets well under a second. Excluded tickets leave every KPI.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, cast

from .models import MaintenanceWindow, Outage, SupportContract, Ticket
from .rules import (
    ACKNOWLEDGEMENT_TARGET,
    AVAILABILITY_TARGET,
    BUSINESS_DAY_MINUTES,
    NOTICE_MINIMUM_MINUTES,
    RESTORATION_TARGETS,
)

Span = tuple[dt.datetime, dt.datetime]


def _union(spans: Iterable[Span]) -> list[Span]:
    merged: list[Span] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        elif a < b:
            merged.append((a, b))
    return merged


def _minutes(spans: Iterable[Span]) -> int:
    return sum(int((b - a).total_seconds()) // 60 for a, b in spans)


def _clip(
    spans: Iterable[tuple[dt.datetime, dt.datetime | None]], start: dt.datetime, end: dt.datetime
) -> list[Span]:
    out = []
    for a, b in spans:
        a, b = max(a, start), min(b or end, end)
        if a < b:
            out.append((a, b))
    return out


def _minus(spans: list[Span], holes: list[Span]) -> list[Span]:
    out = []
    for a, b in spans:
        for ha, hb in holes:
            if hb <= a or ha >= b:
                continue
            if ha > a:
                out.append((a, ha))
            a = max(a, hb)
        if a < b:
            out.append((a, b))
    return out


def availability(contract_id: int, start: dt.datetime, end: dt.datetime) -> dict[str, Any]:
    """(period − planned − unavailable) / (period − planned), 24/7, in minutes."""
    overlapping = {"contract_id": contract_id, "starts_at__lt": end, "ends_at__gt": start}
    planned = _union(
        _clip(
            MaintenanceWindow.objects.filter(**overlapping).values_list("starts_at", "ends_at"),
            start,
            end,
        )
    )
    outages = Outage.objects.filter(contract_id=contract_id, started_at__lt=end).exclude(
        ended_at__lte=start
    )
    down = _minus(_union(_clip(outages.values_list("started_at", "ended_at"), start, end)), planned)
    period, planned_minutes, down_minutes = (
        _minutes([(start, end)]),
        _minutes(planned),
        _minutes(down),
    )
    base = period - planned_minutes
    value = 100.0 * (base - down_minutes) / base if base > 0 else 100.0
    return {
        "value": round(value, 3),
        "period_minutes": period,
        "planned_minutes": planned_minutes,
        "unavailable_minutes": down_minutes,
        "target": float(AVAILABILITY_TARGET),
        "met": value >= float(AVAILABILITY_TARGET),
    }


def _mean(values: list[int]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def compute_kpis(
    contract: SupportContract | int, start: dt.datetime, end: dt.datetime
) -> dict[str, Any]:
    contract_id = contract if isinstance(contract, int) else contract.pk
    tickets = Ticket.objects.filter(contract_id=contract_id, exclusion="")
    ack_target = ACKNOWLEDGEMENT_TARGET[0]
    acks = cast(
        list[tuple[int, str, int]],
        list(
            tickets.filter(
                opened_at__gte=start, opened_at__lt=end, acknowledgement_minutes__isnull=False
            ).values_list("pk", "number", "acknowledgement_minutes")
        ),
    )
    ack_values = [m for _pk, _n, m in acks]
    ack_mean = _mean(ack_values)
    kpis: dict[str, Any] = {
        "availability": availability(contract_id, start, end),
        "acknowledgement": {
            "count": len(acks),
            "mean": ack_mean,
            "target": ack_target,
            "within": sum(1 for m in ack_values if m <= ack_target),
            "met": ack_mean is None or ack_mean <= ack_target,
            "breaches": [[pk, n, m] for pk, n, m in acks if m > ack_target],
        },
        "restoration": {},
    }
    restored = cast(
        list[tuple[int, str, str, int]],
        list(
            tickets.filter(
                restored_at__gte=start, restored_at__lt=end, restoration_minutes__isnull=False
            )
            .exclude(priority="")
            .values_list("pk", "number", "priority", "restoration_minutes")
        ),
    )
    for priority, (target, window) in RESTORATION_TARGETS.items():
        rows = [(pk, n, m) for pk, n, p, m in restored if p == priority]
        values = [m for _pk, _n, m in rows]
        mean = _mean(values)
        kpis["restoration"][priority] = {
            "count": len(rows),
            "mean": mean,
            "target": target,
            "window": window,
            "within": sum(1 for m in values if m <= target),
            "met": mean is None or mean <= target,
            "breaches": [[pk, n, m] for pk, n, m in rows if m > target],
        }
    notices = cast(
        list[int],
        list(
            MaintenanceWindow.objects.filter(
                contract_id=contract_id,
                starts_at__gte=start,
                starts_at__lt=end,
                notice_minutes__isnull=False,
            ).values_list("notice_minutes", flat=True)
        ),
    )
    notice_mean = _mean(notices)
    kpis["notice"] = {
        "count": len(notices),
        "mean_days": round(notice_mean / BUSINESS_DAY_MINUTES, 2)
        if notice_mean is not None
        else None,
        "target_days": NOTICE_MINIMUM_MINUTES / BUSINESS_DAY_MINUTES,
        "met": notice_mean is None or notice_mean >= NOTICE_MINIMUM_MINUTES,
    }
    kpis["excluded"] = (
        Ticket.objects.filter(contract_id=contract_id, opened_at__gte=start, opened_at__lt=end)
        .exclude(exclusion="")
        .count()
    )
    kpis["opened"] = Ticket.objects.filter(
        contract_id=contract_id, opened_at__gte=start, opened_at__lt=end
    ).count()
    return kpis
