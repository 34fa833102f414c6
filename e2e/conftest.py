"""Browser journeys: Playwright (sync API) driving Debian's Chromium against a live server.

scripts/e2e.sh starts the server and sets BASE_URL, E2E_MAIL_DIR (the file-based e-mail
folder) and E2E_SCREENSHOT_DIR. Selectors rely on names, ids, URLs and roles rather than on
visible text, because the interface is French first and its catalogue changes independently.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def base_url() -> str:
    url = os.environ.get("BASE_URL")
    if not url:
        pytest.exit("BASE_URL is not set: run the journeys with scripts/e2e.sh", returncode=2)
    return url.rstrip("/")


@pytest.fixture(scope="session")
def mail_dir() -> Path:
    return Path(os.environ.get("E2E_MAIL_DIR", ROOT / "var" / "mail"))


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    path = Path(os.environ.get("E2E_SCREENSHOT_DIR", ROOT / "var" / "e2e"))
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(
        executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
        headless=True,
        args=CHROMIUM_ARGS,
    )
    yield browser
    browser.close()


@pytest.fixture
def new_context(browser: Browser, base_url: str) -> Iterator[Callable[[], BrowserContext]]:
    """Fresh, isolated browser profiles (cookies, storage) speaking French, like our users."""
    contexts: list[BrowserContext] = []

    def make() -> BrowserContext:
        context = browser.new_context(
            base_url=base_url,
            locale="fr-FR",
            timezone_id="Europe/Paris",
            viewport={"width": 1280, "height": 800},
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context: Callable[[], BrowserContext]) -> Page:
    return new_context().new_page()


@pytest.fixture
def shot(screenshot_dir: Path, request: pytest.FixtureRequest) -> Callable[[Page, str], Path]:
    """shot(page, "step") saves var/e2e/<journey>-<step>.png (full page)."""
    journey = getattr(request.module, "JOURNEY", request.node.name.removeprefix("test_"))

    def take(page: Page, step: str) -> Path:
        path = screenshot_dir / f"{journey}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
