"""Journey e: from the client's list of learners to an attestation verified, then revoked.

The Hélios demo engagement « Nettoyage et désinfection des paillasses » is in deployment (phase
5) with one active module version. Its client owner creates a population, uploads a file of
learners (a wrong one first: nothing is imported and the line at fault is shown), imports the
right one and assigns the module. A learner opens the link of her invitation e-mail on her
phone, chooses a password, reads every lesson, fails the assessment, reads her feedback by
section, tries again and passes. Her attestation is a PDF and a signed Open Badge; anyone can
check it on the public verification page, which shows her name only in part. The provider's
project manager revokes it, and the verification page says so. The learner's pages (sign-in
link, « Mes formations », password, training overview, lesson, assessment, results) and the
verification page pass axe-core's WCAG 2.1 A/AA checks; the texts checked are the French ones,
so an untranslated page fails.
"""

from __future__ import annotations

import base64
import json
import os
import re
import sqlite3
import time
import uuid
from collections.abc import Callable, Sequence
from contextlib import closing
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from joserfc import jws
from joserfc.errors import BadSignatureError
from joserfc.jwk import OKPKey
from playwright.sync_api import BrowserContext, Download, Locator, Page, Response, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from pypdf import PdfReader

from .accessibility import assert_accessible
from .support import (
    message_text,
    sign_in_staff,
    sign_in_with_second_factor,
    submit,
    url_path_re,
    wait_for_mail,
)
from .test_engagement_to_production import OWNER, PM, expect_success

JOURNEY = "deployment"  # screenshots: var/e2e/deployment-<step>.png
TITLE = "Nettoyage et désinfection des paillasses"  # the demo engagement and its module
POPULATION = "Techniciens de Grenoble"
PHONE = {"width": 390, "height": 844}
REVOCATION = "Attestation délivrée par erreur : la session de Grenoble est reportée."
PASSWORD_PAGE = "/mes-formations/mot-de-passe/"
NINA_PASSWORD = "Paillasse-Grenoble-2027!"
HEADER = ("Nom", "Prénom", "E-mail", "Matricule", "Site", "Poste", "Manager")
DETAIL_URL = re.compile(r"^https?://[^/]+/missions/(\d+)/(\?.*)?$")
POPULATION_URL = re.compile(r"^https?://[^/]+/populations/(\d+)/(\?.*)?$")
PREVIEW_URL = re.compile(r"^https?://[^/]+/populations/imports/(\d+)/(\?.*)?$")
TRAINING_URL = re.compile(r"^https?://[^/]+/mes-formations/(\d+)/(\?.*)?$")
LESSON_URL = re.compile(r"^https?://[^/]+/mes-formations/\d+/lecons/[^/]+/(\?.*)?$")
ASSESSMENT_URL = re.compile(r"^https?://[^/]+/mes-formations/\d+/evaluation/(\?.*)?$")
RESULT_URL = re.compile(r"^https?://[^/]+/mes-formations/\d+/resultats/(\d+)/(\?.*)?$")
ATTESTATION_HREF = re.compile(r"^/attestations/(\d+)/pdf/$")
VERIFY_URL = re.compile(r"https?://[^\s/]+/verify/([A-Za-z0-9_-]+)/")
SIGN_IN_LINK = re.compile(r"https?://\S+/acces/[^/\s]+/")
NUMBER = re.compile(r"ATT-\d{4}-\d{6}")
BASE64URL = re.compile(r"^[A-Za-z0-9_-]+$")


# --- data ------------------------------------------------------------------------------------


def population_csv(rows: Sequence[Sequence[str]]) -> bytes:
    """A list of learners as French Excel exports it: ";" separated, UTF-8 with a BOM, CRLF."""
    lines = [";".join(HEADER), *(";".join(row) for row in rows)]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")


def e2e_database() -> sqlite3.Connection:
    """The server's database, read-only: the journey peeks at what a learner cannot see."""
    var_dir = os.environ.get("SAVEIT_VAR_DIR")
    assert var_dir, "SAVEIT_VAR_DIR is not set: run the journeys with scripts/e2e.sh"
    database = Path(var_dir) / "e2e.sqlite3"
    return sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=20)


def drawn_questions(
    assignment_id: int, number: int
) -> tuple[list[tuple[str, list[int]]], dict[str, dict[str, Any]]]:
    """The items of an attempt with their display order, and the version's items by key."""
    with closing(e2e_database()) as db:
        row = db.execute(
            "SELECT t.drawn, v.snapshot FROM learning_attempt t"
            " JOIN learning_assignment a ON a.id = t.assignment_id"
            " JOIN catalog_moduleversion v ON v.id = a.module_version_id"
            " WHERE t.assignment_id = ? AND t.number = ?",
            (assignment_id, number),
        ).fetchone()
    assert row is not None, (assignment_id, number)
    drawn = [(str(key), [int(i) for i in order]) for key, order in json.loads(row[0])]
    items = {item["key"]: item for item in json.loads(row[1])["items"]}
    return drawn, items


# --- helpers ---------------------------------------------------------------------------------


def open_deployment(owner: Page) -> int:
    """From the list of engagements to the demo engagement's deployment page."""
    owner.goto("/missions/")
    row = owner.locator("main table tbody tr", has_text=TITLE)
    expect(row).to_have_count(1)
    submit(owner, row.locator("a[href^='/missions/']").first)
    expect(owner).to_have_url(DETAIL_URL)
    match = DETAIL_URL.match(owner.url)
    assert match, owner.url
    engagement_id = int(match.group(1))
    submit(owner, owner.locator(f"main a[href='/missions/{engagement_id}/deploiement/']"))
    expect(owner).to_have_url(url_path_re(f"/missions/{engagement_id}/deploiement/"))
    return engagement_id


def upload_learners(owner: Page, population_id: int, filename: str, content: bytes) -> None:
    owner.goto(f"/populations/{population_id}/")
    form = owner.locator(f"main form[action='/populations/{population_id}/import/']")
    form.locator("input[name='file']").set_input_files(
        {"name": filename, "mimeType": "text/csv", "buffer": content}
    )
    submit(owner, form.locator("button[type='submit']"))
    expect(owner).to_have_url(PREVIEW_URL)


def preview_figures(owner: Page) -> list[str]:
    """(valid lines, lines in error) as the preview shows them."""
    return [text.strip() for text in owner.locator("main .figure .value").all_inner_texts()]


def expect_fits_phone(page: Page) -> None:
    """Nothing wider than the phone: no sideways scrolling of the whole page."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide on a {PHONE['width']} px phone"


def french_number(value: Decimal) -> str:
    return format(value.normalize(), "f").replace(".", ",")


def answer(page: Page, drawn: list[tuple[str, list[int]]], items: dict, *, right: bool) -> None:
    """Answers every question, all right or all wrong, knowing the stored right answers.

    The form posts display positions: the choice stored at index i is shown at position
    order.index(i). An ordering question is never shown in its right order, so ranking the
    steps as shown is always wrong.
    """
    for key, order in drawn:
        item = items[key]
        field = f"[name='item-{key}']"
        kind = item["kind"]
        correct = [int(i) for i in item["correct"]]
        if kind in ("single", "true_false", "multiple"):
            if right:
                positions = [order.index(i) for i in correct]
            else:
                wrong = [p for p, i in enumerate(order) if i not in correct]
                positions = wrong[:1] if kind != "multiple" else wrong
            for position in positions:
                page.locator(f"main input{field}[value='{position}']").check()
        elif kind == "ordering":
            ranks = page.locator(f"main select{field}")
            expect(ranks).to_have_count(len(order))
            for rank in range(len(order)):
                position = order.index(correct[rank]) if right else rank
                ranks.nth(rank).select_option(str(position))
        elif kind == "numeric":
            value = Decimal(item["answer"])
            if not right:
                value += abs(Decimal(item.get("tolerance") or "0")) + 7
            page.locator(f"main input{field}").fill(french_number(value))
        else:
            raise AssertionError(f"unexpected question kind {kind!r} for {key}")


def take_assessment(page: Page, assignment_id: int, *, right: bool, audit: bool = False) -> int:
    """On the assessment page of an open attempt: answers, submits; returns the attempt number."""
    expect(page).to_have_url(ASSESSMENT_URL)
    form = page.locator("main form.assessment")
    action = form.get_attribute("action") or ""
    match = re.search(r"/evaluation/(\d+)/$", action)
    assert match, action
    number = int(match.group(1))
    drawn, items = drawn_questions(assignment_id, number)
    expect(form.locator("fieldset.question")).to_have_count(len(drawn))
    if audit:
        expect_fits_phone(page)
        assert_accessible(page, "the assessment")
    answer(page, drawn, items, right=right)
    submit(page, form.locator("button[type='submit']"))
    expect(page).to_have_url(url_path_re(f"/mes-formations/{assignment_id}/resultats/{number}/"))
    return number


def download_from(page: Page, link: Locator, what: str) -> Download:
    """Clicks a download link; a server error fails at once with its status, not a timeout."""
    href = link.get_attribute("href") or ""
    answers: list[int] = []

    def watch(response: Response) -> None:
        if url_path_re(href).match(response.url):
            answers.append(response.status)

    page.on("response", watch)
    try:
        with page.expect_download(timeout=10_000) as download_info:
            link.click()
        return download_info.value
    except PlaywrightTimeoutError:
        pass
    finally:
        page.remove_listener("response", watch)
    pytest.fail(
        f"{what}: GET {href} answered {answers or 'nothing'} instead of a file to download"
        " (see the server log)"
    )


def pdf_text_and_links(path: Path) -> tuple[str, list[str]]:
    reader = PdfReader(path)
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    links = []
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A") or {}
            if "/URI" in action:
                links.append(str(action["/URI"]))
    return text, links


def b64url_json(part: str) -> dict[str, Any]:
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


# --- the journey -----------------------------------------------------------------------------


def test_a_population_is_imported_trained_and_certified_then_revoked(
    page: Page,
    new_context: Callable[[], BrowserContext],
    shot: Callable[[Page, str], Path],
    mail_dir: Path,
) -> None:
    started = time.monotonic()
    tag = uuid.uuid4().hex[:8]
    nina = f"nina.garnier.{tag}@helios.demo"
    others = (
        ("Lefèbvre", "Bérénice", f"berenice.lefebvre.{tag}@helios.demo", f"G-{tag}-2"),
        ("Faure-Dubois", "Jérôme", f"jerome.faure.{tag}@helios.demo", f"G-{tag}-3"),
    )
    learners = [("Garnier", "Nina", nina, f"G-{tag}-1"), *others]
    rows = [
        (n, p, e, m, "Grenoble", "Technicien·ne de paillasse", "Hélène Roux")
        for n, p, e, m in learners
    ]

    # 1. The client owner creates the population and imports its learners.
    owner = page
    sign_in_with_second_factor(owner, OWNER)
    engagement_id = open_deployment(owner)
    expect(owner.locator("main section[aria-labelledby='active-title'] .badge-ok")).to_have_count(1)
    owner.locator("main details.disclosure > summary").first.click()
    create = owner.locator("main form").filter(has=owner.locator("input[name='pop-name']"))
    create.locator("input[name='pop-name']").fill(POPULATION)
    create.locator("textarea[name='pop-description']").fill(
        "Techniciens de paillasse du site de Grenoble."
    )
    submit(owner, create.locator("button[type='submit']"))
    expect(owner).to_have_url(POPULATION_URL)
    expect_success(owner)
    match = POPULATION_URL.match(owner.url)
    assert match, owner.url
    population_id = int(match.group(1))
    expect(owner.locator("h1")).to_have_text(POPULATION)

    # A file with a wrong e-mail address on its last line: nothing can be imported.
    bad = [*rows[:2], (*rows[2][:2], f"jerome.faure.{tag}@@helios", *rows[2][3:])]
    upload_learners(owner, population_id, "techniciens-grenoble.csv", population_csv(bad))
    assert preview_figures(owner) == ["2", "1"], preview_figures(owner)
    errors = owner.locator("main section[aria-labelledby='errors-title'] tbody tr")
    expect(errors).to_have_count(1)
    expect(errors.locator("td").first).to_have_text("4")  # header = line 1
    expect(errors).to_contain_text(re.compile(r"e-mail|courriel", re.IGNORECASE))
    # The whole file cannot be imported; only its valid lines can, on request.
    commit = owner.locator("main form[action$='/valider/']")
    expect(commit).to_have_count(1)
    expect(commit.locator("input[name='skip_invalid']")).to_have_count(1)
    expect(commit.locator("button")).to_contain_text("lignes valides")
    shot(owner, "import-errors")
    submit(owner, owner.locator("main form[action$='/abandonner/'] button[type='submit']"))
    expect(owner).to_have_url(url_path_re(f"/populations/{population_id}/"))
    expect_success(owner)

    # The corrected file: a preview of its first lines, then the import.
    upload_learners(owner, population_id, "techniciens-grenoble.csv", population_csv(rows))
    assert preview_figures(owner) == ["3", "0"], preview_figures(owner)
    sample = owner.locator("main section[aria-labelledby='sample-title'] tbody tr")
    expect(sample).to_have_count(3)
    expect(sample.nth(0)).to_contain_text("Garnier Nina")
    expect(sample.nth(1)).to_contain_text("Lefèbvre Bérénice")
    expect(sample.nth(2)).to_contain_text("Faure-Dubois Jérôme")
    expect(sample.nth(2)).to_contain_text("Hélène Roux")
    commit = owner.locator("main form[action$='/valider/'] button[type='submit']")
    expect(commit).to_contain_text("3")
    shot(owner, "import-preview")
    submit(owner, commit)
    expect(owner).to_have_url(url_path_re(f"/populations/{population_id}/"))
    expect_success(owner)
    members = owner.locator("main section[aria-labelledby='members-title'] tbody tr")
    expect(members).to_have_count(3)
    expect(members.filter(has_text=nina)).to_contain_text("Garnier Nina")
    shot(owner, "population")

    # 2. The active version is assigned to the population, due in three weeks.
    due_on = date.today() + timedelta(days=21)
    owner.goto(f"/missions/{engagement_id}/deploiement/")
    expect(owner.locator("main section[aria-labelledby='populations-title']")).to_contain_text(
        POPULATION
    )
    assign = owner.locator(f"main form[action='/missions/{engagement_id}/deploiement/assigner/']")
    version = assign.locator("select[name='version'] option", has_text=TITLE)
    expect(version).to_have_count(1)
    assign.locator("select[name='version']").select_option(version.get_attribute("value") or "")
    assign.locator("select[name='population']").select_option(label=POPULATION)
    assign.locator("input[name='due_on']").fill(due_on.isoformat())
    submit(owner, assign.locator("button[type='submit']"))
    expect(owner).to_have_url(url_path_re(f"/missions/{engagement_id}/deploiement/"))
    expect_success(owner)
    expect(owner.locator(".toasts .toast-success")).to_contain_text("3")
    progress = owner.locator(
        "main section[aria-labelledby='progress-title'] tbody tr", has_text=TITLE
    )
    expect(progress.locator("td.num").first).to_have_text("9")  # 6 in Lyon (demo) + 3 here
    shot(owner, "assigned")

    # 3. Nina opens her invitation on her phone, confirms, and lands on « Mes formations ».
    for _, _, email, _ in others:
        wait_for_mail(mail_dir, email)
    invitation = wait_for_mail(mail_dir, nina)
    body = message_text(invitation)
    assert TITLE in body, body
    assert "Nina" in body, body
    link = SIGN_IN_LINK.search(body)
    assert link, body
    learner = new_context().new_page()
    learner.set_viewport_size(PHONE)
    learner.goto(link.group(0))
    confirm = learner.locator("main form[method='post'] button[type='submit']")
    expect(confirm).to_be_visible()
    expect(learner.locator("h1")).to_have_text("Accéder à vos formations")
    expect_fits_phone(learner)
    shot(learner, "sign-in-link")
    assert_accessible(learner, "the sign-in link confirmation")
    submit(learner, confirm)
    expect(learner).to_have_url(url_path_re("/mes-formations/"))
    expect(learner.locator("h1")).to_have_text("Mes formations")
    cards = learner.locator("main .training-card")
    expect(cards).to_have_count(1)
    expect(cards).to_contain_text(TITLE)
    expect(cards.locator(".badge")).not_to_have_class(re.compile(r"badge-(ok|err)"))
    expect_fits_phone(learner)
    shot(learner, "my-trainings")
    assert_accessible(learner, "« Mes formations »")

    # She chooses a password (none yet: no current one is asked), then sees that changing it
    # would ask for it.
    to_password = learner.locator(f"main .page-header .actions a[href='{PASSWORD_PAGE}']")
    submit(learner, to_password)
    expect(learner).to_have_url(url_path_re(PASSWORD_PAGE))
    form = learner.locator("main form[method='post']")
    expect(form.locator("input[name='current_password']")).to_have_count(0)
    form.locator("input[name='password']").fill(NINA_PASSWORD)
    form.locator("input[name='confirm']").fill(NINA_PASSWORD)
    expect_fits_phone(learner)
    shot(learner, "password-first")
    assert_accessible(learner, "the password page")
    submit(learner, form.locator("button[type='submit']"))
    expect(learner).to_have_url(url_path_re("/mes-formations/"))
    expect_success(learner)
    submit(learner, to_password)
    expect(form.locator("input[name='current_password']")).to_have_count(1)
    shot(learner, "password-change")
    assert_accessible(learner, "the password change page")
    learner.goto("/mes-formations/")

    submit(learner, cards.locator("h2 a"))
    expect(learner).to_have_url(TRAINING_URL)
    match = TRAINING_URL.match(learner.url)
    assert match, learner.url
    assignment_id = int(match.group(1))
    expect(learner.locator("main ol.lesson-list > li")).not_to_have_count(0)
    expect_fits_phone(learner)
    shot(learner, "training")
    assert_accessible(learner, "the training overview")

    # 4. She reads every lesson, one after the other.
    lessons = learner.locator("main ol.lesson-list > li")
    lesson_count = lessons.count()
    assert lesson_count >= 2, lesson_count
    expect(lessons.locator(".badge-ok")).to_have_count(0)
    submit(learner, learner.locator("main .page-header .actions a"))
    for number in range(1, lesson_count + 1):
        expect(learner).to_have_url(LESSON_URL)
        expect(learner.locator("main .page-header .subtitle")).to_contain_text(
            re.compile(rf"\b{number}\b\D+\b{lesson_count}\b")
        )
        expect(learner.locator("main article.lesson-body")).not_to_be_empty()
        if number == 1:
            expect_fits_phone(learner)
            shot(learner, "lesson")
            assert_accessible(learner, "a lesson")
        submit(learner, learner.locator("main nav.lesson-nav form button[type='submit']"))
    expect(learner).to_have_url(url_path_re(f"/mes-formations/{assignment_id}/"))
    expect(lessons.locator(".badge-ok")).to_have_count(lesson_count)

    # She answers wrong on purpose: not passed, with what to read again, section by section.
    start = learner.locator(
        f"main form[action='/mes-formations/{assignment_id}/evaluation/'] button"
    )
    submit(learner, start)
    take_assessment(learner, assignment_id, right=False, audit=True)
    verdict = learner.locator("main .alert-warn")
    expect(verdict).to_contain_text(re.compile(r"^\s*0 %"))
    sections = learner.locator("main section[aria-labelledby='sections-title'] tbody tr")
    expect(sections).not_to_have_count(0)
    expect(sections.locator(".badge-ok")).to_have_count(0)  # no section mastered
    for row in sections.all():
        expect(row.locator("td.num")).to_have_text(re.compile(r"^0 / [1-9]\d*$"))
    expect(sections.locator("td p.small, td a[href*='/lecons/']")).not_to_have_count(0)
    expect(learner.locator("main a[href^='/attestations/']")).to_have_count(0)
    expect_fits_phone(learner)
    shot(learner, "failed")
    assert_accessible(learner, "a failed result")

    # « Réessayer »: a new draw, answered right this time.
    retry = learner.locator(
        f"main form[action='/mes-formations/{assignment_id}/evaluation/'] button"
    )
    submit(learner, retry)
    second = take_assessment(learner, assignment_id, right=True)
    assert second == 2, second
    verdict = learner.locator("main .alert-ok")
    expect(verdict).to_contain_text("100 %")
    pdf_link = verdict.locator("a[href$='/pdf/']")
    match = ATTESTATION_HREF.match(pdf_link.get_attribute("href") or "")
    assert match, pdf_link.get_attribute("href")
    attestation_id = int(match.group(1))
    number_shown = NUMBER.search(verdict.inner_text())
    assert number_shown, verdict.inner_text()
    number = number_shown.group(0)
    expect_fits_phone(learner)
    shot(learner, "passed")
    assert_accessible(learner, "a passed result")

    # 5. The PDF and the Open Badge, as downloaded by their holder.
    download = download_from(learner, pdf_link, "the attestation's PDF")
    assert download.suggested_filename == f"attestation-{number}.pdf", download.suggested_filename
    text, links = pdf_text_and_links(Path(download.path()))
    flat = re.sub(r"\s+", " ", text)
    assert "Nina Garnier" in flat, flat
    assert number in flat, flat
    verify_in_text = VERIFY_URL.search(re.sub(r"\s+", "", text))
    assert verify_in_text, f"no /verify/<code>/ URL in the PDF's text: {flat}"
    verify_url = verify_in_text.group(0)
    code = verify_in_text.group(1)
    assert nina not in flat, "the holder's e-mail is printed on the attestation"
    print(f"\nPDF {download.suggested_filename}: verify URL {verify_url}; link annotations {links}")

    download = download_from(learner, verdict.locator("a[href$='/open-badge/']"), "the Open Badge")
    token = Path(download.path()).read_text(encoding="ascii").strip()
    parts = token.split(".")
    assert len(parts) == 3 and all(BASE64URL.match(p) for p in parts), token[:80]
    header, payload = b64url_json(parts[0]), b64url_json(parts[1])
    claims = json.dumps(payload, ensure_ascii=False)
    assert "OpenBadgeCredential" in claims, claims[:500]
    assert code in claims, "the credential does not point at its verification code"
    assert nina not in claims, "the holder's e-mail is in clear in the credential"
    jwks = learner.request.get("/.well-known/jwks.json")
    assert jwks.ok, jwks.status
    published = jwks.json()["keys"]
    embedded = header.get("jwk") or {}  # OB 3.0: the header names the key by "kid" or "jwk"
    kid = header.get("kid") or embedded.get("kid")
    jwk = next((k for k in published if k.get("kid") == kid), None)
    assert jwk is not None, (header, published)
    assert not embedded or embedded.get("x") == jwk["x"], (embedded, jwk)
    key = OKPKey.import_key(jwk)
    verified = jws.deserialize_compact(token, key, algorithms=[header["alg"]])
    assert json.loads(verified.payload) == payload
    forged = base64.urlsafe_b64encode(claims.replace(code, "x" * len(code)).encode()).rstrip(b"=")
    try:
        jws.deserialize_compact(
            f"{parts[0]}.{forged.decode()}.{parts[2]}", key, algorithms=[header["alg"]]
        )
    except BadSignatureError:
        pass
    else:
        raise AssertionError("a credential whose payload was changed still verifies")

    # 6. Anyone can check it, without an account: authentic, with the holder's name in part.
    public = new_context().new_page()
    public.goto(verify_url)
    expect(public).to_have_url(url_path_re(f"/verify/{code}/"))
    expect(public.locator("main .alert-ok")).to_contain_text(
        re.compile(r"authentique et valide", re.IGNORECASE)
    )
    facts = public.locator("main dl.facts")
    expect(facts).to_contain_text(number)
    expect(facts).to_contain_text("Nina G.")
    expect(facts).to_contain_text(TITLE)
    content = public.content()
    assert nina not in content, "the verification page shows the holder's e-mail"
    assert "Garnier" not in content, "the verification page shows the holder's full name"
    shot(public, "verify-valid")
    assert_accessible(public, "the verification page")

    # 7. The provider's project manager revokes it, with a reason; the public page says so.
    pm = new_context().new_page()
    sign_in_staff(pm, PM)
    pm.goto(f"/attestations/{attestation_id}/")
    expect(pm.locator("main h1")).to_contain_text(number)
    expect(pm.locator("main h1 .badge-ok")).to_have_count(1)
    revoke = pm.locator(f"main form[action='/attestations/{attestation_id}/revoquer/']")
    revoke.locator("textarea[name='reason']").fill(REVOCATION)
    submit(pm, revoke.locator("button[type='submit']"))
    expect(pm).to_have_url(url_path_re(f"/attestations/{attestation_id}/"))
    expect_success(pm)
    expect(pm.locator("main h1 .badge-err")).to_have_count(1)
    expect(pm.locator("main dl.facts")).to_contain_text(REVOCATION)
    expect(
        pm.locator(f"main form[action='/attestations/{attestation_id}/revoquer/']")
    ).to_have_count(0)

    public.reload()
    expect(public.locator("main .alert-error")).to_contain_text(
        re.compile(r"révoquée", re.IGNORECASE)
    )
    expect(public.locator("main .alert-ok")).to_have_count(0)
    expect(public.locator("main dl.facts")).to_contain_text("Nina G.")
    shot(public, "verify-revoked")
    print(f"journey: {time.monotonic() - started:.1f} s")
