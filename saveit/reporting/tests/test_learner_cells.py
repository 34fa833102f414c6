"""The learner list's assignment cells, written by a tag for speed: the same French cells as the
template markup they replace, escaped."""

from __future__ import annotations

from datetime import UTC, date, datetime

from django.utils import translation

from saveit.catalog.models import Module, ModuleVersion
from saveit.learning.models import Assignment
from saveit.reporting.templatetags.reporting_format import assignment_cells


def row(attestation_number: str | None = None, **fields: object) -> Assignment:
    """An assignment as learner_page gives it: its version and module, its attestation's number."""
    version = ModuleVersion(module=Module(code="<b>HAB-01</b>"), major=2, minor=1)
    assignment = Assignment(module_version=version, **fields)
    assignment.attestation_number = attestation_number  # type: ignore[attr-defined]
    return assignment


def test_a_passed_assignment_shows_its_score_date_and_attestation_in_french():
    passed = row(
        status=Assignment.Status.PASSED,
        best_score=85,
        completed_at=datetime(2026, 3, 31, 22, 30, tzinfo=UTC),  # 1 April in Paris
        seconds_spent=4_000,
        attestation_number="ATT-2026-000042",
    )
    with translation.override("fr"):
        html = assignment_cells(passed, date(2026, 6, 1))
    assert html == (
        "<td>&lt;b&gt;HAB-01&lt;/b&gt; v2.1</td>"
        '<td><span class="badge badge-ok">réussi</span></td>'
        '<td class="num">85\u00a0%</td>'
        '<td class="nowrap">1 avril 2026</td>'
        '<td class="nowrap col-low">ATT-2026-000042</td>'
        '<td class="num col-low">1\u00a0h\u00a006</td>'
    )


def test_an_open_assignment_past_its_due_date_is_marked_overdue():
    late = row(status=Assignment.Status.IN_PROGRESS, due_on=date(2026, 5, 31), seconds_spent=0)
    with translation.override("fr"):
        html = assignment_cells(late, date(2026, 6, 1))
        on_time = assignment_cells(late, date(2026, 5, 31))
    assert (
        '<span class="badge badge-warn">en cours</span> <span class="badge badge-err">en retard</span>'
        in html
    )
    assert "badge-err" not in on_time
    assert html.count("—") == 3  # no score, no completion date, no attestation
