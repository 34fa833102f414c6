"""Gap-free sequential numbers (engagement references, proformas, attestations, invoices)."""

from __future__ import annotations

from django.db import transaction

from .models import NumberSequence


def next_number(series: str, year: int, *, width: int = 4) -> str:
    """The next number of a series for a year, e.g. PF-2026-0007.

    Must run in the transaction that creates the numbered record: the counter row stays locked
    until it commits, and a rollback hands the number back, so the series has no gap.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number must run inside the transaction that uses the number.")
    NumberSequence.objects.get_or_create(series=series, year=year)
    counter = NumberSequence.objects.select_for_update().get(series=series, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{series}-{year}-{counter.last:0{width}d}"
