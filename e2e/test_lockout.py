"""Journey c: five wrong passwords lock the account from this connection, even for the right one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, Response, expect

from .support import DEMO_PASSWORD, url_path_re

JOURNEY = "lockout"  # screenshots: var/e2e/lockout-<step>.png
LEARNER = "apprenant@ardent.demo"
LOCKED_TITLES = ("Too many failed attempts", "Trop de tentatives")
# django-axes 8 answers a lock-out with AXES_HTTP_RESPONSE_CODE, 429 by default; the attempt that
# reaches AXES_FAILURE_LIMIT (5) is itself answered locked.
LOCKED_STATUS = 429


def attempt(page: Page, password: str) -> Response:
    page.goto("/comptes/connexion/")
    form = page.locator("main form").filter(has=page.locator("input[name='password']"))
    form.locator("input[name='username']").fill(LEARNER)
    form.locator("input[name='password']").fill(password)
    with page.expect_response(
        lambda r: r.request.method == "POST" and "/comptes/connexion/" in r.url
    ) as answer:
        form.locator("button[type='submit']").click()
    page.wait_for_load_state()
    return answer.value


def test_five_failures_lock_the_sign_in(page: Page, shot: Callable[[Page, str], Path]) -> None:
    for n in range(1, 5):
        response = attempt(page, f"wrong-password-{n}")
        assert response.status == 200, f"attempt {n}: HTTP {response.status}"
        expect(page).to_have_url(url_path_re("/comptes/connexion/"))
        expect(
            page.locator("main .error-summary, main .alert-error, main .error").first
        ).to_be_visible()
        if n == 1:
            shot(page, "01-wrong-password")

    fifth = attempt(page, "wrong-password-5")
    assert fifth.status == LOCKED_STATUS, f"attempt 5: HTTP {fifth.status}"

    sixth = attempt(page, DEMO_PASSWORD)
    assert sixth.status == LOCKED_STATUS, (
        f"6th attempt with the right password: HTTP {sixth.status}"
    )
    title = page.locator("main h1")
    expect(title).to_be_visible()
    assert (
        any(t in title.inner_text() for t in LOCKED_TITLES)
        or page.locator("main [role='alert'] a[href$='/comptes/mot-de-passe/oubli/']").count()
    ), f"unexpected lockout page title: {title.inner_text()!r}"
    expect(page.locator("main input[name='password']")).to_have_count(0)
    expect(page.locator("nav.sidenav")).to_have_count(0)
    shot(page, "02-locked-out")

    page.goto("/")
    expect(page).to_have_url(url_path_re("/comptes/connexion/"))
