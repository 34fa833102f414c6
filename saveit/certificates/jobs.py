"""The certificates app's periodic jobs (found by saveit.core.scheduler's autodiscovery)."""

from __future__ import annotations

from datetime import datetime

from saveit.core.scheduler import job

from .expiry import run_expiry


@job("certificates.expiry", period="day")
def expiry(now: datetime) -> str:
    """Reminders before attestations expire; the active version assigned again at expiry."""
    return run_expiry(now)
