"""Every page a demo role reaches from its navigation, and the first detail page each list
opens, checked with axe at 1366 px: no serious or critical WCAG 2.1 A/AA violation anywhere.

Read-only on purpose (the journeys share one demo installation): only GET requests, no
download, no form sent but the sign-in.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from .accessibility import BLOCKING, describe, violations
from .support import sign_in, sign_in_with_second_factor, url_path_re

# (e-mail, needs a second factor). The provider's admin reaches every provider page the project
# manager and the designer reach; the client owner every page the client manager reaches.
ROLES = (
    ("admin@saveit.demo", True),
    ("support@saveit.demo", True),
    ("qualite@saveit.demo", True),
    ("responsable@helios.demo", True),
    ("apprenant@helios.demo", False),
)
# Links the sweep never follows: downloads, sign-out, actions behind a GET, other sites, and a
# learner's lessons and assessment (opening them records a view and moves the resume point,
# which the later journeys of the same learner rely on; their pages are checked there).
SKIP = re.compile(
    r"(deconnexion|logout|export|telecharg|download|/pdf/?$|\.(pdf|csv|xlsx|zip|txt|json|xml)$|"
    r"/api/|/admin/|/media/|/static/|preuves|scorm|oubli|connexion|#|"
    r"^/mes-formations/\d+/(lecons|evaluation))",
    re.IGNORECASE,
)
EVERY_ONE = re.compile(r"^/missions/\d+/$")
MAX_PAGES = 45  # per role: one page per URL shape (ids replaced), breadth first
# URL shapes already checked by an earlier role: later roles walk through them for their links
# but do not run axe on them again (the same template), except the home page (each role's own).
CHECKED: set[str] = set()


def _local_links(page: Page, selector: str) -> list[str]:
    hrefs = page.eval_on_selector_all(selector, "els => els.map(e => e.getAttribute('href'))")
    found = []
    for href in hrefs:
        if not href or SKIP.search(href):
            continue
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return list(dict.fromkeys(found))


def _check(page: Page, path: str, problems: dict[str, str], *, audit: bool = True) -> None:
    try:
        response = page.goto(path)
    except PlaywrightError:  # a file download, not a page
        return
    page.wait_for_load_state()
    if "text/html" not in (response.headers.get("content-type", "") if response else ""):
        return
    if response is None or response.status >= 400 or not audit:
        return
    blocking = [v for v in violations(page) if v.get("impact") in BLOCKING]
    if blocking:
        problems[path] = describe(blocking)


@pytest.mark.parametrize(("email", "second_factor"), ROLES, ids=[r[0] for r in ROLES])
def test_every_page_of_the_role_passes_axe(page: Page, email: str, second_factor: bool) -> None:
    page.set_viewport_size({"width": 1366, "height": 900})
    if second_factor:
        sign_in_with_second_factor(page, email)
    else:
        sign_in(page, email)
    if url_path_re("/comptes/2fa/codes-de-secours/").match(page.url):
        page.goto("/")
    problems: dict[str, str] = {}
    seen: set[str] = set()
    shapes: set[str] = set()
    queue = [urlsplit(page.url).path]
    while queue and len(seen) < MAX_PAGES:
        path = queue.pop(0)
        shape = re.sub(r"\d+", "N", path.split("?")[0])
        # Each engagement is visited (they stand in different phases: different pages).
        if path in seen or (shape in shapes and not EVERY_ONE.match(path)):
            continue
        seen.add(path)
        shapes.add(shape)
        key = path if EVERY_ONE.match(path) else shape  # each engagement stands in its own phase
        _check(page, path, problems, audit=shape == "/" or key not in CHECKED)
        CHECKED.update({shape, path})
        queue += _local_links(page, "nav a[href], main a[href]")
    assert len(seen) > 1, f"{email}: no page found in the navigation"
    assert not problems, f"{email}: serious or critical violations\n" + "\n".join(
        f"== {path}\n{text}" for path, text in problems.items()
    )
