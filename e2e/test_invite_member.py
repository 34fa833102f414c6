"""Journey a: a client owner invites a colleague, who accepts from the e-mail and is signed in."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import BrowserContext, Page, expect

from .support import message_text, sign_in_with_second_factor, url_path_re, wait_for_mail

JOURNEY = "invite"  # screenshots: var/e2e/invite-<step>.png
OWNER = "responsable@helios.demo"
HELIOS = "Laboratoires Hélios"
HELIOS_MEMBERS = (
    "responsable@helios.demo",
    "manager@helios.demo",
    "apprenant@helios.demo",
    "auditeur@helios.demo",
)
ORG_PATH = re.compile(r"^/comptes/organisations/\d+/$")
ORG_PATH_URL = re.compile(r"^https?://[^/]+/comptes/organisations/\d+/(\?.*)?$")


def open_my_organisation(page: Page) -> None:
    """Follows the left navigation entry that leads to the member's own organisation."""
    links = page.locator("nav.sidenav a")
    expect(links.first).to_be_visible()
    hrefs = [links.nth(i).get_attribute("href") or "" for i in range(links.count())]
    matching = [i for i, href in enumerate(hrefs) if ORG_PATH.match(href)]
    assert matching, f"no link to the organisation page in the navigation: {hrefs}"
    links.nth(matching[0]).click()
    page.wait_for_load_state()


def test_owner_invites_a_member_who_joins(
    page: Page,
    new_context: Callable[[], BrowserContext],
    mail_dir: Path,
    shot: Callable[[Page, str], Path],
) -> None:
    newcomer = f"recrue.{uuid.uuid4().hex[:8]}@helios.demo"

    sign_in_with_second_factor(page, OWNER)
    expect(page).to_have_url(url_path_re("/"))
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("header .org-pill, header #switch-membership")).to_contain_text(HELIOS)
    shot(page, "01-home")

    open_my_organisation(page)
    expect(page).to_have_url(ORG_PATH_URL)
    expect(page.locator("nav.sidenav a[aria-current='page']")).to_have_count(1)
    expect(page.locator("h1")).to_have_text(HELIOS)
    members = page.locator("main table").first
    for address in HELIOS_MEMBERS:
        expect(members.locator("tbody tr", has_text=address)).to_have_count(1)
    shot(page, "02-organisation")

    invite = page.locator("main form[action$='/inviter/']")
    invite.locator("input[name='email']").fill(newcomer)
    invite.locator("select[name='role']").select_option("learner")
    shot(page, "03-invite-filled")
    invite.locator("button[type='submit']").click()
    page.wait_for_load_state()

    expect(page).to_have_url(ORG_PATH_URL)
    toast = page.locator(".toasts .toast-success")
    expect(toast).to_be_visible()
    expect(toast).to_contain_text(newcomer)
    pending = page.locator("main table tbody tr", has_text=newcomer)
    expect(pending).to_have_count(1)
    expect(pending.locator(".badge-accent")).to_be_visible()
    expect(pending.locator("form[action$='/retirer/'] button")).to_be_visible()
    shot(page, "04-invitation-sent")

    mail = wait_for_mail(mail_dir, newcomer)
    links = re.findall(r"https?://\S+/comptes/invitation/[^\s/]+/", message_text(mail))
    assert len(links) == 1, f"expected one invitation link in the e-mail, got {links}"

    guest = new_context().new_page()
    guest.goto(links[0])
    expect(guest.locator("main form input[name='first_name']")).to_be_visible()
    expect(guest.locator("h1")).to_contain_text(HELIOS)
    shot(guest, "05-invitation-page")
    form = guest.locator("main form")
    form.locator("input[name='first_name']").fill("Zoé")
    form.locator("input[name='last_name']").fill("Lemaître")
    form.locator("input[name='password']").fill("Une-phrase-de-passe-solide-42")
    form.locator("input[name='password_again']").fill("Une-phrase-de-passe-solide-42")
    form.locator("button[type='submit']").click()
    guest.wait_for_load_state()

    # A learner's home is their trainings.
    expect(guest).to_have_url(url_path_re("/mes-formations/"))
    expect(guest.locator(".toasts .toast-success")).to_contain_text(HELIOS)
    expect(guest.locator("header .org-pill")).to_contain_text(HELIOS)
    expect(guest.locator("header .user-name")).to_contain_text("Zoé Lemaître")
    shot(guest, "06-joined-home")

    page.reload()
    expect(page.locator("main table").first.locator("tbody tr", has_text=newcomer)).to_have_count(1)
    shot(page, "07-organisation-after-join")
