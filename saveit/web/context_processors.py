from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from .inbox import request_counts
from .navigation import entries_for

# An access that ends within this delay is announced as a warning, not as information.
ACCESS_WARNING = dt.timedelta(days=3)


def membership(request: HttpRequest) -> dict[str, object]:
    member = getattr(request, "member", None)
    ends_at = getattr(member, "expires_at", None)
    return {
        "member": member,
        "memberships": getattr(request, "memberships", []),
        # Lazy: a page without the navigation (a PDF, an e-mail) asks for no badge count.
        "navigation": SimpleLazyObject(
            lambda: entries_for(member, request.path, request_counts(request))
        ),
        # Time-boxed access (auditors): shown as a banner on every page until it ends.
        "access_ends_at": ends_at,
        "access_ends_soon": ends_at is not None and ends_at - timezone.now() <= ACCESS_WARNING,
    }
