"""The support app's periodic jobs (found by saveit.core.scheduler's autodiscovery)."""

from __future__ import annotations

from datetime import datetime

from saveit.core.scheduler import job

from .clock import PARIS
from .models import SupportContract
from .report import close_report, first_working_day, previous_month


@job("support.monthly_reports", period="day")
def monthly_reports(now: datetime) -> str:
    """On the first working day of a month, close and send last month's report of every
    contract that had started by then (a report already closed is left as it is)."""
    today = now.astimezone(PARIS).date()
    if today != first_working_day(today):
        return "not the first working day of the month"
    month = previous_month(today)
    closed = 0
    for contract in SupportContract.objects.filter(starts_on__lt=today.replace(day=1)):
        if contract.ends_on is not None and contract.ends_on < month:
            continue
        _report, created = close_report(contract=contract, month=month, at=now)
        closed += created
    return f"{closed} report(s) closed for {month:%Y-%m}"
