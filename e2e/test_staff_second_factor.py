"""Journey b: provider staff enrol an authenticator at first sign-in, then need a code each time."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from .support import DEMO_PASSWORD, sign_in, sign_out, totp_code, url_path_re

JOURNEY = "staff-2fa"  # screenshots: var/e2e/staff-2fa-<step>.png
# A new staff member of its own: other journeys of the run sign the demo admin in (and enrol
# their authenticator) before this one, whose subject is the first sign-in.
ADMIN = "nouvelle.admin@saveit.demo"
STEP = 30
ROOT = Path(__file__).resolve().parent.parent


def _add_new_admin() -> None:
    subprocess.run(
        [sys.executable, "manage.py", "add_member", "--org", "save-it-studio", "--email", ADMIN,
         "--role", "admin", "--password", DEMO_PASSWORD, "--first-name", "Alix",
         "--last-name", "Nouvel"],
        cwd=ROOT, env=os.environ.copy(), check=True, capture_output=True,
    )  # fmt: skip


def test_staff_enrol_totp_then_verify_at_each_sign_in(
    page: Page, shot: Callable[[Page, str], Path]
) -> None:
    _add_new_admin()
    sign_in(page, ADMIN)
    expect(page).to_have_url(url_path_re("/comptes/2fa/"))
    secret_box = page.locator("#totp-secret")
    expect(secret_box).to_be_visible()
    expect(page.locator(".qr svg")).to_be_visible()
    secret = secret_box.inner_text().strip()
    assert len(secret) >= 16, secret
    shot(page, "01-enrol")

    enrolled_at = time.time()
    page.locator("main form input[name='code']").fill(totp_code(secret, at=enrolled_at))
    page.locator("main form button[type='submit']").click()
    page.wait_for_load_state()
    expect(page).to_have_url(url_path_re("/comptes/2fa/codes-de-secours/"))
    codes = page.locator("#recovery-codes li")
    expect(codes).to_have_count(10)
    shot(page, "02-recovery-codes")

    page.locator("main a[href='/']").click()
    page.wait_for_load_state()
    expect(page).to_have_url(url_path_re("/"))
    # One role only: the organisation and role show as a pill, not as a switcher.
    expect(page.locator("header #switch-membership")).to_have_count(0)
    expect(page.locator("header .org-pill")).to_contain_text("SAVE IT Studio")
    expect(page.locator("nav.sidenav a[href='/comptes/organisations/']")).to_have_count(1)
    shot(page, "03-home")

    sign_out(page)
    expect(page).to_have_url(url_path_re("/comptes/connexion/"))
    shot(page, "04-signed-out")

    sign_in(page, ADMIN)
    expect(page).to_have_url(url_path_re("/comptes/2fa/"))
    expect(page.locator("#totp-secret")).to_have_count(0)
    code_input = page.locator("main form input[name='code']")
    expect(code_input).to_be_visible()
    # Pages stay closed until the code is given.
    page.goto("/comptes/organisations/")
    expect(page).to_have_url(url_path_re("/comptes/2fa/"))
    shot(page, "05-verify")

    right = totp_code(secret, at=max(time.time(), enrolled_at + STEP))  # never the used step
    wrong = "000000" if right != "000000" else "111111"
    page.locator("main form input[name='code']").fill(wrong)
    page.locator("main form button[type='submit']").click()
    page.wait_for_load_state()
    expect(page).to_have_url(url_path_re("/comptes/2fa/"))
    expect(page.locator("main .field-error, main .error, main .alert-error").first).to_be_visible()
    shot(page, "06-wrong-code")

    time.sleep(2.2)  # django-otp throttles the device for 2^(failures-1) s after a failure
    right = totp_code(secret, at=max(time.time(), enrolled_at + STEP))
    page.locator("main form input[name='code']").fill(right)
    page.locator("main form button[type='submit']").click()
    page.wait_for_load_state()
    expect(page).to_have_url(url_path_re("/comptes/organisations/"))
    page.goto("/")
    expect(page).to_have_url(url_path_re("/"))
    expect(page.locator("nav.sidenav")).to_be_visible()
    shot(page, "07-home-again")
