"""The audit binder: per indicator a PDF summary and its evidence, sealed like an evidence pack.

One zip per indicator, or one for the whole framework holding every indicator's folder. Each
zip carries `manifest.json` (every file's SHA-256 and size) and `seal.json` (the manifest's
digest signed with the installation's key) written by `saveit.audit.evidence.PackWriter`, the
evidence pack's own sealing, so `verify_binder` (= `verify_pack`) detects a changed, missing or
added file. Built in the background (`quality.binder` job kind), never inside a request.
"""

from __future__ import annotations

import csv
import io
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import orjson
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from saveit.accounts.models import Organization
from saveit.audit.evidence import PackReport, PackWriter, verify_pack
from saveit.core.keys import signing_key, verification_public_keys
from saveit.core.tables import Column, Table, to_pdf

from . import selectors
from .models import Framework, ImprovementAction
from .selectors import IndicatorRow

FORMAT = "saveit-quality-binder/1"
Tick = Callable[[int, int, str], None]


def _absolute(url: str) -> str:
    return settings.SITE_URL + url if url.startswith("/") else url


def _summary_pdf(row: IndicatorRow, framework: Framework, provider: Organization) -> bytes:
    a = row.assessment
    i = row.indicator
    with override("fr"):
        level = a.get_level_display() if a and a.level else _("not assessed yet")
        proposed = a.get_proposed_level_display() if a and a.proposed_level else "—"
        subtitle = _(
            "%(framework)s · self-assessed level: %(level)s · "
            "level the evidence supports: %(proposed)s"
        ) % {
            "framework": framework.title,
            "level": level,
            "proposed": proposed,
        }
        notes = [_("Expected: %(text)s") % {"text": i.expected}]
        if not row.applies:
            notes.append(_("Not applicable: %(reason)s") % {"reason": row.reason})
        if a and a.shown_to_auditor:
            notes.append(_("Shown to the auditor: %(text)s") % {"text": a.shown_to_auditor})
        for missing in a.missing if a else []:
            notes.append(_("Missing: %(text)s") % {"text": missing})
        table = Table(
            title=_("Indicator %(ref)s · %(title)s") % {"ref": i.reference, "title": i.title},
            columns=[
                Column("kind", _("Kind")),
                Column("label", _("Evidence")),
                Column("dated", _("Dated")),
                Column("url", _("Link")),
            ],
            rows=[
                [
                    e.kind,
                    e.label,
                    e.dated.strftime("%d/%m/%Y") if e.dated else "—",
                    _absolute(e.url),
                ]
                for e in row.evidence
            ],
            subtitle=subtitle,
            notes=notes,
        )
        return to_pdf(table, issuer=provider.name)


def _evidence_json(row: IndicatorRow) -> bytes:
    return orjson.dumps(
        [
            {
                "kind": e.kind,
                "label": e.label,
                "url": e.url,
                "record_type": e.record_type,
                "record_id": e.record_id,
                "dated": e.dated.isoformat() if e.dated else None,
                "collected_at": e.collected_at.isoformat(),
            }
            for e in row.evidence
        ],
        option=orjson.OPT_INDENT_2,
    )


def _register_csv(provider: Organization, number: int) -> tuple[str, bytes] | None:
    """The register behind a criterion 7 indicator, as a CSV without personal data."""
    from .models import Complaint, SurveyAnswer

    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    if number == 30:
        writer.writerow(
            [
                "moment",
                "respondent",
                "module",
                "objectives",
                "methods",
                "materials",
                "organisation",
                "answered_at",
            ]
        )
        for a in SurveyAnswer.objects.filter(organization=provider).select_related(
            "request__module"
        ):
            writer.writerow(
                [
                    a.request.moment,
                    a.request.respondent,
                    a.request.module.code if a.request.module else "",
                    a.objectives,
                    a.methods,
                    a.materials,
                    a.organisation,
                    a.answered_at.isoformat(),
                ]
            )
        return "enquetes.csv", out.getvalue().encode("utf-8-sig")
    if number == 31:
        writer.writerow(
            [
                "number",
                "kind",
                "party",
                "received_at",
                "acknowledge_by",
                "acknowledged_at",
                "answer_by",
                "answered_at",
                "status",
            ]
        )
        for c in Complaint.objects.filter(organization=provider):
            writer.writerow(
                [
                    c.number,
                    c.kind,
                    c.party,
                    c.received_at.isoformat(),
                    c.acknowledge_by,
                    c.acknowledged_at.isoformat() if c.acknowledged_at else "",
                    c.answer_by,
                    c.answered_at.isoformat() if c.answered_at else "",
                    c.status,
                ]
            )
        return "reclamations.csv", out.getvalue().encode("utf-8-sig")
    if number == 32:
        writer.writerow(
            ["number", "title", "cause", "due_on", "status", "done_on", "efficacy_checked_on"]
        )
        for x in ImprovementAction.objects.filter(organization=provider):
            writer.writerow(
                [
                    x.number,
                    x.title,
                    x.cause,
                    x.due_on,
                    x.status,
                    x.done_on or "",
                    x.efficacy_checked_on or "",
                ]
            )
        return "actions.csv", out.getvalue().encode("utf-8-sig")
    return None


def _add_indicator(
    pack: PackWriter, row: IndicatorRow, framework: Framework, provider: Organization, prefix: str
) -> None:
    ref = row.indicator.reference
    pack.add(
        f"{prefix}synthese.pdf",
        _summary_pdf(row, framework, provider),
        description=f"summary of indicator {ref}",
    )
    pack.add(
        f"{prefix}preuves/liens.json",
        _evidence_json(row),
        description=f"evidence links of indicator {ref}",
    )
    if framework.code == "qualiopi":
        register = _register_csv(provider, row.indicator.number)
        if register:
            pack.add(f"{prefix}preuves/{register[0]}", register[1], description="register")


def build_binder(
    *,
    provider: Organization,
    framework: Framework,
    target: IO[bytes],
    indicator_number: int | None = None,
    tick: Tick | None = None,
) -> str:
    """Writes the sealed zip to `target`; returns the manifest's SHA-256."""
    rows = selectors.indicator_rows(framework, provider, with_evidence=True)
    if indicator_number is not None:
        rows = [r for r in rows if r.indicator.number == indicator_number]
    with zipfile.ZipFile(target, "w") as archive:
        pack = PackWriter(archive)
        for done, row in enumerate(rows, 1):
            prefix = (
                ""
                if indicator_number is not None
                else f"indicateurs/{row.indicator.reference.replace('.', '-')}/"
            )
            _add_indicator(pack, row, framework, provider, prefix)
            if tick:
                tick(done, len(rows), row.indicator.reference)
        digest, _seal = pack.seal(
            {
                "binder": FORMAT,
                "framework": {"code": framework.code, "version": framework.version},
                "provider": provider.name,
                "indicator": indicator_number,
                "sealed_at": timezone.now().isoformat(),
            },
            signing_key(),
        )
    return digest


def verify_binder(source: str | Path | IO[bytes]) -> PackReport:
    """Offline check of a binder: every file against the manifest, the seal against the key."""
    return verify_pack(
        str(source) if isinstance(source, Path) else source, expected_key=verification_public_keys()
    )


def build_to_temp(**kwargs: Any) -> Path:
    handle = tempfile.NamedTemporaryFile(suffix=".zip", delete=False)  # noqa: SIM115
    with handle:
        build_binder(target=handle, **kwargs)
    return Path(handle.name)
