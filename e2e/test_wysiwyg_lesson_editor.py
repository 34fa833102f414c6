"""Journey: the designer writes lesson text in the visual editor, never in HTML (issue 21).

A new Hélios engagement is taken to production as in the module journey; the designer creates
a module from the procedure, opens a text block: the editor loads and is used under the CSP
(no refusal, neither in the console nor as a securitypolicyviolation event), its menu and its
table dialog speak French only, the menu holds no heading element; bold is typed with the
keyboard, the block is saved and the learner's view shows it bold, "&" as a character. A
question's editor shows it as the learner will see it; a refused question puts the error summary
in focus. Named to run last: its engagement and module are its own, but it adds one to Hélios'
list.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import BrowserContext, Page, expect

from .accessibility import assert_accessible, look
from .support import sign_in_staff, sign_in_with_second_factor, submit
from .test_engagement_to_production import OWNER, PM, expect_success
from .test_module_to_activation import (
    DESIGNER,
    MODULE_VERSION_URL,
    open_modules,
    open_version,
    take_to_production,
    version_id,
)

JOURNEY = "editor"
SHOTS = Path("/tmp/editor-shots")
# The package's own English names of its menu items; none may reach a user.
ENGLISH = re.compile(
    r"\b(heading|paragraph|bold|italic|underline|strike|blockquote|unordered|ordered|list|link"
    r"|table|column|row|cell|merge|split|undo|redo|insert|remove|delete|add|toggle"
    r"|question_mark)\b",
    re.IGNORECASE,
)
# Every refusal the CSP makes on the page, reported to the console with where it came from.
REPORT_CSP = """
document.addEventListener("securitypolicyviolation", (e) => console.error(
  "CSP violation:", e.violatedDirective, e.blockedURI, e.sourceFile, e.lineNumber, e.sample));
"""


def _shots(page: Page, shot: Callable[[Page, str], Path], step: str) -> None:
    """The step at 1366 px (the journey's screenshots) and at 390 px, both kept in /tmp too."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in ((1366, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(SHOTS / f"{step}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})
    shot(page, step)


def test_lesson_text_is_edited_visually_and_shown_bold_to_the_learner(
    page: Page, new_context: Callable[[], BrowserContext], shot: Callable[[Page, str], Path]
) -> None:
    title = f"Consignation — éditeur {uuid.uuid4().hex[:6]}"
    pm = page
    sign_in_staff(pm, PM)
    owner = new_context().new_page()
    sign_in_with_second_factor(owner, OWNER)
    engagement_id = take_to_production(pm, owner, title)

    designer = new_context().new_page()
    console: list[str] = []
    designer.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    designer.on("pageerror", lambda e: console.append(str(e)))
    designer.add_init_script(REPORT_CSP)
    sign_in_staff(designer, DESIGNER)
    open_modules(designer, engagement_id)
    form = designer.locator("main form").filter(has=designer.locator("input[name='sources']"))
    form.locator("input[name='sources']").check()
    form.locator("input[name='title']").fill("Consignation : l'éditeur de texte")
    submit(designer, form.locator("button[type='submit']"))
    expect(designer).to_have_url(MODULE_VERSION_URL)
    vid = version_id(designer)

    # 1. A text block opens in the visual editor: a toolbar, no HTML, no CSP violation.
    block = designer.locator("main article.lesson .block-text").first
    block_id = (block.get_attribute("id") or "").removeprefix("block-")
    block.locator("details.block-edit > summary").click()
    editor = block.locator(".ProseMirror[contenteditable='true']")
    expect(editor).to_be_visible()
    expect(block.locator("textarea[name$='-html']")).to_be_hidden()
    menu = block.locator(".prose-menubar")
    expect(menu).to_be_visible()
    look(designer, shot, "lesson-editor-open")

    # Its menu speaks French: every button's name and tooltip, the block types' list.
    names = menu.evaluate(
        """menu => [...menu.querySelectorAll("[title], [aria-label]")].flatMap(
             element => [element.title, element.getAttribute("aria-label")]).filter(Boolean)"""
    )
    assert {"Gras", "Italique", "Liste à puces", "Insérer un lien", "Annuler"} <= set(names), names
    assert not [name for name in names if ENGLISH.search(name)], names
    expect(menu.locator("h1, h2, h3, h4, h5, h6")).to_have_count(0)
    options = menu.locator(".prose-menubar__picker")
    for width, height in ((390, 844), (1366, 900)):  # opened at each width: it is placed then
        designer.set_viewport_size({"width": width, "height": height})
        menu.locator(".prose-menubar__selected").click()
        expect(options).to_be_visible()
        expect(options.locator(".prose-menubar__option")).to_have_text(
            ["Titre", "Sous-titre", "Paragraphe"]
        )
        shot(designer, f"lesson-editor-block-types-{width}")
        designer.keyboard.press("Escape")
        expect(options).to_be_hidden()

    # The table dialog too (the package's French, a checkbox for the header row).
    menu.get_by_role("button", name="Insérer un tableau").click()
    dialog = block.locator("dialog.prose-editor-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Inclure une ligne d'en-tête")).not_to_be_checked()
    expect(dialog.get_by_role("button", name="Insérer un tableau")).to_be_visible()
    dialog_text = dialog.inner_text()
    assert not ENGLISH.search(dialog_text) and "Yes" not in dialog_text, dialog_text
    dialog.get_by_role("button", name="Annuler").click()
    expect(dialog).to_have_count(0)

    # 2. Typed with the keyboard: plain text, then bold, then an ampersand.
    editor.click()
    designer.keyboard.press("Control+A")
    designer.keyboard.type("Consigne ")
    designer.keyboard.press("Control+B")
    designer.keyboard.type("toujours personnelle")
    designer.keyboard.press("Control+B")
    designer.keyboard.type(" & vérifiée.")
    expect(editor.locator("strong")).to_contain_text("toujours personnelle")
    submit(designer, block.locator("details.block-edit form button[type='submit']"))
    expect_success(designer)
    saved = designer.locator(f"#block-{block_id}")
    expect(saved.locator("strong").first).to_contain_text("toujours personnelle")
    expect(saved.locator("p").first).to_contain_text("& vérifiée.")

    # 3. The learner's rendering (the preview is the learner's template) shows it bold.
    designer.goto(f"/modules/versions/{vid}/apercu/")
    expect(designer.locator("main strong", has_text="toujours personnelle")).to_be_visible()
    expect(designer.locator("main", has_text="& vérifiée.")).to_be_visible()
    expect(designer.locator("main", has_text="&amp;")).to_have_count(0)

    # 4. A question's editor shows the question as the learner will see it.
    open_version(designer, vid)
    item = designer.locator("main #items article.item").first
    item.locator("details > summary").first.click()
    expect(item.locator(".learner-view fieldset.question")).to_be_visible()
    _shots(designer, shot, "question-editor")

    # 5. A refused question: the page comes back with the summary in focus, nothing lost.
    add = designer.locator("main #items > details").last
    add.locator("summary").click()
    add.locator("textarea[name='prompt']").fill("Qui garde la clé du cadenas ?")
    submit(designer, add.locator("button[type='submit']"))
    summary = designer.locator("[data-error-summary]").first
    expect(summary).to_be_focused()
    expect(designer.locator("textarea[name='prompt']").last).to_have_value(
        "Qui garde la clé du cadenas ?"
    )
    assert_accessible(designer, "refused question")
    _shots(designer, shot, "question-refused")

    # The editor ran under the CSP without a single refusal: no script, no inline style.
    csp = [text for text in console if re.search(r"Content.Security.Policy|CSP|Refused to", text)]
    assert not csp, "\n".join(csp)
