"""The planned-maintenance banner's windows, kept per process instead of read on every page.

Every page of a client's member shows the windows of its contracts that are under way or
start within BANNER_AHEAD; before issue 22 each page view asked the database. Each process now
keeps an organisation's windows for at most TTL, and drops them at once when a window is
planned (windows_changed, called by services.plan_maintenance): the change bumps a version in
the shared cache (Redis when several instances run), which every process compares on each
read. What is shown is filtered by the time of each request, so a window appears and
disappears on time whatever was kept.
"""

from __future__ import annotations

import datetime as dt
import time

from django.core.cache import cache
from django.db import transaction

from .models import MaintenanceWindow

BANNER_AHEAD = dt.timedelta(days=7)
SHOWN = 3  # at most this many windows in the banner
# Windows changed outside plan_maintenance (a contract deleted, an erasure) show within this.
TTL_SECONDS = 60.0
_VERSION_KEY = "support:maintenance-windows:version"

# organisation id → (version, monotonic time kept until, windows ending after the read)
_kept: dict[int, tuple[int, float, list[MaintenanceWindow]]] = {}


def banner_windows(organization_id: int, now: dt.datetime) -> list[MaintenanceWindow]:
    """The windows the banner shows at `now`, in order of start."""
    version = cache.get(_VERSION_KEY, 0)
    clock = time.monotonic()
    kept = _kept.get(organization_id)
    if kept is None or kept[0] != version or kept[1] < clock:
        windows = list(
            MaintenanceWindow.objects.filter(
                contract__client_id=organization_id,
                ends_at__gte=now,
                # those that may start within the banner's horizon before the entry expires
                starts_at__lte=now + BANNER_AHEAD + dt.timedelta(seconds=TTL_SECONDS),
            ).order_by("starts_at", "pk")
        )
        kept = (version, clock + TTL_SECONDS, windows)
        _kept[organization_id] = kept
    horizon = now + BANNER_AHEAD
    return [w for w in kept[2] if w.ends_at >= now and w.starts_at <= horizon][:SHOWN]


def windows_changed() -> None:
    """Every process reads the windows again: now, and once the change is committed."""
    _bump()
    transaction.on_commit(_bump)


def _bump() -> None:
    _kept.clear()
    try:
        cache.incr(_VERSION_KEY)
    except ValueError:  # not set yet (or evicted)
        cache.set(_VERSION_KEY, 1, timeout=None)


def forget() -> None:
    """This process keeps nothing (tests: ids are reused after each test's rollback)."""
    _kept.clear()
