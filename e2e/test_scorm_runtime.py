"""The exported SCORM 1.2 package runs in a browser and talks to an LMS through window.API.

No Django server here: the package is extracted to a temporary folder and served (through
Playwright routing) under a fake origin, next to `launcher.html`, a stand-in LMS that defines a
recording `window.API` and opens `index.html` in an iframe, as LMSs do.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation
from playwright.sync_api import Browser, FrameLocator, Locator, Page, Route, expect

from saveit.catalog import scorm_text
from saveit.catalog.scorm import build_scorm_package
from saveit.catalog.tests.test_scorm import FILES, sample_snapshot

JOURNEY = "scorm"  # screenshots: var/e2e/scorm-<step>.png
ORIGIN = "http://lms.test"
SESSION_TIME = re.compile(r"^\d{4}:\d{2}:\d{2}\.\d{2}$")

LAUNCHER = """<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>LMS de test</title>
<style>body { margin: 0; } iframe { display: block; width: 100%; height: 100vh; border: 0; }</style>
<script>
  window.scormCalls = [];
  window.scormData = {"cmi.core.lesson_status": "not attempted", "cmi.core.student_name": "Martin, Claire"};
  function record(name, args, result) { window.scormCalls.push([name].concat(args)); return result; }
  window.API = {
    LMSInitialize: function (p) { return record("LMSInitialize", [p], "true"); },
    LMSGetValue: function (k) { return record("LMSGetValue", [k], window.scormData[k] || ""); },
    LMSSetValue: function (k, v) { window.scormData[k] = v; return record("LMSSetValue", [k, v], "true"); },
    LMSCommit: function (p) { return record("LMSCommit", [p], "true"); },
    LMSFinish: function (p) { return record("LMSFinish", [p], "true"); },
    LMSGetLastError: function () { return record("LMSGetLastError", [], "0"); },
    LMSGetErrorString: function (c) { return record("LMSGetErrorString", [c], ""); },
    LMSGetDiagnostic: function (c) { return record("LMSGetDiagnostic", [c], ""); }
  };
</script></head>
<body><iframe id="sco" title="Module de formation" src="index.html"></iframe>
<script>
  /* Grow the frame with its content, so that a full-page screenshot shows the whole module. */
  var frame = document.getElementById("sco");
  frame.addEventListener("load", function () {
    var doc = frame.contentDocument;
    if (!doc || !doc.body) return;
    new ResizeObserver(function () {
      frame.style.height = doc.body.offsetHeight + "px";
    }).observe(doc.body);
  });
</script></body></html>
"""


def e2e_snapshot() -> dict[str, Any]:
    snapshot = sample_snapshot()
    snapshot["items"].append(
        {
            "key": "I-dose",
            "kind": "numeric",
            "prompt": "Quel volume de désinfectant par paillasse ?",
            "choices": [],
            "correct": [],
            "answer": "2.5",
            "tolerance": "0.1",
            "unit": "mL",
            "feedback": "",
            "source_anchors": ["3"],
        }
    )
    snapshot["assessment"] = snapshot["assessment"] | {"items_per_attempt": len(snapshot["items"])}
    return snapshot


def say(key: str, **values: Any) -> str:
    """A sentence of the player, as the package gives it in French (see player.js, t())."""
    with translation.override("fr"):
        template = scorm_text.player_templates()[key]
    return re.sub(
        r"%\((\w+)\)s|%%", lambda m: str(values[m.group(1)]) if m.group(1) else "%", template
    )


def shown(key: str) -> re.Pattern[str]:
    """A sentence of the player whatever the values it holds."""
    with translation.override("fr"):
        template = scorm_text.player_templates()[key]
    parts = re.split(r"%\(\w+\)s", template.replace("%%", "%"))
    return re.compile(".+?".join(re.escape(part) for part in parts))


SNAPSHOT = e2e_snapshot()
ITEMS = {item["prompt"]: item for item in SNAPSHOT["items"]}


@pytest.fixture(scope="module")
def package_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("scorm")
    with zipfile.ZipFile(io.BytesIO(build_scorm_package(SNAPSHOT, FILES))) as archive:
        archive.extractall(folder)
    (folder / "launcher.html").write_text(LAUNCHER, encoding="utf-8")
    return folder


@pytest.fixture
def lms_page(browser: Browser, package_dir: Path) -> Iterator[Page]:
    context = browser.new_context(
        locale="fr-FR", timezone_id="Europe/Paris", viewport={"width": 1280, "height": 800}
    )
    context.set_default_timeout(15_000)

    def serve(route: Route) -> None:
        relative = route.request.url.removeprefix(ORIGIN + "/").split("?")[0] or "launcher.html"
        path = (package_dir / relative).resolve()
        if package_dir.resolve() in path.parents and path.is_file():
            route.fulfill(path=str(path))
        else:
            route.fulfill(status=404, body="introuvable")

    context.route(f"{ORIGIN}/**", serve)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors: {errors}"


def calls(page: Page) -> list[list[str]]:
    return page.evaluate("window.scormCalls")


def set_values(page: Page) -> dict[str, str]:
    """Last value given to each element, in call order."""
    return {c[1]: c[2] for c in calls(page) if c[0] == "LMSSetValue"}


def answer(question: Locator, item: dict[str, Any], *, right: bool) -> None:
    kind, choices = item["kind"], item["choices"]
    if kind == "numeric":
        value = item["answer"].replace(".", ",") if right else "999"  # French decimal comma
        question.get_by_role("textbox").fill(value)
    elif kind == "ordering":
        if right:
            put_in_order(question, choices)
    else:
        wanted = (
            item["correct"]
            if right
            else [i for i in range(len(choices)) if i not in item["correct"]][:1]
        )
        for index in wanted:
            question.get_by_label(choices[index], exact=True).check()


def put_in_order(question: Locator, steps: list[str]) -> None:
    """Moves each step up with the keyboard (focus the button, press Enter) to its place."""
    for target, step in enumerate(steps):
        while True:
            current = question.locator(".ordering li .step-text").all_inner_texts()
            if current.index(step) == target:
                break
            question.get_by_role("button", name=say("move_up_step", step=step), exact=True).focus()
            question.page.keyboard.press("Enter")


def take_assessment(sco: Page | FrameLocator, *, right: bool) -> None:
    sco.locator("#commencer").click()
    questions = sco.locator("fieldset.question")
    expect(questions).to_have_count(len(ITEMS))
    for n in range(len(ITEMS)):
        question = questions.nth(n)
        answer(question, ITEMS[question.locator(".q-prompt").inner_text()], right=right)


def open_module(page: Page) -> FrameLocator:
    page.goto(f"{ORIGIN}/launcher.html")
    sco = page.frame_locator("#sco")
    expect(sco.locator("h1")).to_have_text(SNAPSHOT["title"])
    expect(sco.locator("#commencer")).to_be_visible()
    return sco


def test_right_answers_pass_and_are_reported(
    lms_page: Page, shot: Callable[[Page, str], Path]
) -> None:
    page = lms_page
    sco = open_module(page)
    expect(sco.locator("#mode-autonome")).to_be_hidden()
    assert calls(page)[0] == ["LMSInitialize", ""]
    assert ["LMSSetValue", "cmi.core.lesson_status", "incomplete"] in calls(page)

    take_assessment(sco, right=True)
    expect(sco.locator("#minuteur")).to_contain_text(shown("time_left"))
    shot(page, "player")
    sco.locator("#valider").click()
    expect(sco.locator("#resultat-titre")).to_have_text(say("result", score=100))
    expect(sco.locator("#resultat")).to_contain_text(say("passed", mark=80))
    values = set_values(page)
    assert values["cmi.core.score.raw"] == "100"
    assert values["cmi.core.score.min"] == "0"
    assert values["cmi.core.score.max"] == "100"
    assert values["cmi.core.lesson_status"] == "passed"
    recorded = calls(page)
    status_set = recorded.index(["LMSSetValue", "cmi.core.lesson_status", "passed"])
    assert ["LMSCommit", ""] in recorded[status_set:]  # the score is committed at once
    shot(page, "result")

    sco.locator("#terminer").click()
    expect(sco.locator("#fin")).to_have_text(say("finished_recorded"))
    recorded = calls(page)
    assert recorded[-1] == ["LMSFinish", ""]
    assert recorded[-2] == ["LMSCommit", ""]
    assert [c[0] for c in recorded].count("LMSFinish") == 1
    values = set_values(page)
    assert SESSION_TIME.match(values["cmi.core.session_time"])
    assert values["cmi.core.exit"] == ""
    assert values["cmi.core.lesson_status"] == "passed"


def test_wrong_answers_fail_and_unload_finishes(lms_page: Page) -> None:
    page = lms_page
    sco = open_module(page)
    take_assessment(sco, right=False)
    sco.locator("#valider").click()
    expect(sco.locator("#resultat-titre")).to_have_text(say("result", score=0))
    expect(sco.locator("#resultat")).to_contain_text(say("not_passed", mark=80))
    values = set_values(page)
    assert values["cmi.core.lesson_status"] == "failed"
    assert values["cmi.core.score.raw"] == "0"
    expect(sco.locator("#recommencer")).to_have_text(say("retry", n=2, total=3))

    # The learner closes the module without pressing "Terminer": the SCO still finishes.
    page.evaluate("document.getElementById('sco').src = 'about:blank'")
    page.wait_for_function("window.scormCalls.some(c => c[0] === 'LMSFinish')")
    recorded = calls(page)
    assert recorded[0] == ["LMSInitialize", ""]
    assert recorded[-1] == ["LMSFinish", ""]
    assert SESSION_TIME.match(set_values(page)["cmi.core.session_time"])


def test_unanswered_questions_are_pointed_out(lms_page: Page) -> None:
    page = lms_page
    sco = open_module(page)
    sco.locator("#commencer").click()
    sco.locator("#valider").click()
    summary = sco.locator("#erreurs")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("link")).to_have_count(len(ITEMS) - 1)  # an order is always given
    expect(summary).to_be_focused()
    summary.get_by_role("link").first.click()
    expect(sco.locator("fieldset.question :focus")).to_have_count(1)
    assert not [c for c in calls(page) if c[1:2] == ["cmi.core.score.raw"]]


def test_time_limit_submits_the_attempt(lms_page: Page) -> None:
    page = lms_page
    page.clock.install()
    sco = open_module(page)
    sco.locator("#commencer").click()
    expect(sco.locator("#minuteur")).to_have_text(say("time_left", minutes=20, seconds="00"))
    page.clock.run_for("20:01")
    expect(sco.locator("#resultat")).to_contain_text(say("time_up"))
    assert set_values(page)["cmi.core.lesson_status"] == "failed"


def test_standalone_without_lms(lms_page: Page, shot: Callable[[Page, str], Path]) -> None:
    page = lms_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{ORIGIN}/index.html")
    with translation.override("fr"):
        standalone = scorm_text.page_labels()["standalone"]
    expect(page.locator("#mode-autonome")).to_have_text(standalone)
    take_assessment(page, right=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    shot(page, "mobile")
    page.locator("#valider").click()
    expect(page.locator("#resultat-titre")).to_have_text(say("result", score=100))
