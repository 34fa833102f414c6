"""Which candidates are kept: no repeated prompt, a varied few families per lesson, a bounded
total.

Families are kept or dropped whole: a true statement is never kept without its false variant,
so "Vrai" stays the right answer about as often as "Faux". Whatever is kept is returned in
document order, so the same outline always gives the same items in the same order.
"""

from __future__ import annotations

from ..snapshot import family_key
from .items import Candidate
from .sentences import normalise


def unique(candidates: list[Candidate], seen: set[str]) -> list[Candidate]:
    """Drops prompts already met (here or in an earlier lesson, recorded in `seen`); a true
    statement whose false variant is dropped goes too (and the other way round)."""
    kept: list[Candidate] = []
    for candidate in candidates:
        key = normalise(candidate.item.prompt)
        if key not in seen:
            seen.add(key)
            kept.append(candidate)
    return _paired(kept)


def _paired(candidates: list[Candidate]) -> list[Candidate]:
    answers: dict[str, set[int]] = {}
    for candidate in candidates:
        if candidate.item.kind == "true_false":
            answers.setdefault(candidate.family, set()).update(candidate.item.correct)
    return [c for c in candidates if c.item.kind != "true_false" or answers.get(c.family) == {0, 1}]


def families(candidates: list[Candidate]) -> list[list[Candidate]]:
    """Candidates grouped by family, in the order each family first appears."""
    grouped: dict[str, list[Candidate]] = {}
    for candidate in candidates:
        grouped.setdefault(family_key(candidate), []).append(candidate)
    return list(grouped.values())


def varied(candidates: list[Candidate], cap: int) -> list[Candidate]:
    """Up to `cap` families, one rule after the other, so that a cap keeps every kind of
    question present."""
    buckets: dict[str, list[list[Candidate]]] = {}
    for family in families(candidates):
        buckets.setdefault(family[0].item.rule, []).append(family)
    queues = list(buckets.values())
    chosen: list[list[Candidate]] = []
    while len(chosen) < cap and any(queues):
        for queue in queues:
            if queue and len(chosen) < cap:
                chosen.append(queue.pop(0))
    return sorted((c for family in chosen for c in family), key=lambda c: c.position)


def bounded(per_lesson: list[list[Candidate]], cap: int) -> list[Candidate]:
    """Up to `cap` items in all, whole families taken lesson after lesson, so that late
    lessons are not starved."""
    queues = [families(candidates) for candidates in per_lesson]
    chosen: list[Candidate] = []
    while any(queues):
        for queue in queues:
            if queue:
                family = queue.pop(0)
                if len(chosen) + len(family) <= cap:
                    chosen += family
    return sorted(chosen, key=lambda c: c.position)
