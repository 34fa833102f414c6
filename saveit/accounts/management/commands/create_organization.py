from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from saveit.accounts.models import Organization
from saveit.accounts.roles import OrganizationKind
from saveit.accounts.services import create_organization
from saveit.core.errors import refusals_as_command_errors


class Command(BaseCommand):
    help = "Create an organisation (idempotent on the name) and print its slug."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True)
        parser.add_argument("--kind", required=True, choices=OrganizationKind.values)
        parser.add_argument("--siren", default="")
        parser.add_argument("--vat-number", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        existing = Organization.objects.filter(name=options["name"].strip()).first()
        if existing is not None:
            if existing.kind != options["kind"]:
                raise CommandError(
                    f"An organisation named {existing.name!r} exists as a {existing.kind}."
                )
            self.stdout.write(existing.slug)
            return
        with refusals_as_command_errors():
            org = create_organization(
                name=options["name"],
                kind=options["kind"],
                siren=options["siren"],
                vat_number=options["vat_number"],
            )
        self.stdout.write(org.slug)
