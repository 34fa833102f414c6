"""manage.py privacy_purge [--apply]: what the retention rules remove (dry run by default)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from saveit.privacy.retention import purge


class Command(BaseCommand):
    help = "Apply the retention rules; without --apply, only report what they would remove."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--apply", action="store_true", help="remove, not only count")

    def handle(self, *args: Any, apply: bool = False, **options: Any) -> None:
        for report in purge(dry_run=not apply):
            verb = "removed" if apply else "would remove"
            self.stdout.write(f"{report.key:<18} {verb} {report.rows:>8}  {report.label}")
