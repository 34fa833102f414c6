from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from saveit.accounts.models import Membership
from saveit.accounts.services import TOKEN_DEFAULT_DAYS, TOKEN_MAX_DAYS, issue_api_token
from saveit.core.errors import Refusal


class Command(BaseCommand):
    help = "Print a new personal API token for a member of an organisation (shown once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True)
        parser.add_argument("--org", required=True, help="organisation slug")
        parser.add_argument("--role", default=None, help="when the person has several roles")
        parser.add_argument("--name", default="command line")
        parser.add_argument(
            "--days",
            type=int,
            default=TOKEN_DEFAULT_DAYS,
            help=f"lifetime in days, 1 to {TOKEN_MAX_DAYS} (default {TOKEN_DEFAULT_DAYS})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        memberships = Membership.objects.filter(
            user__email=options["email"].strip().lower(),
            organization__slug=options["org"],
            is_active=True,
        ).select_related("organization", "user")
        if options["role"]:
            memberships = memberships.filter(role=options["role"])
        found = [m for m in memberships if m.is_current()]
        if not found:
            raise CommandError(
                f"{options['email']} has no active role in the organisation {options['org']!r}."
            )
        if len(found) > 1:
            roles = ", ".join(m.role for m in found)
            raise CommandError(f"Several roles ({roles}): choose one with --role.")
        try:
            issued = issue_api_token(
                membership=found[0], name=options["name"], days=options["days"]
            )
        except Refusal as refusal:
            raise CommandError(str(refusal)) from refusal
        self.stdout.write(issued.secret)
