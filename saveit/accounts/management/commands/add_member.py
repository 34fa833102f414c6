from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email

from saveit.accounts.models import Organization
from saveit.accounts.roles import AuditorScope, Role
from saveit.accounts.services import add_member
from saveit.core.errors import refusals_as_command_errors


class Command(BaseCommand):
    help = "Give a person a role in an organisation, creating the account if needed (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", required=True, help="organisation slug")
        parser.add_argument("--email", required=True)
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--password", default=None)
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument(
            "--until",
            type=date.fromisoformat,
            default=None,
            help="an auditor's last day (YYYY-MM-DD)",
        )
        parser.add_argument(
            "--scope", choices=AuditorScope.values, default="", help="what an auditor may read"
        )
        parser.add_argument(
            "--engagement", type=int, default=None, help="the auditor's engagement id"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        org = Organization.objects.filter(slug=options["org"]).first()
        if org is None:
            raise CommandError(f"No organisation with the slug {options['org']!r}.")
        with refusals_as_command_errors():
            validate_email(options["email"])
            membership = add_member(
                organization=org,
                email=options["email"],
                role=options["role"],
                password=options["password"],
                first_name=options["first_name"],
                last_name=options["last_name"],
                access_ends_on=options["until"],
                scope=options["scope"],
                scope_object_id=options["engagement"],
            )
        self.stdout.write(f"{membership.user.email} is {membership.role} in {org.slug}")
