"""manage.py reversibility_export --org SLUG --output FILE.zip"""

from __future__ import annotations

import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from saveit.accounts.models import Organization
from saveit.audit.chain import verify_chain
from saveit.privacy.destruction import record_export
from saveit.privacy.reversibility import write_export


class Command(BaseCommand):
    help = "Export one client organisation's whole data as a sealed, streamed zip."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", required=True, help="the organisation's identifier (slug)")
        parser.add_argument("--output", required=True, help="the zip file to write")

    def handle(self, *args: Any, org: str, output: str, **options: Any) -> None:
        organization = Organization.objects.filter(slug=org).first()
        if organization is None:
            raise CommandError(f"No organisation {org!r} here.")
        chain = verify_chain(organization)
        if not chain.ok:
            # A tampered installation is not exported as if it were sound.
            raise CommandError(
                f"The audit chain of {org} is broken at seq {chain.broken_seq}: "
                "investigate before exporting (nothing was written)."
            )
        started = time.perf_counter()

        def progress(done: int, total: int, step: str) -> None:
            if options.get("verbosity", 1) > 1:
                sys.stderr.write(f"{done}/{total} {step}\n")

        result = write_export(organization, output, progress=progress)
        record_export(
            organization=organization,
            manifest_sha256=result.manifest_sha256,
            counts=result.counts,
        )
        rows = sum(result.counts.values())
        self.stdout.write(
            f"{output}: {rows} rows in {len(result.counts)} tables, {result.files} files, "
            f"manifest {result.manifest_sha256}, {time.perf_counter() - started:.1f} s"
        )
