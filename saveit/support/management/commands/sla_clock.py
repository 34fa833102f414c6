"""Count the minutes of an SLA window between two instants (what the tickets' clocks count)."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from saveit.support.clock import WINDOWS, counted_minutes


def _instant(value: str) -> dt.datetime:
    try:
        instant = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"not an ISO 8601 instant: {value!r}") from exc
    if instant.tzinfo is None:
        raise CommandError(f"the instant {value!r} needs an offset, e.g. 2026-04-03T17:30:00+02:00")
    return instant


class Command(BaseCommand):
    help = "Print the counted minutes of an SLA window between two ISO 8601 instants (with offset)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("start")
        parser.add_argument("end")
        parser.add_argument("--window", choices=WINDOWS, default="business")

    def handle(self, *args: Any, **options: Any) -> None:
        start, end = _instant(options["start"]), _instant(options["end"])
        self.stdout.write(str(counted_minutes(start, end, options["window"])))
