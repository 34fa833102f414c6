"""The engagement page says what is done and what is missing, in words a user can act on."""

from __future__ import annotations

import re

from django.urls import reverse
from django.utils import translation

from saveit.orchestration.gates import GATES
from saveit.testing.engagement_setup import through_phase_0
from saveit.testing.factories import signed_in


def _checklist(html: str) -> dict[str, str]:
    items = re.findall(r'<li class="(met|unmet)" data-check="([a-z_]+)">', html)
    return {name: state for state, name in items}


def test_checklist_names_done_checks_with_their_done_text(engagement, pm, owner):
    engagement = through_phase_0(engagement, pm, owner)  # now in phase 1, nothing uploaded
    html = signed_in(pm).get(reverse("engagements:detail", args=[engagement.pk])).content.decode()
    states = _checklist(html)
    assert states["sources_uploaded"] == "unmet"
    assert states["mapping_report_current"] == "met"  # no report yet: nothing out of date
    current = next(c for c in GATES[1] if c.name == "mapping_report_current")
    with translation.override("fr"):  # the page speaks the user's language, French
        done, message = str(current.done), str(current.message)
    assert done in html
    assert message not in html


def test_every_check_has_a_done_text():
    for checks in GATES.values():
        for check in checks:
            assert check.done and str(check.done) != str(check.message), check.name


def test_only_the_most_specific_navigation_entry_is_current(owner):
    html = signed_in(owner).get(reverse("engagements:to_sign")).content.decode()
    current = re.findall(r'<a[^>]*aria-current="page"[^>]*>([^<]*)<', html)
    assert len(current) == 1, current
