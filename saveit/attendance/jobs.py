"""The attendance app's periodic jobs (found by saveit.core.scheduler's autodiscovery)."""

from __future__ import annotations

from datetime import datetime

from saveit.core.scheduler import job

from .reminders import send_reminders


@job("attendance.reminders", period="day")
def reminders(now: datetime) -> str:
    """Reminders to learners (not started, inactive, due soon, overdue) and managers' digests."""
    return send_reminders(now)
