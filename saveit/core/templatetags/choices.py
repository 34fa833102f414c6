"""`{{ obj|choice_label:"field" }}`: what `obj.get_<field>_display()` gives, cheaper
(saveit.core.choices)."""

from __future__ import annotations

from typing import Any

from django import template

from saveit.core import choices

register = template.Library()


@register.filter
def choice_label(instance: Any, field_name: str) -> str:
    if instance is None or isinstance(instance, str):  # a missing variable renders as ""
        return ""
    return choices.choice_label(instance, field_name)
