"""Journey d: a certifying module goes from the client's procedure to activation (phases 3 to 5).

A new Hélios engagement is taken to production (phase 3) as in journey c, with a richer Word
procedure. The provider's designer creates a module from it: the platform proposes lessons and
questions, which cannot be submitted before they are reviewed. The designer edits, adds, accepts,
sets the assessment and submits; the client's content owner previews, comments and asks for
changes; version 1.1 answers them and is approved; the signed validation record (PV) activates
it and its SCORM package can be downloaded; the engagement moves to deployment. Finally the client
uploads a new version of the procedure, and the module version built on the old text is flagged.
"""

from __future__ import annotations

import io
import re
import time
import uuid
import zipfile
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import docx
from playwright.sync_api import BrowserContext, Locator, Page, expect

from .support import (
    DEMO_PASSWORD,
    confirm_if_asked,
    sign_in_staff,
    sign_in_with_second_factor,
    submit,
    url_path_re,
)
from .test_engagement_to_production import (
    DETAIL_URL,
    DOCX_TYPE,
    HELIOS,
    OWNER,
    PM,
    SCOPES,
    VERSION_URL,
    advance,
    expect_phase,
    expect_success,
    open_engagement,
    post_action,
    sign_next_document,
)

JOURNEY = "module"  # screenshots: var/e2e/module-<step>.png
DESIGNER = "concepteur@saveit.demo"
PROCEDURE = "Procédure de consignation électrique"
MODULE_VERSION_URL = re.compile(r"^https?://[^/]+/modules/versions/(\d+)/(\?.*)?(#.*)?$")
DIFF_URL = re.compile(r"^https?://[^/]+/modules/versions/\d+/comparer/\d+/(\?.*)?$")
AUDIT_DOCUMENT_URL = re.compile(r"^https?://[^/]+/missions/\d+/lire-et-signer/\d+/(\?.*)?(#sign)?$")
# Edits the journey makes, looked for on later pages.
LESSON_TITLE = "Qui fait quoi pendant une consignation"
FEEDBACK = "Relisez la section de la procédure citée : elle répond exactement à la question."
NEW_PROMPT = "Qui pose le cadenas sur l'organe de séparation ?"
NEW_CHOICES = ("Le chef d'équipe", "Le technicien qui intervient, avec son cadenas personnel")
COMMENT = "Précisez que le cadenas est personnel et que sa clé reste sur l'intervenant."
REASON = "La question sur le cadenas doit dire que la clé reste sur l'intervenant."
NEW_CHOICE_1_1 = "Le technicien qui intervient, qui garde la clé de son cadenas personnel"


# --- the procedure ---------------------------------------------------------------------------


def consignation_docx(register_deadline: str = "24 heures") -> bytes:
    """A real Word procedure written to be turned into a module: numbered sections, named roles,
    obligations and a prohibition, an ordered list of steps, deadlines and periods."""
    document = docx.Document()
    document.add_heading(PROCEDURE, 0)
    document.add_heading("1. Objet et domaine d'application", 1)
    document.add_paragraph(
        "Cette procédure fixe les règles de consignation des équipements électriques du site "
        "de Lyon. Elle concerne les techniciens de maintenance et les entreprises extérieures "
        "qui interviennent sur les armoires et les machines de production."
    )
    document.add_heading("2. Rôles et responsabilités", 1)
    for sentence in (
        "Le chargé de consignation signe l'attestation de consignation.",
        "Le responsable de maintenance valide le planning des interventions.",
        "Le chef d'équipe informe le service sécurité de toute anomalie.",
        "Le technicien vérifie l'absence de tension avant toute intervention.",
    ):
        document.add_paragraph(sentence)
    document.add_heading("3. Règles de sécurité", 1)
    document.add_paragraph(
        "Le technicien doit porter des équipements de protection individuelle adaptés à la tension."
    )
    document.add_paragraph(
        "Le port des gants isolants est obligatoire pendant la vérification d'absence de tension."
    )
    document.add_paragraph("Il est interdit de travailler seul sur une installation consignée.")
    document.add_heading("4. Étapes de la consignation", 1)
    document.add_paragraph("La consignation suit toujours les étapes suivantes, dans cet ordre :")
    for step in (
        "Séparer l'équipement de toute source d'énergie",
        "Condamner l'organe de séparation avec un cadenas personnel",
        "Identifier l'équipement sur le lieu de travail",
        "Vérifier l'absence de tension",
        "Mettre à la terre et en court-circuit",
    ):
        document.add_paragraph(step, style="List Number")
    document.add_heading("5. Délais et contrôles", 1)
    document.add_paragraph(
        f"Le registre de consignation doit être mis à jour sous {register_deadline} après "
        "chaque intervention."
    )
    document.add_paragraph("Les gants isolants sont contrôlés tous les 6 mois par le magasin.")
    document.add_paragraph(
        "L'habilitation électrique des techniciens est renouvelée tous les 3 ans."
    )
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- helpers ---------------------------------------------------------------------------------


def expect_error(page: Page) -> Locator:
    toast = page.locator(".toasts .toast-error")
    expect(toast).to_be_visible()
    return toast


def status_badge(page: Page) -> Locator:
    """The status badge in the version page's header (also on the preview)."""
    return page.locator(".page-header .subtitle .badge").first


def version_id(page: Page) -> int:
    match = MODULE_VERSION_URL.match(page.url)
    assert match, page.url
    return int(match.group(1))


def open_modules(page: Page, engagement_id: int) -> None:
    """From the engagement page, through its "Modules and validation" card."""
    open_engagement(page, engagement_id)
    submit(page, page.locator(f"main a[href='/missions/{engagement_id}/modules/']"))
    expect(page).to_have_url(url_path_re(f"/missions/{engagement_id}/modules/"))


def open_version(page: Page, vid: int) -> None:
    page.goto(f"/modules/versions/{vid}/")
    expect(page).to_have_url(url_path_re(f"/modules/versions/{vid}/"))


def lessons(page: Page) -> Locator:
    return page.locator("main article.lesson")


def items(page: Page) -> Locator:
    return page.locator("main #items article.item")


def to_review(scope: Locator) -> Locator:
    """The "To review" badges of proposed, not yet reviewed, lessons and questions."""
    return scope.locator(".badge-warn")


def upload_procedure(page: Page, engagement_id: int, content: bytes, label: str) -> None:
    """The client owner uploads the procedure: a new one, or a new version of the existing one."""
    page.goto(f"/missions/{engagement_id}/documents/")
    form = page.locator("main form[enctype='multipart/form-data']")
    expect(form).to_have_count(1)
    form.locator("input[name='file']").set_input_files(
        {"name": "consignation-électrique.docx", "mimeType": DOCX_TYPE, "buffer": content}
    )
    existing = form.locator("select[name='source'] option", has_text=PROCEDURE)
    if existing.count():
        form.locator("select[name='source']").select_option(existing.get_attribute("value") or "")
    else:
        form.locator("input[name='title']").fill(PROCEDURE)
        form.locator(f"input[name='scopes'][value='{SCOPES[0]}']").check()
    form.locator("input[name='version_label']").fill(label)
    form.locator("select[name='status']").select_option("in_force")
    form.locator("input[name='owner_name']").fill("Sophie Martin")
    submit(page, form.locator("button[type='submit']"))
    expect(page).to_have_url(VERSION_URL)
    expect_success(page)


def take_to_production(pm: Page, owner: Page, title: str) -> int:
    """Phases 0 to 3 as in journey c, with fewer checks: they are that journey's job."""
    today = date.today()
    pm.goto("/missions/nouvelle/")
    form = pm.locator("main form").filter(has=pm.locator("select[name='client']"))
    form.locator("select[name='client']").select_option(label=HELIOS)
    form.locator("input[name='title']").fill(title)
    form.locator("textarea[name='summary']").fill(
        "Former les techniciens du site de Lyon à la consignation électrique."
    )
    owner_option = form.locator("select[name='client_owner'] option", has_text=HELIOS)
    form.locator("select[name='client_owner']").select_option(
        owner_option.get_attribute("value") or ""
    )
    submit(pm, form.locator("button[type='submit']"))
    expect(pm).to_have_url(DETAIL_URL)
    match = DETAIL_URL.match(pm.url)
    assert match, pm.url
    engagement_id = int(match.group(1))

    pm.goto(f"/missions/{engagement_id}/entretien/")
    form = pm.locator("main form").filter(has=pm.locator("textarea[name='notes']"))
    form.locator("input[name='held_on']").fill((today - timedelta(days=1)).isoformat())
    form.locator("textarea[name='participants']").fill("Sophie Martin\nInès Moreau")
    form.locator("textarea[name='notes']").fill("Procédure de consignation révisée à former.")
    submit(pm, form.locator("button[type='submit']"))
    expect_success(pm)
    pm.goto(f"/missions/{engagement_id}/note-de-cadrage/")
    form = pm.locator("main form").filter(has=pm.locator("textarea[name='scope']"))
    form.locator("textarea[name='objectives']").fill("Chaque technicien consigne sans erreur.")
    form.locator("textarea[name='scope']").fill("\n".join(SCOPES))
    form.locator("textarea[name='constraints']").fill("Norme NF C 18-510.")
    form.locator("textarea[name='expectations']").fill("Un module certifiant activé.")
    form.locator("textarea[name='planning']").fill("Déploiement : dans 2 mois")
    submit(pm, form.locator("button[type='submit']"))
    expect_success(pm)
    post_action(pm, "/note-de-cadrage/emettre/")
    expect_success(pm)
    sign_next_document(owner, title)
    advance(pm, engagement_id, 1)

    upload_procedure(owner, engagement_id, consignation_docx(), "4.0")
    for anchor in ("s-1", "s-2", "s-3", "s-4", "s-5"):
        expect(owner.locator(f"section#{anchor}")).to_have_count(1)
    expect(owner.locator("section#s-4 ol li")).to_have_count(5)

    open_engagement(pm, engagement_id)
    post_action(pm, "/cartographie/")
    expect_success(pm)
    sign_next_document(owner, title)
    advance(pm, engagement_id, 2)

    pm.goto(f"/missions/{engagement_id}/proposition/")
    form = pm.locator("main form").filter(has=pm.locator("textarea[name='need']"))
    form.locator("textarea[name='need']").fill("Former les techniciens à la consignation.")
    form.locator("textarea[name='planning']").fill("Module : dans 4 semaines")
    form.locator("input[name='valid_until']").fill((today + timedelta(days=30)).isoformat())
    form.locator("textarea[name='terms']").fill("Acompte de 30 % à la commande.")
    form.locator("input[name='modules-0-title']").fill("Consignation électrique")
    form.locator("textarea[name='modules-0-description']").fill("D'après la procédure 4.0.")
    form.locator("input[name='modules-0-sources']").check()
    form.locator("input[name='lines-0-label']").fill("Conception du module")
    form.locator("input[name='lines-0-quantity']").fill("1")
    form.locator("input[name='lines-0-unit_price']").fill("2400")
    form.locator("input[name='lines-0-vat_rate']").fill("20")
    submit(pm, form.locator("button[type='submit']").last)
    expect_success(pm)
    post_action(pm, "/proposition/emettre/")
    expect_success(pm)
    sign_next_document(owner, title)
    open_engagement(pm, engagement_id)
    post_action(pm, "/proforma/")
    expect_success(pm)
    post_action(pm, "/accord/")
    expect_success(pm)
    sign_next_document(owner, title)
    advance(pm, engagement_id, 3)
    return engagement_id


def sign_open_document(owner: Page) -> None:
    """On a document page: the client owner confirms the statement offered and their password."""
    expect(owner).to_have_url(AUDIT_DOCUMENT_URL)
    expect(owner.locator("main article.paper")).to_be_visible()
    form = owner.locator("#sign form")
    expect(form).to_be_visible()
    expect(form.locator("textarea[name='intent']")).not_to_have_value("")
    expect(form.locator("input[name='otp_code']")).to_have_count(0)
    form.locator("input[name='password']").fill(DEMO_PASSWORD)
    submit(owner, form.locator("button[type='submit']"))
    expect(owner).to_have_url(AUDIT_DOCUMENT_URL)
    expect_success(owner)
    expect(owner.locator("#sign form")).to_have_count(0)


# --- the journey -----------------------------------------------------------------------------


def test_module_from_procedure_to_activation(
    page: Page,
    new_context: Callable[[], BrowserContext],
    shot: Callable[[Page, str], Path],
) -> None:
    started = time.monotonic()
    title = f"Consignation électrique {uuid.uuid4().hex[:6]}"
    pm = page
    sign_in_staff(pm, PM)
    owner = new_context().new_page()
    sign_in_with_second_factor(owner, OWNER)

    # 1. A new Hélios engagement, in production with its procedure.
    engagement_id = take_to_production(pm, owner, title)
    expect_phase(pm, 3)
    expect(pm.locator("#gate li.unmet[data-check='modules_defined']")).to_have_count(1)

    # 2. The designer creates a module from the procedure, with proposals.
    designer = new_context().new_page()
    sign_in_staff(designer, DESIGNER)
    open_modules(designer, engagement_id)
    form = designer.locator("main form").filter(has=designer.locator("input[name='sources']"))
    sources = form.locator("input[name='sources']")
    expect(sources).to_have_count(1)
    sources.check()
    expect(form.locator("input[name='propose']")).to_be_checked()
    form.locator("input[name='title']").fill("Consignation des équipements électriques")
    submit(designer, form.locator("button[type='submit']"))
    expect(designer).to_have_url(MODULE_VERSION_URL)
    expect_success(designer)
    v10 = version_id(designer)
    expect(designer.locator("h1")).to_contain_text("v1.0")
    lesson_count, item_count = lessons(designer).count(), items(designer).count()
    print(f"\nproposed: {lesson_count} lessons, {item_count} questions")
    assert lesson_count >= 4, lesson_count
    assert item_count >= 8, item_count
    expect(to_review(lessons(designer).locator("h3"))).to_have_count(lesson_count)
    expect(to_review(items(designer))).to_have_count(item_count)
    kinds = items(designer).locator("p .badge:not(.badge-warn)").all_inner_texts()
    assert len(set(kinds)) >= 3, kinds  # varied: single choice, true or false, ordering...
    expect(items(designer).locator("ol.choices")).not_to_have_count(0)
    expect(designer.locator("main form[action$='/accepter/']")).to_be_visible()
    shot(designer, "proposed")

    # 3. Submitting unreviewed proposals is refused; the version stays a draft.
    draft_status = status_badge(designer).inner_text()
    submit(designer, designer.locator("main form[action$='/soumettre/'] button"))
    confirm_if_asked(designer)
    expect(designer).to_have_url(MODULE_VERSION_URL)
    expect(expect_error(designer)).to_contain_text(str(item_count))
    expect(status_badge(designer)).to_have_text(draft_status)
    expect(status_badge(designer)).not_to_have_class(re.compile(r"badge-(warn|ok|err|accent)"))
    expect(designer.locator("#unreviewed-note")).to_contain_text(str(lesson_count + item_count))
    shot(designer, "submit-refused")

    # One lesson renamed (its "to review" badge goes), one question's feedback rewritten.
    lesson = lessons(designer).nth(1)
    lesson.locator(":scope > details > summary").click()  # not a block's own
    lesson_id = (lesson.get_attribute("id") or "").removeprefix("lesson-")
    edit = lesson.locator(f"form[action$='/lecons/{lesson_id}/']")
    edit.locator("input[name='title']").fill(LESSON_TITLE)
    submit(designer, edit.locator("button[type='submit']"))
    expect_success(designer)
    lesson = lessons(designer).nth(1)
    title = lesson.locator(".lesson-head h3")  # not the headings of the editor's menu
    expect(title).to_contain_text(LESSON_TITLE)
    expect(to_review(title)).to_have_count(0)

    item = items(designer).first
    item_id = (item.get_attribute("id") or "").removeprefix("item-")
    item.locator("details > summary").click()
    edit = item.locator(f"form[action$='/questions/{item_id}/']")
    edit.locator(f"textarea[name='i{item_id}-feedback']").fill(FEEDBACK)
    submit(designer, edit.locator("button[type='submit']"))
    expect_success(designer)
    expect(to_review(designer.locator(f"#item-{item_id}"))).to_have_count(0)

    # A question of the designer's own: single choice, on the steps of section 4.
    designer.locator("main #items > details > summary").click()
    add = designer.locator("main form[action$='/questions/']")
    add.locator("select[name='kind']").select_option("single")
    add.locator("textarea[name='prompt']").fill(NEW_PROMPT)
    add.locator("textarea[name='choices']").fill("\n".join(NEW_CHOICES))
    add.locator("input[name='correct']").fill("2")
    add.locator("textarea[name='feedback']").fill("Chacun condamne avec son propre cadenas.")
    # Options name the document version and the section ("12#s-4"): anchors repeat across
    # procedures.
    section_4 = add.locator("select[name='source_anchors'] option[value$='#s-4']")
    add.locator("select[name='source_anchors']").select_option(section_4.get_attribute("value"))
    submit(designer, add.locator("button[type='submit']"))
    expect_success(designer)
    expect(items(designer)).to_have_count(item_count + 1)
    added = items(designer).last
    expect(added).to_contain_text(NEW_PROMPT)
    expect(added.locator("li.right")).to_have_text(f"{NEW_CHOICES[1]} ✓")
    expect(to_review(added)).to_have_count(0)

    # The rest as proposed, then the settings: objectives, 10 questions drawn, 80 % to pass.
    submit(designer, designer.locator("main form[action$='/accepter/'] button"))
    expect_success(designer)
    expect(to_review(lessons(designer).locator("h3"))).to_have_count(0)
    expect(to_review(items(designer))).to_have_count(0)
    expect(designer.locator("#unreviewed-note")).to_have_count(0)
    settings = designer.locator("main form[action$='/reglages/']")
    settings.locator("textarea[name='summary']").fill(
        "Consigner un équipement électrique en sécurité, d'après la procédure du site de Lyon."
    )
    settings.locator("textarea[name='objectives']").fill(
        "Appliquer dans l'ordre les cinq étapes de la consignation.\n"
        "Identifier qui signe, valide et vérifie pendant une consignation.\n"
        "Respecter les délais de mise à jour du registre."
    )
    settings.locator("input[name='items_per_attempt']").fill("10")
    settings.locator("input[name='pass_mark']").fill("80")
    submit(designer, settings.locator("button[type='submit']"))
    expect_success(designer)
    expect(settings.locator("input[name='pass_mark']")).to_have_value("80")
    submit(designer, designer.locator("main form[action$='/soumettre/'] button"))
    confirm_if_asked(designer)
    expect_success(designer)
    expect(status_badge(designer)).to_have_class(re.compile(r"\bbadge-warn\b"))
    expect(designer.locator("main form[action$='/reglages/']")).to_have_count(0)  # frozen
    expect(designer.locator("main .facts")).to_contain_text("80")
    expect(designer.locator("main .subtitle code")).to_be_visible()  # content fingerprint
    shot(designer, "submitted")

    # 4. Every module in scope is submitted: the engagement moves to validation.
    open_engagement(pm, engagement_id)
    expect(pm.locator("#gate li.met[data-check='modules_submitted']")).to_have_count(1)
    advance(pm, engagement_id, 4)
    expect(pm.locator("#gate li.unmet[data-check='modules_approved']")).to_have_count(1)

    # 5. The client owner previews, comments the new question and asks for changes.
    open_modules(owner, engagement_id)
    submit(owner, owner.locator("main a[href$='/apercu/']"))
    expect(owner).to_have_url(url_path_re(f"/modules/versions/{v10}/apercu/"))
    view = owner.locator("main .learner-view")
    expect(view.locator("section.lesson")).to_have_count(lesson_count)
    expect(view.locator("section.lesson h2").nth(1)).to_contain_text(LESSON_TITLE)
    expect(view.locator(".item")).to_have_count(item_count + 1)
    expect(view).to_contain_text(FEEDBACK)
    expect(owner.locator("main form[action$='/approuver/']")).to_be_visible()
    shot(owner, "preview")
    question = view.locator(".item", has_text=NEW_PROMPT)
    question.locator("details > summary").click()
    question.locator("textarea[name='body']").fill(COMMENT)
    submit(owner, question.locator("form[action$='/commentaires/'] button"))
    expect_success(owner)
    expect(view.locator(".item", has_text=NEW_PROMPT).locator(".comment")).to_contain_text(COMMENT)
    changes = owner.locator("main form[action$='/modifications/']")
    changes.locator("textarea[name='reason']").fill(REASON)
    submit(owner, changes.locator("button[type='submit']"))
    expect_success(owner)
    expect(status_badge(owner)).to_have_class(re.compile(r"\bbadge-err\b"))
    expect(owner.locator("main form[action$='/approuver/']")).to_have_count(0)
    shot(owner, "changes-requested")

    # 6. The designer reads the comments, answers them in version 1.1 and submits it.
    open_version(designer, v10)
    expect(designer.locator("main ul.comments")).to_contain_text(REASON)
    expect(designer.locator("main ul.comments")).to_contain_text(COMMENT)
    new_minor = designer.locator("main form[action$='/nouvelle/']").filter(
        has_not=designer.locator("input[name='major']")
    )
    submit(designer, new_minor.locator("button"))
    expect_success(designer)
    v11 = version_id(designer)
    assert v11 != v10
    expect(designer.locator("h1")).to_contain_text("v1.1")
    revised = items(designer).filter(has_text=NEW_PROMPT)
    revised_id = (revised.get_attribute("id") or "").removeprefix("item-")
    revised.locator("details > summary").click()
    edit = revised.locator(f"form[action$='/questions/{revised_id}/']")
    edit.locator(f"textarea[name='i{revised_id}-choices']").fill(
        f"{NEW_CHOICES[0]}\n{NEW_CHOICE_1_1}"
    )
    submit(designer, edit.locator("button[type='submit']"))
    expect_success(designer)
    expect(designer.locator(f"#item-{revised_id} li.right")).to_have_text(f"{NEW_CHOICE_1_1} ✓")
    submit(designer, designer.locator("main form[action$='/soumettre/'] button"))
    confirm_if_asked(designer)
    expect_success(designer)
    expect(status_badge(designer)).to_have_class(re.compile(r"\bbadge-warn\b"))
    submit(designer, designer.locator(f"main a[href$='/comparer/{v10}/']"))
    expect(designer).to_have_url(DIFF_URL)
    expect(designer.locator("h1")).to_contain_text("1.0")
    expect(designer.locator("h1")).to_contain_text("1.1")
    changed = designer.locator("main article.item")
    expect(changed).to_have_count(1)
    expect(changed).to_contain_text(NEW_PROMPT)
    expect(changed.locator(".diff-table").first).to_contain_text(NEW_CHOICE_1_1)
    expect(designer.locator("main article.lesson")).to_have_count(0)
    shot(designer, "diff")

    # 7. The client owner approves 1.1, the version now in review.
    open_modules(owner, engagement_id)
    submit(owner, owner.locator(f"main a[href='/modules/versions/{v11}/apercu/']"))
    expect(owner.locator("main .learner-view")).to_contain_text(NEW_CHOICE_1_1)
    submit(owner, owner.locator("main form[action$='/approuver/'] button"))
    expect_success(owner)
    expect(status_badge(owner)).to_have_class(re.compile(r"\bbadge-accent\b"))

    # 8. The validation record: generated by the PM, read and signed by the owner.
    open_engagement(pm, engagement_id)
    expect(pm.locator("#gate li.met[data-check='modules_approved']")).to_have_count(1)
    open_modules(pm, engagement_id)
    submit(pm, pm.locator(f"main form[action$='/missions/{engagement_id}/pv/'] button"))
    expect_success(pm)
    record = pm.locator("main section[aria-labelledby='record-title']")
    expect(record.locator(".badge-warn")).to_have_count(1)
    expect(record.locator("li")).to_contain_text("v1.1")
    expect(record.locator("a[href*='/lire-et-signer/']")).to_have_count(0)  # owner's to sign

    open_modules(owner, engagement_id)
    record = owner.locator("main section[aria-labelledby='record-title']")
    submit(owner, record.locator("a[href*='/lire-et-signer/']"))
    shot(owner, "record-to-sign")
    sign_open_document(owner)
    open_modules(owner, engagement_id)
    record = owner.locator("main section[aria-labelledby='record-title']")
    expect(record.locator(".badge-ok")).to_have_count(1)
    expect(record.locator("a[href*='/lire-et-signer/']")).to_have_count(0)
    versions = owner.locator("main table tbody tr td").nth(2)
    expect(versions.locator("div", has_text="v1.1").locator(".badge-ok")).to_have_count(1)
    expect(versions.locator("div", has_text="v1.0").locator(".badge-err")).to_have_count(1)
    shot(owner, "activated")

    open_version(designer, v11)
    expect(status_badge(designer)).to_have_class(re.compile(r"\bbadge-ok\b"))
    expect(designer.locator("main form[action$='/soumettre/']")).to_have_count(0)
    with designer.expect_download() as download_info:
        designer.locator(f"main a[href='/modules/versions/{v11}/scorm/']").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".zip"), download.suggested_filename
    with zipfile.ZipFile(download.path()) as package:
        names = package.namelist()
        assert "imsmanifest.xml" in names, names
        assert b"<schemaversion>1.2</schemaversion>" in package.read("imsmanifest.xml")

    # 9. Approved, recorded, signed and active: the engagement moves to deployment.
    advance(pm, engagement_id, 5)

    # 10. The client uploads a revised procedure: the active version is flagged outdated.
    upload_procedure(owner, engagement_id, consignation_docx("48 heures"), "4.1")
    open_modules(owner, engagement_id)
    warning = owner.locator("main .alert-warn")
    expect(warning).to_be_visible()
    expect(warning.locator(f"a[href='/modules/versions/{v11}/']")).to_have_count(1)
    open_engagement(pm, engagement_id)
    expect(pm.locator("main section[aria-labelledby='p3'] .alert-warn")).to_be_visible()
    shot(pm, "outdated-engagement")
    open_version(designer, v11)
    outdated = designer.locator("main section[aria-labelledby='outdated-title']")
    expect(outdated).to_be_visible()
    change = outdated.locator("ul.changes > li")
    expect(change).to_have_count(1)
    expect(change).to_contain_text("Délais et contrôles")
    expect(change.locator("strong")).to_have_count(1)  # a section this version uses
    expect(change.locator(".split-diff")).to_contain_text("24 heures")
    expect(change.locator(".split-diff")).to_contain_text("48 heures")
    shot(designer, "outdated")
    shot(owner, "outdated-modules")
    print(f"journey: {time.monotonic() - started:.1f} s")
