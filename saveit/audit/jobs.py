"""The audit app's periodic jobs (found by saveit.core.scheduler's autodiscovery)."""

from __future__ import annotations

from datetime import datetime

from saveit.core.scheduler import job

from .checkpoints import checkpoint_all


@job("audit.chain_checkpoints", period="hour")
def chain_checkpoints(now: datetime) -> str:
    """Checkpoint every organisation's chain head that moved since its last checkpoint."""
    return checkpoint_all(now)
