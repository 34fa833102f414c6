"""The page frame's pieces, rendered once per process and reused (issue 22):

- {% navigation_menu %}: the side navigation's entries, for each set of entries (label, address,
  count waiting, current) and language (the loop cost every page about a tenth of its CPU). The
  entries are computed for each request as before (saveit.web.navigation.entries_for); only
  their HTML is kept, keyed by their values.
- {% topbar %}: the header (organisation switcher, language, name, sign-out), for each language
  and set of memberships shown, shared by everyone who has them. What is the request's own (the
  CSRF token, the address to come back to, the person's name) is rendered as a mark and put in
  afterwards, escaped as the template would have escaped it."""

from __future__ import annotations

import secrets
from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from saveit.accounts.roles import role_label
from saveit.core.fragments import Fragments

register = template.Library()
MENUS = Fragments(size=1024)
TOPBARS = Fragments(size=1024)
# Marks for the request's own values: random per process, so no organisation name can hold one.
_MARK = secrets.token_hex(8)
_CSRF, _NEXT, _NAME = (f"\x1e{what}-{_MARK}\x1e" for what in ("csrf", "next", "name"))
_CSRF_INPUT = format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', _CSRF)


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


def _shown(membership: Any) -> tuple[str, str]:
    return (membership.organization.name, role_label(membership.role))


@register.simple_tag(takes_context=True)
def topbar(context: template.Context) -> SafeString:
    user = context.get("user")
    authenticated = bool(user is not None and user.is_authenticated)
    member = context.get("member") if authenticated else None
    memberships = list(context.get("memberships") or []) if member is not None else []
    key = (
        get_language(),
        authenticated,
        _shown(member) if member is not None else None,
        # the switcher: each membership's number, name and role, and which one is acted as
        tuple((m.pk, *_shown(m), m.pk == member.pk) for m in memberships)
        if member is not None and len(memberships) > 1
        else (),
    )
    html: str = TOPBARS.render(
        key,
        lambda: render_to_string(
            "components/topbar.html",
            {
                "authenticated": authenticated,
                "member": member,
                "memberships": memberships,
                "csrf_token": _CSRF,
                "next_path": _NEXT,
                "user_name": _NAME,
            },
        ),
    )
    token = str(context.get("csrf_token") or "")
    if token and token != "NOTPROVIDED":  # noqa: S105 - Django's "no token" marker
        html = html.replace(_CSRF, escape(token))
    else:  # what {% csrf_token %} renders without a token: nothing
        html = html.replace(_CSRF_INPUT, "")
    request = context.get("request")
    name = ""
    if user is not None and authenticated:
        name = context.get("header_name") or str(user)
    return mark_safe(  # noqa: S308 - the fragment is escaped by its template, the values here
        html.replace(_NEXT, escape(request.get_full_path() if request is not None else "")).replace(
            _NAME, escape(name)
        )
    )
