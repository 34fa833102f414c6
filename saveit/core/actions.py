"""One way for a page's button to run a service: the result as a toast, then back to a page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from .errors import Refusal


def act(request: HttpRequest, action: Callable[[], Any], done: str, to: str) -> HttpResponse:
    """Run the service call; a refusal becomes an error toast and nothing else happens."""
    try:
        action()
    except Refusal as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, done)
    return redirect(to)


def act_or_show(
    request: HttpRequest,
    action: Callable[[], Any],
    done: str,
    to: str,
    show: Callable[[int], HttpResponse],
) -> HttpResponse:
    """Like `act` for a form: a refusal shows the page again through `show(status)`, with the
    bound form and so with what was typed, instead of a redirect that would lose it."""
    try:
        action()
    except Refusal as refusal:
        messages.error(request, refusal.message)
        return show(refusal.status)
    messages.success(request, done)
    return redirect(to)
