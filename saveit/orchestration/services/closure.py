"""Phase 7: the completion report, the delivery note to sign, the sealed evidence pack, closing.

Once closed, an engagement is read-only for every service (each checks `require_open`); only
`reopen_closed` brings it back, with a reason recorded in the audit chain.
"""

from __future__ import annotations

import hashlib
import tempfile
import zipfile
from dataclasses import dataclass
from typing import Any

from django.core.files import File
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from saveit.accounts.models import Membership
from saveit.audit.chain import record_event
from saveit.audit.checkpoints import CheckpointRefused, checkpoint_chain
from saveit.audit.evidence import PackWriter
from saveit.audit.services import stored_sha256
from saveit.core.errors import Refusal
from saveit.core.jobs import STALE_AFTER, ReportsProgress, no_progress, start_job
from saveit.core.keys import signing_key
from saveit.core.models import BackgroundJob
from saveit.engagements.artefacts import DELIVERY_NOTE
from saveit.engagements.models import DeliveryNote, Engagement, EvidencePack, Phase, PhaseChange
from saveit.engagements.selectors import current_delivery_note
from saveit.engagements.services.common import issue_artefact, lock, require_manager, require_phase
from saveit.engagements.signing import State, state_of
from saveit.reporting.artefacts import COMPLETION_REPORT, current_completion_report
from saveit.reporting.completion import is_current, render_completion_report, snapshot
from saveit.reporting.models import CompletionReport

from .. import evidence


def current_evidence_pack(engagement: Engagement) -> EvidencePack | None:
    return engagement.evidence_packs.order_by("-revision").first()


def report_is_current(engagement: Engagement) -> bool:
    report = current_completion_report(engagement)
    return (
        report is not None
        and state_of(report, needs_signature=False) == State.SIGNED
        and is_current(report)
    )


def pack_is_current(engagement: Engagement) -> bool:
    """The latest pack is intact and covers the current report and signed delivery note."""
    pack = current_evidence_pack(engagement)
    report, note = current_completion_report(engagement), current_delivery_note(engagement)
    if pack is None or report is None or note is None:
        return False
    return (
        pack.covers.get("completion_report") == report.revision
        and pack.covers.get("delivery_note") == note.revision
        and stored_sha256(pack.file.name) == pack.sha256
    )


def _next_revision(queryset) -> int:
    return (queryset.aggregate(n=Max("revision"))["n"] or 0) + 1


@transaction.atomic
def generate_completion_report(*, engagement: Engagement, by: Membership):
    """Render the report from the engagement's figures now; a new revision each time."""
    engagement = lock(engagement)
    require_manager(by)
    require_phase(engagement, Phase.CLOSURE)
    report = CompletionReport.objects.create(
        engagement=engagement,
        revision=_next_revision(CompletionReport.objects.filter(engagement=engagement)),
        snapshot=snapshot(engagement),
    )
    issue_artefact(
        artefact=report, kind=COMPLETION_REPORT, by=by, pdf=render_completion_report(report)
    )
    return report


@transaction.atomic
def issue_delivery_note(*, engagement: Engagement, by: Membership) -> DeliveryNote:
    """The note lists what was delivered, from the current report; the client owner signs it."""
    from ..closure_data import delivery_snapshot, render_delivery_note

    engagement = lock(engagement)
    require_manager(by)
    require_phase(engagement, Phase.CLOSURE)
    if not report_is_current(engagement):
        raise Refusal(
            _("Generate the completion report first: the delivery note lists it."),
            code="no_report",
        )
    note = DeliveryNote.objects.create(
        engagement=engagement,
        revision=_next_revision(engagement.delivery_notes),
        snapshot=delivery_snapshot(engagement, current_completion_report(engagement)),
    )
    issue_artefact(artefact=note, kind=DELIVERY_NOTE, by=by, pdf=render_delivery_note(note))
    return note


EVIDENCE_PACK_JOB = "orchestration.evidence_pack"


def _require_sealable(engagement: Engagement, by: Membership) -> tuple[Any, DeliveryNote]:
    require_manager(by)
    require_phase(engagement, Phase.CLOSURE)
    report, note = current_completion_report(engagement), current_delivery_note(engagement)
    if not report_is_current(engagement) or report is None:
        raise Refusal(_("The completion report is missing or out of date."), code="no_report")
    if note is None or state_of(note) != State.SIGNED:
        raise Refusal(_("The delivery note must be signed by the client first."), code="no_note")
    return report, note


@transaction.atomic
def request_evidence_pack(*, engagement: Engagement, by: Membership) -> BackgroundJob:
    """Check now what can be checked, then leave the sealing to the worker (SPEC §15: a pack
    holds every file of the engagement, minutes of work on a large one)."""
    engagement = lock(engagement)
    _require_sealable(engagement, by)
    if sealing_in_progress(engagement):
        raise Refusal(
            _("A pack of this engagement is already being sealed: follow its progress."),
            code="pack_in_progress",
        )
    return start_job(
        kind=EVIDENCE_PACK_JOB,
        organization_id=by.organization_id,
        requested_by=by.user_id,
        title=_("Evidence pack of %(reference)s") % {"reference": engagement.reference},
        params={"engagement": engagement.pk, "membership": by.pk},
    )


def sealing_in_progress(engagement: Engagement) -> bool:
    alive = timezone.now() - STALE_AFTER
    return (
        BackgroundJob.objects.filter(kind=EVIDENCE_PACK_JOB, params__engagement=engagement.pk)
        .filter(
            Q(status=BackgroundJob.Status.QUEUED)
            | Q(status=BackgroundJob.Status.RUNNING, heartbeat_at__gte=alive)
        )
        .exists()
    )


def seal_evidence_pack(
    *, engagement: Engagement, by: Membership, progress: ReportsProgress = no_progress
) -> EvidencePack:
    """Zip every artefact with its manifest, sign the manifest, record its hash in the chain.

    The zip is written outside any transaction, so that its progress shows to the person
    following it (and no lock is held for minutes): a short transaction checks the engagement and
    takes the chain checkpoint, a second one records the pack after checking that nothing it
    covers moved in between.
    """
    plan = _prepare_seal(engagement, by)
    with tempfile.TemporaryFile() as buffer:
        with zipfile.ZipFile(buffer, "w") as archive:
            manifest_sha256, count = _write_pack(PackWriter(archive), plan, progress)
        buffer.seek(0)
        digest = hashlib.file_digest(buffer, "sha256").hexdigest()
        size = buffer.tell()
        buffer.seek(0)
        return _record_pack(plan, buffer, manifest_sha256, digest, size, count)


@dataclass
class _SealPlan:
    engagement: Engagement
    by: Membership
    revision: int
    covers: dict[str, Any]
    checkpoint: Any
    sealed_at: Any


@transaction.atomic
def _prepare_seal(engagement: Engagement, by: Membership) -> _SealPlan:
    engagement = lock(engagement)
    report, note = _require_sealable(engagement, by)
    # The client's chain head, signed, goes into the pack: a later truncation of the chain
    # shows against the copy the client holds.
    try:
        checkpoint = checkpoint_chain(engagement.client)
    except CheckpointRefused as broken:
        raise Refusal(
            _("The client's audit chain does not verify: no pack can be sealed (%(why)s).")
            % {"why": broken},
            code="chain_broken",
        ) from broken
    return _SealPlan(
        engagement=engagement,
        by=by,
        revision=_next_revision(engagement.evidence_packs),
        covers={"completion_report": report.revision, "delivery_note": note.revision},
        checkpoint=checkpoint,
        sealed_at=timezone.now(),
    )


def _write_pack(pack: PackWriter, plan: _SealPlan, step: ReportsProgress) -> tuple[str, int]:
    engagement, covers = plan.engagement, plan.covers
    pack.add("LISEZMOI.txt", evidence.readme(engagement))
    step(0, 7, step=_("Signed documents"))
    covers |= {"documents": evidence.add_documents(pack, engagement)}
    step(1, 7, step=_("Source documents"))
    evidence.add_sources(pack, engagement)
    step(2, 7, step=_("Modules"))
    evidence.add_modules(pack, engagement)
    step(3, 7, step=_("Attestations"))
    covers |= {"attestations": evidence.add_attestations(pack, engagement)}
    step(4, 7, step=_("Exports"))
    evidence.add_exports(pack, engagement)
    if slots := evidence.add_attendance(pack, engagement):
        covers |= {"attendance_slots": slots}
    step(5, 7, step=_("Audit trail"))
    covers |= {"audit_events": evidence.add_audit(pack, engagement)}
    step(6, 7, step=_("Sealing"))
    if plan.checkpoint is not None:
        pack.add(
            "audit/checkpoint.json",
            plan.checkpoint.document.encode(),
            description=_("Signed checkpoint of the client's audit chain head"),
        )
        covers |= {"checkpoint_seq": plan.checkpoint.seq}
    header = {
        "engagement": {
            "reference": engagement.reference,
            "title": engagement.title,
            "client": engagement.client.name,
        },
        "revision": plan.revision,
        "sealed_at": plan.sealed_at.isoformat(),
        "sealed_by_membership": plan.by.pk,
        "covers": covers,
    }
    manifest_sha256, _seal = pack.seal(header, signing_key())
    return manifest_sha256, len(pack.entries)


@transaction.atomic
def _record_pack(
    plan: _SealPlan, buffer: Any, manifest_sha256: str, digest: str, size: int, count: int
) -> EvidencePack:
    engagement = lock(plan.engagement)
    report, note = _require_sealable(engagement, plan.by)
    moved = (report.revision, note.revision) != (
        plan.covers["completion_report"],
        plan.covers["delivery_note"],
    )
    if moved or _next_revision(engagement.evidence_packs) != plan.revision:
        raise Refusal(
            _("The engagement changed while its pack was being written: seal it again."),
            code="pack_outdated",
        )
    record = EvidencePack(
        engagement=engagement,
        revision=plan.revision,
        size=size,
        sha256=digest,
        manifest_sha256=manifest_sha256,
        covers=plan.covers,
        files=count,
        sealed_at=plan.sealed_at,
        sealed_by=plan.by,
    )
    record.file.save(
        f"dossier-de-preuves-{engagement.reference}-r{plan.revision}.zip",
        File(buffer),
        save=False,
    )
    record.save()
    record_event(
        organization=engagement.client,
        action="engagement.evidence_sealed",
        actor=plan.by,
        target=engagement,
        after={
            "revision": plan.revision,
            "manifest_sha256": manifest_sha256,
            "pack_sha256": digest,
            "files": count,
        },
    )
    return record


@transaction.atomic
def close_engagement(*, engagement: Engagement, by: Membership) -> Engagement:
    """Called by advance_phase once the closure gate holds: from now on nothing changes."""
    engagement.closed_at = timezone.now()
    engagement.save(update_fields=["closed_at", "updated_at"])
    PhaseChange.objects.create(
        engagement=engagement,
        kind=PhaseChange.Kind.ADVANCE,
        from_phase=Phase.CLOSURE,
        to_phase=Phase.CLOSURE,
        reason="",
        by=by,
        at=engagement.closed_at,
    )
    record_event(
        organization=engagement.client,
        action="engagement.closed",
        actor=by,
        target=engagement,
        after={"pack": current_evidence_pack(engagement).pk},  # type: ignore[union-attr]
    )
    return engagement


@transaction.atomic
def reopen_closed(*, engagement: Engagement, by: Membership, reason: str) -> Engagement:
    """Undo a closure (a missing attestation, a correction): reasoned and recorded."""
    require_manager(by)
    engagement = lock(engagement)
    if engagement.closed_at is None:
        raise Refusal(_("This engagement is not closed."), code="not_closed")
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise Refusal(
            _("Explain why the engagement is reopened (10 characters at least)."), code="reason"
        )
    closed_at = engagement.closed_at
    engagement.closed_at = None
    engagement.save(update_fields=["closed_at", "updated_at"])
    PhaseChange.objects.create(
        engagement=engagement,
        kind=PhaseChange.Kind.REOPEN,
        from_phase=Phase.CLOSURE,
        to_phase=Phase.CLOSURE,
        reason=reason[:2000],
        by=by,
        at=timezone.now(),
    )
    record_event(
        organization=engagement.client,
        action="engagement.reopened",
        actor=by,
        target=engagement,
        before={"closed_at": closed_at.isoformat()},
        after={"reason": reason[:2000]},
    )
    return engagement


__all__ = [
    "close_engagement",
    "current_completion_report",
    "current_delivery_note",
    "current_evidence_pack",
    "generate_completion_report",
    "issue_delivery_note",
    "pack_is_current",
    "reopen_closed",
    "report_is_current",
    "seal_evidence_pack",
]
