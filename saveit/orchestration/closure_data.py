"""What the delivery note states and shows (rendered in French, like every artefact)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import override

from saveit.catalog.models import ModuleVersion
from saveit.certificates.selectors import attestations_of_engagement
from saveit.core.dates import long_date
from saveit.core.pdf import render_pdf
from saveit.core.pdf.documents import base_labels
from saveit.core.tables import french_number
from saveit.engagements.models import DeliveryNote, Engagement
from saveit.engagements.pdf_data import common


def delivery_snapshot(engagement: Engagement, report: Any) -> dict[str, Any]:
    """The deliverables at the moment of issue: module versions, training, documents."""
    active = ModuleVersion.objects.filter(
        module__engagement=engagement, activated_at__isnull=False
    ).select_related("module")
    records = {
        version.pk: record.revision
        for record in engagement.acceptance_records.filter(document__isnull=False)
        for version in record.versions.all()
    }
    totals = report.snapshot.get("totals", {})
    return {
        "modules": [
            {
                "version_id": v.pk,
                "module": f"{v.module.code} · {v.title}",
                "version": v.label,
                "content_sha256": v.content_sha256,
                "activated_on": v.activated_at.date().isoformat() if v.activated_at else "",
                "record": records.get(v.pk),
            }
            for v in active.order_by("module__code", "major", "minor")
        ],
        "training": {
            "populations": engagement.populations.count(),
            "assigned": totals.get("assigned", 0),
            "completed": totals.get("completed", 0),
            "passed": totals.get("passed", 0),
            "attestations": attestations_of_engagement(engagement).count(),
        },
        "documents": [
            {
                "kind": "completion_report",
                "revision": report.revision,
                "sha256": report.document.sha256,
            }
        ],
    }


def delivery_note_data(note: DeliveryNote) -> dict[str, Any]:
    engagement, snap = note.engagement, note.snapshot
    with override("fr"):
        data = common(
            engagement,
            title=_("Delivery note"),
            reference=f"{engagement.reference}-BL{note.revision}",
            issued_on=note.created_at,
        )
        training = snap["training"]
        data |= {
            "labels": base_labels(_("Delivery note"))
            | {
                "modules": _("Certifying modules delivered"),
                "module": _("Module"),
                "version": _("Version"),
                "fingerprint": _("SHA-256"),
                "activated_on": _("Activated on"),
                "record": _("Validation record"),
                "training": _("Training delivered"),
                "documents": _("Documents delivered"),
                "document": _("Document"),
                "reference_col": _("Reference"),
                "none": _("None."),
            },
            "modules": [
                {
                    "module": m["module"],
                    "version": m["version"],
                    "sha256_short": m["content_sha256"][:12],
                    "activated_on": long_date(_date(m["activated_on"])) or "—",
                    "record": _("revision %(n)s") % {"n": m["record"]} if m["record"] else "—",
                }
                for m in snap["modules"]
            ],
            "training": [
                {"label": _("Populations"), "value": french_number(training["populations"])},
                {"label": _("Assignments"), "value": french_number(training["assigned"])},
                {"label": _("Completed"), "value": french_number(training["completed"])},
                {"label": _("Passed"), "value": french_number(training["passed"])},
                {
                    "label": _("Attestations issued"),
                    "value": french_number(training["attestations"]),
                },
            ],
            "documents": [
                {
                    "title": _("Completion report"),
                    "reference": f"{engagement.reference}-RC{d['revision']}",
                    "sha256_short": d["sha256"][:12],
                }
                for d in snap["documents"]
            ]
            + [
                {
                    "title": _("Attestations (one PDF per learner who passed)"),
                    "reference": french_number(training["attestations"]),
                    "sha256_short": "—",
                }
            ],
            "statement": _(
                "By signing, the client acknowledges receipt of the deliverables listed above, "
                "in accordance with the signed proposal."
            ),
        }
    return data


def _date(text: str) -> Any:
    return date.fromisoformat(text) if text else None


def render_delivery_note(note: DeliveryNote) -> bytes:
    return render_pdf("delivery_note", delivery_note_data(note))
