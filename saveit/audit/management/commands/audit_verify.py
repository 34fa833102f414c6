"""Verify every organisation's audit chain (or one) and pinpoint the first broken link.

Exit status: 0 when every chain holds, 1 when any is broken, 2 for an unknown organisation.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from saveit.accounts.models import Organization
from saveit.audit.chain import ChainReport, verify_chain


class Command(BaseCommand):
    help = "Verify the audit hash chain of every organisation, or of one with --org SLUG."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", metavar="SLUG", help="Verify only this organisation.")

    def handle(self, *args: Any, org: str | None = None, **options: Any) -> None:
        broken: list[ChainReport] = []
        for organization in self._organizations(org):
            report = verify_chain(organization)
            if report.ok:
                self.stdout.write(f"ok {report.organization_slug}: {report.events} events")
            else:
                broken.append(report)
                self.stdout.write(
                    self.style.ERROR(
                        f"BROKEN {report.organization_slug}: first broken seq "
                        f"{report.broken_seq} ({report.reason})"
                    )
                )
        if broken:
            names = ", ".join(f"{r.organization_slug} at seq {r.broken_seq}" for r in broken)
            raise CommandError(f"Audit chain broken: {names}.", returncode=1)

    def _organizations(self, slug: str | None) -> Iterable[Organization]:
        if slug is None:
            return Organization.objects.order_by("slug").iterator()
        organization = Organization.objects.filter(slug=slug).first()
        if organization is None:
            raise CommandError(f"No organisation with the identifier “{slug}”.", returncode=2)
        return [organization]
