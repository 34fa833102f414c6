"""manage.py run_due_jobs — run the periodic jobs due in the current period (SPEC §15).

Start it every minute (cron, a systemd timer: see docs/operations.md), or once with --loop, as
`make run` does beside the task worker: it then runs the due jobs at the start of every minute
until it is stopped. Each job runs once per period however often, and however many times at
once, this command is started. Exit status 1 when a job failed (it is retried at the next run).
"""

from __future__ import annotations

import logging
import signal
import time
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections, connections

from saveit.core import scheduler


class Command(BaseCommand):
    help = "Run the periodic jobs not yet run in their current period."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--job", action="append", metavar="NAME", help="Run only this job.")
        parser.add_argument("--list", action="store_true", help="List the jobs and stop.")
        parser.add_argument(
            "--loop", action="store_true", help="Run the due jobs every minute until stopped."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        jobs = scheduler.registered_jobs()
        if options["list"]:
            for found in jobs:
                self.stdout.write(f"{found.name} (every {found.period})")
            return
        only = set(options["job"]) if options["job"] else None
        if only is not None and (unknown := only - {found.name for found in jobs}):
            raise CommandError(f"Unknown job: {', '.join(sorted(unknown))}.", returncode=2)
        if options["loop"]:
            self._loop(only, options["verbosity"])
            return
        if failed := self._run(only, options["verbosity"]):
            raise CommandError(f"Failed: {', '.join(failed)}.", returncode=1)

    def _loop(self, only: set[str] | None, verbosity: int) -> None:
        stopping = False

        def stop(signum: int, frame: FrameType | None) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write("scheduler started: due jobs run at the start of every minute")
        while not stopping:
            close_old_connections()
            try:
                self._run(only, verbosity)
            except Exception:  # a failure is logged and retried; the loop goes on
                logging.getLogger(__name__).exception("scheduled jobs could not run")
            connections.close_all()
            wake = (time.time() // 60 + 1) * 60 + 1
            while not stopping and time.time() < wake:
                time.sleep(min(1.0, max(0.0, wake - time.time())))
        self.stdout.write("scheduler stopped")

    def _run(self, only: set[str] | None, verbosity: int) -> list[str]:
        failed = []
        for outcome in scheduler.run_due_jobs(only=only):
            line = f"{outcome.status} {outcome.name} [{outcome.period_key}]"
            if outcome.summary:
                line += f": {outcome.summary.strip()}"
            if outcome.status == "failed":
                failed.append(outcome.name)
                self.stdout.write(self.style.ERROR(line))
            elif outcome.status == "done" or verbosity > 1:
                self.stdout.write(line)
        self.stdout.flush()
        return failed
