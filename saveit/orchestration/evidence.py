"""What goes into an engagement's evidence pack, file by file (sealed by services/closure.py).

documents/   every issued revision of every artefact (notes, reports, proposals, proforma,
             purchase order, PV, completion report, delivery note), as issued
signatures/  the evidence of each signature (who, role, when, what SHA-256, how re-authenticated)
sources/     the client's procedures, each version as uploaded
modules/     each frozen module version (the snapshot its content hash covers)
attestations/  every attestation PDF and an index
presence/    attendance sheets per session and half-day (and the signed paper scans),
             convocations as sent, reminders sent, certificats de réalisation
exports/     the learner list and the dashboard tables (CSV and XLSX)
audit/       the client's audit chain from the engagement's creation (chain.jsonl, checked by
             evidence_verify) and a readable trail (trail.csv)
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

import orjson
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from saveit.attendance import selectors as attendance_selectors
from saveit.attendance.pdf import render_sheet
from saveit.audit.evidence import CHAIN_EXTRACT, PackWriter, chain_line
from saveit.audit.models import AuditEvent, Document
from saveit.audit.trail import csv_lines, export_records
from saveit.catalog.models import ModuleVersion
from saveit.certificates.bulk import index_csv, index_row, render_many
from saveit.certificates.realisation import render_realisation
from saveit.certificates.selectors import attestations_of_engagement
from saveit.core.tables import csv_chunks, to_xlsx
from saveit.core.versions import version_tag
from saveit.documents.models import DocumentVersion
from saveit.engagements.artefacts import artefact_kinds
from saveit.engagements.models import Engagement
from saveit.reporting import exports
from saveit.reporting.dashboard import build
from saveit.reporting.selectors import Filters, Scope


def _slug(text: str) -> str:
    """An ASCII file name part: every unzip tool shows it the same way."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    keep = "".join(c if c.isalnum() else "-" for c in plain.lower())
    return "-".join(part for part in keep.split("-") if part)[:60] or "document"


def _issued(engagement: Engagement) -> Iterator[tuple[str, Model]]:
    """(file stem, artefact) for every issued revision, in the order of the lifecycle."""
    for kind in artefact_kinds():
        for artefact in (
            kind.revisions(engagement).filter(document__isnull=False).order_by("revision")
        ):
            yield f"{kind.file_stem}-r{artefact.revision}", artefact


def _document_bytes(document: Document) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


def _signature_evidence(document: Document) -> bytes:
    signatures = [
        {
            "signer": s.signer_name,
            "role": s.role,
            "organization_id": s.organization_id,
            "statement_of_intent": s.intent,
            "document_sha256": s.document_sha256,
            "signed_at_utc": s.signed_at.isoformat(),
            "signed_at_paris": timezone.localtime(s.signed_at).isoformat(),
            "reauthentication": s.reauth_method,
            "audit_event_seq": s.audit_event.seq,
            "audit_event_hash": s.audit_event.hash,
        }
        for s in document.signatures.select_related("audit_event").order_by("signed_at")
    ]
    body = {
        "document": document.title,
        "file": document.original_name,
        "sha256": document.sha256,
        "signer_roles": document.signer_roles,
        "signatures": signatures,
    }
    return orjson.dumps(body, option=orjson.OPT_INDENT_2)


def add_documents(pack: PackWriter, engagement: Engagement) -> dict[str, int]:
    """Artefacts, proformas and their signature evidence; returns the revisions covered."""
    covered: dict[str, int] = {}
    documents: list[tuple[str, Document]] = [
        (f"{label}.pdf", artefact.document)  # type: ignore[attr-defined]
        for label, artefact in _issued(engagement)
    ]
    documents += [
        (f"facture-proforma-{p.number}.pdf", p.document)
        for p in engagement.proformas.select_related("document").order_by("number")
    ]
    for index, (name, document) in enumerate(documents, start=1):
        pack.add(f"documents/{index:02d}-{name}", _document_bytes(document))
        pack.add(f"signatures/{index:02d}-{name[:-4]}.json", _signature_evidence(document))
        kind, _sep, revision = name[:-4].rpartition("-r")
        if revision.isdigit():
            covered[kind] = max(covered.get(kind, 0), int(revision))
    return covered


def add_sources(pack: PackWriter, engagement: Engagement) -> None:
    versions = DocumentVersion.objects.filter(source__engagement=engagement).select_related(
        "source"
    )
    for version in versions.order_by("source__title", "pk"):
        with version.file.open("rb") as handle:
            content = handle.read()
        tag = _slug(version_tag(version.version_label))
        name = f"{_slug(version.source.title)}-{tag}-{version.pk}"
        suffix = (
            version.original_name.rsplit(".", 1)[-1][:8] if "." in version.original_name else "bin"
        )
        pack.add(f"sources/{name}.{suffix}", content, description=version.original_name)


def add_modules(pack: PackWriter, engagement: Engagement) -> None:
    frozen = ModuleVersion.objects.filter(module__engagement=engagement, snapshot__isnull=False)
    for version in frozen.select_related("module").order_by("module__code", "major", "minor"):
        body = {
            "module": version.module.code,
            "version": version.label,
            "status": version.status,
            "content_sha256": version.content_sha256,
            "snapshot": version.snapshot,
        }
        pack.add(
            f"modules/{_slug(version.module.code)}-{version_tag(version.label)}.json",
            orjson.dumps(body, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS),
        )


def add_attestations(pack: PackWriter, engagement: Engagement) -> int:
    batch = list(attestations_of_engagement(engagement))
    today = timezone.localdate()
    rows = []
    for attestation, (number, pdf) in zip(batch, render_many(batch, today=today), strict=True):
        pack.add(f"attestations/{number}.pdf", pdf)
        rows.append(index_row(attestation, pdf, today=today))
    pack.add("attestations/index.csv", index_csv(rows))
    return len(batch)


def add_attendance(pack: PackWriter, engagement: Engagement) -> int:
    """Sheets per half-day, paper scans, convocations and reminders as recorded, and each
    participant's certificat de réalisation. Returns the number of half-days (0: nothing added)."""
    import csv
    import io

    slots = 0
    learners = {}
    for session in attendance_selectors.sessions_of(engagement):
        for slot in session.slots.all():
            slots += 1
            folder = f"presence/seance-{session.pk}"
            pack.add(f"{folder}/emargement-{slot.pk}.pdf", render_sheet(slot))
            if (paper := slot.paper_sheet) is not None:
                with paper.file.open("rb") as scan:
                    pack.add(f"{folder}/emargement-{slot.pk}-papier.pdf", scan.read())
        for participant in session.participants.select_related("learner"):
            learners[participant.learner_id] = participant.learner
    reminders = attendance_selectors.reminders_sent(engagement)
    if not slots and not reminders.exists():
        return 0
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["session", "email", "envoyee_le", "sujet", "sha256"])
    for c in attendance_selectors.sent_convocations(engagement):
        writer.writerow([c.session_id, c.to_email, c.sent_at.isoformat(), c.subject, c.sha256])
    pack.add("presence/convocations.csv", out.getvalue().encode("utf-8"))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["regle", "email", "envoyee_le", "periode", "affectation"])
    for r in reminders:
        writer.writerow([r.rule, r.to_email, r.sent_at.isoformat(), r.period, r.assignment_id])
    pack.add("presence/relances.csv", out.getvalue().encode("utf-8"))
    for learner in learners.values():
        pack.add(
            f"presence/certificats/certificat-realisation-{learner.pk}.pdf",
            render_realisation(engagement, learner),
        )
    return slots


def add_exports(pack: PackWriter, engagement: Engagement) -> None:
    scope = Scope(engagement.client_id, engagement.pk)
    learners = exports.learners_table(scope, Filters())
    pack.add("exports/apprenants.csv", "".join(csv_chunks(learners)).encode("utf-8"))
    pack.add("exports/apprenants.xlsx", to_xlsx(exports.learners_table(scope, Filters())))
    board = build(scope, Filters())
    for name, table in exports.BOARD_TABLES.items():
        french = exports.FILE_NAMES[name]
        pack.add(f"exports/{french}.csv", "".join(csv_chunks(table(board))).encode("utf-8"))


def add_audit(pack: PackWriter, engagement: Engagement) -> int:
    """The client's chain from the engagement's first event: checkable offline, event by event."""
    events = AuditEvent.objects.filter(organization_id=engagement.client_id)
    first = (
        events.filter(object_type="engagements.engagement", object_id=str(engagement.pk))
        .order_by("seq")
        .values_list("seq", flat=True)
        .first()
    )
    extract = events.filter(seq__gte=first or 1).order_by("seq")
    lines = b"".join(chain_line(row) for row in extract.values().iterator(chunk_size=5000))
    pack.add(CHAIN_EXTRACT, lines, description="hash chain extract, checked by evidence_verify")
    records = export_records(engagement.client, extract)
    pack.add("audit/trail.csv", "".join(csv_lines(records)).encode("utf-8"))
    return extract.count()


def readme(engagement: Engagement) -> bytes:
    """What the pack holds and how to check it, in French (the language of the contract)."""
    with override("fr"):
        text = _(
            "Evidence pack of %(reference)s · %(title)s\nClient: %(client)s\n\n"
            "Contents: documents/ (artefacts as issued and signed), signatures/ (signature "
            "evidence), sources/ (the client's procedures), modules/ (frozen module versions), "
            "attestations/, exports/ (lists and tables), audit/ (extract of the hash-chained "
            "audit trail).\n\n"
            "manifest.json gives each file's SHA-256 and size; seal.json signs the manifest's "
            "SHA-256 with the platform's Ed25519 key (public key included). Offline check: "
            "python manage.py evidence_verify <pack>.zip\n"
        ) % {
            "reference": engagement.reference,
            "title": engagement.title,
            "client": engagement.client.name,
        }
    return text.encode("utf-8")
