"""What designers send when they edit a draft, checked before anything is written."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from saveit.core.errors import Refusal

from ..models import Block, Item, ModuleVersion

TRUE_FALSE = ["Vrai", "Faux"]


@dataclass
class VersionSettings:
    title: str
    summary: str = ""
    objectives: list[str] = field(default_factory=list)
    prerequisites: str = ""
    duration_minutes: int = 30
    items_per_attempt: int = 10
    randomise: bool = True
    pass_mark: int = 80
    max_attempts: int = 3
    time_limit_minutes: int | None = None
    validity_months: int = 24

    @classmethod
    def of(cls, version: ModuleVersion) -> VersionSettings:
        """The version's settings as they stand: the base a partial update starts from."""
        return cls(
            title=version.title,
            summary=version.summary,
            objectives=list(version.objectives),
            prerequisites=version.prerequisites,
            duration_minutes=version.duration_minutes,
            items_per_attempt=version.items_per_attempt,
            randomise=version.randomise,
            pass_mark=version.pass_mark,
            max_attempts=version.max_attempts,
            time_limit_minutes=version.time_limit_minutes,
            validity_months=version.validity_months,
        )

    def check(self) -> None:
        if not self.title.strip():
            raise Refusal(_("Give the module a title."), code="title")
        if not 1 <= self.pass_mark <= 100:
            raise Refusal(_("The pass mark is a percentage between 1 and 100."), code="pass_mark")
        for name in ("duration_minutes", "items_per_attempt", "max_attempts", "validity_months"):
            if getattr(self, name) < 1:
                raise Refusal(_("Durations and counts must be at least 1."), code=name)
        if self.time_limit_minutes is not None and self.time_limit_minutes < 1:
            raise Refusal(_("A time limit must be at least one minute."), code="time_limit")


@dataclass
class LessonInput:
    title: str
    source_anchor: str = ""
    source_version_id: int | None = None  # needed only when several sources hold the anchor


@dataclass
class BlockInput:
    kind: str
    html: str = ""
    url: str = ""
    upload: tuple[bytes, str] | None = None
    alt: str = ""  # images: what the picture shows, for those who cannot see it


@dataclass
class ItemInput:
    kind: str
    prompt: str
    choices: list[str] = field(default_factory=list)
    correct: list[int] = field(default_factory=list)
    answer: Decimal | None = None
    tolerance: Decimal = Decimal(0)
    unit: str = ""
    feedback: str = ""
    source_anchors: list[str] = field(default_factory=list)
    source_version_id: int | None = None  # needed only when several sources hold the anchors

    def normalised(self) -> ItemInput:
        """The item as stored, or a refusal saying what makes it unanswerable."""
        if self.kind not in Item.Kind.values:
            raise Refusal(_("Unknown question type."), code="kind")
        if not self.prompt.strip():
            raise Refusal(_("Write the question."), code="prompt")
        if not self.source_anchors:
            raise Refusal(
                _("Tag the question with the section of the procedure it checks."),
                code="source_anchors",
            )
        choices = [c.strip() for c in self.choices if c and c.strip()]
        correct = sorted({int(i) for i in self.correct})
        kind = self.kind
        if kind == Item.Kind.TRUE_FALSE:
            choices = list(TRUE_FALSE)
        if kind == Item.Kind.ORDERING:
            if not 2 <= len(choices) <= 10:
                raise Refusal(_("An ordering question has 2 to 10 steps."), code="choices")
            correct = list(range(len(choices)))
        if kind == Item.Kind.NUMERIC:
            if self.answer is None:
                raise Refusal(_("Give the expected number."), code="answer")
            if self.tolerance < 0:
                raise Refusal(_("The tolerance cannot be negative."), code="tolerance")
            return ItemInput(
                kind, self.prompt.strip(), [], [], self.answer, self.tolerance,
                self.unit.strip(), self.feedback.strip(), list(self.source_anchors),
                self.source_version_id,
            )  # fmt: skip
        if kind in (Item.Kind.SINGLE, Item.Kind.MULTIPLE) and len(choices) < 2:
            raise Refusal(_("Give at least two answers to choose from."), code="choices")
        if any(i < 0 or i >= len(choices) for i in correct) or not correct:
            raise Refusal(_("Mark the right answer among the choices."), code="correct")
        if kind in (Item.Kind.SINGLE, Item.Kind.TRUE_FALSE) and len(correct) != 1:
            raise Refusal(_("This question type has exactly one right answer."), code="correct")
        return ItemInput(
            kind, self.prompt.strip(), choices, correct, None, Decimal(0), "",
            self.feedback.strip(), list(self.source_anchors), self.source_version_id,
        )  # fmt: skip


FILE_KINDS = (Block.Kind.IMAGE, Block.Kind.ATTACHMENT)
