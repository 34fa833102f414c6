"""French figures in dashboards: 12 345, 66,7 %, 12 min."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from saveit.core.choices import choice_label
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


# The badge colour of an assignment's status in the learner list.
STATUS_BADGES = {"passed": " badge-ok", "failed": " badge-err", "in_progress": " badge-warn"}


@register.simple_tag
def assignment_cells(row: Any, today: date) -> str:
    """The cells of one assignment in the learner list, from the version to the time on task (a
    tag, not template markup: the page has up to 25 learners × 20 assignments)."""
    version = row.module_version
    overdue = row.is_overdue(today)
    return format_html(
        "<td>{} v{}</td>"
        '<td><span class="badge{}">{}</span>{}</td>'
        '<td class="num">{}</td>'
        '<td class="nowrap">{}</td>'
        '<td class="nowrap col-low">{}</td>'
        '<td class="num col-low">{}</td>',
        version.module.code,
        version.label,
        STATUS_BADGES.get(row.status, ""),
        choice_label(row, "status"),
        format_html(' <span class="badge badge-err">{}</span>', _("overdue")) if overdue else "",
        fr_percent(row.best_score),
        # In the current time zone, as the template's date filter shows it.
        date_filter(localtime(row.completed_at), "j F Y") if row.completed_at else "—",
        row.attestation_number or "—",
        minutes(row.seconds_spent),
    )


# Figure columns a phone leaves out (class col-low): not started, in progress, failed, time.
LOW_PRIORITY = frozenset({1, 2, 4, 9})
