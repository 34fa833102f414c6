"""manage.py backup --output DIR — one archive with the database, the stored files and the
signing keys (see saveit.core.backup and docs/operations.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from saveit.core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = "Write a backup archive (database, stored files, signing keys) into a folder."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", required=True, type=Path, help="folder of the archive")

    def handle(self, *args: Any, output: Path, **options: Any) -> None:
        try:
            archive = create_backup(output)
        except BackupError as error:
            raise CommandError(str(error), returncode=2) from error
        size = archive.stat().st_size
        self.stdout.write(f"backup written: {archive} ({size / 1024 / 1024:.1f} MB)")
        self.stdout.write("It holds the private signing key: keep it encrypted, off this host.")
