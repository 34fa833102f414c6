from __future__ import annotations

from playwright.sync_api import Page

from .accessibility import look
from .support import sign_in_with_second_factor


def test_tmp_proposal_errors(page: Page, shot) -> None:
    sign_in_with_second_factor(page, "cheffe.projet@saveit.demo")
    found = None
    for i in range(1, 15):
        r = page.goto(f"/missions/{i}/proposition/")
        if r and r.status == 200 and page.locator("main input[name$='unit_price']").count():
            found = i
            break
    print("proposal engagement", found)
    assert found
    price = page.locator("main input[name$='unit_price']").first
    price.fill("quatre cents")
    page.locator("main form button[type='submit']").first.click()
    page.wait_for_load_state()
    look(page, shot, "tmp-proposal-error")
