"""Accessibility checks of a page as it stands, with axe-core (bundled by axe-playwright-python).

Only WCAG 2.1 A and AA rules run. A violation of impact "serious" or "critical" fails the
journey; lesser ones are printed, so that they are seen without blocking anyone.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
BLOCKING = ("serious", "critical")
MAX_NODES = 8  # per rule: enough to find the culprit, short enough to read

_axe = Axe()


def violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's violations of the WCAG 2.1 A/AA rules on the page, as axe reports them."""
    results = _axe.run(
        page,
        options={
            "runOnly": {"type": "tag", "values": list(WCAG_TAGS)},
            "resultTypes": ["violations"],
        },
    )
    return list(results.response["violations"])


def _target(node: dict[str, Any]) -> str:
    """A node's CSS selector; frames and shadow roots are joined with " >>> "."""
    parts = node.get("target") or []
    return " >>> ".join(" ".join(p) if isinstance(p, list) else str(p) for p in parts)


def describe(found: list[dict[str, Any]]) -> str:
    """One block per rule: id, impact, help and its URL, then the elements and what to fix."""
    lines: list[str] = []
    for violation in found:
        nodes = violation.get("nodes") or []
        lines.append(
            f"- {violation['id']} ({violation.get('impact') or 'unknown'}, "
            f"{len(nodes)} element{'s' if len(nodes) != 1 else ''}): {violation['help']}"
        )
        lines.append(f"    {violation.get('helpUrl', '')}")
        for node in nodes[:MAX_NODES]:
            lines.append(f"    * {_target(node)}")
            summary = (node.get("failureSummary") or "").strip().replace("\n", " / ")
            if summary:
                lines.append(f"        {summary}")
        if len(nodes) > MAX_NODES:
            lines.append(f"    * … and {len(nodes) - MAX_NODES} more")
    return "\n".join(lines)


def assert_accessible(page: Page, name: str) -> list[dict[str, Any]]:
    """Fails on any serious or critical WCAG 2.1 A/AA violation; returns the minor ones."""
    found = violations(page)
    blocking = [v for v in found if v.get("impact") in BLOCKING]
    minor = [v for v in found if v.get("impact") not in BLOCKING]
    print(
        f"\naxe {name} ({page.url}): {len(blocking)} serious or critical, {len(minor)} minor"
        + (f"\n{describe(minor)}" if minor else "")
    )
    assert not blocking, (
        f"accessibility of {name} ({page.url}): {len(blocking)} serious or critical "
        f"WCAG 2.1 A/AA violation(s):\n{describe(blocking)}"
    )
    return minor


def look(page: Page, shot: Callable[[Page, str], Path], name: str) -> None:
    """A page as users see it: a screenshot at 1366 and 390 px, nothing scrolling sideways on a
    phone, then axe at 1366 px."""
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_load_state()
        shot(page, f"{name}-{width}")
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width + 1, f"{name} scrolls sideways at {width}px ({scroll}px)"
    page.set_viewport_size({"width": 1366, "height": 900})
    assert_accessible(page, name)
