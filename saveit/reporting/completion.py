"""The completion report's content: the dashboard of the engagement, frozen at closure.

The report is rendered from the same figures and the same SVG charts as the dashboard page.
Its snapshot keeps a fingerprint of the figures, so the closure gate sees when a learner's later
action makes a generated report out of date.
"""

from __future__ import annotations

import hashlib
from typing import Any

import orjson
from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import override

from saveit.core.charts import PDF_FONT_FAMILY
from saveit.core.dates import long_date
from saveit.core.pdf import render_pdf
from saveit.core.tables import PDF_MAX_ROWS, display, french_number
from saveit.engagements.models import Engagement

from . import charts, exports
from .dashboard import Dashboard, build
from .figures import Figures
from .models import CompletionReport, StatusCell
from .selectors import Filters, Scope


def fingerprint(engagement: Engagement) -> str:
    """A digest of every figure of the engagement (changes with any learner's progress)."""
    rows = (
        StatusCell.objects.filter(engagement_id=engagement.pk)
        .values_list("module_version_id", "population_id", "site", "status")
        .annotate(n=Sum("n"), s=Sum("seconds"), t=Sum("score_sum"))
        .order_by("module_version_id", "population_id", "site", "status")
    )
    return hashlib.sha256(orjson.dumps([list(row) for row in rows])).hexdigest()


def board_of(engagement: Engagement) -> Dashboard:
    return build(Scope(engagement.client_id, engagement.pk), Filters())


def snapshot(engagement: Engagement) -> dict[str, Any]:
    board = board_of(engagement)
    return {
        "fingerprint": fingerprint(engagement),
        "totals": board.totals.as_dict(),
        "versions": [
            {
                "version_id": row.version.pk,
                "code": row.version.module.code,
                "label": row.version.label,
                "content_sha256": row.version.content_sha256,
                "sources": row.sources,
                "figures": row.figures.as_dict(),
            }
            for row in board.versions
        ],
        "populations": [{"name": n, "figures": f.as_dict()} for n, f in board.populations],
    }


def is_current(report: CompletionReport) -> bool:
    return report.snapshot.get("fingerprint") == fingerprint(report.engagement)


def _percent(value: object) -> str:
    return "—" if value is None else f"{display(value)}\u00a0%"


def _figures(totals: Figures) -> list[dict[str, str]]:
    return [
        {"label": _("assignments"), "value": french_number(totals.assigned), "note": ""},
        {
            "label": _("completion rate"),
            "value": _percent(totals.completion_rate),
            "note": _("%(c)s completed") % {"c": french_number(totals.completed)},
        },
        {
            "label": _("pass rate"),
            "value": _percent(totals.pass_rate),
            "note": _("%(p)s passed") % {"p": french_number(totals.passed)},
        },
        {
            "label": _("average score"),
            "value": _percent(totals.average_score),
            "note": _("median %(m)s") % {"m": _percent(totals.median_score)},
        },
        {
            "label": _("overdue"),
            "value": french_number(totals.overdue),
            "note": _("on the date of the report"),
        },
        {
            "label": _("mean time on task"),
            "value": _minutes(totals.mean_seconds),
            "note": _("per started assignment"),
        },
    ]


def _minutes(seconds: int | None) -> str:
    return "—" if seconds is None else f"{round(seconds / 60)}\u00a0min"


def _learners(engagement: Engagement) -> tuple[list[list[str]], int]:
    table = exports.learners_table(Scope(engagement.client_id, engagement.pk), Filters())
    rows: list[list[str]] = []
    total = 0
    for row in table.rows:
        total += 1
        if len(rows) < PDF_MAX_ROWS:
            last, first, _email, _id, site, _pop, version, status, score, done, _due, number = row[
                :12
            ]
            rows.append(
                [f"{last} {first}", site or "—", version, status, _percent(score),
                 display(done) if done else "—", number or "—"]
            )  # fmt: skip
    return rows, total


def _labels() -> dict[str, str]:
    from saveit.core.pdf.documents import base_labels

    return base_labels(_("Completion report")) | {
        "scope": _("Scope"),
        "period": _("Period"),
        "populations": _("Populations"),
        "modules": _("Modules"),
        "figures": _("Key figures"),
        "versions": _("Module versions deployed"),
        "module": _("Module"),
        "version": _("Version"),
        "sources": _("Source procedures"),
        "activated_on": _("Activated on"),
        "assigned": _("Assigned"),
        "completed": _("Completed"),
        "passed": _("Passed"),
        "completion_rate": _("Completion"),
        "pass_rate": _("Pass rate"),
        "charts": _("Charts"),
        "results_by_population": _("Results by population"),
        "population": _("Population"),
        "learners": _("Learners and results"),
        "learner": _("Learner"),
        "site": _("Site"),
        "status": _("Status"),
        "score": _("Score"),
        "completed_on": _("Completed on"),
        "attestation": _("Attestation"),
        "none": _("None."),
    }


def report_data(report: CompletionReport) -> dict[str, Any]:
    from saveit.engagements.pdf_data import common

    engagement = report.engagement
    board = board_of(engagement)
    with override("fr"):  # the statuses of the learner list too: artefacts are French
        learners, total = _learners(engagement)
        data = common(
            engagement,
            title=_("Completion report"),
            reference=f"{engagement.reference}-RC{report.revision}",
            issued_on=report.created_at,
        )
        data.pop("signature", None)
        data |= {
            "labels": _labels(),
            "scope": _scope(engagement, board),
            "figures": _figures(board.totals),
            "versions": [_version_row(row) for row in board.versions],
            "charts": [
                {"title": title, "svg": draw(board, PDF_FONT_FAMILY)}
                for title, draw in (
                    (_("Completion by module version"), charts.completion_by_version),
                    (_("Where the learners are"), charts.status_by_version),
                    (_("Versions followed"), charts.versions_followed),
                    (_("Completion over time"), charts.completion_trend),
                )
            ],
            "populations": [_population_row(name, f) for name, f in board.populations],
            "learners": learners,
            "learners_note": _learners_note(len(learners), total),
        }
    return data


def _scope(engagement: Engagement, board: Dashboard) -> dict[str, Any]:
    sizes = {p.name: p.members.count() for p in engagement.populations.all()}
    return {
        "period": _("from %(day)s") % {"day": long_date(engagement.started_on)},
        "populations": [{"name": name, "size": french_number(n)} for name, n in sizes.items()],
        "modules": [f"{m.code} · {m.title}" for m in board.modules],
    }


def _version_row(row: Any) -> dict[str, str]:
    return {
        "module": f"{row.version.module.code} · {row.version.title}",
        "version": row.version.label,
        "sha256_short": row.version.content_sha256[:12],
        "sources": ", ".join(row.sources) or "—",
        "activated_on": long_date(row.version.activated_at) or "—",
        "assigned": french_number(row.figures.assigned),
        "completed": french_number(row.figures.completed),
        "completion_rate": _percent(row.figures.completion_rate),
    }


def _population_row(name: str, figures: Figures) -> dict[str, str]:
    return {
        "name": name,
        "assigned": french_number(figures.assigned),
        "completed": french_number(figures.completed),
        "passed": french_number(figures.passed),
        "completion_rate": _percent(figures.completion_rate),
        "pass_rate": _percent(figures.pass_rate),
    }


def _learners_note(shown: int, total: int) -> str:
    if shown == total:
        return _("Every assignment of the engagement, by learner: %(n)s lines.") % {
            "n": french_number(total)
        }
    return _(
        "The first %(shown)s of %(total)s lines are printed; the evidence pack holds the complete "
        "list (CSV and XLSX)."
    ) % {"shown": french_number(shown), "total": french_number(total)}


def render_completion_report(report: CompletionReport) -> bytes:
    return render_pdf("completion_report", report_data(report))
