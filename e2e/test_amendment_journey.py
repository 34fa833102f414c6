"""Amendments in the browser: the provider reads the demo's signed amendment, writes a second
one with a price line, issues it; the client's content owner finds it in "To sign", reads it
and signs it. Pages looked at 1366 and 390 px wide and checked with axe-core."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from .accessibility import look
from .support import sign_in_staff, sign_in_with_second_factor, submit, url_path_re
from .test_engagement_to_production import PM, expect_success, sign_next_document

OWNER = "responsable@ardent.demo"
TITLE = "Prévention du risque routier des conducteurs-livreurs"
AMENDMENT_URL = re.compile(r"^https?://[^/]+/missions/\d+/avenants/(\d+)/(\?.*)?$")


def engagement_id(page: Page) -> int:
    page.goto("/missions/")
    href = page.locator("main a[href^='/missions/']", has_text=TITLE).first.get_attribute("href")
    match = re.search(r"/missions/(\d+)/", href or "")
    assert match, href
    return int(match.group(1))


def test_an_amendment_is_written_issued_and_signed(
    new_context: Callable, shot: Callable, screenshot_dir: Path
) -> None:
    pm = new_context().new_page()
    pm.set_viewport_size({"width": 1366, "height": 900})
    sign_in_staff(pm, PM)
    engagement = engagement_id(pm)

    # 1. The invoicing page lists the demo's signed amendment; the list shows the new price.
    pm.goto(f"/missions/{engagement}/facturation/")
    expect(pm.locator("#amendments-title")).to_be_visible()
    expect(pm.locator("main", has_text="Avenant n° 1")).to_be_visible()
    pm.locator("main a[href$='/avenants/']").click()
    expect(pm).to_have_url(url_path_re(f"/missions/{engagement}/avenants/"))
    expect(pm.locator("main tbody tr", has_text="Avenant n° 1")).to_have_count(1)
    look(pm, shot, "amendments")

    # 2. The provider writes amendment no. 2 (one line added), then issues it.
    form = pm.locator("main form").last
    form.locator("textarea[name='scope']").fill("Ajout d'une session à Brest.")
    form.locator("textarea[name='reason']").fill("Une agence supplémentaire rejoint le projet.")
    form.locator("input[name='lines-0-label']").fill("Session de déploiement à Brest")
    form.locator("input[name='lines-0-quantity']").fill("1")
    form.locator("input[name='lines-0-unit_price']").fill("450")
    form.locator("input[name='lines-0-vat_rate']").fill("20")
    submit(pm, form.locator("button[type='submit']"))
    expect(pm).to_have_url(AMENDMENT_URL)
    expect_success(pm)
    expect(pm.locator("h1")).to_have_text("Avenant n° 2 à la proposition")
    look(pm, shot, "amendment-draft")
    submit(pm, pm.locator("main form[action$='/emettre/'] button"))
    expect_success(pm)
    expect(pm.locator(".badge-warn")).to_be_visible()  # awaiting the client's signature
    href = pm.locator("main a[href*='/pdf/']").get_attribute("href") or ""
    pdf = pm.request.get(href)
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    (screenshot_dir / "amendment-2.pdf").write_bytes(pdf.body())

    # 3. The client's content owner signs it from "To sign"; its page then says so.
    owner = new_context().new_page()
    owner.set_viewport_size({"width": 1366, "height": 900})
    sign_in_with_second_factor(owner, OWNER)
    sign_next_document(owner, TITLE)
    owner.goto(pm.url)
    expect(owner.locator(".badge-ok")).to_be_visible()
    look(owner, shot, "amendment-signed")
