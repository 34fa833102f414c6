"""Blended training on a phone: the learner is convened (e-mail with a calendar file), scans the
trainer's rotating QR code (its URL opened), signs the half-day, and later downloads the
certificat de réalisation; the trainer sees the sheet fill up. A second scan is refused."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import BrowserContext, Page, expect

from .accessibility import assert_accessible
from .support import read_mails, sign_in, sign_in_staff, submit, url_path_re

JOURNEY = "attendance"
TRAINER = "cheffe.projet@saveit.demo"
LEARNER = "apprenant@helios.demo"
TITLE = "Nettoyage et désinfection des paillasses"
SESSION = "Atelier pratique : nettoyage des paillasses"
PHONE = {"width": 390, "height": 844}


def convocation_for(mail_dir: Path, to: str, timeout: float = 15.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in read_mails(mail_dir):
            if to in (message.get("To") or "") and "Convocation" in (message.get("Subject") or ""):
                parts = {p.get_content_type(): p for p in message.walk()}
                assert "text/calendar" in parts, list(parts)
                payload = parts["text/calendar"].get_payload(decode=True)
                assert isinstance(payload, bytes)
                return payload.decode()
        time.sleep(0.25)
    raise AssertionError(f"no convocation to {to}")


def test_learner_signs_on_the_phone_and_gets_the_certificate(
    new_context: Callable[[], BrowserContext],
    shot: Callable[[Page, str], Path],
    mail_dir: Path,
) -> None:
    trainer = new_context().new_page()
    sign_in_staff(trainer, TRAINER)
    trainer.goto("/missions/")
    trainer.locator("main a", has_text=TITLE).first.click()
    trainer.locator("main a", has_text="Sessions de formation").first.click()
    trainer.locator("main a", has_text=SESSION).first.click()
    expect(trainer.locator("main h1")).to_have_text(SESSION)
    submit(trainer, trainer.locator("main button", has_text="Envoyer les convocations"))
    expect(trainer.locator("body")).to_contain_text("Convocations envoyées")
    calendar = convocation_for(mail_dir, LEARNER)
    assert calendar.startswith("BEGIN:VCALENDAR") and calendar.count("BEGIN:VEVENT") == 2
    assert_accessible(trainer, "the session page")
    shot(trainer, "session-1366")
    session_url = trainer.url

    # Today's half-day is the last one: the trainer shows its QR code.
    trainer.locator("main a", has_text="Afficher le QR code").last.click()
    qr = trainer.locator("main .qr-code")
    expect(qr.locator("svg")).to_be_visible()
    sign_url = qr.get_attribute("data-sign-url") or ""
    assert "/emargement/" in sign_url, sign_url
    assert_accessible(trainer, "the trainer's QR screen")
    shot(trainer, "qr-1366")

    phone = new_context().new_page()
    phone.set_viewport_size(PHONE)
    sign_in(phone, LEARNER)
    phone.goto(sign_url)
    expect(phone.locator("main h2")).to_have_text(SESSION)
    assert_accessible(phone, "the signing page on a phone")
    shot(phone, "sign-390")
    submit(phone, phone.locator("main button", has_text="Je signe"))
    expect(phone).to_have_url(url_path_re("/mes-seances/"))
    expect(phone.locator("body")).to_contain_text("Votre présence pour cette demi-journée")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    header = phone.locator("header.topbar").bounding_box()
    assert header is not None and header["height"] < PHONE["height"] / 3
    assert_accessible(phone, "my sessions on a phone")
    shot(phone, "my-sessions-390")

    # Scanning again is refused, and nothing changes.
    phone.goto(sign_url)
    submit(phone, phone.locator("main button", has_text="Je signe"))
    expect(phone.locator("main .alert-error")).to_contain_text("déjà signé")

    # The trainer's screen counts the signature (refreshed by HTMX, or on reload).
    trainer.reload()
    expect(trainer.locator("#signed-count")).to_contain_text("1 /")
    expect(trainer.locator("main .qr-panel")).to_contain_text("Alex Apprenant — présent")
    trainer.goto(session_url)
    shot(trainer, "sheet-filled-1366")

    phone.goto("/mes-seances/")
    link = phone.locator("main a", has_text="certificat de réalisation").first
    href = link.get_attribute("href") or ""
    response = phone.request.get(href)
    assert response.ok and response.body().startswith(b"%PDF")
    pdf = response.body()
    (Path(shot(phone, "certificate-link-390")).parent / "certificat-realisation.pdf").write_bytes(
        pdf
    )
