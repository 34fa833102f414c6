"""Which candidates are kept: no repeated prompt, a varied few per lesson, a bounded total.

Whatever is kept is returned in document order, so the same outline always gives the same
items in the same order.
"""

from __future__ import annotations

from .items import Candidate
from .sentences import normalise


def unique(candidates: list[Candidate], seen: set[str]) -> list[Candidate]:
    """Drops prompts already met (here or in an earlier lesson, recorded in `seen`)."""
    kept: list[Candidate] = []
    for candidate in candidates:
        key = normalise(candidate.item.prompt)
        if key not in seen:
            seen.add(key)
            kept.append(candidate)
    return kept


def varied(candidates: list[Candidate], cap: int) -> list[Candidate]:
    """Up to `cap`, one kind after the other, so that a cap keeps every kind present.

    Within a kind, statements quoted from the procedure come before derived false variants.
    """
    buckets: dict[str, list[Candidate]] = {}
    for candidate in candidates:
        buckets.setdefault(candidate.item.kind, []).append(candidate)
    queues = [sorted(b, key=lambda c: (not c.primary, c.position)) for b in buckets.values()]
    chosen: list[Candidate] = []
    while len(chosen) < cap and any(queues):
        for queue in queues:
            if queue and len(chosen) < cap:
                chosen.append(queue.pop(0))
    return sorted(chosen, key=lambda c: c.position)


def bounded(per_lesson: list[list[Candidate]], cap: int) -> list[Candidate]:
    """Up to `cap` in all, taken lesson after lesson, so that late lessons are not starved."""
    queues = [list(candidates) for candidates in per_lesson]
    chosen: list[Candidate] = []
    while len(chosen) < cap and any(queues):
        for queue in queues:
            if queue and len(chosen) < cap:
                chosen.append(queue.pop(0))
    return sorted(chosen, key=lambda c: c.position)
