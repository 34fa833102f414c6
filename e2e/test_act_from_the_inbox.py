"""The inbox: the client's content owner signs in, sees what waits for them with its reason and
counts, and one click lands on the page where the action is done; the support agent does the
same with a ticket. Nothing is changed (later journeys share the demo). Looked at on a laptop and
on a phone, and checked with axe."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from .accessibility import look
from .support import sign_in_with_second_factor, sign_out, submit

JOURNEY = "inbox"  # screenshots: var/e2e/inbox-<step>.png
OWNER = "responsable@ardent.demo"  # the demo issues this client a delivery note to sign
AGENT = "support@saveit.demo"


def _badge(page: Page, href: str) -> int:
    badge = page.locator(f"nav.sidenav a[href='{href}'] .nav-count")
    if badge.count() == 0:
        return 0
    return int(re.match(r"\d+", badge.inner_text()).group(0))  # type: ignore[union-attr]


def test_the_owner_acts_from_the_inbox_in_one_click(
    page: Page, shot: Callable[[Page, str], Path]
) -> None:
    sign_in_with_second_factor(page, OWNER)
    page.goto("/")
    expect(page.locator("main h1")).to_contain_text("Bienvenue")
    items = page.locator("main [data-inbox] li.inbox-item:not([data-kind='wait'])")
    to_sign = page.locator("main [data-inbox='signatures'] li.inbox-item")
    expect(to_sign.first).to_be_visible()
    # The badges count exactly what the page lists.
    assert _badge(page, "/") == items.count()
    assert _badge(page, "/missions/a-signer/") == to_sign.count()
    # Each item says why it waits (the gate table's message) and since when.
    expect(to_sign.first.locator(".inbox-reason")).to_contain_text("signé")
    expect(to_sign.first.locator(".inbox-meta")).to_contain_text("depuis le")
    # The engagements section says whom each engagement waits for.
    expect(page.locator("main [data-inbox='engagements'] li").first).to_contain_text("Attend")
    look(page, shot, "01-owner-inbox")

    link = to_sign.first.locator("a.btn")
    href = link.get_attribute("href")
    # Straight to the page where the document is read and signed.
    assert href and re.fullmatch(r"/missions/\d+/lire-et-signer/\d+/", href), href
    submit(page, link)
    expect(page).to_have_url(re.compile(re.escape(href) + r"$"))
    expect(page.locator("main h1")).to_be_visible()
    expect(page.locator("main input[name='password']")).to_be_visible()
    shot(page, "02-owner-document-1366")
    sign_out(page)


def test_the_support_agent_answers_a_ticket_from_the_inbox(
    page: Page, shot: Callable[[Page, str], Path]
) -> None:
    sign_in_with_second_factor(page, AGENT)
    page.goto("/")
    tickets = page.locator("main [data-inbox='tickets'] li.inbox-item")
    expect(tickets.first).to_be_visible()
    assert _badge(page, "/support/") == tickets.count()
    # The agent's frame: the ticket queue right after the inbox.
    expect(page.locator("nav.sidenav li").nth(1).locator("a")).to_have_attribute(
        "href", "/support/"
    )
    look(page, shot, "03-agent-inbox")
    link = tickets.first.locator("a.btn")
    href = link.get_attribute("href")
    assert href and href.startswith("/support/tickets/")
    submit(page, link)
    expect(page).to_have_url(re.compile(re.escape(href) + r"$"))
    expect(page.locator("main textarea").first).to_be_visible()  # the answer form is here
    sign_out(page)
