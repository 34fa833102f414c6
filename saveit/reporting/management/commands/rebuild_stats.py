"""Recompute the dashboards' pre-aggregated figures from the assignments themselves.

The figures are kept exact by every change the platform makes; this is for the other cases
(a restored backup, rows changed by hand in SQL). Exit status 0; 2 for an unknown engagement.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from saveit.engagements.models import Engagement
from saveit.reporting import stats


class Command(BaseCommand):
    help = "Recompute the dashboard figures of every engagement, or of one with --engagement REF."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--engagement", metavar="REF", help="Only this engagement (reference M-YYYY-NNN)."
        )

    def handle(self, *args: Any, engagement: str | None = None, **options: Any) -> None:
        engagements = Engagement.objects.order_by("pk")
        if engagement is not None:
            engagements = engagements.filter(reference=engagement)
            if not engagements.exists():
                raise CommandError(f"Unknown engagement: {engagement}", returncode=2)
        started = time.perf_counter()
        count = 0
        for item in engagements.only("pk", "reference"):
            with transaction.atomic():
                stats.rebuild([item.pk])
            count += 1
            self.stdout.write(f"rebuilt {item.reference}")
        self.stdout.write(f"{count} engagement(s) in {time.perf_counter() - started:.1f} s")
