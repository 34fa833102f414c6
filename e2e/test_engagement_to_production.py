"""Journey c: an engagement goes from the client's request to production (phases 0 to 3).

The provider's project manager and the client's content owner work side by side, each in their
own browser profile: scoping interview and note, the client's signature, a real Word procedure
uploaded by the client, the mapping report, the proposal, the proforma, the equivalent
agreement signed by the client, and the move into production.
"""

from __future__ import annotations

import io
import re
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import docx
from playwright.sync_api import BrowserContext, Page, expect

from .support import (
    DEMO_PASSWORD,
    confirm_if_asked,
    sign_in_staff,
    sign_in_with_second_factor,
    submit,
    url_path_re,
)

JOURNEY = "engagement"  # screenshots: var/e2e/engagement-<step>.png
PM = "cheffe.projet@saveit.demo"
OWNER = "responsable@helios.demo"
HELIOS = "Laboratoires Hélios"
SCOPES = ("Site de Lyon", "Techniciens")
DETAIL_URL = re.compile(r"^https?://[^/]+/missions/(\d+)/(\?.*)?$")
DOCUMENT_URL = re.compile(r"^https?://[^/]+/missions/\d+/lire-et-signer/\d+/(\?.*)?(#sign)?$")
VERSION_URL = re.compile(r"^https?://[^/]+/missions/\d+/documents/\d+/(\?.*)?$")
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# --- helpers -------------------------------------------------------------------------------


def post_action(page: Page, action_suffix: str) -> None:
    """Submits the one-button form of the engagement page whose action ends with the suffix."""
    form = page.locator(f"main form[action$='{action_suffix}']")
    expect(form).to_have_count(1)
    submit(page, form.locator("button[type='submit']"))
    confirm_if_asked(page)  # sealing and closing ask first


def expect_success(page: Page) -> None:
    expect(page.locator(".toasts .toast-success")).to_be_visible()
    expect(page.locator(".toasts .toast-error")).to_have_count(0)


def open_engagement(page: Page, engagement_id: int) -> None:
    page.goto(f"/missions/{engagement_id}/")
    expect(page).to_have_url(url_path_re(f"/missions/{engagement_id}/"))


def expect_phase(page: Page, phase: int) -> None:
    current = page.locator("ol.stepper li[aria-current='step']")
    expect(current).to_have_count(1)
    expect(current.locator(".phase-badge")).to_have_text(str(phase))


def advance(page: Page, engagement_id: int, to_phase: int) -> None:
    open_engagement(page, engagement_id)
    expect(page.locator("#gate li.unmet")).to_have_count(0)
    post_action(page, "/avancer/")
    expect(page).to_have_url(DETAIL_URL)
    expect_success(page)
    expect_phase(page, to_phase)


def sign_next_document(
    owner: Page, title: str, *, before_signing: Callable[[Page], object] | None = None
) -> None:
    """The client owner opens "to sign", follows the engagement's document, reads and signs it."""
    owner.goto("/missions/a-signer/")
    expect(owner).to_have_url(url_path_re("/missions/a-signer/"))
    rows = owner.locator("main table tbody tr", has_text=title)
    expect(rows).to_have_count(1)
    if before_signing:
        before_signing(owner)
    submit(owner, rows.locator("a[href*='/lire-et-signer/']"))
    expect(owner).to_have_url(DOCUMENT_URL)
    expect(owner.locator("main article.paper")).to_be_visible()  # the document itself, first
    form = owner.locator("#sign form")
    expect(form).to_be_visible()
    intent = form.locator("textarea[name='intent']")
    expect(intent).not_to_have_value("")  # a statement is offered; the signer may reword it
    expect(form.locator("input[name='otp_code']")).to_have_count(0)  # clients sign by password
    form.locator("input[name='password']").fill(DEMO_PASSWORD)
    submit(owner, form.locator("button[type='submit']"))
    expect(owner).to_have_url(DOCUMENT_URL)
    expect_success(owner)
    expect(owner.locator("#sign form")).to_have_count(0)
    owner.goto("/missions/a-signer/")
    expect(owner.locator("main table tbody tr", has_text=title)).to_have_count(0)


def procedure_docx() -> bytes:
    """A small but real Word procedure: title, numbered headings, accents, a bulleted list."""
    document = docx.Document()
    document.add_heading("Procédure d'habilitation électrique", 0)
    document.add_heading("1. Objet et périmètre", 1)
    document.add_paragraph(
        "Cette procédure s'applique au site de Lyon et à l'équipe de maintenance électrique."
    )
    document.add_heading("2. Rôles et responsabilités", 1)
    document.add_paragraph("Le chargé de consignation délivre l'autorisation écrite.")
    document.add_heading("2.1 Le technicien", 2)
    document.add_paragraph("Le technicien vérifie l'absence de tension avant toute intervention.")
    document.add_heading("3. Déroulement", 1)
    for step in (
        "Consignation de l'équipement",
        "Vérification d'absence de tension (VAT)",
        "Pose de la pancarte « Ne pas manœuvrer »",
    ):
        document.add_paragraph(step, style="List Bullet")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- the journey ---------------------------------------------------------------------------


def test_engagement_from_request_to_production(
    page: Page,
    new_context: Callable[[], BrowserContext],
    shot: Callable[[Page, str], Path],
) -> None:
    title = f"Habilitation électrique des techniciens {uuid.uuid4().hex[:6]}"
    today = date.today()
    pm = page

    # 1. The project manager creates the engagement for Hélios.
    sign_in_staff(pm, PM)
    pm.goto("/missions/")
    expect(pm).to_have_url(url_path_re("/missions/"))
    submit(pm, pm.locator("main a[href='/missions/nouvelle/']"))
    expect(pm).to_have_url(url_path_re("/missions/nouvelle/"))
    form = pm.locator("main form").filter(has=pm.locator("select[name='client']"))
    form.locator("select[name='client']").select_option(label=HELIOS)
    form.locator("input[name='title']").fill(title)
    form.locator("textarea[name='summary']").fill(
        "Former les techniciens du site de Lyon à la procédure d'habilitation électrique."
    )
    owner_option = form.locator("select[name='client_owner'] option", has_text=HELIOS)
    expect(owner_option).to_have_count(1)
    form.locator("select[name='client_owner']").select_option(
        owner_option.get_attribute("value") or ""
    )
    submit(pm, form.locator("button[type='submit']"))
    expect(pm).to_have_url(DETAIL_URL)
    match = DETAIL_URL.match(pm.url)
    assert match, pm.url
    engagement_id = int(match.group(1))
    expect_success(pm)
    expect(pm.locator("h1")).to_have_text(title)
    expect_phase(pm, 0)
    shot(pm, "phase0")

    # 2. Moving on is refused while the gate is not met, and the page says why.
    post_action(pm, "/avancer/")
    expect(pm).to_have_url(url_path_re(f"/missions/{engagement_id}/"))
    expect(pm.locator(".toasts .toast-error")).to_be_visible()
    gate = pm.locator("#gate")
    for check in ("scoping_interview_recorded", "scoping_note_signed"):
        expect(gate.locator(f"li.unmet[data-check='{check}']")).to_have_count(1)
    expect(gate.locator("li.met[data-check='scoping_note_intact']")).to_have_count(1)
    expect_phase(pm, 0)

    # 3. Interview, scoping note, issue for signature.
    submit(pm, pm.locator(f"main a[href='/missions/{engagement_id}/entretien/']"))
    form = pm.locator("main form").filter(has=pm.locator("textarea[name='notes']"))
    form.locator("input[name='held_on']").fill((today - timedelta(days=1)).isoformat())
    form.locator("textarea[name='participants']").fill(
        "Sophie Martin, responsable des contenus\nInès Moreau, cheffe de projet"
    )
    form.locator("textarea[name='notes']").fill(
        "Quarante techniciens à Lyon ; procédure révisée, à déployer avant l'été."
    )
    submit(pm, form.locator("button[type='submit']"))
    expect(pm).to_have_url(DETAIL_URL)
    expect_success(pm)
    expect(pm.locator("#gate li.met[data-check='scoping_interview_recorded']")).to_have_count(1)

    submit(pm, pm.locator(f"main a[href='/missions/{engagement_id}/note-de-cadrage/']"))
    form = pm.locator("main form").filter(has=pm.locator("textarea[name='scope']"))
    form.locator("textarea[name='objectives']").fill(
        "Chaque technicien applique la procédure d'habilitation électrique."
    )
    form.locator("textarea[name='scope']").fill("\n".join(SCOPES))
    form.locator("textarea[name='constraints']").fill("Norme NF C 18-510.")
    form.locator("textarea[name='expectations']").fill("Une attestation par technicien formé.")
    form.locator("textarea[name='planning']").fill(
        "Cadrage : ce mois-ci\nDéploiement : dans 3 mois"
    )
    submit(pm, form.locator("button[type='submit']"))
    expect(pm).to_have_url(DETAIL_URL)
    expect_success(pm)
    post_action(pm, "/note-de-cadrage/emettre/")
    expect_success(pm)
    expect(pm.locator("#gate li.unmet[data-check='scoping_note_signed']")).to_have_count(1)

    # 4. The client owner signs the note, in their own browser profile.
    owner = new_context().new_page()
    sign_in_with_second_factor(owner, OWNER)
    expect(owner).to_have_url(url_path_re("/"))
    sign_next_document(owner, title, before_signing=lambda p: shot(p, "to-sign"))

    advance(pm, engagement_id, 1)

    # The client owner uploads a procedure (a real DOCX) covering one scope of the note.
    owner.goto(f"/missions/{engagement_id}/documents/")
    form = owner.locator("main form[enctype='multipart/form-data']")
    expect(form).to_have_count(1)
    form.locator("input[name='file']").set_input_files(
        {
            "name": "procédure-habilitation.docx",
            "mimeType": DOCX_TYPE,
            "buffer": procedure_docx(),
        }
    )
    form.locator("input[name='title']").fill("Procédure d'habilitation électrique")
    form.locator("input[name='version_label']").fill("3.2")
    form.locator("select[name='status']").select_option("in_force")
    scope_boxes = form.locator("input[name='scopes']")
    expect(scope_boxes).to_have_count(len(SCOPES))
    form.locator(f"input[name='scopes'][value='{SCOPES[0]}']").check()
    form.locator("input[name='owner_name']").fill("Sophie Martin")
    submit(owner, form.locator("button[type='submit']"))
    expect(owner).to_have_url(VERSION_URL)
    expect_success(owner)
    for anchor in ("s-1", "s-2", "s-2-1", "s-3"):
        expect(owner.locator(f"section#{anchor}")).to_have_count(1)
        expect(owner.locator(f".outline-list a[href='#{anchor}']")).to_have_count(1)
    expect(owner.locator("section#s-3 ul li")).to_have_count(3)
    expect(owner.locator("section#s-2-1 h3")).to_contain_text("Le technicien")
    shot(owner, "source-outline")

    # 5. Mapping report: generated by the PM, acknowledged by the client, then phase 2.
    open_engagement(pm, engagement_id)
    expect(pm.locator("#gate li.met[data-check='sources_uploaded']")).to_have_count(1)
    post_action(pm, "/cartographie/")
    expect_success(pm)
    sign_next_document(owner, title)
    advance(pm, engagement_id, 2)

    # 6. The proposal, with one module tied to the uploaded procedure and one price line.
    submit(pm, pm.locator(f"main a[href='/missions/{engagement_id}/proposition/']"))
    form = pm.locator("main form").filter(has=pm.locator("textarea[name='need']"))
    form.locator("textarea[name='need']").fill(
        "Former quarante techniciens du site de Lyon à la procédure d'habilitation électrique."
    )
    form.locator("textarea[name='planning']").fill("Premier module : dans 6 semaines")
    form.locator("input[name='valid_until']").fill((today + timedelta(days=30)).isoformat())
    form.locator("textarea[name='terms']").fill("Acompte de 30 % à la commande.")
    form.locator("input[name='modules-0-title']").fill("Module 1 : consignation")
    form.locator("textarea[name='modules-0-description']").fill(
        "Les étapes de la consignation, d'après la section 3 de la procédure."
    )
    sources = form.locator("input[name='modules-0-sources']")
    expect(sources).to_have_count(1)
    sources.check()
    form.locator("input[name='lines-0-label']").fill("Conception du module de consignation")
    form.locator("input[name='lines-0-quantity']").fill("2")
    form.locator("input[name='lines-0-unit_price']").fill("1200")
    form.locator("input[name='lines-0-vat_rate']").fill("20")
    shot(pm, "proposal-form")
    submit(pm, form.locator("button[type='submit']").last)
    expect(pm).to_have_url(DETAIL_URL)
    expect_success(pm)
    post_action(pm, "/proposition/emettre/")
    expect_success(pm)

    # 7. Client signs the proposal; PM issues the proforma and the agreement; client signs it.
    sign_next_document(owner, title)
    open_engagement(pm, engagement_id)
    post_action(pm, "/proforma/")
    expect_success(pm)
    post_action(pm, "/accord/")
    expect_success(pm)
    expect(pm.locator("#gate li.unmet[data-check='purchase_order_received']")).to_have_count(1)
    sign_next_document(owner, title)

    # 8. Into production.
    advance(pm, engagement_id, 3)
    expect(pm.locator("ol.stepper li[aria-current='step']")).to_contain_text("3")
    shot(pm, "phase3")

    contract = pm.locator("main section[aria-labelledby='p2'] .artefact")
    expect(contract).to_have_count(3)  # proposal, proforma, order
    proforma_link = contract.nth(1).locator("a[href*='/pdf/']")
    expect(proforma_link).to_have_count(1)
    links = pm.locator("main a[href*='/pdf/']")
    hrefs = [links.nth(i).get_attribute("href") or "" for i in range(links.count())]
    assert len(hrefs) >= 5, hrefs  # note, report, proposal, proforma, agreement
    assert proforma_link.get_attribute("href") in hrefs
    for href in hrefs:
        response = pm.request.get(href)
        assert response.ok, (href, response.status)
        assert response.headers["content-type"] == "application/pdf", href
        assert response.body().startswith(b"%PDF"), href
