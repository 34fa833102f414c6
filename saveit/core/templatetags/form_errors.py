"""{% load form_errors %} … {% error_summary form formset … %}

The one error summary of a page's form, whether it is drawn by components/form_fields.html or by
hand (a table of price lines, a comment box): every error of the forms and formsets given, each
linked to its field; app.js moves the focus to it. The fields themselves point to their errors
(aria-invalid and aria-describedby, set by Django, to components/field_errors.html's block).
"""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.forms.formsets import BaseFormSet
from django.utils.translation import gettext as _

register = template.Library()


def _form_entries(form: forms.BaseForm, line: int | None) -> list[tuple[str, str]]:
    """(anchor or "", text) for each error of one form; `line` numbers the forms of a formset."""
    prefix = "" if line is None else _("Line %(n)s") % {"n": line} + " : "
    entries = [("", f"{prefix}{error}") for error in form.non_field_errors()]
    for field in form:
        label = (
            field.label
            if line is None
            else _("%(label)s, line %(n)s")
            % {
                "label": field.label,
                "n": line,
            }
        )
        for error in field.errors:
            if field.is_hidden or not field.auto_id:
                entries.append(("", f"{prefix}{error}"))
            else:
                entries.append((_anchor(field), f"{label} : {error}"))
    return entries


def _anchor(field: forms.BoundField) -> str:
    """The element a summary link moves to: the field, or the first of its radio buttons or
    boxes (a group's label points nowhere)."""
    if field.id_for_label:
        return field.id_for_label
    options = field.subwidgets
    return str(options[0].id_for_label) if options else str(field.auto_id)


def error_entries(*forms_or_formsets: Any) -> list[tuple[str, str]]:
    entries: list[tuple[str, str]] = []
    for given in forms_or_formsets:
        if isinstance(given, BaseFormSet):
            if not given.is_bound:
                continue
            entries += [("", str(error)) for error in given.non_form_errors()]
            for number, form in enumerate(given.forms, start=1):
                entries += _form_entries(form, number)
        elif isinstance(given, forms.BaseForm) and given.is_bound:
            entries += _form_entries(given, None)
    return entries


@register.inclusion_tag("components/error_summary.html")
def error_summary(*forms_or_formsets: Any, title: str = "") -> dict[str, Any]:
    """Nothing for unbound or valid forms; None and "" (a form absent from the context) are
    skipped, so a template may name a form it does not always have. `title` replaces "This form
    has n errors to correct:" (filters: what was not understood is not applied)."""
    return {"entries": error_entries(*forms_or_formsets), "title": title}
