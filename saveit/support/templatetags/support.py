from __future__ import annotations

from django import template
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from saveit.core.fragments import Fragments
from saveit.support.models import Exclusion, Status
from saveit.support.report import duration

register = template.Library()
# The maintenance banner's HTML, by what it shows (issue 22: formatting its dates cost every
# page of a client's members about a tenth of its CPU while a window was announced).
BANNERS = Fragments(size=256)


@register.simple_tag(takes_context=True)
def maintenance_banner(context: template.Context) -> SafeString | str:
    """The planned-maintenance banner (support.context_processors.maintenance_banner). Kept by
    language, time zone (the dates are local), whether the details link is offered and each
    window's title, start and end: a window moved or renamed is a new key."""
    windows = list(context.get("maintenance_windows") or [])
    if not windows:
        return ""
    details = bool(context.get("maintenance_details"))
    key = (
        get_language(),
        timezone.get_current_timezone_name(),
        details,
        tuple((w.title, w.starts_at, w.ends_at) for w in windows),
    )
    return BANNERS.render(
        key,
        lambda: render_to_string(
            "support/_banner.html",
            {"maintenance_windows": windows, "maintenance_details": details},
        ),
    )


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
