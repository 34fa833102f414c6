from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from saveit.web.demo.accounts import DEMO_ORGS, DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the demo organisations and one login per role (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--logins", action="store_true", help="only print the demo logins")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.SAVEIT_ENVIRONMENT == "production":
            # Published logins with a known password must never exist on a real installation.
            raise CommandError(
                "The demo refuses to run with production settings (config.settings.production):"
                " it creates accounts whose password is published. Use a development or e2e"
                " settings module."
            )
        if not options["logins"]:
            load_demo()
            from saveit.web.demo.engagements import load_demo_engagements

            load_demo_engagements()
            from saveit.web.demo.catalog import load_demo_modules

            load_demo_modules()
            from saveit.web.demo.learning import load_demo_deployment

            load_demo_deployment()
            from saveit.web.demo.attendance import load_demo_attendance

            load_demo_attendance()
            from saveit.web.demo.accounts import load_demo_auditors

            load_demo_auditors()
            from saveit.web.demo.support import load_demo_support

            load_demo_support()
            from saveit.web.demo.quality import load_demo_quality

            load_demo_quality()
            from saveit.web.demo.billing import load_demo_billing

            load_demo_billing()
            from saveit.web.demo.privacy import load_demo_privacy

            load_demo_privacy()
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write(f"  Demo logins (password for all: {DEMO_PASSWORD})")
        for spec in DEMO_ORGS:
            self.stdout.write(f"  {spec.name} ({spec.kind})")
            for email, role, _first, _last in spec.people:
                self.stdout.write(f"    {role:<16} {email}")
        self.stdout.write(
            "  Provider staff and business content owners set up an authenticator app (TOTP)"
            " at first sign-in."
        )
