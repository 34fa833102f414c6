"""Issue 21's before/after: the five commonest tasks done by clicking, counted, and screenshots.

Not a pytest module (no test_ prefix): run it against a demo served by scripts/lib_server.sh
(config.settings.e2e, `manage.py demo`), once for the code before issue 21 and once for today's:

    .venv/bin/python e2e/screens_before_after.py --base-url http://127.0.0.1:PORT \\
        --var-dir /tmp/saveit-srv.XXXX --root /work/wt/before --label before --out var/screens

--root is the worktree whose code serves the demo: the set-up (below) runs there, with its own
models and services, against the server's database (--var-dir). --var-dir also lets a second
sign-in of a staff member give the current code of the authenticator enrolled at the first one.

Set-up (not counted, not a user's click): the demo leaves the Hélios owner nothing to sign or
approve and no overdue learner, so the script adds, through the services of the code under test,
a Hélios engagement whose scoping note waits for her signature, another one in phase 4 whose
module version waits for her review (the demo's own module loader, under a new title), a
population not yet assigned (two new learners) and one demo learner whose due date has passed.

Counting: each page navigation by a link and each button press is a click; typing in a field and
choosing in a drop-down list are not. Sign-in is not counted: each task starts on the home page
the role lands on, and follows the shortest path a new user finds from it (never a typed URL).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path

from playwright.sync_api import Browser, Locator, Page, expect, sync_playwright

if __package__ in (None, ""):  # run as a file: make `e2e` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from e2e.conftest import CHROMIUM_ARGS
from e2e.support import DEMO_PASSWORD, sign_in, sign_in_with_second_factor

OWNER = "responsable@helios.demo"
PM = "cheffe.projet@saveit.demo"
MANAGER = "manager@helios.demo"
AGENT = "support@saveit.demo"
OVERDUE_EMAIL = "noe.martin@helios.demo"
DEPLOYED = "Nettoyage et désinfection des paillasses"  # the demo's Hélios engagement in phase 5


@dataclass(frozen=True)
class Names:
    """What the set-up creates; a suffix keeps two runs on one database apart."""

    suffix: str = ""

    @property
    def sign_title(self) -> str:
        return f"Pesée des matières premières{self.suffix}"

    @property
    def review_title(self) -> str:
        return f"Hygiène des mains en zone propre{self.suffix}"

    @property
    def population(self) -> str:
        return f"Techniciens de Grenoble{self.suffix}"


ANSWER = "Bonjour, nous avons reproduit le problème ; un correctif part cet après-midi."

SEED = """
from datetime import timedelta
from django.utils import timezone
from saveit.accounts.models import Membership, Organization
from saveit.engagements import services as lifecycle
from saveit.engagements.models import Engagement
from saveit.learning.models import Assignment
from saveit.learning.services import populations
from saveit.reporting import stats
from saveit.web.demo import catalog as demo_catalog
from saveit.web.demo.learning import TITLE as DEPLOYED

client = Organization.objects.get(name="Laboratoires Hélios")
pm = Membership.objects.get(user__email={pm!r}, organization__kind="provider")
owner = Membership.objects.get(user__email={owner!r}, organization=client)
if not Engagement.objects.filter(client=client, title={sign_title!r}).exists():
    e = lifecycle.create_engagement(client=client, by=pm, title={sign_title!r},
        client_owner=owner, summary="Former les préparateurs à la pesée révisée.")
    lifecycle.record_interview(engagement=e, by=pm, held_on=timezone.localdate(),
        participants="Sophie Martin\\nInès Moreau", notes="Douze préparateurs, un site.")
    lifecycle.save_scoping_note(engagement=e, by=pm,
        objectives="Chaque préparateur applique la procédure de pesée.", scope="Site de Lyon",
        constraints="Bonnes pratiques de fabrication.", expectations="Une attestation chacun.",
        planning="Déploiement : février 2027")
    lifecycle.issue_scoping_note(engagement=e, by=pm)
demo_catalog.TITLE = {review_title!r}
demo_catalog.load_demo_modules()
deployed = Engagement.objects.get(client=client, title=DEPLOYED)
if not deployed.populations.filter(name={population!r}).exists():
    population = populations.create_population(engagement=deployed, name={population!r},
        description="Techniciens du site de Grenoble.", by=owner)
    rows = ["Nom;Prénom;E-mail;Matricule;Site;Poste;Manager",
            "Roux;Inès;{grenoble1};H-2001;Grenoble;Technicienne;Sophie Martin",
            "Garcia;Tom;{grenoble2};H-2002;Grenoble;Technicien;Sophie Martin"]
    batch = populations.preview_import(population=population,
        content=("\\n".join(rows) + "\\n").encode(), filename="grenoble.csv", by=owner)
    populations.commit_import(batch=batch, by=owner)
Assignment.objects.filter(engagement=deployed, learner__email={overdue!r}).update(
    due_on=timezone.localdate() - timedelta(days=12))
stats.rebuild([deployed.pk])
print("seeded")
"""


def seed(root: Path, var_dir: str, names: Names) -> None:
    """The set-up above, run by the code of `root` against the server's database."""
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings.e2e", SAVEIT_VAR_DIR=var_dir)
    python = root / ".venv" / "bin" / "python"
    suffix = "".join(ch for ch in names.suffix if ch.isalnum())
    code = SEED.format(
        pm=PM,
        owner=OWNER,
        sign_title=names.sign_title,
        review_title=names.review_title,
        population=names.population,
        overdue=OVERDUE_EMAIL,
        grenoble1=f"ines.roux{suffix}@helios.demo",
        grenoble2=f"tom.garcia{suffix}@helios.demo",
    )
    done = subprocess.run(
        [str(python), "manage.py", "shell", "-c", code],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0 or "seeded" not in done.stdout:
        raise SystemExit(f"set-up failed in {root}:\n{done.stdout}\n{done.stderr}")


# ---------------------------------------------------------------- counting clicks


@dataclass
class Task:
    """One task's clicks, with what each one was, in order."""

    name: str
    who: str
    steps: list[str] = field(default_factory=list)
    found: bool | None = None  # finding tasks: whether what was looked for was told apart

    @property
    def clicks(self) -> int:
        return len(self.steps)


class Clicker:
    """Clicks as a user would, and counts: every click goes through here."""

    def __init__(
        self, page: Page, task: Task, snap: Callable[[str], None] = lambda name: None
    ) -> None:
        self.page, self.task, self.snap = page, task, snap

    def go(self, target: Locator, what: str) -> None:
        """A click that loads a page (link or submit button)."""
        expect(target).to_be_visible()
        with self.page.expect_navigation():
            target.click()
        self.page.wait_for_load_state()
        self.task.steps.append(what)

    def press(self, target: Locator, what: str) -> None:
        """A click that changes the page in place (a disclosure, a tab)."""
        expect(target).to_be_visible()
        target.click()
        self.task.steps.append(what)

    def confirm_if_asked(self) -> None:
        """Irreversible actions may answer with a confirmation page: one more click."""
        confirmation = self.page.locator("main form[data-confirmation]")
        if confirmation.count():
            self.go(confirmation.locator("button[type='submit']"), "confirm")


def nav(page: Page, href: str) -> Locator:
    return page.locator(f"nav.sidenav a[href='{href}']")


def inbox_link(page: Page, section: str, text: str = "") -> Locator | None:
    """The inbox's action button of an item of this section (today's home page), if any."""
    items = page.locator(f"main [data-inbox='{section}'] li.inbox-item")
    if text:
        items = items.filter(has_text=text)
    return items.first.locator("a.btn") if items.count() else None


# ---------------------------------------------------------------- the five tasks


def sign_a_document(page: Page, c: Clicker, names: Names) -> None:
    link = inbox_link(page, "signatures", names.sign_title)
    if link is not None:
        c.go(link, "inbox: Read and sign")
    else:  # before: the navigation's "To sign" list, then the document
        c.go(nav(page, "/missions/a-signer/"), "navigation: To sign")
        row = page.locator("main table tbody tr", has_text=names.sign_title)
        c.go(row.locator("a").last, "To sign: the document's link")
    sign_form = page.locator("main form").filter(has=page.locator("input[name='password']"))
    if sign_form.count() == 0:  # a page about the document, the signing one a link further
        c.go(page.locator("main a[href*='signer']").first, "document: sign")
        sign_form = page.locator("main form").filter(has=page.locator("input[name='password']"))
    intent = sign_form.locator("textarea[name='intent'], input[name='intent']")
    if intent.count() and not intent.first.input_value():
        intent.first.fill("Lu et approuvé")
    sign_form.locator("input[name='password']").fill(DEMO_PASSWORD)
    c.snap("sign-page")
    c.go(sign_form.locator("button[type='submit']"), "sign")
    c.confirm_if_asked()
    expect(page.locator(".toasts .toast-success")).to_be_visible()


def approve_a_module_version(page: Page, c: Clicker, names: Names) -> None:
    link = inbox_link(page, "reviews", names.review_title)
    if link is not None:
        c.go(link, "inbox: Review and approve")
    else:  # before: engagements, the engagement, its modules, the version's preview
        c.go(nav(page, "/missions/"), "navigation: Engagements")
        c.go(
            page.locator("main a", has_text=names.review_title).first.or_(
                page.locator("main tr", has_text=names.review_title).locator("a").first
            ),
            "the engagement",
        )
        c.go(page.locator("main a[href$='/modules/']").first, "Open the modules")
        c.go(page.locator("main a[href$='/apercu/']").first, "the version's preview")
    form = page.locator("main form[action$='/approuver/']")
    c.snap("approve-page")
    c.go(form.locator("button[type='submit']"), "approve")
    c.confirm_if_asked()
    expect(page.locator(".toasts .toast-success")).to_be_visible()


def assign_a_population(page: Page, c: Clicker, names: Names) -> None:
    c.go(nav(page, "/missions/"), "navigation: Engagements")
    c.go(page.locator("main a", has_text=DEPLOYED).first, "the engagement")
    c.go(page.locator("main a[href$='/deploiement/']").first, "Deployment and follow-up")
    form = page.locator("main form[action$='/assigner/']")
    form.locator("select[name='population']").select_option(label=names.population)
    c.snap("assign-page")
    c.go(form.locator("button[type='submit']"), "Assign and invite")
    c.confirm_if_asked()
    expect(page.locator(".toasts .toast-success")).to_be_visible()


def find_an_overdue_learner(page: Page, c: Clicker, names: Names) -> bool:
    """To a list where the overdue learner shows; True when that list tells them apart as late.

    Measured on the code as it is: an inbox entry or a filter for overdue learners, where there
    is one, is followed; otherwise the dashboards' learner list, which shows no due date."""
    late = re.compile("retard", re.IGNORECASE)
    entry = page.locator("main [data-inbox] li.inbox-item").filter(has_text=late)
    if entry.count():
        c.go(entry.first.locator("a.btn"), "inbox: the overdue learners")
    else:
        c.go(nav(page, "/pilotage/"), "navigation: Dashboards")
        c.go(page.locator("main a[href$='/apprenants/']").first, "Learners and results")
    row = page.locator("main table tbody tr", has_text=OVERDUE_EMAIL)
    option = page.locator("main form.dashboard-filters select option").filter(has_text=late)
    if not (row.count() and late.search(row.first.inner_text())) and option.count():
        select = option.first.locator("xpath=..")
        select.select_option(label=option.first.inner_text().strip())
        c.go(page.locator("main form.dashboard-filters button[type='submit']"), "apply filters")
    expect(row.first).to_be_visible()
    return bool(late.search(row.first.inner_text()))


def answer_a_ticket(page: Page, c: Clicker, names: Names) -> None:
    link = inbox_link(page, "tickets")
    if link is not None:
        c.go(link, "inbox: Answer")
    else:  # before: the support queue, then the first ticket
        c.go(nav(page, "/support/"), "navigation: Support")
        c.go(page.locator("main table tbody tr a").first, "the ticket")
    form = page.locator("main form[action$='/message/']")
    form.locator("textarea[name='body']").fill(ANSWER)
    c.snap("ticket-page")
    c.go(form.locator("button[type='submit']"), "Send")
    expect(page.locator("main")).to_contain_text("correctif part cet après-midi")


@dataclass(frozen=True)
class Role:
    key: str  # file names: 21-<label>-home-<key>-<width>.png
    email: str
    staff: bool


ROLES = {
    "owner": Role("client-owner", OWNER, True),
    "pm": Role("project-lead", PM, True),
    "manager": Role("client-manager", MANAGER, False),
    "agent": Role("support-agent", AGENT, True),
}
TASKS: list[tuple[str, str, str, Callable[[Page, Clicker, Names], object]]] = [
    ("sign", "Sign a document", "owner", sign_a_document),
    ("approve", "Approve a module version", "owner", approve_a_module_version),
    ("assign", "Assign a population", "pm", assign_a_population),
    ("overdue", "Find an overdue learner", "manager", find_an_overdue_learner),
    ("ticket", "Answer a support ticket", "agent", answer_a_ticket),
]


def extras(page: Page, shot: Callable[[Page, str], None]) -> None:
    """Not tasks: a page that does not exist, and a form sent empty (its error summary)."""
    page.goto("/missions/999999/")
    shot(page, "error-404")
    page.goto("/support/tickets/nouveau/")
    form = page.locator("main form").filter(has=page.locator("input[name='title']"))
    with page.expect_navigation():
        form.locator("button[type='submit']").click()
    page.wait_for_load_state()
    shot(page, "form-errors")


def run(
    base_url: str, out: Path, label: str, names: Names = Names(), *, shots: bool = True
) -> dict[str, Task]:
    """Launches Chromium and does the five tasks (see run_in)."""
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
            args=CHROMIUM_ARGS,
        )
        try:
            return run_in(browser, base_url, out, label, names, shots=shots)
        finally:
            browser.close()


def run_in(
    browser: Browser,
    base_url: str,
    out: Path,
    label: str,
    names: Names = Names(),
    *,
    shots: bool = True,
) -> dict[str, Task]:
    """Signs in each role once, does its tasks from its home page; returns the counts."""
    out.mkdir(parents=True, exist_ok=True)
    results: dict[str, Task] = {}

    def shot(page: Page, name: str, width: int = 1366) -> None:
        if not shots:
            return
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(out / f"21-{label}-{name}-{width}.png"), full_page=True)
        page.set_viewport_size({"width": 1366, "height": 900})

    for role_name, role in ROLES.items():
        context = browser.new_context(
            base_url=base_url,
            locale="fr-FR",
            timezone_id="Europe/Paris",
            viewport={"width": 1366, "height": 900},
        )
        context.set_default_timeout(20_000)
        page = context.new_page()
        (sign_in_with_second_factor if role.staff else sign_in)(page, role.email)
        home = page.url
        shot(page, f"home-{role.key}")
        shot(page, f"home-{role.key}", 390)
        for key, title, who, perform in TASKS:
            if who != role_name:
                continue
            page.goto(home)  # every task starts on the home page
            task = Task(title, role.email)
            outcome = perform(page, Clicker(page, task, partial(shot, page)), names)
            if isinstance(outcome, bool):
                task.found = outcome
            shot(page, f"{key}-done")
            results[key] = task
            print(f"{label}: {title}: {task.clicks} clicks: {' → '.join(task.steps)}")
        if role_name == "manager":
            extras(page, shot)
        context.close()
    if shots:
        table = {key: {**asdict(task), "clicks": task.clicks} for key, task in results.items()}
        (out / f"clicks-{label}.json").write_text(json.dumps(table, ensure_ascii=False, indent=2))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", default=os.environ.get("BASE_URL"), required=False)
    parser.add_argument("--var-dir", default=os.environ.get("SAVEIT_VAR_DIR"))
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--label", default="after")
    parser.add_argument("--out", type=Path, default=Path("var/screens"))
    parser.add_argument("--no-seed", action="store_true", help="the set-up was done already")
    parser.add_argument("--suffix", default="", help="appended to what the set-up creates")
    args = parser.parse_args()
    if not args.base_url or not args.var_dir:
        parser.error("--base-url and --var-dir (or BASE_URL and SAVEIT_VAR_DIR) are needed")
    os.environ["SAVEIT_VAR_DIR"] = args.var_dir  # staff's second factor: e2e.support reads it
    names = Names(args.suffix)
    if not args.no_seed:
        seed(args.root, args.var_dir, names)
    run(args.base_url.rstrip("/"), args.out, args.label, names)


if __name__ == "__main__":
    main()
