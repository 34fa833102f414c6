from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from saveit.support.report import duration

register = template.Library()


@register.filter
def minutes(value: int | None) -> str:
    """Counted minutes as "2 h 05" (negative: overdue)."""
    if value is None:
        return "—"
    return ("−" if value < 0 else "") + duration(abs(value))


@register.filter
def change_label(field: str) -> str:
    return {
        "status": _("status"),
        "criticity": _("criticity"),
        "assignee": _("assignee"),
        "exclusion": _("exclusion"),
    }.get(field, field)
