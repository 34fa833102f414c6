"""`{% translate "…" %}` with each constant message kept per language.

`install()` (CoreConfig.ready) puts this tag in Django's own i18n library, so `{% load i18n %}`
gives it everywhere with the same syntax and output. When the message is a literal, without
filters, context or `as`, that output depends only on the language and on autoescaping, and a
page has a dozen of them: each is rendered once per process and language rather than on every
page (issue 22). Any other {% translate %} renders as Django's does, every time.
"""

from __future__ import annotations

from typing import Any

from django.templatetags import i18n
from django.utils.translation import get_language


class CachedTranslateNode(i18n.TranslateNode):
    def __init__(self, filter_expression: Any, noop: bool, asvar: Any, message_context: Any):
        super().__init__(filter_expression, noop, asvar, message_context)
        var = self.filter_expression.var
        self.constant = (
            not self.filter_expression.filters
            and getattr(var, "literal", None) is not None
            and asvar is None
            and message_context is None
        )
        self.rendered: dict[tuple[str | None, bool], str] = {}

    def render(self, context: Any) -> str:
        if not self.constant:
            return super().render(context)
        key = (get_language(), bool(context.autoescape))
        value = self.rendered.get(key)
        if value is None:
            value = self.rendered[key] = super().render(context)
        return value


def do_translate(parser: Any, token: Any) -> CachedTranslateNode:
    node = i18n.do_translate(parser, token)
    return CachedTranslateNode(node.filter_expression, node.noop, node.asvar, node.message_context)


def install() -> None:
    """The i18n library's translate/trans tags become this one (templates parsed from now on)."""
    i18n.register.tags["translate"] = i18n.register.tags["trans"] = do_translate
