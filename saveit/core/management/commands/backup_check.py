"""manage.py backup_check — prove that a backup restores, with nothing lost.

Takes a backup (or checks the one given with --archive), restores it into a scratch folder
(and, on PostgreSQL, a scratch database), then, in a process pointed at the restored copy:
the signing keys are there, every table has the row count of the backup's snapshot, every
stored file is present and matches its recorded SHA-256, every audit chain verifies against
its signed checkpoints, every issued credential verifies with the restored key. Exit status 0
only when all hold; 1 when a check fails; 2 when no backup could be taken or read.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from saveit.core import backup

SHOWN_PROBLEMS = 20


class Command(BaseCommand):
    help = "Take a backup, restore it into a scratch copy and verify the copy; exit 0 if whole."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--archive", type=Path, help="check this archive instead of a new one")
        parser.add_argument("--output", type=Path, help="keep the new archive in this folder")
        parser.add_argument("--keep", type=Path, help="restore into this folder and keep it")
        parser.add_argument("--verify-restored", type=Path, help=argparse_suppress())

    def handle(self, *args: Any, **options: Any) -> None:
        if options["verify_restored"]:
            self._verify_here(options["verify_restored"])
            return
        try:
            with tempfile.TemporaryDirectory(prefix="saveit-backup-check-") as temporary:
                archive = options["archive"] or backup.create_backup(
                    options["output"] or Path(temporary)
                )
                size = archive.stat().st_size / 1024 / 1024
                self.stdout.write(f"backup: {archive} ({size:.1f} MB)")
                with backup.scratch_folder(options["keep"]) as scratch:
                    restored = backup.restore_backup(archive, scratch)
                    try:
                        code = self._verify_restored(restored)
                    finally:
                        backup.discard(restored)
        except backup.BackupError as error:
            raise CommandError(str(error), returncode=2) from error
        if code != 0:
            raise CommandError("backup_check: the restored copy is NOT whole.", returncode=1)
        self.stdout.write(self.style.SUCCESS("backup_check: the restored copy is whole."))

    def _verify_restored(self, restored: backup.Restored) -> int:
        manifest = restored.manifest
        where = restored.database_name or restored.env["DATABASE_URL"]
        self.stdout.write(
            f"restored into: {restored.folder} ({manifest['database']}: {where}); "
            f"backup taken {manifest['created_at']}, {manifest['media_files']} stored files"
        )
        self.stdout.flush()
        done = subprocess.run(
            [
                sys.executable,
                str(Path(settings.BASE_DIR) / "manage.py"),
                "backup_check",
                "--verify-restored",
                str(restored.folder),
            ],
            env=restored.env,
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            check=False,
        )
        self.stdout.write(done.stdout.rstrip("\n"))
        if done.returncode not in (0, 1):
            self.stdout.write(self.style.ERROR(done.stderr.strip()[-3000:]))
        return done.returncode

    def _verify_here(self, folder: Path) -> None:
        manifest = json.loads((folder / "archive" / backup.MANIFEST).read_text())
        failed = False
        for result in backup.verify_restored(manifest):
            mark = "ok  " if result.ok else "FAIL"
            line = f"  [{mark}] {result.label}: {result.summary}"
            self.stdout.write(line if result.ok else self.style.ERROR(line))
            for problem in result.problems[:SHOWN_PROBLEMS]:
                self.stdout.write(f"         - {problem}")
            if len(result.problems) > SHOWN_PROBLEMS:
                self.stdout.write(f"         … {len(result.problems) - SHOWN_PROBLEMS} more")
            failed = failed or not result.ok
        if failed:
            sys.exit(1)


def argparse_suppress() -> str:
    import argparse

    return argparse.SUPPRESS
