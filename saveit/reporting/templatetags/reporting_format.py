"""French figures in dashboards: 12 345, 66,7 %, 12 min."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.html import format_html_join

from saveit.core.money import NBSP, format_number

register = template.Library()


@register.filter
def fr_number(value: object) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, int):
        return format_number(Decimal(value), 0)
    return format_number(Decimal(str(value)), 1)


@register.filter
def fr_percent(value: object) -> str:
    if value is None:
        return "—"
    number = Decimal(str(value))
    places = 0 if number == number.to_integral_value() else 1
    return f"{format_number(number, places)}{NBSP}%"


@register.filter
def minutes(seconds: object) -> str:
    if seconds is None:
        return "—"
    total = int(seconds)  # type: ignore[call-overload]
    if total < 60:
        return f"{total}{NBSP}s"
    if total < 3600:
        return f"{round(total / 60)}{NBSP}min"
    return f"{total // 3600}{NBSP}h{NBSP}{(total % 3600) // 60:02d}"


@register.simple_tag
def figure_cells(figures: object) -> str:
    """The eleven figure cells of one table row, in the order of _figure_heads.html (a tag, not an
    include: a dashboard has hundreds of rows)."""
    values = (
        fr_number(getattr(figures, "assigned", None)),
        fr_number(getattr(figures, "not_started", None)),
        fr_number(getattr(figures, "in_progress", None)),
        fr_number(getattr(figures, "passed", None)),
        fr_number(getattr(figures, "failed", None)),
        fr_number(getattr(figures, "overdue", None)),
        fr_percent(getattr(figures, "completion_rate", None)),
        fr_percent(getattr(figures, "pass_rate", None)),
        fr_percent(getattr(figures, "average_score", None)),
        minutes(getattr(figures, "mean_seconds", None)),
        minutes(getattr(figures, "attended_seconds", None) or None),
    )
    return format_html_join(
        "",
        '<td class="num{}">{}</td>',
        (
            (" col-low" if index in LOW_PRIORITY else "", value)
            for index, value in enumerate(values)
        ),
    )


# Figure columns a phone leaves out (class col-low): not started, in progress, failed, time.
LOW_PRIORITY = frozenset({1, 2, 4, 9})
