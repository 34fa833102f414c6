"""Read and sign: the client owner opens a document to sign, reads it in the page, signs it, and
is offered the next one.

The project manager issues two scoping notes of two new engagements of its own (other journeys'
documents stay unsigned: this journey signs only what it created). Screenshots at 1366 and
390 px; axe on the reading page before and after signing.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from playwright.sync_api import BrowserContext, Page, expect

from .accessibility import assert_accessible
from .support import DEMO_PASSWORD, sign_in_staff, sign_in_with_second_factor, submit
from .test_engagement_to_production import (
    DETAIL_URL,
    DOCUMENT_URL,
    HELIOS,
    OWNER,
    PM,
    expect_success,
    post_action,
)

JOURNEY = "read-and-sign"  # screenshots: var/e2e/read-and-sign-<step>.png


def issue_scoping_note(pm: Page, title: str) -> None:
    """A new engagement for Hélios whose scoping note is issued for the owner's signature."""
    pm.goto("/missions/nouvelle/")
    form = pm.locator("main form").filter(has=pm.locator("select[name='client']"))
    form.locator("select[name='client']").select_option(label=HELIOS)
    form.locator("input[name='title']").fill(title)
    form.locator("textarea[name='summary']").fill("Former les équipes à la procédure révisée.")
    owner_option = form.locator("select[name='client_owner'] option", has_text=HELIOS)
    form.locator("select[name='client_owner']").select_option(
        owner_option.first.get_attribute("value") or ""
    )
    submit(pm, form.locator("button[type='submit']"))
    expect(pm).to_have_url(DETAIL_URL)
    match = DETAIL_URL.match(pm.url)
    assert match, pm.url
    engagement_id = int(match.group(1))
    pm.goto(f"/missions/{engagement_id}/entretien/")
    form = pm.locator("main form").filter(has=pm.locator("textarea[name='notes']"))
    form.locator("input[name='held_on']").fill((date.today() - timedelta(days=1)).isoformat())
    form.locator("textarea[name='participants']").fill("Sophie Martin, responsable des contenus")
    form.locator("textarea[name='notes']").fill("Trente préparateurs ; procédure à déployer.")
    submit(pm, form.locator("button[type='submit']"))
    expect_success(pm)
    pm.goto(f"/missions/{engagement_id}/note-de-cadrage/")
    form = pm.locator("main form").filter(has=pm.locator("textarea[name='scope']"))
    form.locator("textarea[name='objectives']").fill(
        f"Chaque préparateur applique la procédure « {title} »."
    )
    form.locator("textarea[name='scope']").fill("Site de Lyon")
    form.locator("textarea[name='constraints']").fill("Bonnes pratiques de fabrication.")
    form.locator("textarea[name='expectations']").fill("Une attestation par personne formée.")
    form.locator("textarea[name='planning']").fill("Cadrage : ce mois-ci")
    submit(pm, form.locator("button[type='submit']"))
    expect_success(pm)
    post_action(pm, "/note-de-cadrage/emettre/")
    expect_success(pm)


def open_from_to_sign(owner: Page, title: str) -> None:
    owner.goto("/missions/a-signer/")
    row = owner.locator("main table tbody tr", has_text=title)
    expect(row).to_have_count(1)
    submit(owner, row.locator("a[href*='/lire-et-signer/']"))
    expect(owner).to_have_url(DOCUMENT_URL)


def sign_here(owner: Page) -> None:
    form = owner.locator("#sign form")
    expect(form.locator("textarea[name='intent']")).not_to_have_value("")
    form.locator("input[name='password']").fill(DEMO_PASSWORD)
    submit(owner, form.locator("button[type='submit']"))
    expect(owner).to_have_url(DOCUMENT_URL)
    expect_success(owner)
    expect(owner.locator("#sign form")).to_have_count(0)


def test_the_owner_reads_signs_and_gets_the_next_document(
    page: Page,
    new_context: Callable[[], BrowserContext],
    shot: Callable[[Page, str], Path],
) -> None:
    suffix = uuid.uuid4().hex[:6]
    first, second = f"Lecture et signature A {suffix}", f"Lecture et signature B {suffix}"
    pm = page
    sign_in_staff(pm, PM)
    issue_scoping_note(pm, first)
    issue_scoping_note(pm, second)

    owner = new_context().new_page()
    sign_in_with_second_factor(owner, OWNER)
    open_from_to_sign(owner, first)

    # The document itself comes first, its objectives included, then the form at its end,
    # which names the fingerprint of the version shown; the evidence is folded away.
    paper = owner.locator("main article.paper")
    expect(paper).to_be_visible()
    expect(paper).to_contain_text(first)
    paper_box, form_box = paper.bounding_box(), owner.locator("#sign form").bounding_box()
    assert paper_box and form_box and paper_box["y"] < form_box["y"]
    signed_hash = owner.locator("#sign [data-signed-hash]")
    expect(signed_hash).to_have_text(owner.locator("input[name='sha256']").input_value())
    evidence = owner.locator("details.evidence-details")
    expect(evidence).not_to_have_attribute("open", "")
    assert_accessible(owner, "read and sign")
    shot(owner, "reading-1366")
    owner.set_viewport_size({"width": 390, "height": 844})
    shot(owner, "reading-390")
    owner.set_viewport_size({"width": 1366, "height": 900})

    sign_here(owner)
    evidence.locator("summary").click()
    expect(evidence.locator("code.hash").first).to_be_visible()
    assert_accessible(owner, "signed, next offered")
    shot(owner, "signed-next")

    # "Next document": another document waiting for this owner, read in its own page.
    next_link = owner.locator("#sign a[data-next-document]")
    expect(next_link).to_have_count(1)
    submit(owner, next_link)
    expect(owner).to_have_url(DOCUMENT_URL)
    expect(owner.locator("main article.paper")).to_be_visible()
    expect(owner.locator("#sign form")).to_be_visible()
    owner.set_viewport_size({"width": 390, "height": 844})
    shot(owner, "next-390")
    owner.set_viewport_size({"width": 1366, "height": 900})

    # Only this journey's documents are signed: the second one, then it leaves "to sign".
    open_from_to_sign(owner, second)
    sign_here(owner)
    owner.goto("/missions/a-signer/")
    for title in (first, second):
        expect(owner.locator("main table tbody tr", has_text=title)).to_have_count(0)
