"""A learner who submits with questions left unanswered sees a summary first (as in Moodle):
"N questions sans réponse", each question's status, then back to the questions (answers kept)
or submit as they are. Plain HTML forms: it works without JavaScript."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import BrowserContext, Page, expect

from .accessibility import assert_accessible
from .support import sign_in, submit, url_path_re

JOURNEY = "assessment-summary"
LEARNER = "apprenant@helios.demo"  # the demo learner, assigned the Hélios module


def open_attempt(page: Page) -> int:
    page.goto("/mes-formations/")
    href = page.locator("main h2 a[href^='/mes-formations/']").first.get_attribute("href") or ""
    match = re.match(r"^/mes-formations/(\d+)/", href)
    assert match, href
    assignment_id = int(match.group(1))
    page.goto(f"/mes-formations/{assignment_id}/")
    start = page.locator(f"main form[action='/mes-formations/{assignment_id}/evaluation/'] button")
    submit(page, start)
    expect(page.locator("main form.assessment fieldset.question").first).to_be_visible()
    return assignment_id


def test_unanswered_questions_are_summed_up_before_scoring(
    new_context: Callable[[], BrowserContext], shot: Callable[[Page, str], Path]
) -> None:
    context = new_context()
    page = context.new_page()
    sign_in(page, LEARNER)
    assignment_id = open_attempt(page)
    questions = page.locator("main form.assessment fieldset.question")
    total = questions.count()
    # One question answered (the first with a radio button), every other left blank.
    answered = questions.filter(has=page.locator("input[type='radio']")).first
    answered_id = answered.get_attribute("id")
    answered.locator("input[type='radio']").first.check()
    submit(page, page.locator("main form.assessment button[type='submit']"))

    alert = page.locator("main .alert-warn")
    missing = total - 1
    expect(alert).to_contain_text(f"{missing} question{'s' if missing > 1 else ''} sans réponse")
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(total)
    expect(page.locator("main table tbody tr.is-unanswered")).to_have_count(missing)
    shot(page, "summary-1366")
    assert_accessible(page, "the summary before submitting")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "summary-390")
    page.set_viewport_size({"width": 1366, "height": 900})

    submit(page, page.locator("main button[name='action'][value='back']"))
    expect(page.locator("main fieldset.question.is-unanswered")).to_have_count(missing)
    expect(page.locator(f"main fieldset#{answered_id} input:checked")).to_have_count(1)
    shot(page, "back")

    submit(page, page.locator("main form.assessment button[type='submit']"))
    submit(page, page.locator("main button[name='action'][value='confirm']"))
    expect(page).to_have_url(url_path_re(f"/mes-formations/{assignment_id}/resultats/1/"))
