"""Personal data: the client's owner answers an erasure request and an access request (and
downloads the person's data); the provider's admin records a breach and sees its 48 h
countdown. Looked at on a laptop and on a phone, and checked with axe."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from .accessibility import look
from .support import sign_in_with_second_factor, sign_out, submit

JOURNEY = "privacy"  # screenshots: var/e2e/privacy-<step>.png
OWNER = "responsable@helios.demo"
ADMIN = "admin@saveit.demo"


def _open_request(page: Page, email: str) -> None:
    page.goto("/donnees-personnelles/")
    row = page.locator("main table tbody tr", has_text=email)
    submit(page, row.locator("a").first)


def test_requests_are_answered_and_a_breach_is_counted_down(
    page: Page, shot: Callable[[Page, str], Path]
) -> None:
    sign_in_with_second_factor(page, OWNER)
    page.goto("/donnees-personnelles/")
    expect(page.locator("main h1")).to_contain_text("Demandes des personnes concernées")
    look(page, shot, "01-requests")

    # The erasure request: carried out; the answer says what is kept and until when.
    _open_request(page, "eloise.durand@helios.demo")
    expect(page.locator("main h1")).to_contain_text("effacement")
    look(page, shot, "02-erasure-request")
    page.locator("main form input[name='identity_note']").first.fill("Pièce d'identité vérifiée")
    submit(page, page.locator("main form button.btn-danger"))
    expect(page.locator("main")).to_contain_text("Conservé pour une obligation légale")
    expect(page.locator("main")).not_to_contain_text("eloise.durand@helios.demo")
    look(page, shot, "03-erasure-done")

    # The access request of another person: carried out, then the zip is downloaded.
    _open_request(page, "noe.martin@helios.demo")
    submit(page, page.locator("main form button[type='submit']").first)
    with page.expect_download() as download:
        page.locator("main a[href$='export.zip']").click()
    content = Path(download.value.path()).read_bytes()
    names = zipfile.ZipFile(io.BytesIO(content)).namelist()
    assert "manifest.json" in names and "data/learning.Learner.json" in names
    look(page, shot, "04-access-done")
    sign_out(page)

    # The provider's admin records a breach and sees the 48 h countdown.
    sign_in_with_second_factor(page, ADMIN)
    page.goto("/donnees-personnelles/violations/")
    form = page.locator("main form.card")
    form.locator("input[name='aware_at']").fill("2026-01-01T09:00")
    page.evaluate(
        """() => { const now = new Date(Date.now() - 3600 * 1000);
        const pad = n => String(n).padStart(2, '0');
        document.querySelector("input[name='aware_at']").value =
          `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}T` +
          `${pad(now.getHours())}:${pad(now.getMinutes())}`; }"""
    )
    form.locator("textarea[name='nature']").fill("Perte d'un ordinateur portable non chiffré.")
    form.locator("input[name='data_categories']").fill("Noms et résultats")
    form.locator("input[name='people_count']").fill("40")
    form.locator("input[name='records_count']").fill("120")
    form.locator("textarea[name='consequences']").fill("Divulgation possible de résultats.")
    form.locator("textarea[name='measures']").fill("Blocage des comptes, plainte déposée.")
    form.locator("select[name='risk']").select_option("risk")
    form.locator("input[name='organizations']").first.check()
    submit(page, form.locator("button[type='submit']"))
    expect(page.locator("main h1")).to_contain_text("Violation")
    expect(page.locator("main .countdown").first).to_contain_text("encore 4")
    look(page, shot, "05-breach-countdown")
    page.goto("/donnees-personnelles/violations/")
    look(page, shot, "06-breach-register")
