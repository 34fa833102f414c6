"""manage.py evidence_verify PACK.zip — check an engagement's evidence pack offline.

Exit codes: 0 the pack is intact; 1 something was altered, added or removed (each problem is
printed); 2 the file cannot be read as a pack.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from saveit.audit.evidence import verify_pack
from saveit.core import keys


class Command(BaseCommand):
    help = "Check an evidence pack offline: every file against its manifest, and the seal."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("pack", help="path of the evidence pack (.zip)")
        parser.add_argument(
            "--installation-key",
            action="store_true",
            help="also require the seal to be made with this installation's key",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["pack"])
        if not path.is_file():
            self.stderr.write(f"{path}: no such file")
            sys.exit(2)
        expected = None
        if options["installation_key"]:  # the current key or one that rotation retired
            expected = keys.verification_public_keys()
        report = verify_pack(str(path), expected_key=expected)
        if report.problems and not report.manifest_sha256:
            for problem in report.problems:
                self.stderr.write(problem)
            sys.exit(2)
        self.stdout.write(f"pack: {path}")
        self.stdout.write(f"engagement: {report.engagement or '?'} · sealed at {report.sealed_at}")
        self.stdout.write(f"manifest SHA-256: {report.manifest_sha256}")
        self.stdout.write(f"files checked: {report.files_checked}")
        self.stdout.write(f"audit events checked: {report.chain_events}")
        if report.ok:
            self.stdout.write(self.style.SUCCESS("intact: every file matches the sealed manifest"))
            return
        for problem in report.problems:
            self.stdout.write(self.style.ERROR(f"ALTERED: {problem}"))
        sys.exit(1)
