"""The provider administrators' page of security events (refusals of members)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .permissions import acting_member
from .roles import is_provider_admin
from .security_events import BURST_EVENTS, events_for_admin

PAGE_SIZE = 50


@login_required
def security_events(request: HttpRequest) -> HttpResponse:
    member = acting_member(request)
    if not is_provider_admin(member):
        raise PermissionDenied
    page = Paginator(events_for_admin(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/security_events.html",
        {"page": page, "burst_events": BURST_EVENTS},
    )
