"""{% navigation_menu %}: the side navigation's entries, rendered once per process for each set
of entries (label, address, count waiting, current) and language (issue 22: the loop cost every
page about a tenth of its CPU). The entries are computed for each request as before
(saveit.web.navigation.entries_for); only their HTML is kept, keyed by their values."""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from saveit.core.fragments import Fragments

register = template.Library()
MENUS = Fragments(size=1024)


@register.simple_tag(takes_context=True)
def navigation_menu(context: template.Context) -> SafeString:
    items = list(context.get("navigation") or [])
    key = (
        get_language(),
        tuple((str(i["label"]), i["url"], i["count"], i["active"]) for i in items),
    )
    return MENUS.render(
        key, lambda: render_to_string("components/navigation.html", {"navigation": items})
    )
