"""What the transformation proposes: plain frozen values, no database.

Everything proposed keeps the anchor of the section it came from and starts unreviewed: the
designer edits or accepts it, then the client validates it, before any learner sees it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

BlockKind = Literal["text", "callout"]
ItemKind = Literal["single", "multiple", "true_false", "ordering", "numeric"]
Rule = Literal[
    "ordering_steps",
    "obligation",
    "prohibition",
    "responsibility",
    "figure",
    "required_elements",
    "document",
]
ITEM_KINDS: tuple[ItemKind, ...] = ("ordering", "true_false", "single", "multiple", "numeric")


@dataclass(frozen=True)
class ProposedBlock:
    kind: BlockKind
    html: str  # escaped, tags p ul ol li table thead tbody tr th td h3 strong em only
    source_anchor: str


@dataclass(frozen=True)
class ProposedLesson:
    title: str
    source_anchor: str
    blocks: list[ProposedBlock]


@dataclass(frozen=True)
class ProposedItem:
    kind: ItemKind
    prompt: str
    choices: list[str]  # for ordering: the steps in the right order (the player shuffles)
    correct: list[int]
    answer: Decimal | None  # numeric items only
    tolerance: Decimal
    unit: str
    feedback: str
    source_anchors: list[str]
    rule: Rule
    family: str = ""  # items built from the same sentence: an attempt draws one at most


@dataclass(frozen=True)
class Skeleton:
    title: str
    lessons: list[ProposedLesson]
    items: list[ProposedItem]
    objectives: list[str] = field(default_factory=list)  # one per lesson, same order


def summary(skeleton: Skeleton) -> str:
    """One line for logs and reports: lessons, items, and items per kind."""
    kinds = Counter(item.kind for item in skeleton.items)
    per_kind = ", ".join(f"{kind}={kinds[kind]}" for kind in ITEM_KINDS)
    return f"lessons={len(skeleton.lessons)}, items={len(skeleton.items)} ({per_kind})"
