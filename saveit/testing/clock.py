"""Moving the clock in a test: every `timezone.now()` of the code answers the moved time."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

_real_now = timezone.now


def move_clock(monkeypatch: pytest.MonkeyPatch, by: timedelta) -> datetime:
    """From now on (until the test ends) the code's clock is `by` ahead; returns the moved now."""
    monkeypatch.setattr(timezone, "now", lambda: _real_now() + by)
    return timezone.now()


def set_clock(monkeypatch: pytest.MonkeyPatch, moment: datetime) -> datetime:
    """From now on the code's clock runs from `moment` (whatever it was moved to before)."""
    return move_clock(monkeypatch, moment - _real_now())
