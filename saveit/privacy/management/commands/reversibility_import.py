"""manage.py reversibility_import --input FILE.zip"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from saveit.privacy.reversibility_load import ImportRefused, import_export


class Command(BaseCommand):
    help = "Load a reversibility export into this installation (which must not hold the org)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--input", required=True, help="the zip written by the export")

    def handle(self, *args: Any, input: str, **options: Any) -> None:
        try:
            result = import_export(input)
        except ImportRefused as refusal:
            for problem in refusal.problems:
                self.stderr.write(f"refused: {problem}")
            raise CommandError("Import refused: nothing was changed.") from refusal
        except (OSError, KeyError, ValueError) as error:
            raise CommandError(f"Import refused ({error}): nothing was changed.") from error
        rows = sum(result.counts.values())
        self.stdout.write(
            f"{result.organization.slug}: {rows} rows in {len(result.counts)} tables, "
            f"{result.files} files loaded; its audit chain verifies."
        )
