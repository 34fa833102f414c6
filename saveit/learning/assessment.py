"""Drawing, reading and scoring an assessment, on the server, from a module version's snapshot.

Pure functions over the frozen snapshot (`saveit.catalog.snapshot`): no database. The SCORM
player (`saveit/catalog/scorm_assets/player.js`) applies the same rules in the browser; keep
both in step (same kinds, same all-or-nothing scoring, same number reading, same floor rule).

Indexes: an item's `choices` are stored in a fixed order and `correct` indexes into it (an
ordering item stores its steps in the right order, so `correct` is `[0..n-1]`). The page shows
the choices in `DrawnItem.order` and posts *display positions*; `parse_answers` maps them back
to indexes into the stored choices, and only those are scored or kept.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from saveit.catalog.anchors import section_key
from saveit.catalog.snapshot import family_count as bank_family_count
from saveit.catalog.snapshot import family_key

FIELD_PREFIX = "item-"
MAX_NUMBER_LENGTH = 30  # longer than any sensible answer; keeps Decimal parsing cheap

# Same reading as player.js `parseNumber`: blanks (spaces, no-break spaces) are thousand
# separators, one comma is the decimal mark, no exponent, no unit.
_BLANKS = re.compile(r"[\s\u00a0\u202f\ufeff]")
_NUMBER = re.compile(r"[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)")
_POSITION = re.compile(r"[0-9]{1,4}")


@dataclass(frozen=True)
class DrawnItem:
    """One question of an attempt, and the order its choices are shown in.

    `order[i]` is the index into the item's stored choices shown at position `i`; `()` for a
    numeric item.
    """

    key: str
    order: tuple[int, ...]


@dataclass(frozen=True)
class ItemResult:
    key: str
    correct: bool
    section: str  # the item's first source anchor ("" if it has none)
    section_key: str  # the same, with its document version: "12#s-4" (see catalog.anchors)
    given: object  # list[int] of stored-choice indexes, a Decimal for numeric, None if unanswered
    feedback: str


@dataclass(frozen=True)
class SectionResult:
    anchor: str
    title: str
    correct: int
    total: int
    feedbacks: tuple[str, ...]  # non-empty feedback of the items missed here, without repeats


@dataclass(frozen=True)
class Outcome:
    score: int  # percent, floor(100 × correct / total)
    passed: bool
    correct: int
    total: int
    items: tuple[ItemResult, ...]
    sections: tuple[SectionResult, ...]  # in the order sections first appear in the attempt


class InvalidAnswers(ValueError):
    """The posted answers cannot be read; none of them is kept."""

    def __init__(self, message: str, *, key: str | None = None) -> None:
        super().__init__(message)
        self.key = key  # the drawn item at fault, if one is


# ---------------------------------------------------------------- drawing


def draw(snapshot: Mapping[str, Any], *, seed: str) -> list[DrawnItem]:
    """The items of one attempt, reproducible from `seed` alone.

    Draws `items_per_attempt` items, never two of one family (items built from the same
    statement of the procedure: a rule and its false variant would answer each other), so at
    most one per family. Without `randomise`: the first one of each family in bank order,
    choices in stored order. With `randomise`: a stratified sample of families (see
    `_spread_sample`), one member of each picked at random, in shuffled order, single and
    multiple choices shuffled. True/false is never shuffled ("Vrai" stays first). An ordering
    item is always shuffled, and never shown in its right order, otherwise the page would
    give the answer away.
    """
    rules = snapshot.get("assessment") or {}
    families = _families(list(snapshot.get("items") or []))
    randomise = bool(rules.get("randomise"))
    count = min(int(rules.get("items_per_attempt") or len(families)), len(families))
    rng = random.Random(seed)
    if randomise:
        chosen = [rng.choice(family) for family in _spread_sample(families, count, rng)]
        rng.shuffle(chosen)
    else:
        chosen = [family[0] for family in families[:count]]
    return [DrawnItem(item["key"], _display_order(item, randomise, rng)) for item in chosen]


def family_count(snapshot: Mapping[str, Any]) -> int:
    """How many items an attempt can draw at most: one per family."""
    return bank_family_count(snapshot.get("items") or [])


def _families(bank: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The bank grouped by family, in bank order; an item without a family is its own."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for item in bank:
        grouped.setdefault(family_key(item), []).append(item)
    return list(grouped.values())


def _spread_sample(
    families: list[list[dict[str, Any]]], count: int, rng: random.Random
) -> list[list[dict[str, Any]]]:
    """`count` families covering as many source sections as possible, evenly.

    Families are grouped by section (first source anchor of their first item). Round robin
    over the sections, in a random order, taking at each pass one not-yet-drawn family (picked
    at random) from each section that still has one: every section is covered once before any
    gives a second family, and two sections' counts never differ by more than one unless the
    smaller one ran out.
    """
    groups: dict[str, list[list[dict[str, Any]]]] = {}
    for family in families:
        groups.setdefault(_section(family[0]), []).append(family)
    sections = list(groups.values())
    for group in sections:
        rng.shuffle(group)
    rng.shuffle(sections)
    chosen: list[list[dict[str, Any]]] = []
    depth = 0
    while len(chosen) < count:
        for group in sections:
            if depth < len(group):
                chosen.append(group[depth])
                if len(chosen) == count:
                    break
        depth += 1
    return chosen


def _display_order(item: Mapping[str, Any], randomise: bool, rng: random.Random) -> tuple[int, ...]:
    kind = item.get("kind")
    if kind == "numeric":
        return ()
    order = list(range(len(item.get("choices") or [])))
    if kind == "ordering":
        right = list(item.get("correct") or order)
        # Rejection keeps the order uniform over the wrong ones; < 2 shuffles on average.
        while len(order) > 1:
            rng.shuffle(order)
            if order != right:
                break
    elif randomise and kind in ("single", "multiple"):
        rng.shuffle(order)
    return tuple(order)


# ---------------------------------------------------------------- reading the form


def parse_answers(
    drawn: Sequence[DrawnItem], snapshot: Mapping[str, Any], form: Mapping[str, Any]
) -> dict[str, object]:
    """The posted answers, as indexes into the stored choices (a Decimal for numeric).

    `form` maps each field `item-<key>` to the list of posted strings (a QueryDict or a dict
    of lists). Display positions are 0-based: one for single and true/false, any number for
    multiple, for ordering the position of the step put first, then second... A missing or
    blank answer is `None` (scored wrong). Anything else unreadable, or a field for an item
    that was not drawn, refuses the whole set (`InvalidAnswers`): nothing is half-accepted.
    """
    drawn_keys = {d.key for d in drawn}
    for name in form:
        if name.startswith(FIELD_PREFIX) and name[len(FIELD_PREFIX) :] not in drawn_keys:
            raise InvalidAnswers(_("These answers do not match the questions of this attempt."))
    items = _items_by_key(snapshot)
    answers: dict[str, object] = {}
    for number, entry in enumerate(drawn, start=1):
        values = [v.strip() for v in _values(form, FIELD_PREFIX + entry.key)]
        values = [v for v in values if v]
        answers[entry.key] = _read(entry, items[entry.key], values, number) if values else None
    return answers


def _values(form: Mapping[str, Any], name: str) -> list[str]:
    getlist = getattr(form, "getlist", None)
    raw = getlist(name) if callable(getlist) else form.get(name, [])
    if isinstance(raw, str):
        return [raw]
    return [str(v) for v in raw]


def _read(entry: DrawnItem, item: Mapping[str, Any], values: list[str], number: int) -> object:
    kind = item.get("kind")
    if kind == "numeric":
        return _read_number(values, entry.key, number)
    positions = [_position(v, entry, number) for v in values]
    chosen = [entry.order[p] for p in positions]
    if kind == "ordering":
        if sorted(positions) != list(range(len(entry.order))):
            raise InvalidAnswers(
                _("Question %(number)d: give each step exactly one position.") % {"number": number},
                key=entry.key,
            )
        return chosen
    if kind == "multiple":
        if len(set(chosen)) != len(chosen):
            raise _not_a_choice(entry, number)
        return sorted(chosen)
    if len(chosen) != 1:  # single, true_false
        raise InvalidAnswers(
            _("Question %(number)d: choose a single answer.") % {"number": number}, key=entry.key
        )
    return chosen


def _position(value: str, entry: DrawnItem, number: int) -> int:
    if not _POSITION.fullmatch(value) or int(value) >= len(entry.order):
        raise _not_a_choice(entry, number)
    return int(value)


def _not_a_choice(entry: DrawnItem, number: int) -> InvalidAnswers:
    return InvalidAnswers(
        _("Question %(number)d: this answer is not one of the choices offered.")
        % {"number": number},
        key=entry.key,
    )


def _read_number(values: list[str], key: str, number: int) -> Decimal:
    value = values[0] if len(values) == 1 else ""
    clean = _BLANKS.sub("", value).replace(",", ".", 1)
    if len(value) > MAX_NUMBER_LENGTH or not _NUMBER.fullmatch(clean):
        raise InvalidAnswers(
            _("Question %(number)d: enter a number, for example 12 or 12,5.") % {"number": number},
            key=key,
        )
    return Decimal(clean)


# ---------------------------------------------------------------- scoring


def score(
    drawn: Sequence[DrawnItem],
    snapshot: Mapping[str, Any],
    answers: Mapping[str, object],
    *,
    section_titles: Mapping[str, str],
) -> Outcome:
    """Each item is right or wrong, with no partial credit.

    single, true/false: the one right choice. multiple: exactly the set of right choices, all
    or nothing (one missing or one extra is wrong). ordering: every step in its place.
    numeric: |given - answer| <= tolerance, in Decimal. The score is floor(100 × correct /
    total): rounding never turns a fail into a pass (79.9 % against a pass mark of 80 fails).
    An attempt with no item scores 0 and does not pass.
    """
    items = _items_by_key(snapshot)
    results: list[ItemResult] = []
    for entry in drawn:
        item = items[entry.key]
        given = answers.get(entry.key)
        results.append(
            ItemResult(
                key=entry.key,
                correct=given is not None and _is_right(item, given),
                section=_section(item),
                section_key=section_key(item.get("source_version_id"), _section(item)),
                given=given,
                feedback=str(item.get("feedback") or ""),
            )
        )
    correct = sum(r.correct for r in results)
    total = len(results)
    percent = 100 * correct // total if total else 0
    pass_mark = int(snapshot["assessment"]["pass_mark"])
    return Outcome(
        score=percent,
        passed=total > 0 and percent >= pass_mark,
        correct=correct,
        total=total,
        items=tuple(results),
        sections=_sections(results, section_titles),
    )


def _is_right(item: Mapping[str, Any], given: object) -> bool:
    kind = item.get("kind")
    if kind == "numeric":
        if not isinstance(given, Decimal) or item.get("answer") is None:
            return False
        tolerance = abs(Decimal(str(item.get("tolerance") or "0")))
        return abs(given - Decimal(str(item["answer"]))) <= tolerance
    if not isinstance(given, list):
        return False
    right = [int(i) for i in item.get("correct") or []]
    if kind == "ordering":
        return given == right
    if kind == "multiple":
        return sorted(set(given)) == sorted(set(right)) and len(given) == len(set(given))
    return len(right) == 1 and given == right  # single, true_false


def _sections(
    results: Iterable[ItemResult], titles: Mapping[str, str]
) -> tuple[SectionResult, ...]:
    grouped: dict[str, list[ItemResult]] = {}
    for result in results:
        grouped.setdefault(result.section, []).append(result)
    return tuple(
        SectionResult(
            anchor=anchor,
            # The title, never the anchor ("s-4-3" means nothing to a learner); "" if unknown.
            title=titles.get(group[0].section_key) or titles.get(anchor) or "",
            correct=sum(r.correct for r in group),
            total=len(group),
            feedbacks=tuple(
                dict.fromkeys(r.feedback for r in group if not r.correct and r.feedback)
            ),
        )
        for anchor, group in grouped.items()
    )


# ---------------------------------------------------------------- helpers


def _items_by_key(snapshot: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    return {item["key"]: item for item in snapshot.get("items") or []}


def _section(item: Mapping[str, Any]) -> str:
    anchors = item.get("source_anchors") or []
    return str(anchors[0]) if anchors else ""
