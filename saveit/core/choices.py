"""The label of a field's choice, as get_FOO_display() gives it, cheaper.

Django's get_FOO_display() builds a dict of all the field's choices on each call (about 30 µs,
ten times the lookup itself); a learner page and the dashboard's learner list showed several
(issue 22). Here each field's dict is built once per process; the label is still translated in
the current language, and a value outside the choices shows as itself, as Django shows it.
"""

from __future__ import annotations

from typing import Any

from django.utils.encoding import force_str

_LABELS: dict[tuple[type, str], dict[Any, Any]] = {}


def choice_label(instance: Any, field_name: str) -> str:
    key = (type(instance), field_name)
    labels = _LABELS.get(key)
    if labels is None:
        labels = _LABELS[key] = dict(instance._meta.get_field(field_name).flatchoices)
    value = getattr(instance, field_name)
    return force_str(labels.get(value, value), strings_only=True)
