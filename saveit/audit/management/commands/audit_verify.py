"""Verify every organisation's audit chain (or one) and pinpoint the first broken link.

Each chain is also compared with its signed checkpoints (saveit.audit.checkpoints), in the
database and in the file storage: a chain cut short of its latest checkpoint, or rewritten
under one, fails. Exit status: 0 when every chain holds, 1 when any is broken, 2 for an unknown
organisation.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from saveit.accounts.models import Organization
from saveit.audit.checkpoints import verify_anchored


class Command(BaseCommand):
    help = "Verify the audit hash chain of every organisation, or of one with --org SLUG."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", metavar="SLUG", help="Verify only this organisation.")

    def handle(self, *args: Any, org: str | None = None, **options: Any) -> None:
        broken: list[str] = []
        for organization in self._organizations(org):
            report, checked = verify_anchored(organization)
            problems = checked.problems
            if not problems:
                anchor = (
                    f", whole up to its checkpoint at seq {checked.latest_seq} "
                    f"({checked.latest_taken_at})"
                    if checked.latest_seq
                    else ", no checkpoint yet"
                )
                self.stdout.write(f"ok {report.organization_slug}: {report.events} events{anchor}")
                continue
            where = f"seq {report.broken_seq}" if not report.ok else "its checkpoints"
            broken.append(f"{report.organization_slug} at {where}")
            for problem in problems:
                self.stdout.write(self.style.ERROR(f"BROKEN {report.organization_slug}: {problem}"))
        if broken:
            raise CommandError(f"Audit chain broken: {', '.join(broken)}.", returncode=1)

    def _organizations(self, slug: str | None) -> Iterable[Organization]:
        if slug is None:
            return Organization.objects.order_by("slug").iterator()
        organization = Organization.objects.filter(slug=slug).first()
        if organization is None:
            raise CommandError(f"No organisation with the identifier “{slug}”.", returncode=2)
        return [organization]
