"""What the journeys share: signing in and out, TOTP codes, reading the e-mails the server wrote."""

from __future__ import annotations

import base64
import email
import hashlib
import hmac
import os
import re
import sqlite3
import struct
import time
from contextlib import closing
from email.message import Message
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

DEMO_PASSWORD = "saveit-demo-2026"


def url_path_re(path: str) -> re.Pattern[str]:
    """Matches an absolute URL whose path is exactly `path` (any query string)."""
    return re.compile(r"^https?://[^/]+" + re.escape(path) + r"(\?.*)?$")


def sign_in(page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/comptes/connexion/")
    form = page.locator("main form").filter(has=page.locator("input[name='password']"))
    form.locator("input[name='username']").fill(username)
    form.locator("input[name='password']").fill(password)
    form.locator("button[type='submit']").click()
    page.wait_for_load_state()


def sign_out(page: Page) -> None:
    page.locator("header form[action$='/comptes/deconnexion/'] button[type='submit']").click()
    page.wait_for_load_state()


def totp_code(secret_b32: str, *, at: float | None = None, step: int = 30, digits: int = 6) -> str:
    """RFC 6238 TOTP (HMAC-SHA1), as django-otp's TOTPDevice computes it."""
    secret = secret_b32.strip().replace(" ", "").upper()
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)


def read_mails(mail_dir: Path) -> list[Message]:
    """Every message the file-based backend wrote (one file per connection, 79-dash separated)."""
    messages: list[Message] = []
    for path in sorted(mail_dir.glob("*.log")):
        for chunk in re.split(rb"\n-{79}\n", path.read_bytes()):
            if chunk.strip():
                messages.append(email.message_from_bytes(chunk.strip()))
    return messages


def message_text(message: Message) -> str:
    parts = message.walk() if message.is_multipart() else [message]
    texts = []
    for part in parts:
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                texts.append(payload.decode(part.get_content_charset() or "utf-8"))
    return "\n".join(texts)


def wait_for_mail(mail_dir: Path, to: str, timeout: float = 15.0) -> Message:
    deadline = time.monotonic() + timeout
    while True:
        for message in read_mails(mail_dir):
            if to.lower() in (message.get("To") or "").lower():
                return message
        if time.monotonic() > deadline:
            raise AssertionError(f"no e-mail to {to} in {mail_dir} after {timeout} s")
        time.sleep(0.25)


def submit(page: Page, button: Locator) -> None:
    """Clicks a submit button and waits for the page the server answers with."""
    with page.expect_navigation():
        button.click()
    page.wait_for_load_state()


def confirm_if_asked(page: Page) -> None:
    """Irreversible actions answer with a confirmation page naming the consequence: confirm."""
    confirmation = page.locator("main form[data-confirmation]")
    if confirmation.count():
        expect(page.locator("main .confirm-consequence")).not_to_be_empty()
        submit(page, confirmation.locator("button[type='submit']"))


def sign_in_staff_enrolling_totp(page: Page, username: str) -> None:
    """First sign-in of someone who must use a second factor (provider staff, business content
    owners): password, then the authenticator enrolment."""
    sign_in(page, username)
    expect(page).to_have_url(url_path_re("/comptes/2fa/"))
    secret = page.locator("#totp-secret").inner_text().strip()
    assert len(secret) >= 16, secret
    page.locator("main form input[name='code']").fill(totp_code(secret))
    submit(page, page.locator("main form button[type='submit']"))
    expect(page).to_have_url(url_path_re("/comptes/2fa/codes-de-secours/"))


TOTP_STEP = 30


def enrolled_totp(email: str) -> tuple[str, int] | None:
    """(base32 secret, last used step) of a member's confirmed authenticator, if any.

    A staff member enrols once per installation: when another journey of the same run enrolled
    this person first, the secret (which their phone would hold) is only in the server's
    database, that scripts/e2e.sh keeps under SAVEIT_VAR_DIR.
    """
    var_dir = os.environ.get("SAVEIT_VAR_DIR")
    if not var_dir:
        return None
    database = Path(var_dir) / "e2e.sqlite3"
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=20)) as db:
        row = db.execute(
            "SELECT d.key, d.last_t FROM otp_totp_totpdevice d JOIN accounts_user u"
            " ON u.id = d.user_id WHERE lower(u.email) = lower(?) AND d.confirmed",
            (email,),
        ).fetchone()
    if row is None:
        return None
    return base64.b32encode(bytes.fromhex(row[0])).decode(), int(row[1])


def sign_in_staff(page: Page, email: str) -> None:
    """Provider staff and business content owners (second factor required): enrol an
    authenticator at first sign-in, or give its current code."""
    enrolled = enrolled_totp(email)
    if enrolled is None:
        sign_in_staff_enrolling_totp(page, email)
        return
    secret, last_step = enrolled
    sign_in(page, email)
    expect(page).to_have_url(url_path_re("/comptes/2fa/"))
    step = max(int(time.time()) // TOTP_STEP, last_step + 1)  # a used step is refused
    while step > int(time.time()) // TOTP_STEP + 1:  # beyond the server's tolerance of one step
        time.sleep(1)
    page.locator("main form input[name='code']").fill(totp_code(secret, at=step * TOTP_STEP))
    submit(page, page.locator("main form button[type='submit']"))
    expect(page).not_to_have_url(url_path_re("/comptes/2fa/"))


def sign_in_with_second_factor(page: Page, email: str) -> None:
    """Business content owners must use a second factor too: the staff journey, ending on the
    home page like a plain sign-in (after the recovery codes, at first sign-in)."""
    sign_in_staff(page, email)
    if url_path_re("/comptes/2fa/codes-de-secours/").match(page.url):
        page.goto("/")
        page.wait_for_load_state()
