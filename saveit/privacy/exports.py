"""The registers as PDF (typst `table` template, like every exported table) and CSV."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from saveit.accounts.selectors import provider_organization
from saveit.core.dates import paris_date
from saveit.core.pdf.render import render_pdf

from .breaches import authority_deadline, client_deadline
from .models import Breach, ProcessingActivity

REGISTER_COLUMNS = (
    ("name", _l("Processing")), ("role", _l("Role")), ("purposes", _l("Purposes")),
    ("legal_basis", _l("Legal basis")), ("data_subjects", _l("People concerned")),
    ("data_categories", _l("Categories of data")), ("recipients", _l("Recipients")),
    ("subprocessors", _l("Sub-processors")), ("transfers", _l("Transfers outside the EU")),
    ("retention", _l("Retention")), ("security", _l("Security measures")),
)  # fmt: skip


def _when(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M") if moment else ""


def _table_pdf(title: str, subtitle: str, headers: list[str], rows: list[list[str]]) -> bytes:
    provider = provider_organization()
    return render_pdf(
        "table",
        {
            "title": title,
            "subtitle": subtitle,
            "issuer": provider.name if provider else "SAVE IT",
            "printed_on": paris_date(timezone.now()).strftime("%d/%m/%Y"),
            "labels": {"page": _("Page"), "printed_on": _("Printed on")},
            "columns": [{"label": h, "numeric": False} for h in headers],
            "rows": rows,
            "notes": [],
        },
    )


def register_rows() -> list[list[str]]:
    rows = []
    for activity in ProcessingActivity.objects.all():
        row = []
        for name, _label in REGISTER_COLUMNS:
            value = activity.get_role_display() if name == "role" else getattr(activity, name)
            row.append(str(value))
        rows.append(row)
    return rows


def register_pdf() -> bytes:
    return _table_pdf(
        _("Record of processing activities"),
        _("As controller and as processor (GDPR art. 30)."),
        [str(label) for _name, label in REGISTER_COLUMNS],
        register_rows(),
    )


def breach_rows(breaches: Any) -> list[list[str]]:
    rows = []
    for b in breaches:
        told = {n.organization_id: n for n in b.notices.all() if n.organization_id}
        clients = ", ".join(
            f"{o.name} ({_('notified') if o.pk in told else _('not notified')})"
            for o in b.organizations.all()
        )
        rows.append(
            [
                b.number,
                b.corrects.number if b.corrects else "",
                _when(b.aware_at),
                b.nature,
                b.data_categories,
                str(b.people_count),
                str(b.records_count),
                b.consequences,
                b.measures,
                b.get_risk_display(),
                clients,
                _when(client_deadline(b)),
                _when(authority_deadline(b)),
            ]
        )
    return rows


BREACH_HEADERS = (
    _l("Number"), _l("Corrects"), _l("Became aware"), _l("Nature"), _l("Categories of data"),
    _l("People"), _l("Records"), _l("Consequences"), _l("Measures"), _l("Risk"), _l("Clients"),
    _l("Clients to notify by"), _l("Authority to notify by"),
)  # fmt: skip


def _breaches() -> Any:
    return Breach.objects.select_related("corrects").prefetch_related("organizations", "notices")


def breaches_pdf() -> bytes:
    return _table_pdf(
        _("Breach register"),
        _("Every personal data breach, notified or not; corrections are new entries."),
        [str(h) for h in BREACH_HEADERS],
        breach_rows(_breaches()),
    )


def breaches_csv() -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([str(h) for h in BREACH_HEADERS])
    writer.writerows(breach_rows(_breaches()))
    return buffer.getvalue().encode("utf-8-sig")
