"""manage.py run_due_jobs — run the periodic jobs due in the current period (SPEC §15).

Start it every minute (the worker `make run` starts does; see docs/operations.md for cron and
systemd). Each job runs once per period however often, and however many times at once, this
command is started. Exit status 1 when a job failed (it is retried at the next run).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from saveit.core import scheduler


class Command(BaseCommand):
    help = "Run the periodic jobs not yet run in their current period."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--job", action="append", metavar="NAME", help="Run only this job.")
        parser.add_argument("--list", action="store_true", help="List the jobs and stop.")

    def handle(self, *args: Any, **options: Any) -> None:
        jobs = scheduler.registered_jobs()
        if options["list"]:
            for found in jobs:
                self.stdout.write(f"{found.name} (every {found.period})")
            return
        only = set(options["job"]) if options["job"] else None
        if only is not None and (unknown := only - {found.name for found in jobs}):
            raise CommandError(f"Unknown job: {', '.join(sorted(unknown))}.", returncode=2)
        failed = []
        for outcome in scheduler.run_due_jobs(only=only):
            line = f"{outcome.status} {outcome.name} [{outcome.period_key}]"
            if outcome.summary:
                line += f": {outcome.summary.strip()}"
            if outcome.status == "failed":
                failed.append(outcome.name)
                self.stdout.write(self.style.ERROR(line))
            elif outcome.status == "done" or options["verbosity"] > 1:
                self.stdout.write(line)
        if failed:
            raise CommandError(f"Failed: {', '.join(failed)}.", returncode=1)
