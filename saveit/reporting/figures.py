"""The figures of a set of assignments, and how each rate is defined (one place for all).

- assigned: assignments (learner × module version) not replaced by a newer version;
- started: in progress, passed or failed; completed: passed or failed (attempts used up);
- completion rate = completed ÷ assigned; pass rate = passed ÷ completed;
- average and median score: final (best) score of the completed assignments;
- overdue: not completed and past its due date; mean time on task: seconds ÷ started;
- hours attended: signed half-days of sessions, lateness deducted (see reporting.attended).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from saveit.learning.models import Assignment

S = Assignment.Status


def ratio(part: int, whole: int) -> Decimal | None:
    """part ÷ whole as a percentage with one decimal (None when there is nothing to divide)."""
    if not whole:
        return None
    return (Decimal(100 * part) / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def median(histogram: dict[int, int]) -> Decimal | None:
    """The exact median of whole scores given as {score: count} (mean of the two middles)."""
    total = sum(histogram.values())
    if not total:
        return None
    wanted = [(total - 1) // 2, total // 2]  # 0-based ranks of the middle value(s)
    found: list[int] = []
    seen = 0
    for score in sorted(histogram):
        count = histogram[score]
        found += [score for rank in wanted if seen <= rank < seen + count]
        seen += count
    return (Decimal(sum(found)) / 2).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass
class Figures:
    by_status: dict[str, int] = field(default_factory=dict)
    overdue: int = 0
    seconds: int = 0
    scored: int = 0
    score_sum: int = 0
    scores: dict[int, int] = field(default_factory=dict)
    # Sessions (in person or virtual): seconds attended and the learners who attended.
    attended_seconds: int = 0
    attendees: int = 0

    def count(self, status: str) -> int:
        return self.by_status.get(status, 0)

    @property
    def assigned(self) -> int:
        return sum(n for status, n in self.by_status.items() if status != S.REPLACED)

    @property
    def not_started(self) -> int:
        return self.count(S.ASSIGNED)

    @property
    def in_progress(self) -> int:
        return self.count(S.IN_PROGRESS)

    @property
    def passed(self) -> int:
        return self.count(S.PASSED)

    @property
    def failed(self) -> int:
        return self.count(S.FAILED)

    @property
    def replaced(self) -> int:
        return self.count(S.REPLACED)

    @property
    def started(self) -> int:
        return self.in_progress + self.passed + self.failed

    @property
    def completed(self) -> int:
        return self.passed + self.failed

    @property
    def completion_rate(self) -> Decimal | None:
        return ratio(self.completed, self.assigned)

    @property
    def pass_rate(self) -> Decimal | None:
        return ratio(self.passed, self.completed)

    @property
    def average_score(self) -> Decimal | None:
        if not self.scored:
            return None
        return (Decimal(self.score_sum) / Decimal(self.scored)).quantize(
            Decimal("0.1"), ROUND_HALF_UP
        )

    @property
    def median_score(self) -> Decimal | None:
        return median(self.scores)

    @property
    def mean_seconds(self) -> int | None:
        return round(self.seconds / self.started) if self.started else None

    def as_dict(self) -> dict[str, object]:
        """Every figure, for the API and the exports (rates as strings: exact decimals)."""

        def text(value: Decimal | None) -> str | None:
            return None if value is None else str(value)

        return {
            "assigned": self.assigned,
            "not_started": self.not_started,
            "in_progress": self.in_progress,
            "started": self.started,
            "completed": self.completed,
            "passed": self.passed,
            "failed": self.failed,
            "overdue": self.overdue,
            "replaced": self.replaced,
            "completion_rate": text(self.completion_rate),
            "pass_rate": text(self.pass_rate),
            "average_score": text(self.average_score),
            "median_score": text(self.median_score),
            "mean_seconds": self.mean_seconds,
        }

    def attendance_dict(self) -> dict[str, int]:
        """Distance time beside hours attended in sessions, for the API. Apart from `as_dict`:
        completion reports snapshot that one, and an issued report must stay up to date."""
        return {
            "distance_seconds": self.seconds,
            "attended_seconds": self.attended_seconds,
            "attendees": self.attendees,
        }
