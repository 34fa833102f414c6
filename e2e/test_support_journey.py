"""Support: a client opens a P2 incident, the agent sets its criticity, waits on the client,
resumes and resolves it; the month in progress of the SLA report shows it. Every support page is
looked at on a laptop and on a phone, and checked with axe."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from .accessibility import look
from .support import sign_in, sign_in_staff, sign_out, submit

JOURNEY = "support"  # screenshots: var/e2e/support-<step>.png
CLIENT = "manager@helios.demo"
AGENT = "support@saveit.demo"
TITLE = "Export des résultats impossible depuis ce matin"


def _set_status(page: Page, label: str, note: str = "") -> None:
    form = page.locator("main form[action$='/statut/']")
    form.locator("select[name='status']").select_option(label=label)
    if note:
        form.locator("input[name='reason']").fill(note)
    submit(page, form.locator("button[type='submit']"))


def test_a_p2_incident_from_opening_to_the_report(
    page: Page, shot: Callable[[Page, str], Path]
) -> None:
    # The client opens the incident.
    sign_in(page, CLIENT)
    page.locator("nav.sidenav a", has_text="Support").first.click()
    page.wait_for_load_state()
    expect(page.locator("main h1")).to_contain_text("Mes tickets")
    look(page, shot, "01-client-tickets")
    page.goto("/support/tickets/nouveau/")
    form = page.locator("main form")
    form.locator("input[name='title']").fill(TITLE)
    form.locator("select[name='type']").select_option("incident")
    form.locator("select[name='service']").select_option(label="Plateforme e-learning")
    form.locator("select[name='severity']").select_option("S2")
    form.locator("textarea[name='description']").fill("L'export renvoie une erreur 500.")
    look(page, shot, "02-client-new-ticket")
    submit(page, form.locator("button[type='submit']"))
    expect(page.locator("main h1")).to_have_text(TITLE)
    expect(page.locator("main .subtitle")).to_contain_text("criticité à évaluer")
    ticket_url = page.url
    look(page, shot, "03-client-ticket")
    page.goto("/support/maintenances/")
    expect(page.locator("main h1")).to_contain_text("Maintenances planifiées")
    look(page, shot, "04-client-notices")
    sign_out(page)

    # The agent finds it in the queue, sets the criticity, waits on the client, resolves.
    sign_in_staff(page, AGENT)
    page.goto("/support/")
    expect(page.locator("main h1")).to_contain_text("File du support")
    expect(page.locator("main table")).to_contain_text(TITLE)
    look(page, shot, "05-agent-queue")
    page.goto(ticket_url)
    criticity = page.locator("main form[action$='/criticite/']")
    criticity.locator("select[name='criticity']").select_option("C1")
    submit(page, criticity.locator("button[type='submit']"))
    expect(page.locator("main .subtitle")).to_contain_text("P2")
    _set_status(page, "En attente du client", "Pouvez-vous joindre une capture ?")
    expect(page.locator("main .subtitle")).to_contain_text("En attente du client")
    expect(page.locator("main")).to_contain_text("en pause")
    look(page, shot, "06-agent-ticket-paused")
    _set_status(page, "En cours")
    _set_status(page, "Résolu")
    expect(page.locator("main .subtitle")).to_contain_text("Résolu")
    look(page, shot, "07-agent-ticket-resolved")

    # The month in progress of the report lists it; the other agent pages.
    page.goto("/support/contrats/")
    look(page, shot, "08-contracts")
    page.locator("main a", has_text="Rapports SLA").first.click()
    page.wait_for_load_state()
    expect(page.locator("main")).to_contain_text(TITLE)
    look(page, shot, "09-reports")
    page.locator("main ul.link-list a").first.click()
    page.wait_for_load_state()

    expect(page.locator("main h1")).to_contain_text("Rapport SLA")
    look(page, shot, "10-closed-report")
    page.goto("/support/contrats/")
    page.locator("main a", has_text="Registre de maintenance").first.click()
    page.wait_for_load_state()
    look(page, shot, "11-register")
    page.goto("/support/contrats/")
    page.locator("main a", has_text="Calendrier préventif").first.click()
    page.wait_for_load_state()
    look(page, shot, "12-calendar")
    page.goto("/support/maintenances/")
    look(page, shot, "13-agent-notices")
