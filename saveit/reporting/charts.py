"""The dashboard's charts, drawn once on the server for the page and for the PDF reports."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.utils.translation import gettext as _

from saveit.core.charts import (
    PALETTE,
    Bar,
    Point,
    Series,
    StackedRow,
    french_percent,
    hbar_chart,
    histogram,
    line_chart,
    stacked_bar_chart,
)

from .dashboard import Dashboard, period_label, version_label

STATUS_COLOURS = ("#6b7385", "#8a5a00", "#1e7a46", "#b42318")
T = TypeVar("T")
# A chart stays readable with this many bars; the tables under the charts list every row.
MAX_BARS = 20


def _largest(items: list[T], weight: Callable[[T], float]) -> list[T]:
    """The MAX_BARS items of largest weight, in their original order."""
    if len(items) <= MAX_BARS:
        return items
    kept = set(sorted(range(len(items)), key=lambda i: -weight(items[i]))[:MAX_BARS])
    return [item for i, item in enumerate(items) if i in kept]


def _note(shown: int, total: int) -> str:
    """The line under a chart that draws fewer rows than there are."""
    if shown == total:
        return ""
    text = _("Only the %(shown)s largest rows of %(total)s are drawn; the table lists them all.")
    return text % {"shown": shown, "total": total}


def completion_by_version(board: Dashboard, font: str | None = None) -> str:
    charted = [row for row in board.versions if row.figures.completion_rate is not None]
    drawn = _largest(charted, lambda row: row.figures.assigned)
    rows = [
        Bar(version_label(row.version), float(rate), french_percent(float(rate)))
        for row in drawn
        if (rate := row.figures.completion_rate) is not None
    ]
    return hbar_chart(
        title=_("Completion rate by module version"),
        description=_("Completed assignments out of assigned ones, for each module version."),
        note=_note(len(drawn), len(charted)),
        rows=rows,
        max_value=100,
        empty_text=_("Nothing assigned yet."),
        id_prefix="chart-completion",
        font_family=font,
    )


def status_by_version(board: Dashboard, font: str | None = None) -> str:
    series = [
        Series(name, colour)
        for name, colour in zip(
            (_("Not started"), _("In progress"), _("Passed"), _("Failed")),
            STATUS_COLOURS,
            strict=True,
        )
    ]
    charted = [row for row in board.versions if row.figures.assigned]
    drawn = _largest(charted, lambda row: row.figures.assigned)
    rows = [
        StackedRow(
            version_label(row.version),
            [
                row.figures.not_started,
                row.figures.in_progress,
                row.figures.passed,
                row.figures.failed,
            ],
        )
        for row in drawn
    ]
    return stacked_bar_chart(
        title=_("Where the learners are, by module version"),
        description=_("Assignments not started, in progress, passed and failed."),
        note=_note(len(drawn), len(charted)),
        series=series,
        rows=rows,
        empty_text=_("Nothing assigned yet."),
        id_prefix="chart-status",
        font_family=font,
    )


def versions_followed(board: Dashboard, font: str | None = None) -> str:
    """For each module, how the completed assignments split between its versions."""
    labels = sorted({row.version.label for m in board.modules for row in m.versions})
    series = [Series(f"v{label}", PALETTE[i % len(PALETTE)]) for i, label in enumerate(labels)]
    charted = []
    for module in board.modules:
        done = {row.version.label: row.figures.completed for row in module.versions}
        if any(done.values()):
            charted.append(StackedRow(module.code, [done.get(label, 0) for label in labels]))
    rows = _largest(charted, lambda row: sum(row.values))
    return stacked_bar_chart(
        title=_("Versions followed"),
        description=_("Completed assignments of each module, by the version the learner followed."),
        note=_note(len(rows), len(charted)),
        series=series,
        rows=rows,
        empty_text=_("No learner has completed a module yet."),
        id_prefix="chart-followed",
        font_family=font,
    )


def completion_trend(board: Dashboard, font: str | None = None) -> str:
    assigned = board.totals.assigned or 1
    points = [
        Point(period_label(board.trend_unit, point.start), 100 * point.cumulative / assigned)
        for point in board.trend
    ]
    return line_chart(
        title=_("Completion over time"),
        description=_("Share of the assignments completed, cumulated over time."),
        points=points,
        y_max=100,
        y_format=lambda value: french_percent(value, 0),
        empty_text=_("No learner has completed a module yet."),
        id_prefix="chart-trend",
        font_family=font,
    )


def score_distribution(board: Dashboard, font: str | None = None) -> str:
    return histogram(
        title=_("Distribution of final scores"),
        description=_("Number of completed assignments by final score, in steps of ten points."),
        bins=[Bar(label, count) for label, count in board.score_bins]
        if board.totals.scores
        else [],
        empty_text=_("No score yet."),
        id_prefix="chart-scores",
        font_family=font,
    )


def all_charts(board: Dashboard, font: str | None = None) -> dict[str, str]:
    return {
        "completion": completion_by_version(board, font),
        "status": status_by_version(board, font),
        "followed": versions_followed(board, font),
        "trend": completion_trend(board, font),
        "scores": score_distribution(board, font),
    }
