"""Print what the generated assessment of procedure files is worth (SPEC §4).

    manage.py assessment_report [paths...]

Without paths: the test corpus (saveit/testing/procedures/). Per procedure: items by kind,
the share of "true" among true/false answers, the families, and the mean score of the blind
strategies on attempts drawn as the product draws them, with a new version's default settings.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from saveit.core.errors import Refusal

from ...assessment_report import ATTEMPTS, corpus_files, lines, report_file


class Command(BaseCommand):
    help = "Items by kind, true share, families and blind-strategy scores of procedure files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="*", type=Path)
        parser.add_argument("--attempts", type=int, default=ATTEMPTS)

    def handle(self, *args: Any, **options: Any) -> None:
        paths: list[Path] = options["paths"] or corpus_files()
        for path in paths:
            if not path.is_file():
                raise CommandError(f"No such file: {path}")
            try:
                report = report_file(path)
            except Refusal as refusal:
                raise CommandError(f"{path}: {refusal.message}") from refusal
            for line in lines(report):
                self.stdout.write(line)
