"""{% load versions %} … {{ document_version.version_label|version_tag }}"""

from __future__ import annotations

from django import template

from saveit.core.versions import version_tag as _version_tag

register = template.Library()


@register.filter
def version_tag(label: object) -> str:
    return _version_tag(label)
