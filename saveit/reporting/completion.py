"""The completion report's content: the dashboard of the engagement, frozen at closure.

The report is rendered from the same figures and the same SVG charts as the dashboard page.
Its snapshot keeps a fingerprint of the figures, so the closure gate sees when a learner's later
action makes a generated report out of date.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal
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
from .models import CompletionReport, StatusCell
from .selectors import Filters, Scope, versions


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


def _rate(value: object) -> Decimal | None:
    """A rate of the snapshot (an exact decimal kept as text), back to a number."""
    return None if value is None else Decimal(str(value))


def _figures(totals: dict[str, Any]) -> list[dict[str, str]]:
    """The key figures, from `Figures.as_dict()` as the report's snapshot keeps it."""
    return [
        {"label": _("assignments"), "value": french_number(totals["assigned"]), "note": ""},
        {
            "label": _("completion rate"),
            "value": _percent(_rate(totals["completion_rate"])),
            "note": _("%(c)s completed") % {"c": french_number(totals["completed"])},
        },
        {
            "label": _("pass rate"),
            "value": _percent(_rate(totals["pass_rate"])),
            "note": _("%(p)s passed") % {"p": french_number(totals["passed"])},
        },
        {
            "label": _("average score"),
            "value": _percent(_rate(totals["average_score"])),
            "note": _("median %(m)s") % {"m": _percent(_rate(totals["median_score"]))},
        },
        {
            "label": _("overdue"),
            "value": french_number(totals["overdue"]),
            "note": _("on the date of the report"),
        },
        {
            "label": _("mean time on task"),
            "value": _minutes(totals["mean_seconds"]),
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


def report_data(report: CompletionReport, *, live: bool = True) -> dict[str, Any]:
    """What the report's PDF shows. Its figures come from the snapshot taken when it was issued;
    the charts and the learner list are drawn from the engagement now (`live`), which is what
    they were at issue while the report is current."""
    from saveit.engagements.pdf_data import common

    engagement = report.engagement
    board = board_of(engagement)
    frozen = report.snapshot
    with override("fr"):  # the statuses of the learner list too: artefacts are French
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
            "figures": _figures(frozen["totals"]),
            "versions": _version_rows(frozen["versions"]),
            "populations": [
                _population_row(p["name"], p["figures"]) for p in frozen["populations"]
            ],
            "charts": [],
            "learners": [],
            "learners_note": "",
        }
        if live:
            learners, total = _learners(engagement)
            data |= {
                "charts": [
                    {"title": title, "svg": draw(board, PDF_FONT_FAMILY)}
                    for title, draw in (
                        (_("Completion by module version"), charts.completion_by_version),
                        (_("Where the learners are"), charts.status_by_version),
                        (_("Versions followed"), charts.versions_followed),
                        (_("Completion over time"), charts.completion_trend),
                    )
                ],
                "learners": learners,
                "learners_note": _learners_note(len(learners), total),
            }
    return data


def report_page_data(report: CompletionReport) -> dict[str, Any]:
    """The report's HTML page: the same data as its PDF. Once a learner's later action has made
    it out of date, the charts and learners of today are no longer the issued ones: the page then
    shows the issued figures only and sends to the PDF for the rest."""
    current = is_current(report)
    data = report_data(report, live=current)
    if not current:
        with override("fr"):
            data["stale_note"] = _(
                "Figures have changed since this report was issued: this page shows its figures "
                "as issued; its charts and learner list are in its PDF."
            )
    return data


def _scope(engagement: Engagement, board: Dashboard) -> dict[str, Any]:
    sizes = {p.name: p.members.count() for p in engagement.populations.all()}
    return {
        "period": _("from %(day)s") % {"day": long_date(engagement.started_on)},
        "populations": [{"name": name, "size": french_number(n)} for name, n in sizes.items()],
        "modules": [f"{m.code} · {m.title}" for m in board.modules],
    }


def _version_rows(rows: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The versions of the snapshot; a version's title and activation never change."""
    known = versions([row["version_id"] for row in rows], with_sources=False)
    result = []
    for row in rows:
        version, figures = known.get(row["version_id"]), row["figures"]
        result.append(
            {
                "module": f"{row['code']} · {version.title if version else ''}",
                "version": row["label"],
                "sha256_short": row["content_sha256"][:12],
                "sources": ", ".join(row["sources"]) or "—",
                "activated_on": (long_date(version.activated_at) if version else "") or "—",
                "assigned": french_number(figures["assigned"]),
                "completed": french_number(figures["completed"]),
                "completion_rate": _percent(_rate(figures["completion_rate"])),
            }
        )
    return result


def _population_row(name: str, figures: dict[str, Any]) -> dict[str, str]:
    return {
        "name": name,
        "assigned": french_number(figures["assigned"]),
        "completed": french_number(figures["completed"]),
        "passed": french_number(figures["passed"]),
        "completion_rate": _percent(_rate(figures["completion_rate"])),
        "pass_rate": _percent(_rate(figures["pass_rate"])),
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
