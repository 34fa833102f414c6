"""Confirm before an irreversible action: the first POST shows what will happen, the second acts.

The confirmation is a server-side page, so it works without JavaScript (CSP forbids inline
scripts) and a POST without the confirmation flag never performs the action.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

CONFIRM_FIELD = "confirmed"


def is_confirmed(request: HttpRequest) -> bool:
    return request.POST.get(CONFIRM_FIELD) == "yes"


def confirmation_page(
    request: HttpRequest,
    *,
    title: str,
    consequence: str,
    action: str,
    back: str,
    eyebrow: str = "",
    note: str = "",
) -> HttpResponse:
    """Ask again, naming the consequence; the form re-posts what the first one carried."""
    carried = [
        (name, value)
        for name in request.POST
        if name not in ("csrfmiddlewaretoken", CONFIRM_FIELD)
        for value in request.POST.getlist(name)
    ]
    context = {
        "title": title,
        "eyebrow": eyebrow,
        "consequence": consequence,
        "action": action,
        "back": back,
        "carried": carried,
        "note": note,
        "confirm_field": CONFIRM_FIELD,
    }
    return render(request, "components/confirm.html", context)
