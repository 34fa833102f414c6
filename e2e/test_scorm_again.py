"""The exported SCORM 1.2 package played in a real SCORM 1.2 run-time: scorm-again, from the npm
registry (e2e/scorm_runtime, installed by scripts/ensure_scorm_runtime.sh).

The LMS page below is what an LMS does around the run-time: it loads the learner's stored CMI
(`loadFromJSON`), sets `cmi.core.entry` ("ab-initio" the first time, "resume" after an exit
"suspend"), exposes the run-time as `window.API` and opens the SCO in a frame. Between launches
the test keeps the CMI the run-time holds at LMSFinish, as an LMS stores it.
No Django server: everything is served through Playwright routing under a fake origin.
"""

from __future__ import annotations

import io
import json
import subprocess
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, FrameLocator, Page, Route, expect

from saveit.catalog.scorm import PackageContext, build_scorm_package

from .test_scorm_runtime import ITEMS, SNAPSHOT, answer, say

JOURNEY = "scorm-again"
ORIGIN = "http://lms.test"
ROOT = Path(__file__).resolve().parent.parent
RUNTIME = ROOT / "e2e" / "scorm_runtime" / "node_modules" / "scorm-again" / "dist" / "scorm12.js"
CONTEXT = PackageContext(client_name="Laboratoires Alpha", client_key="alpha", module_id=7)

LMS_PAGE = """<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>LMS</title>
<style>body { margin: 0; } iframe { display: block; width: 100%; height: 100vh; border: 0; }</style>
<script src="/runtime/scorm12.js"></script>
<script>
  window.API = new Scorm12API({ logLevel: 5, autocommit: false });
  window.API.loadFromJSON(window.launchCmi);
  window.lmsFinished = false;
  window.API.on("LMSFinish", function () { window.lmsFinished = true; });
</script></head>
<body><iframe id="sco" title="Module" src="/sco/index.html"></iframe>
<script>
  /* Grow the frame with its content, so that a full-page screenshot shows the whole module. */
  var frame = document.getElementById("sco");
  frame.addEventListener("load", function () {
    var doc = frame.contentDocument;
    if (!doc || !doc.body) return;
    new ResizeObserver(function () { frame.style.height = doc.body.offsetHeight + "px"; })
      .observe(doc.body);
  });
</script></body></html>
"""


@pytest.fixture(scope="module")
def package_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not RUNTIME.is_file():
        subprocess.run([str(ROOT / "scripts" / "ensure_scorm_runtime.sh")], check=True)
    snapshot = json.loads(json.dumps(SNAPSHOT))
    snapshot["assessment"] = snapshot["assessment"] | {
        "max_attempts": 2,
        "time_limit_minutes": None,
    }
    folder = tmp_path_factory.mktemp("scorm-again")
    with zipfile.ZipFile(io.BytesIO(build_scorm_package(snapshot, context=CONTEXT))) as archive:
        archive.extractall(folder)
    return folder


class Lms:
    """One learner's record in the LMS, launched as many times as needed."""

    def __init__(self, browser: Browser, package_dir: Path) -> None:
        self.browser, self.package_dir = browser, package_dir
        self.stored: dict[str, Any] = {}
        self.page: Page | None = None
        self.errors: list[str] = []

    def launch(self, width: int = 1366) -> FrameLocator:
        core = self.stored.get("core", {})
        entry = "resume" if core.get("exit") == "suspend" else ("" if core else "ab-initio")
        cmi = {
            "core": {
                "student_id": "L-0042",
                "student_name": "Martin, Claire",
                "entry": entry,
                "lesson_location": core.get("lesson_location", ""),
                "lesson_status": core.get("lesson_status", "not attempted"),
                "score": core.get("score", {}),
            },
            "suspend_data": self.stored.get("suspend_data", ""),
            "student_data": {"mastery_score": "80"},
        }
        context = self.browser.new_context(
            locale="fr-FR", viewport={"width": width, "height": 900}, timezone_id="Europe/Paris"
        )
        context.set_default_timeout(15_000)
        context.route(f"{ORIGIN}/**", self._serve)
        context.add_init_script(f"window.launchCmi = {json.dumps(cmi)};")
        self.page = context.new_page()
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.goto(f"{ORIGIN}/lms.html")
        sco = self.page.frame_locator("#sco")
        expect(sco.locator("h1")).to_have_text(SNAPSHOT["title"])
        return sco

    def value(self, element: str) -> str:
        assert self.page is not None
        return str(self.page.evaluate(f"window.API.LMSGetValue({json.dumps(element)})"))

    def leave(self) -> None:
        """The learner closes the module: the SCO finishes, the LMS stores its CMI."""
        assert self.page is not None
        self.page.evaluate("document.getElementById('sco').src = 'about:blank'")
        self.page.wait_for_function("window.lmsFinished")
        self.stored = json.loads(self.page.evaluate("JSON.stringify(window.API.cmi)"))
        self.page.context.close()
        assert not self.errors, self.errors

    def _serve(self, route: Route) -> None:
        path = route.request.url.removeprefix(ORIGIN).split("?")[0]
        if path == "/lms.html":
            route.fulfill(body=LMS_PAGE, content_type="text/html; charset=utf-8")
        elif path == "/runtime/scorm12.js":
            route.fulfill(path=str(RUNTIME), content_type="text/javascript")
        elif path.startswith("/sco/"):
            file = (self.package_dir / path.removeprefix("/sco/")).resolve()
            if self.package_dir.resolve() in file.parents and file.is_file():
                route.fulfill(path=str(file))
                return
            route.fulfill(status=404, body="introuvable")
        else:
            route.fulfill(status=404, body="introuvable")


@pytest.fixture
def lms(browser: Browser, package_dir: Path) -> Iterator[Lms]:
    record = Lms(browser, package_dir)
    yield record
    if record.page is not None and not record.page.is_closed():
        record.page.context.close()


def prompts(sco: FrameLocator) -> list[str]:
    return sco.locator("fieldset.question .q-prompt").all_inner_texts()


def test_a_learner_resumes_where_they_stopped_then_passes(
    lms: Lms, shot: Callable[[Page, str], Path]
) -> None:
    sco = lms.launch()
    assert lms.value("cmi.core.lesson_status") == "incomplete"
    sco.locator("#commencer").click()
    questions = sco.locator("fieldset.question")
    expect(questions).to_have_count(len(ITEMS))
    drawn = prompts(sco)
    for n in range(2):  # answers two questions, then leaves
        answer(questions.nth(n), ITEMS[drawn[n]], right=True)
    lms.leave()
    assert lms.stored["core"]["exit"] == "suspend"
    assert lms.stored["core"]["lesson_status"] == "incomplete"
    assert lms.stored["core"]["lesson_location"] == "evaluation"
    saved = json.loads(lms.stored["suspend_data"])
    assert saved["a"] == 1 and saved["o"]["r"][:2] != [[], []]
    page_text = (lms.package_dir / "index.html").read_text(encoding="utf-8")
    assert '"correct":[' not in page_text and '"answer":"' not in page_text

    sco = lms.launch()
    assert lms.value("cmi.core.entry") == "resume"
    expect(sco.locator("#evaluation #reprise")).to_be_visible()  # said where the learner lands
    expect(sco.locator("fieldset.question")).to_have_count(len(ITEMS))
    assert prompts(sco) == drawn  # the same questions, in the same order
    first = sco.locator("fieldset.question").nth(0)
    item = ITEMS[drawn[0]]
    if item["kind"] == "numeric":
        expect(first.get_by_role("textbox")).to_have_value(item["answer"].replace(".", ","))
    elif item["kind"] != "ordering":
        for index in item["correct"]:
            expect(first.get_by_label(item["choices"][index], exact=True)).to_be_checked()
    shot(lms.page, "resumed")  # type: ignore[arg-type]
    questions = sco.locator("fieldset.question")
    for n in range(2, len(drawn)):
        answer(questions.nth(n), ITEMS[drawn[n]], right=True)
    sco.locator("#valider").click()
    expect(sco.locator("#resultat-titre")).to_have_text(say("result", score=100))
    expect(sco.locator("#reprise")).to_be_hidden()
    shot(lms.page, "result")  # type: ignore[arg-type]
    assert lms.value("cmi.core.lesson_status") == "passed"
    assert lms.value("cmi.core.score.raw") == "100"
    sco.locator("#terminer").click()
    expect(sco.locator("#fin")).to_be_visible()
    lms.page.wait_for_function("window.lmsFinished")  # type: ignore[union-attr]
    lms.leave()
    assert lms.stored["core"]["exit"] == ""
    assert lms.stored["core"]["lesson_status"] == "passed"


def test_the_attempt_limit_holds_across_launches(
    lms: Lms, shot: Callable[[Page, str], Path]
) -> None:
    for attempt in (1, 2):
        sco = lms.launch()
        sco.locator("#commencer").click()
        questions = sco.locator("fieldset.question")
        expect(questions).to_have_count(len(ITEMS))
        for n, prompt in enumerate(prompts(sco)):
            answer(questions.nth(n), ITEMS[prompt], right=False)
        sco.locator("#valider").click()
        expect(sco.locator("#resultat-titre")).to_have_text(say("result", score=0))
        assert lms.value("cmi.core.lesson_status") == "failed"
        lms.leave()  # closes the window instead of retrying at once
        assert json.loads(lms.stored["suspend_data"])["a"] == attempt
    assert lms.stored["core"]["exit"] == ""  # nothing left to do: finished

    sco = lms.launch(width=390)
    expect(sco.locator("#plus-de-tentative")).to_have_text(say("no_attempt_left", total=2))
    expect(sco.locator("#commencer")).to_have_count(0)
    shot(lms.page, "no-attempt-left")  # type: ignore[arg-type]
    lms.leave()
    assert json.loads(lms.stored["suspend_data"])["a"] == 2
