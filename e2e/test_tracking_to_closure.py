"""Journey f: from the dashboards of a deployed engagement to its closure and a verified pack.

Runs after the deployment journey (file order), on the same Hélios demo engagement « Nettoyage
et désinfection des paillasses »: its learners were assigned and one of them passed. The client
owner reads the engagement's dashboard (figures, charts, versions followed), filters it by site,
exports the learner list and pages through it; the page passes axe-core's WCAG 2.1 AA checks.
The provider's project manager moves the engagement to tracking then closure, generates the
completion report and issues the delivery note, which the client owner signs; the project
manager seals the evidence pack, downloads it, checks it offline with `manage.py
evidence_verify`, and closes the engagement, which is then read-only.
"""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from .accessibility import assert_accessible
from .support import sign_in_staff, sign_in_with_second_factor, submit
from .test_engagement_to_production import (
    OWNER,
    PM,
    expect_phase,
    expect_success,
    open_engagement,
    post_action,
    sign_next_document,
)

JOURNEY = "closure"  # screenshots: var/e2e/closure-<step>.png
TITLE = "Nettoyage et désinfection des paillasses"
DETAIL_URL = re.compile(r"^https?://[^/]+/missions/(\d+)/(\?.*)?$")
ROOT = Path(__file__).resolve().parent.parent


def find_engagement(page: Page) -> int:
    page.goto("/missions/")
    row = page.locator("main table tbody tr", has_text=TITLE)
    submit(page, row.locator("a[href^='/missions/']").first)
    match = DETAIL_URL.match(page.url)
    assert match, page.url
    return int(match.group(1))


def test_the_dashboard_is_read_then_the_engagement_is_closed_with_a_verified_pack(
    new_context: Callable, shot: Callable, tmp_path: Path
) -> None:
    owner = new_context().new_page()
    sign_in_with_second_factor(owner, OWNER)
    engagement_id = find_engagement(owner)

    # The client owner's dashboard: figures, charts and the versions followed, in French.
    owner.goto(f"/missions/{engagement_id}/pilotage/")
    expect(owner.locator("h1")).to_contain_text("Tableau de bord")
    expect(owner.locator(".figure").first).to_be_visible()
    expect(owner.locator("svg[role='img']").first).to_be_visible()
    expect(owner.locator("#followed-title")).to_have_text("Versions suivies")
    shot(owner, "dashboard")
    assert_accessible(owner, "dashboard")
    owner.select_option("select[name='site']", "Grenoble")
    submit(owner, owner.locator("form.dashboard-filters button[type='submit']"))
    expect(owner).to_have_url(re.compile(r"site=Grenoble"))
    shot(owner, "dashboard-grenoble")
    with owner.expect_download() as download:
        owner.locator("a[href*='/export/versions.csv']").first.click()
    text = Path(download.value.path()).read_text("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][0] == "Module" and len(rows) >= 2
    owner.goto(f"/missions/{engagement_id}/pilotage/apprenants/")
    expect(owner.locator("main table tbody tr").first).to_be_visible()
    shot(owner, "learners")
    assert_accessible(owner, "learners")

    # The project manager moves to tracking, then to closure.
    pm = new_context().new_page()
    sign_in_staff(pm, PM)
    open_engagement(pm, engagement_id)
    for phase in (6, 7):
        post_action(pm, "/avancer/")
        expect_success(pm)
        expect_phase(pm, phase)
    shot(pm, "closure-gate")
    expect(pm.locator("#gate li.unmet")).not_to_have_count(0)

    post_action(pm, "/rapport-de-completion/")
    expect_success(pm)
    post_action(pm, "/bon-de-livraison/")
    expect_success(pm)
    shot(pm, "delivery-note-issued")

    # The client owner signs the delivery note.
    sign_next_document(owner, "Bon de livraison")

    # The project manager seals, downloads and checks the pack, then closes.
    open_engagement(pm, engagement_id)
    # Sealing runs as a background job: its page shows the progress, then the pack to download.
    post_action(pm, "/dossier-de-preuves/")
    expect(pm).to_have_url(re.compile(r"/taches/[0-9a-f-]+/$"))
    expect(pm.locator("#job-progress .badge-ok")).to_be_visible(timeout=30_000)
    shot(pm, "pack-sealed")
    assert_accessible(pm, "background job page")
    with pm.expect_download() as download:
        pm.locator("#job-progress a[href$='.zip'][href*='/dossier-de-preuves/']").click()
    pack = tmp_path / "dossier.zip"
    download.value.save_as(pack)
    names = zipfile.ZipFile(pack).namelist()
    assert "manifest.json" in names and "seal.json" in names and "audit/chain.jsonl" in names
    assert any(n.startswith("documents/") and "bon-de-livraison" in n for n in names)
    checked = subprocess.run(
        [sys.executable, "manage.py", "evidence_verify", str(pack), "--installation-key"],
        cwd=ROOT, env=os.environ.copy(), capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "intact" in checked.stdout

    open_engagement(pm, engagement_id)
    expect(pm.locator("#gate li.unmet")).to_have_count(0)
    post_action(pm, "/avancer/")
    expect_success(pm)
    expect(pm.locator(".alert-info", has_text="lecture seule")).to_be_visible()
    expect(pm.locator("main form[action$='/avancer/']")).to_have_count(0)
    expect(pm.locator("main form[action$='/dossier-de-preuves/']")).to_have_count(0)
    shot(pm, "closed")

    # A doctored copy of the pack is caught.
    doctored = tmp_path / "altered.zip"
    with zipfile.ZipFile(pack) as source, zipfile.ZipFile(doctored, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename.startswith("exports/") and info.filename.endswith(".csv"):
                data += b"ajout;frauduleux\n"
            target.writestr(info, data)
    checked = subprocess.run(
        [sys.executable, "manage.py", "evidence_verify", str(doctored)],
        cwd=ROOT, env=os.environ.copy(), capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert checked.returncode == 1 and "ALTERED" in checked.stdout
