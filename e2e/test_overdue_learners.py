"""A late learner, found and reminded from the home page: the Hélios manager signs in, the inbox
says which engagement has learners past their due date, one click opens the learner list filtered
on them (the filter shown ticked, kept in the URL), and « Relancer » sends the reminder, which
the list then shows as sent. The dashboard's « en retard » figure leads to the same list. The
demo has one late technician (Hugo Petit). Looked at on a laptop and a phone, checked with axe."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from .accessibility import look
from .support import sign_in, submit

MANAGER = "manager@helios.demo"
LATE = "hugo.petit@helios.demo"


def test_the_manager_finds_and_reminds_a_late_learner_from_the_inbox(
    page: Page, shot: Callable[[Page, str], Path]
) -> None:
    sign_in(page, MANAGER)
    page.goto("/")
    late = page.locator("main [data-inbox='overdue'] li.inbox-item")
    expect(late.first).to_be_visible()
    expect(late.first).to_contain_text("retard")
    look(page, shot, "overdue-01-inbox")

    submit(page, late.first.locator("a.btn"))
    expect(page).to_have_url(re.compile(r"/apprenants/\?(.*&)?overdue=1"))
    expect(page.locator("main form.dashboard-filters input[name='overdue']")).to_be_checked()
    rows = page.locator("main table tbody tr")
    # Every learner listed is late, and the late technician is among them.
    assert rows.count() >= 1
    for i in range(rows.count()):
        expect(rows.nth(i).locator("td .badge-err")).to_contain_text("retard")
    row = page.locator("main table tbody tr", has_text=LATE)
    expect(row).to_have_count(1)
    look(page, shot, "overdue-02-filtered-list")

    submit(page, row.locator(".remind-form button"))
    expect(page.locator(".toasts .toast-success, .alert-success").first).to_be_visible()
    row = page.locator("main table tbody tr", has_text=LATE)
    expect(row.locator(".remind-form")).to_have_count(0)  # once a day: now shown as sent
    expect(row.locator(".remind-state")).to_be_visible()
    # The filter survived the reminder's round trip.
    expect(page.locator("main form.dashboard-filters input[name='overdue']")).to_be_checked()

    # From the dashboard, the « en retard » figure opens the same list.
    page.goto(page.url.split("apprenants/")[0])
    figure = page.locator("main a[data-figure='overdue']")
    expect(figure).to_be_visible()
    submit(page, figure)
    expect(page).to_have_url(re.compile(r"overdue=1"))
    expect(page.locator("main table tbody tr", has_text=LATE)).to_have_count(1)
