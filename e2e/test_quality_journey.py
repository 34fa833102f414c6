"""Journey q: quality records the platform collects itself.

A Hélios learner (demo) completes her training by passing the assessment, answers the hot
survey the pass asked for, and files a complaint. The provider's quality manager answers the
complaint, opens an improvement action linked to it, collects the evidence again and sees
indicators 30, 31 and 32 gain evidence, then builds the Qualiopi audit binder in the background
and downloads it: a sealed zip whose manifest lists every file's SHA-256. Pages are looked at
at 1366 px and 390 px and pass axe-core's WCAG 2.1 A/AA checks.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from playwright.sync_api import BrowserContext, Page, expect

from .accessibility import assert_accessible
from .support import sign_in, sign_in_staff, submit, url_path_re
from .test_deployment_to_attestation import TRAINING_URL, take_assessment

JOURNEY = "quality"
LEARNER = "apprenant@helios.demo"
QUALITY_MANAGER = "qualite@saveit.demo"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
COMPLAINT_URL = re.compile(r"^https?://[^/]+/qualite/reclamations/(\d+)/(\?.*)?$")
ACTION_URL = re.compile(r"^https?://[^/]+/qualite/actions/(\d+)/(\?.*)?(#.*)?$")


def both_sizes(page: Page, shot: Callable[[Page, str], Path], step: str) -> None:
    page.set_viewport_size(DESKTOP)
    shot(page, f"{step}-1366")
    page.set_viewport_size(PHONE)
    shot(page, f"{step}-390")
    page.set_viewport_size(DESKTOP)


def evidence_count(page: Page, number: int) -> int:
    page.goto(f"/qualite/referentiels/qualiopi/{number}/")
    return page.locator("main table[data-testid='evidence'] tbody tr").count()


def complete_training(learner: Page) -> None:
    learner.goto("/mes-formations/")
    submit(learner, learner.locator("main .training-card h2 a").first)
    expect(learner).to_have_url(TRAINING_URL)
    match = TRAINING_URL.match(learner.url)
    assert match, learner.url
    assignment_id = int(match.group(1))
    lessons = learner.locator("main ol.lesson-list > li").count()
    submit(learner, learner.locator("main .page-header .actions a"))
    for _ in range(lessons):
        submit(learner, learner.locator("main nav.lesson-nav form button[type='submit']"))
    start = learner.locator(
        f"main form[action='/mes-formations/{assignment_id}/evaluation/'] button"
    )
    submit(learner, start)
    take_assessment(learner, assignment_id, right=True)
    expect(learner.locator("main .alert-ok")).to_be_visible()


def test_learner_feedback_reaches_the_quality_records_and_the_binder(
    page: Page, new_context: Callable[[], BrowserContext], shot: Callable[[Page, str], Path]
) -> None:
    # 1. The learner completes her training: the pass asks for a hot survey.
    learner = page
    learner.set_viewport_size(PHONE)
    sign_in(learner, LEARNER)
    complete_training(learner)
    learner.goto("/qualite/mes-enquetes/")
    answer = learner.locator("main a.btn[href^='/qualite/mes-enquetes/']")
    expect(answer).to_have_count(1)
    assert_accessible(learner, "my surveys")
    submit(learner, answer)
    for name, value in (
        ("objectives", "5"),
        ("methods", "4"),
        ("materials", "4"),
        ("organisation", "5"),
    ):
        learner.locator(f"main input[name='{name}'][value='{value}']").check()
    learner.locator("main textarea[name='comment']").fill("Module clair, directement applicable.")
    both_sizes(learner, shot, "survey")
    assert_accessible(learner, "the survey form")
    submit(learner, learner.locator("main form button[type='submit']"))
    expect(learner.locator("h1")).to_have_text("Merci")

    # 2. She files a complaint.
    learner.goto("/qualite/reclamations/nouvelle/")
    form = learner.locator("main form[method='post']")
    form.locator("select[name='kind']").select_option("incident")
    form.locator("input[name='subject']").fill("Vidéo qui se fige")
    form.locator("textarea[name='description']").fill(
        "La vidéo de la deuxième leçon se fige sur téléphone."
    )
    assert_accessible(learner, "the complaint form")
    submit(learner, form.locator("button[type='submit']"))
    expect(learner).to_have_url(COMPLAINT_URL)
    match = COMPLAINT_URL.match(learner.url)
    assert match, learner.url
    complaint_id = int(match.group(1))
    both_sizes(learner, shot, "complaint-filed")
    assert_accessible(learner, "the learner's complaint")

    # 3. The quality manager answers it and opens an improvement action.
    qm = new_context().new_page()
    qm.set_viewport_size(DESKTOP)
    sign_in_staff(qm, QUALITY_MANAGER)
    before = {n: evidence_count(qm, n) for n in (30, 31, 32)}
    qm.goto(f"/qualite/reclamations/{complaint_id}/")
    qm.locator("main textarea[name='answer']").fill(
        "Le lecteur vidéo a été corrigé ; la leçon est aussi disponible en version texte."
    )
    submit(
        qm, qm.locator(f"main form[action='/qualite/reclamations/{complaint_id}/reponse/'] button")
    )
    expect(qm.locator("main [data-testid='answer']")).to_contain_text("lecteur vidéo")
    both_sizes(qm, shot, "complaint-answered")
    assert_accessible(qm, "the answered complaint")
    submit(qm, qm.locator(f"main a[href^='/qualite/actions/?reclamation={complaint_id}']"))
    form = qm.locator("main section[aria-labelledby='new-title'] form")
    expect(form.locator("select[name='complaint']")).to_have_value(str(complaint_id))
    form.locator("input[name='title']").fill(
        "Tester la lecture vidéo sur téléphone avant chaque mise en ligne"
    )
    form.locator("select[name='cause']").select_option("incident")
    form.locator("input[name='due_on']").fill((date.today() + timedelta(days=30)).isoformat())
    submit(qm, form.locator("button[type='submit']"))
    expect(qm).to_have_url(ACTION_URL)
    both_sizes(qm, shot, "action")
    assert_accessible(qm, "the improvement action")

    # 4. The evidence is collected again: indicators 30 to 32 gain evidence.
    qm.goto("/qualite/")
    submit(qm, qm.locator("main form[action='/qualite/preuves/actualiser/'] button"))
    both_sizes(qm, shot, "home")
    assert_accessible(qm, "the quality home")
    after = {n: evidence_count(qm, n) for n in (30, 31, 32)}
    for n in (30, 31, 32):
        assert after[n] > before[n], (n, before, after)
    both_sizes(qm, shot, "indicator-32")
    assert_accessible(qm, "an indicator")
    qm.goto("/qualite/referentiels/qualiopi/")
    both_sizes(qm, shot, "framework")
    assert_accessible(qm, "the Qualiopi self-assessment")
    for path, step in (
        ("/qualite/enquetes/", "surveys"),
        ("/qualite/audits/", "audits"),
        ("/qualite/reclamations/", "complaints"),
        ("/qualite/profil/", "profile"),
    ):
        qm.goto(path)
        both_sizes(qm, shot, step)
        assert_accessible(qm, step)

    # 5. The binder is built in the background and downloaded, sealed.
    qm.goto("/qualite/classeur/")
    assert_accessible(qm, "the binder page")
    submit(qm, qm.locator("main [data-testid='binder-qualiopi']"))
    expect(qm).to_have_url(re.compile(r"/taches/[0-9a-f-]+/"))
    link = qm.locator("main a[href$='/telecharger/']")
    expect(link).to_have_count(1, timeout=60_000)
    shot(qm, "binder-ready")
    with qm.expect_download() as info:
        link.click()
    data = Path(info.value.path()).read_bytes()
    archive = zipfile.ZipFile(io.BytesIO(data))
    manifest = json.loads(archive.read("manifest.json"))
    names = archive.namelist()
    assert "seal.json" in names
    assert sum(n.endswith("synthese.pdf") for n in names) == 32
    assert all(len(entry["sha256"]) == 64 for entry in manifest["files"])

    # The public result page of the offer: dated, counts only, no name; and the public form.
    qm.goto("/qualite/offres/")
    results_href = qm.locator("main a[href^='/qualite/resultats/offres/']").first.get_attribute(
        "href"
    )
    assert results_href, "no public results link"
    public = new_context().new_page()
    public.set_viewport_size(DESKTOP)
    public.goto(results_href)
    expect(public.locator("main .figure")).to_have_count(4)
    expect(public.locator("main")).not_to_contain_text("apprenant@helios.demo")
    both_sizes(public, shot, "offer-results")
    assert_accessible(public, "the public results of an offer")
    public.goto("/qualite/reclamation/")
    assert_accessible(public, "the public complaint form")
    expect(public).to_have_url(url_path_re("/qualite/reclamation/"))
