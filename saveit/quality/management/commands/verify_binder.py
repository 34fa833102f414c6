"""manage.py verify_binder classeur.zip: checks an audit binder offline (exit 1 when altered)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from saveit.quality.binder import verify_binder


class Command(BaseCommand):
    help = "Check an audit binder: every file against its manifest, the seal against the key."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_binder(options["path"])
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(f"  {problem}")
            raise CommandError(f"the binder is altered ({len(report.problems)} problem(s))")
        self.stdout.write(
            self.style.SUCCESS(
                f"binder intact: {report.files_checked} files, manifest {report.manifest_sha256}"
            )
        )
