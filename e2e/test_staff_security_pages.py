"""The security pages an administrator uses: security events, API tokens with their expiry,
the organisation's second-factor rule and the attestation signature; looked at on a laptop and
on a phone, and checked with axe."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from .accessibility import look
from .support import sign_in_staff, submit, url_path_re

JOURNEY = "security"  # screenshots: var/e2e/security-<step>.png
ADMIN = "admin@saveit.demo"


def test_an_admin_reads_the_security_pages(page: Page, shot: Callable[[Page, str], Path]) -> None:
    sign_in_staff(page, ADMIN)
    if url_path_re("/comptes/2fa/codes-de-secours/").match(page.url):
        page.goto("/")

    page.goto("/comptes/evenements-de-securite/")
    expect(page.locator("main h1")).to_contain_text("Événements de sécurité")
    look(page, shot, "01-security-events")

    page.goto("/comptes/jetons/")
    expect(page.locator("main")).to_contain_text("Durée de validité (jours)")
    page.locator("main form.inline-form input[name='name']").fill("Export vers le SIRH")
    page.locator("main form.inline-form input[name='days']").fill("30")
    submit(page, page.locator("main form.inline-form button[type='submit']"))
    expect(page.locator("#new-token")).to_be_visible()
    expect(page.locator("main table")).to_contain_text("Expire le")
    look(page, shot, "02-api-tokens")

    page.locator("nav.sidenav a", has_text="Mon organisation").first.click()
    page.wait_for_load_state()
    expect(page.locator("#second-factor")).to_contain_text("Double authentification")
    look(page, shot, "03-organisation")

    page.goto(page.url.rstrip("/") + "/signature/")
    expect(page.locator("main form")).to_be_visible()
    look(page, shot, "04-attestation-signature")
