"""How much a generated assessment is worth: the blind-strategy measure of SPEC §4.

For a procedure file, the proposed item bank is drawn as the product draws an attempt (same
`draw`, default settings of a new module version) and answered by strategies that do not read
the questions: "always true", "always the first option", "always the longest option". Each must
score below the pass mark, or the assessment certifies nothing. Used by the
`assessment_report` command and by the corpus test.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from saveit.catalog.models import ModuleVersion
from saveit.catalog.transform import Skeleton, propose_skeleton
from saveit.documents.ingest import ingest

from .assessment import DrawnItem, draw, family_count, score

ATTEMPTS = 400  # simulated attempts per strategy: the mean moves by less than a point beyond
MAX_BYTES = 25 * 1024 * 1024
CORPUS = Path(__file__).resolve().parent.parent / "testing" / "procedures"
KINDS = ("true_false", "single", "multiple", "ordering", "numeric")

Strategy = Callable[[dict[str, Any], DrawnItem, random.Random], object]


def _defaults() -> dict[str, Any]:
    def field_default(name: str) -> Any:
        found = ModuleVersion._meta.get_field(name)
        return getattr(found, "default", None)

    return {
        "items_per_attempt": field_default("items_per_attempt"),
        "randomise": field_default("randomise"),
        "pass_mark": field_default("pass_mark"),
        "max_attempts": field_default("max_attempts"),
    }


def snapshot_of_skeleton(skeleton: Skeleton) -> dict[str, Any]:
    """The item bank as a module version's snapshot would carry it, default settings."""
    items = [
        {
            "key": f"I-{n}",
            "kind": item.kind,
            "prompt": item.prompt,
            "choices": list(item.choices),
            "correct": list(item.correct),
            "answer": None if item.answer is None else str(item.answer),
            "tolerance": str(item.tolerance),
            "unit": item.unit,
            "feedback": item.feedback,
            "source_anchors": list(item.source_anchors),
            "family": item.family,
        }
        for n, item in enumerate(skeleton.items, start=1)
    ]
    return {"title": skeleton.title, "assessment": _defaults(), "items": items}


# ---------------------------------------------------------------- blind strategies


def _always_true(item: dict[str, Any], drawn: DrawnItem, rng: random.Random) -> object:
    """ "Vrai" to every true/false; elsewhere, any option (this strategy has no rule there)."""
    if item["kind"] == "numeric":
        return None
    if item["kind"] == "true_false":
        return [item["choices"].index("Vrai")] if "Vrai" in item["choices"] else [0]
    if item["kind"] == "ordering":
        return list(drawn.order)
    return [rng.choice(drawn.order)]


def _always_first(item: dict[str, Any], drawn: DrawnItem, rng: random.Random) -> object:
    if item["kind"] == "numeric":
        return None
    if item["kind"] == "ordering":
        return list(drawn.order)  # the steps as shown
    return [drawn.order[0]]


def _always_longest(item: dict[str, Any], drawn: DrawnItem, rng: random.Random) -> object:
    if item["kind"] == "numeric":
        return None
    if item["kind"] == "ordering":
        return list(drawn.order)
    choices = item["choices"]
    longest = max(drawn.order, key=lambda i: (len(choices[i]), -drawn.order.index(i)))
    return [longest]


STRATEGIES: dict[str, Strategy] = {
    "always true": _always_true,
    "always the first option": _always_first,
    "always the longest option": _always_longest,
}


@dataclass(frozen=True)
class Blind:
    mean: float  # mean score, percent
    passed: float  # share of attempts at or above the pass mark, percent


@dataclass(frozen=True)
class Report:
    name: str
    lessons: int
    items: int
    kinds: dict[str, int]
    true_answers: int
    false_answers: int
    families: int
    per_attempt: int
    pass_mark: int
    blind: dict[str, Blind] = field(default_factory=dict)

    @property
    def true_share(self) -> float | None:
        total = self.true_answers + self.false_answers
        return None if total == 0 else 100 * self.true_answers / total

    @property
    def has_ordering(self) -> bool:
        return self.kinds.get("ordering", 0) > 0

    @property
    def kind_count(self) -> int:
        return sum(1 for count in self.kinds.values() if count)


def simulate(snapshot: dict[str, Any], strategy: Strategy, *, attempts: int = ATTEMPTS) -> Blind:
    items = {item["key"]: item for item in snapshot["items"]}
    pass_mark = int(snapshot["assessment"]["pass_mark"])
    scores: list[int] = []
    for n in range(attempts):
        drawn = draw(snapshot, seed=f"blind-{n}")
        rng = random.Random(n)
        answers = {d.key: strategy(items[d.key], d, rng) for d in drawn}
        scores.append(score(drawn, snapshot, answers, section_titles={}).score)
    if not scores:
        return Blind(0.0, 0.0)
    return Blind(sum(scores) / len(scores), 100 * sum(s >= pass_mark for s in scores) / len(scores))


def report_skeleton(name: str, skeleton: Skeleton, *, attempts: int = ATTEMPTS) -> Report:
    snapshot = snapshot_of_skeleton(skeleton)
    kinds: Counter[str] = Counter(item.kind for item in skeleton.items)
    true_false = [item for item in skeleton.items if item.kind == "true_false"]
    settings = snapshot["assessment"]
    return Report(
        name=name,
        lessons=len(skeleton.lessons),
        items=len(skeleton.items),
        kinds={kind: kinds.get(kind, 0) for kind in KINDS},
        true_answers=sum(1 for item in true_false if item.correct == [0]),
        false_answers=sum(1 for item in true_false if item.correct == [1]),
        families=family_count(snapshot),
        per_attempt=int(settings["items_per_attempt"]),
        pass_mark=int(settings["pass_mark"]),
        blind={
            label: simulate(snapshot, strategy, attempts=attempts)
            for label, strategy in STRATEGIES.items()
        },
    )


def report_file(path: Path, *, content: bytes | None = None, name: str = "") -> Report:
    data = path.read_bytes() if content is None else content
    outline = ingest(data, name or path.name, max_bytes=MAX_BYTES)[1]
    return report_skeleton(name or path.name, propose_skeleton(outline))


def corpus_files() -> list[Path]:
    return sorted(
        p for p in CORPUS.iterdir() if p.suffix in {".md", ".txt", ".docx", ".odt", ".pdf"}
    )


def has_who(skeleton: Skeleton) -> bool:
    return any(i.rule == "responsibility" and i.kind == "single" for i in skeleton.items)


def lines(report: Report) -> Iterable[str]:
    share = report.true_share
    kinds = ", ".join(f"{kind} {count}" for kind, count in report.kinds.items() if count)
    enough = (
        "ok"
        if report.families >= report.per_attempt
        else (f"MISSING {report.per_attempt - report.families}")
    )
    yield f"{report.name}"
    yield (
        f"  lessons {report.lessons}, items {report.items} ({kinds}); "
        f"families {report.families} for {report.per_attempt} per attempt: {enough}"
    )
    yield (
        "  true among true/false answers: "
        + ("none" if share is None else f"{share:.0f} % ({report.true_answers} true, "
           f"{report.false_answers} false)")
    )  # fmt: skip
    for label, blind in report.blind.items():
        verdict = "fails" if blind.mean < report.pass_mark else "PASSES"
        yield (
            f"  {label:<26} mean {blind.mean:5.1f} %, attempts passed {blind.passed:4.1f} % "
            f"(pass mark {report.pass_mark} %): {verdict}"
        )
