from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from saveit.support.models import Exclusion, Status
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


@register.filter
def change_value(value: str, field: str) -> str:
    """A recorded value as people read it: the label of a status or an exclusion."""
    if not value:
        return "—"
    choices = {"status": Status, "exclusion": Exclusion}.get(field)
    if choices is not None and value in choices.values:
        return str(choices(value).label)
    return value
