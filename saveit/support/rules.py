"""The SLA's fixed rules, written once: the priority matrix, the targets and their clocks."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class Severity(models.TextChoices):
    S1 = "S1", _("S1 — very urgent")
    S2 = "S2", _("S2 — urgent")
    S3 = "S3", _("S3 — not urgent")


class Criticity(models.TextChoices):
    C1 = "C1", _("C1 — critical: all work impossible")
    C2 = "C2", _("C2 — blocking: work seriously impacted")
    C3 = "C3", _("C3 — non-blocking")


class Priority(models.TextChoices):
    P1 = "P1", _("P1")
    P2 = "P2", _("P2")
    P3 = "P3", _("P3")


# SPEC §12: criticity (rows) × severity (columns) → priority.
PRIORITY_MATRIX: dict[str, dict[str, str]] = {
    "C1": {"S1": "P1", "S2": "P2", "S3": "P3"},
    "C2": {"S1": "P2", "S2": "P3", "S3": "P3"},
    "C3": {"S1": "P3", "S2": "P3", "S3": "P3"},
}


def priority_for(severity: str, criticity: str) -> str:
    """The priority of the matrix; "" until the agent has set the criticity."""
    if not criticity:
        return ""
    return PRIORITY_MATRIX[criticity][severity]


# Targets in counted minutes, each with the window its clock runs in.
ACKNOWLEDGEMENT_TARGET = (150, "acknowledgement")
RESTORATION_TARGETS: dict[str, tuple[int, str]] = {
    "P1": (120, "round_the_clock"),
    "P2": (240, "business"),
    "P3": (480, "business"),
}
AVAILABILITY_TARGET = Decimal("99.5")  # percent, 24/7, planned maintenance excluded
# A notice must come at least two working days ahead: two full business days of the clock.
NOTICE_MINIMUM_MINUTES = 2 * 9 * 60
BUSINESS_DAY_MINUTES = 9 * 60


def restoration_window(priority: str) -> str:
    return RESTORATION_TARGETS[priority][1]
