"""`{{ obj|choice_label:"field" }}`: what `obj.get_<field>_display()` gives, cheaper.

Django's get_FOO_display() builds a dict of all the field's choices on each call (about 30 µs,
ten times the lookup itself); a learner page showed several (issue 22). Here each field's dict
is built once per process; the label is still translated in the current language, and a value
outside the choices shows as itself, as Django shows it.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.encoding import force_str

register = template.Library()

_LABELS: dict[tuple[type, str], dict[Any, Any]] = {}


@register.filter
def choice_label(instance: Any, field_name: str) -> str:
    if instance is None or isinstance(instance, str):  # a missing variable renders as ""
        return ""
    key = (type(instance), field_name)
    labels = _LABELS.get(key)
    if labels is None:
        field = instance._meta.get_field(field_name)
        labels = _LABELS[key] = dict(field.flatchoices)
    value = getattr(instance, field_name)
    return force_str(labels.get(value, value), strings_only=True)
